/**
 * One run of a loaded scenario, whatever its model, and everything its outputs are made from:
 * the engine's result, the summary (with what the engine cannot know about itself: seed,
 * scenario hash, version, start time of a replay, the price-fall split) and the text of every
 * output file. `deleverage run` writes these files; the library's `run` (src/index.ts) returns
 * the same objects, so a notebook and the command line agree to the byte.
 */

import type { LendingRun } from "../engine/lending/run.ts";
import { runLending } from "../engine/lending/run.ts";
import { decomposePriceFall } from "../engine/metrics/fallDecomposition.ts";
import { runTfg, type TfgRun } from "../engine/models/tfg.ts";
import { leadShock } from "../engine/prices.ts";
import { runStreams } from "../engine/random.ts";
import type { RunResult } from "../engine/result.ts";
import { runScenario } from "../engine/sim.ts";
import type { LoadedLendingScenario, LoadedScenario, LoadedTfgScenario } from "../scenario/load.ts";
import { type ReportChartData, reportChartData } from "./chartData.ts";
import { marketTimeseriesCsv, timeseriesCsv, writeEventsCsv } from "./csv.ts";
import { reportHtml } from "./html.ts";
import {
  type LendingSummary,
  lendingEventsCsv,
  lendingStartTime,
  lendingSummary,
  lendingSummaryJson,
  lendingSummaryText,
  lendingTimeseriesCsv,
  percentile95,
  type RiskSummary,
  venueReports,
} from "./lending.ts";
import { lendingReportHtml } from "./lendingHtml.ts";
import { type Summary, summaryJson, summaryText } from "./summary.ts";
import {
  type TfgSummary,
  tfgReportHtml,
  tfgSummary,
  tfgSummaryJson,
  tfgSummaryText,
  tfgTimeseriesCsv,
} from "./tfg.ts";
import { startTimeIso } from "./timeAxis.ts";
import { packageVersion } from "./version.ts";

export interface RunSettings {
  /** Run i of a stress batch from the same seed; 0 for a single run. */
  runIndex: number;
  onStep?: (step: number, steps: number) => void;
}

/**
 * A file's text, or a function that writes it piece by piece (events.csv of a million rows is
 * never held as one string; its pieces are UTF-8 bytes, each valid only during the call that
 * hands it over): `fileText` joins the pieces when the whole text is wanted.
 */
export type OutputText = string | ((write: (piece: string | Uint8Array) => void) => void);

export function fileText(content: OutputText): string {
  if (typeof content === "string") return content;
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  content((piece) =>
    pieces.push(typeof piece === "string" ? piece : decoder.decode(piece, { stream: true })),
  );
  pieces.push(decoder.decode());
  return pieces.join("");
}

/** The text of every output file and the summary paragraph, as `deleverage run` writes them. */
export interface OutputFiles {
  summaryText: string;
  files: Record<string, OutputText>;
}

export interface PerpRun extends OutputFiles {
  model: "perp";
  summary: Summary;
  result: RunResult;
  chartData: ReportChartData;
}

export interface LendingRunOutput extends OutputFiles {
  model: "lending";
  summary: LendingSummary;
  result: LendingRun;
}

export interface TfgRunOutput extends OutputFiles {
  model: "tfg";
  summary: TfgSummary;
  result: TfgRun;
}

export type RunOutput = PerpRun | LendingRunOutput | TfgRunOutput;

export function perpRun(loaded: LoadedScenario, settings: RunSettings): PerpRun {
  const seed = loaded.scenario.seed;
  const result = runScenario(loaded.engine, {
    seed,
    runIndex: settings.runIndex,
    onStep: settings.onStep,
  });
  const shock = leadShock(loaded.engine);
  const startTime = shock?.kind === "path" ? shock.startTime : undefined;
  const summary: Summary = {
    ...result.summary,
    ...(startTime === undefined ? {} : { startTime: startTimeIso(startTime) }),
    seed,
    scenarioHash: loaded.hash,
    version: packageVersion(),
  };
  if (loaded.engine.decomposition) {
    // Counterfactual re-runs: only their falls are kept, in the summary's decomposition.
    summary.priceFallDecomposition = decomposePriceFall(
      loaded.engine,
      { seed, runIndex: settings.runIndex },
      result,
    );
  }
  const chartData = reportChartData(result, {
    decomposition: summary.priceFallDecomposition,
    startTime,
  });
  return {
    model: "perp",
    summary,
    result,
    chartData,
    summaryText: summaryText(summary),
    files: {
      "summary.json": summaryJson(summary),
      "timeseries.csv": timeseriesCsv(result),
      "timeseries-markets.csv": marketTimeseriesCsv(result),
      "events.csv": (write) => writeEventsCsv(result, write),
      "report.html": reportHtml(summary, result, { title: loaded.scenario.name, chartData }),
    },
  };
}

/**
 * A lending run; with `riskRuns: N` the scenario also runs under run indexes runIndex + 1 …
 * runIndex + N, and LaR / VaR are the 95th percentiles of the per-run liquidation volume and
 * insolvent debt over those N + 1 runs.
 */
export function lendingRun(loaded: LoadedLendingScenario, settings: RunSettings): LendingRunOutput {
  const scenario = loaded.scenario;
  const run = runLending(loaded.engine, {
    seed: scenario.seed,
    runIndex: settings.runIndex,
    onStep: settings.onStep,
  });
  let risk: RiskSummary | undefined;
  if (scenario.riskRuns > 0) {
    const reports = [venueReports(run)];
    for (let extra = 1; extra <= scenario.riskRuns; extra++) {
      const other = runLending(loaded.engine, {
        seed: scenario.seed,
        runIndex: settings.runIndex + extra,
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
      runIndex: settings.runIndex,
      scenarioHash: loaded.hash,
      version: packageVersion(),
    },
    risk,
  );
  const events = lendingEventsCsv(run, loaded.engine.symbols);
  return {
    model: "lending",
    summary,
    result: run,
    summaryText: lendingSummaryText(summary),
    files: {
      "summary.json": lendingSummaryJson(summary),
      "timeseries.csv": lendingTimeseriesCsv(run),
      "events.csv": events,
      "report.html": lendingReportHtml(summary, run, { engine: loaded.engine, eventsCsv: events }),
    },
  };
}

export function tfgRun(loaded: LoadedTfgScenario, settings: RunSettings): TfgRunOutput {
  const scenario = loaded.scenario;
  const run = runTfg(loaded.parameters, runStreams(scenario.seed, settings.runIndex).tfg, {
    steps: scenario.steps,
    onStep: settings.onStep,
  });
  const summary = tfgSummary(scenario, run, {
    runIndex: settings.runIndex,
    scenarioHash: loaded.hash,
    version: packageVersion(),
  });
  return {
    model: "tfg",
    summary,
    result: run,
    summaryText: tfgSummaryText(summary),
    files: {
      "summary.json": tfgSummaryJson(summary),
      "timeseries.csv": tfgTimeseriesCsv(run),
      "report.html": tfgReportHtml(summary, run),
    },
  };
}
