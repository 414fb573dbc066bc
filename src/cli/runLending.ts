/**
 * `deleverage run` for `model: lending` scenarios: summary.json, timeseries.csv, events.csv and a
 * self-contained report.html, written all at once. With `riskRuns: N` the scenario is also run
 * under run indexes runIndex + 1 … runIndex + N, and LaR / VaR are the 95th percentiles of the
 * per-run liquidation volume and insolvent debt over those N + 1 runs.
 */
import { runLending } from "../engine/lending/run.ts";
import {
  lendingEventsCsv,
  lendingStartTime,
  lendingSummary,
  lendingSummaryJson,
  lendingSummaryText,
  lendingTimeseriesCsv,
  percentile95,
  type RiskSummary,
  venueReports,
} from "../report/lending.ts";
import { lendingReportHtml } from "../report/lendingHtml.ts";
import { packageVersion } from "../report/version.ts";
import type { LoadedLendingScenario } from "../scenario/load.ts";
import { writeOutputs } from "./outputs.ts";

export interface LendingRunOutputOptions {
  out: string;
  json?: boolean;
  runIndex: number;
}

export function runLendingCommand(
  loaded: LoadedLendingScenario,
  options: LendingRunOutputOptions,
  onStep?: (step: number, steps: number) => void,
): void {
  const scenario = loaded.scenario;
  const run = runLending(loaded.engine, {
    seed: scenario.seed,
    runIndex: options.runIndex,
    onStep,
  });
  let risk: RiskSummary | undefined;
  if (scenario.riskRuns > 0) {
    const reports = [venueReports(run)];
    for (let extra = 1; extra <= scenario.riskRuns; extra++) {
      const other = runLending(loaded.engine, {
        seed: scenario.seed,
        runIndex: options.runIndex + extra,
      });
      reports.push(venueReports(other));
    }
    risk = {
      runs: reports.length,
      venues: run.venues.map((venue, index) => {
        const liquidationVolumes = reports.map((report) => report[index].liquidationVolumeUsd);
        const insolventDebts = reports.map((report) => report[index].insolventDebtUsd);
        return {
          name: venue.name,
          liquidationsAtRiskUsd: percentile95(liquidationVolumes),
          valueAtRiskUsd: percentile95(insolventDebts),
          liquidationVolumes,
          insolventDebts,
        };
      }),
    };
  }
  const startTime = lendingStartTime(loaded.engine);
  const summary = lendingSummary(
    run,
    loaded.engine.symbols,
    {
      ...(startTime === undefined ? {} : { startTime }),
      name: scenario.name,
      seed: scenario.seed,
      runIndex: options.runIndex,
      scenarioHash: loaded.hash,
      version: packageVersion(),
    },
    risk,
  );
  const json = lendingSummaryJson(summary);
  const eventsCsv = lendingEventsCsv(run, loaded.engine.symbols);
  writeOutputs(options.out, {
    "summary.json": json,
    "timeseries.csv": lendingTimeseriesCsv(run),
    "events.csv": eventsCsv,
    "report.html": lendingReportHtml(summary, run, { engine: loaded.engine, eventsCsv }),
  });
  if (options.json) process.stdout.write(json);
  else process.stdout.write(`${lendingSummaryText(summary)}\nOutputs written to ${options.out}/\n`);
}
