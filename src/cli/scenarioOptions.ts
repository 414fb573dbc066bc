import { UsageError } from "../scenario/errors.ts";
import { type LoadedScenario, type LoadOptions, loadScenario } from "../scenario/load.ts";

export interface ScenarioOptions {
  seed?: string;
  set: string[];
  /** `--allow-large`: the work budget's memory limit is not enforced. */
  allowLarge?: boolean;
}

type Loader<Loaded> = (source: string, options: LoadOptions) => Promise<Loaded>;

/**
 * `--seed N` is `--set seed=N`, so it is validated exactly like the scenario's own field.
 * `loader` picks which scenarios the command accepts: perp scenarios unless it says otherwise.
 */
export function loadFromOptions(source: string, options: ScenarioOptions): Promise<LoadedScenario>;
export function loadFromOptions<Loaded>(
  source: string,
  options: ScenarioOptions,
  loader: Loader<Loaded>,
): Promise<Loaded>;
export async function loadFromOptions(
  source: string,
  options: ScenarioOptions,
  loader: Loader<unknown> = loadScenario,
): Promise<unknown> {
  const overrides = [...options.set];
  if (options.seed !== undefined) {
    if (!/^\d+$/.test(options.seed)) {
      throw new UsageError(
        `--seed: "${options.seed}" is not allowed; expected a non-negative integer`,
      );
    }
    overrides.push(`seed=${options.seed}`);
  }
  return loader(source, {
    overrides,
    cwd: process.cwd(),
    budget: { allowLarge: options.allowLarge === true },
  });
}
