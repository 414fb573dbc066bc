/**
 * The library entry point: `import { run } from "deleverage"`. `run` loads a scenario (a preset
 * name, a YAML/JSON file, with `--set`-style overrides), runs it and returns the summary, the
 * engine's result and the text of every file `deleverage run` would write — the same bytes — so
 * a notebook, a service or a test can use the engine without the command line. Invalid input
 * throws ScenarioError (its `issues` name the file, line, field and what is allowed).
 */

import { lendingRun, perpRun, type RunOutput, tfgRun } from "./report/runOutputs.ts";

export { fileText, type OutputText } from "./report/runOutputs.ts";

import { loadAnyScenario } from "./scenario/load.ts";

export type { EngineScenario } from "./engine/config.ts";
export type { LendingRun } from "./engine/lending/run.ts";
export type { TfgRun } from "./engine/models/tfg.ts";
export type { EngineSummary, EventLog, RunResult } from "./engine/result.ts";
export { eventTypes, timeseriesColumns } from "./engine/result.ts";
export type { LendingSummary } from "./report/lending.ts";
export type {
  LendingRunOutput,
  OutputFiles,
  PerpRun,
  RunOutput,
  TfgRunOutput,
} from "./report/runOutputs.ts";
export type { Summary } from "./report/summary.ts";
export type { TfgSummary } from "./report/tfg.ts";
export { ScenarioError, type ScenarioIssue } from "./scenario/errors.ts";
export { presetCatalogue } from "./scenario/presets.ts";

export interface RunOptions {
  /** `PATH=VALUE` overrides, exactly as `--set` takes them: ["exchange.insuranceFund=5M"]. */
  set?: readonly string[];
  /** Master seed, instead of the scenario's. */
  seed?: number;
  /** Run i of a stress batch from the same seed; 0 by default. */
  runIndex?: number;
  /** Where relative scenario paths start; the process's working directory by default. */
  cwd?: string;
  onStep?: (step: number, steps: number) => void;
}

/**
 * Runs `scenario` (a preset name such as "example", or a file path) and returns its summary,
 * result and output files. The result is `model`-tagged: "perp", "lending" or "tfg".
 */
export async function run(scenario: string, options: RunOptions = {}): Promise<RunOutput> {
  if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) {
    throw new RangeError(`seed: ${options.seed} is not allowed; expected a non-negative integer`);
  }
  const runIndex = options.runIndex ?? 0;
  if (!(Number.isSafeInteger(runIndex) && runIndex >= 0)) {
    throw new RangeError(`runIndex: ${runIndex} is not allowed; expected a non-negative integer`);
  }
  const overrides = [
    ...(options.set ?? []),
    ...(options.seed === undefined ? [] : [`seed=${options.seed}`]),
  ];
  const loaded = await loadAnyScenario(scenario, { overrides, cwd: options.cwd ?? process.cwd() });
  const settings = { runIndex, onStep: options.onStep };
  if (loaded.model === "tfg") return tfgRun(loaded, settings);
  if (loaded.model === "lending") return lendingRun(loaded, settings);
  return perpRun(loaded, settings);
}
