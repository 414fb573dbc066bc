/**
 * A pool worker: it receives the batch's scenario once, when the pool starts, and then runs one
 * run index per task. Only the run's summary numbers and its few stored series travel back, and
 * the series' buffers are moved rather than copied.
 */
import { move, transferableSymbol, valueSymbol, workerData } from "piscina";
import type { EngineScenario } from "../engine/config.ts";
import { type RunRecord, seriesColumns, simulateRun } from "./runRecord.ts";

export interface BatchWorkerData {
  scenario: EngineScenario;
  seed: number;
}

const batch = workerData as BatchWorkerData;

export default function runTask(runIndex: number): RunRecord | object {
  const record = simulateRun(batch.scenario, batch.seed, runIndex);
  if (record.status === "failed") return record;
  const buffers = seriesColumns.map((column) => record.series[column].buffer);
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return record;
    },
  });
}
