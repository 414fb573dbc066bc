/**
 * The worker pool of one batch (piscina). Workers are threads of this process, started once per
 * batch with the scenario in their start-up data, so a run costs one small message each way.
 */

import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { EngineScenario } from "../engine/config.ts";
import type { LendingEngineScenario } from "../engine/lending/run.ts";
import { workerStart } from "../packageFiles.ts";
import type { LendingRunRecord } from "./lendingRecord.ts";
import type { RunRecord } from "./runRecord.ts";
import type { BatchWorkerData, RunTask } from "./worker.ts";

export function defaultWorkerCount(): number {
  return availableParallelism();
}

/**
 * The pool of a batch, or of a whole sweep: given several scenarios (one per point), every
 * worker holds them all and a task names the point, so the threads start once per sweep.
 */
export class RunPool {
  private readonly pool: Piscina<RunTask, RunRecord>;
  private destroyed: Promise<void> | undefined;

  constructor(
    scenario: EngineScenario | readonly EngineScenario[] | { lending: LendingEngineScenario },
    seed: number,
    workers: number,
  ) {
    const workerData: BatchWorkerData = Array.isArray(scenario)
      ? { scenario: scenario[0], points: scenario, seed }
      : "lending" in scenario
        ? { lending: scenario.lending, seed }
        : { scenario: scenario as EngineScenario, seed };
    this.pool = new Piscina({
      ...workerStart("runner-worker", new URL("./worker.ts", import.meta.url)),
      minThreads: workers,
      maxThreads: workers,
      // Runs are CPU-bound: a thread that idles between shard writes must not be torn down.
      idleTimeout: Number.POSITIVE_INFINITY,
      // A second task waits inside each worker, so a worker goes straight on to its next run even
      // while the main thread is busy storing a shard and cannot hand out work.
      concurrentTasksPerWorker: 2,
      workerData,
    });
  }

  run(runIndex: number): Promise<RunRecord> {
    return this.pool.run(runIndex);
  }

  /** Run `runIndex` of a pool started with a lending scenario. */
  runLending(runIndex: number): Promise<LendingRunRecord> {
    return this.pool.run(runIndex) as Promise<
      RunRecord | LendingRunRecord
    > as Promise<LendingRunRecord>;
  }

  /** Run `runIndex` of the scenario of sweep point `pointIndex`. */
  runPoint(pointIndex: number, runIndex: number): Promise<RunRecord> {
    return this.pool.run([pointIndex, runIndex]);
  }

  /** The runs of one point, as a batch takes them. */
  forPoint(pointIndex: number): { run(runIndex: number): Promise<RunRecord> } {
    return { run: (runIndex) => this.runPoint(pointIndex, runIndex) };
  }

  /** Stops every worker; runBatch calls it only once no run is in flight (see there). */
  destroy(): Promise<void> {
    this.destroyed ??= this.pool.destroy();
    return this.destroyed;
  }
}
