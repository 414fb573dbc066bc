/**
 * One dashboard run in its own thread, so the server keeps answering (and streaming progress)
 * while the engine works, and a run's memory is released when its thread ends.
 */
import { parentPort, workerData } from "node:worker_threads";
import { restoreAccountNames } from "../engine/explicitPositions.ts";
import { runScenario } from "../engine/sim.ts";
import { reportChartData } from "../report/chartData.ts";
import { reportHtml } from "../report/html.ts";
import { type Summary, summaryText } from "../report/summary.ts";
import type { WorkerInput, WorkerMessage } from "./workerProtocol.ts";

/** About a hundred progress messages per run: smooth enough for a bar, cheap for the engine. */
const progressMessages = 100;

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

const input = workerData as WorkerInput;
// Structured clone drops functions: the positions' account names are rebuilt from their data.
restoreAccountNames(input.engine);
try {
  const every = Math.max(1, Math.floor(input.engine.steps / progressMessages));
  const result = runScenario(input.engine, {
    seed: input.seed,
    onStep: (step, steps) => {
      if (step % every === 0 || step === steps) post({ type: "progress", step, steps });
    },
  });
  const summary: Summary = {
    ...result.summary,
    seed: input.seed,
    scenarioHash: input.scenarioHash,
    version: input.version,
  };
  const chartData = reportChartData(result);
  post({
    type: "done",
    summary,
    summaryText: summaryText(summary),
    chartData,
    reportHtml: reportHtml(summary, result, { title: input.title, chartData }),
  });
} catch (error) {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
