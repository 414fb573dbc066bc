import { type LoadedScenario, loadScenario } from "../scenario/load.ts";
import { UsageError } from "./failure.ts";

export interface ScenarioOptions {
  seed?: string;
  set: string[];
}

/** `--seed N` is `--set seed=N`, so it is validated exactly like the scenario's own field. */
export async function loadFromOptions(
  source: string,
  options: ScenarioOptions,
): Promise<LoadedScenario> {
  const overrides = [...options.set];
  if (options.seed !== undefined) {
    if (!/^\d+$/.test(options.seed)) {
      throw new UsageError(
        `--seed: "${options.seed}" is not allowed; expected a non-negative integer`,
      );
    }
    overrides.push(`seed=${options.seed}`);
  }
  return loadScenario(source, { overrides, cwd: process.cwd() });
}
