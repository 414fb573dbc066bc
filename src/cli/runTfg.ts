/**
 * `deleverage run` for `model: tfg` scenarios (Thurner–Farmer–Geanakoplos 2012): the same
 * contract as a perp run — summary.json, timeseries.csv, report.html written all at once,
 * `--json` prints the summary — with the model's own outputs.
 */
import { runTfg } from "../engine/models/tfg.ts";
import { runStreams } from "../engine/random.ts";
import {
  tfgReportHtml,
  tfgSummary,
  tfgSummaryJson,
  tfgSummaryText,
  tfgTimeseriesCsv,
} from "../report/tfg.ts";
import { packageVersion } from "../report/version.ts";
import type { LoadedTfgScenario } from "../scenario/load.ts";
import { writeOutputs } from "./outputs.ts";

export interface TfgRunOutputOptions {
  out: string;
  json?: boolean;
  /** Run i of a batch from one master seed; 0 for a single run. */
  runIndex: number;
}

export function runTfgCommand(
  loaded: LoadedTfgScenario,
  options: TfgRunOutputOptions,
  onStep?: (step: number, steps: number) => void,
): void {
  const scenario = loaded.scenario;
  const run = runTfg(loaded.parameters, runStreams(scenario.seed, options.runIndex).tfg, {
    steps: scenario.steps,
    onStep,
  });
  const summary = tfgSummary(scenario, run, {
    runIndex: options.runIndex,
    scenarioHash: loaded.hash,
    version: packageVersion(),
  });
  const json = tfgSummaryJson(summary);
  writeOutputs(options.out, {
    "summary.json": json,
    "timeseries.csv": tfgTimeseriesCsv(run),
    "report.html": tfgReportHtml(summary, run),
  });
  if (options.json) process.stdout.write(json);
  else process.stdout.write(`${tfgSummaryText(summary)}\nOutputs written to ${options.out}/\n`);
}
