/**
 * A pool worker: it receives the batch's scenario once, when the pool starts, and then runs one
 * run index per task. Only the run's summary numbers and its few stored series travel back, and
 * the series' buffers are moved rather than copied.
 */
import { move, transferableSymbol, valueSymbol, workerData } from "piscina";
import type { EngineScenario } from "../engine/config.ts";
import { restoreAccountNames } from "../engine/explicitPositions.ts";
import type { LendingEngineScenario } from "../engine/lending/run.ts";
import { simulateLendingRun } from "./lendingRecord.ts";
import { type RunRecord, seriesColumns, simulateRun } from "./runRecord.ts";

export interface BatchWorkerData {
  /** The batch's perp scenario; absent for a lending batch. */
  scenario?: EngineScenario;
  /** A sweep's point scenarios; tasks then name the point. */
  points?: readonly EngineScenario[];
  /** A `model: lending` batch: tasks are run indexes of this scenario. */
  lending?: LendingEngineScenario;
  seed: number;
}

/** A run index of the batch's scenario, or [point index, run index] of a sweep. */
export type RunTask = number | readonly [number, number];

const batch = workerData as BatchWorkerData;
// Structured clone drops functions: the positions' account names are rebuilt from their data.
if (batch.scenario !== undefined) restoreAccountNames(batch.scenario);
for (const point of batch.points ?? []) restoreAccountNames(point);
for (const venue of batch.lending?.venues ?? []) {
  if (venue.kind === "perp") restoreAccountNames(venue.engine);
}

export default function runTask(task: RunTask): RunRecord | object {
  // A lending record is a few numbers per venue: it is copied, there is nothing to move.
  if (batch.lending !== undefined && typeof task === "number") {
    return simulateLendingRun(batch.lending, batch.seed, task);
  }
  if (typeof task !== "number" && batch.points?.[task[0]] === undefined) {
    throw new RangeError(`sweep point ${task[0]} is not among this pool's scenarios`);
  }
  const [scenario, runIndex] =
    typeof task === "number" ? [batch.scenario, task] : [batch.points?.[task[0]], task[1]];
  const record = simulateRun(scenario as EngineScenario, batch.seed, runIndex);
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
