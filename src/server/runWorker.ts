/**
 * One dashboard run in its own thread, so the server keeps answering (and streaming progress)
 * while the engine works, a run can be cancelled by ending its thread, and its memory is released
 * when the thread ends. The thread loads the scenario itself, with the dashboard's rules
 * (scenarioRequest.ts), exactly as the validation that accepted it did, and runs it as
 * `deleverage run` does (runOutputs.ts), so the dashboard's report is the command line's.
 */
import { parentPort, workerData } from "node:worker_threads";
import { lendingRun, perpRun } from "../report/runOutputs.ts";
import { loadRequested } from "./scenarioRequest.ts";
import type { WorkerInput, WorkerMessage } from "./workerProtocol.ts";

/** About a hundred progress messages per run: smooth enough for a bar, cheap for the engine. */
const progressMessages = 100;

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

const input = workerData as WorkerInput;
try {
  const loaded = await loadRequested(input.request);
  const every = Math.max(1, Math.floor(loaded.engine.steps / progressMessages));
  const settings = {
    runIndex: 0,
    onStep: (step: number, steps: number) => {
      if (step % every === 0 || step === steps) post({ type: "progress", step, steps });
    },
  };
  if (loaded.model === "lending") {
    const output = lendingRun(loaded, settings);
    post({
      type: "done",
      summaryText: output.summaryText,
      reportHtml: output.files["report.html"] as string,
    });
  } else {
    const output = perpRun(loaded, settings);
    post({
      type: "done",
      summary: output.summary,
      summaryText: output.summaryText,
      chartData: output.chartData,
      reportHtml: output.files["report.html"] as string,
    });
  }
} catch (error) {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
