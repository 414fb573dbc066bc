/**
 * One dashboard run in its own thread, so the server keeps answering (and streaming progress)
 * while the engine works, and a run's memory is released when its thread ends.
 */

import { parentPort, workerData } from "node:worker_threads";
import type { EngineScenario } from "../engine/config.ts";
import { type LendingEngineScenario, runLending } from "../engine/lending/run.ts";
import { leadShock } from "../engine/prices.ts";
import { runScenario } from "../engine/sim.ts";
import { reportChartData } from "../report/chartData.ts";
import { reportHtml } from "../report/html.ts";
import {
  lendingEventsCsv,
  lendingStartTime,
  lendingSummary,
  lendingSummaryText,
} from "../report/lending.ts";
import { lendingReportHtml } from "../report/lendingHtml.ts";
import { type Summary, summaryText } from "../report/summary.ts";
import { startTimeIso } from "../report/timeAxis.ts";
import type { WorkerInput, WorkerMessage } from "./workerProtocol.ts";

/** About a hundred progress messages per run: smooth enough for a bar, cheap for the engine. */
const progressMessages = 100;

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

const input = workerData as WorkerInput;

/** A lending run: the CLI's summary and report, no interactive charts. */
function runLendingScenario(engine: LendingEngineScenario): void {
  const every = Math.max(1, Math.floor(engine.steps / progressMessages));
  const run = runLending(engine, {
    seed: input.seed,
    runIndex: 0,
    onStep: (step, steps) => {
      if (step % every === 0 || step === steps) post({ type: "progress", step, steps });
    },
  });
  const startTime = lendingStartTime(engine);
  const summary = lendingSummary(run, engine.symbols, {
    ...(startTime === undefined ? {} : { startTime }),
    name: input.title,
    seed: input.seed,
    runIndex: 0,
    scenarioHash: input.scenarioHash,
    version: input.version,
  });
  post({
    type: "done",
    summaryText: lendingSummaryText(summary),
    reportHtml: lendingReportHtml(summary, run, {
      engine,
      eventsCsv: lendingEventsCsv(run, engine.symbols),
    }),
  });
}

function runPerpScenario(engine: EngineScenario): void {
  const every = Math.max(1, Math.floor(engine.steps / progressMessages));
  const result = runScenario(engine, {
    seed: input.seed,
    onStep: (step, steps) => {
      if (step % every === 0 || step === steps) post({ type: "progress", step, steps });
    },
  });
  const shock = leadShock(engine);
  const startTime = shock?.kind === "path" ? shock.startTime : undefined;
  const summary: Summary = {
    ...result.summary,
    ...(startTime === undefined ? {} : { startTime: startTimeIso(startTime) }),
    seed: input.seed,
    scenarioHash: input.scenarioHash,
    version: input.version,
  };
  const chartData = reportChartData(result, { startTime });
  post({
    type: "done",
    summary,
    summaryText: summaryText(summary),
    chartData,
    reportHtml: reportHtml(summary, result, { title: input.title, chartData }),
  });
}

try {
  if (input.lending !== undefined) runLendingScenario(input.lending);
  else if (input.engine !== undefined) runPerpScenario(input.engine);
  else throw new Error("a run needs a perp or a lending engine scenario");
} catch (error) {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
