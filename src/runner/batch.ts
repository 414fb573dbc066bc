/**
 * A Monte Carlo batch: runs 0 … runs−1 of one scenario and master seed, computed in a worker pool
 * and stored shard by shard. Run i is `runScenario(scenario, { seed, runIndex: i })` wherever it
 * is computed, so a batch's numbers do not depend on the number of workers or on interruptions.
 */
import { createHash } from "node:crypto";
import type { EngineScenario } from "../engine/config.ts";
import type { LendingEngineScenario } from "../engine/lending/run.ts";
import type { LendingRunRecord } from "./lendingRecord.ts";
import { RunPool } from "./pool.ts";
import type { RunRecord } from "./runRecord.ts";
import type { BatchInfo, ResultsStore } from "./store.ts";

/**
 * A batch is named by what determines its numbers: the scenario (its hash covers every field
 * and data file), the master seed, the run count and the first run index. The same command
 * therefore finds its own batch again and resumes it. Batches that start at run 0 keep the name
 * they had before batches could start elsewhere.
 */
export function batchIdOf(scenarioHash: string, seed: number, runs: number, firstRun = 0): string {
  const text = `${scenarioHash}\n${seed}\n${runs}${firstRun === 0 ? "" : `\n${firstRun}`}`;
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

export function shardCount(batch: Pick<BatchInfo, "runs" | "shardSize">): number {
  return Math.ceil(batch.runs / batch.shardSize);
}

/** The run indexes of one shard: shard k of a batch starting at run f holds f + k·size onwards. */
export function shardRuns(
  batch: Pick<BatchInfo, "runs" | "shardSize" | "firstRun">,
  shardIndex: number,
): number[] {
  const firstRun = batch.firstRun ?? 0;
  const first = firstRun + shardIndex * batch.shardSize;
  const last = Math.min(first + batch.shardSize, firstRun + batch.runs);
  return Array.from({ length: last - first }, (_, offset) => first + offset);
}

/** Computes one run; a pool shared by several batches (a sweep's points) is one per point. */
export interface RunSource {
  run(runIndex: number): Promise<RunRecord | LendingRunRecord>;
}

export interface BatchOptions {
  /** A perp scenario, or a `model: lending` one (its runs are stored per venue). */
  scenario: EngineScenario | { lending: LendingEngineScenario };
  /** A pool the caller owns and keeps open across batches; without it the batch starts its own. */
  pool?: RunSource;
  /** As recorded in the store (see ResultsStore.registerBatch). */
  batch: BatchInfo;
  store: ResultsStore;
  workers: number;
  /** Aborting stops new runs; shards already complete are still stored. */
  signal?: AbortSignal;
  /** Runs finished so far (stored before this call included) out of the batch's total. */
  onProgress?: (finishedRuns: number, totalRuns: number) => void;
}

export interface BatchOutcome {
  interrupted: boolean;
  /** Runs already stored when this call started (a resumed batch). */
  resumedRuns: number;
  /** Runs computed and stored by this call. */
  storedRuns: number;
  /** Stored shards whose Parquet files had to be exported again. */
  repairedShards: number;
}

export async function runBatch(options: BatchOptions): Promise<BatchOutcome> {
  const { batch, store, signal } = options;
  const repairedShards = await store.repairShardFiles(batch.batchId);
  const storedShards = await store.storedShards(batch.batchId);
  const pendingShards: number[] = [];
  let resumedRuns = 0;
  for (let shardIndex = 0; shardIndex < shardCount(batch); shardIndex++) {
    if (storedShards.has(shardIndex)) resumedRuns += shardRuns(batch, shardIndex).length;
    else pendingShards.push(shardIndex);
  }
  const pendingRuns = pendingShards.flatMap((shardIndex) => shardRuns(batch, shardIndex));
  let finishedRuns = resumedRuns;
  options.onProgress?.(finishedRuns, batch.runs);
  if (pendingRuns.length === 0 || signal?.aborted) {
    return { interrupted: pendingRuns.length > 0, resumedRuns, storedRuns: 0, repairedShards };
  }

  const workers = Math.max(1, Math.min(options.workers, pendingRuns.length));
  const ownPool =
    options.pool === undefined ? new RunPool(options.scenario, batch.seed, workers) : undefined;
  const lendingPool = ownPool !== undefined && "lending" in options.scenario;
  const pool: RunSource =
    options.pool ??
    (lendingPool
      ? { run: (runIndex) => (ownPool as RunPool).runLending(runIndex) }
      : (ownPool as RunPool));
  const completed = new Map<number, (RunRecord | LendingRunRecord)[]>();
  let storedRuns = 0;
  let failure: unknown;
  let stopped = false;
  let writes = Promise.resolve();
  const stop = (): void => {
    stopped = true;
  };

  const accept = (record: RunRecord | LendingRunRecord): void => {
    finishedRuns++;
    options.onProgress?.(finishedRuns, batch.runs);
    const shardIndex = Math.floor((record.runIndex - (batch.firstRun ?? 0)) / batch.shardSize);
    const records = completed.get(shardIndex) ?? [];
    records.push(record);
    completed.set(shardIndex, records);
    if (records.length < shardRuns(batch, shardIndex).length) return;
    completed.delete(shardIndex);
    // One writer at a time: DuckDB transactions on one connection do not interleave.
    writes = writes.then(async () => {
      if (failure !== undefined) return;
      try {
        await store.writeShard(batch, shardIndex, records);
        storedRuns += records.length;
      } catch (error) {
        failure = error;
        stop();
      }
    });
  };

  let next = 0;
  const lane = async (): Promise<void> => {
    while (!stopped && next < pendingRuns.length) {
      const runIndex = pendingRuns[next++];
      let record: RunRecord | LendingRunRecord;
      try {
        record = await pool.run(runIndex);
      } catch (error) {
        failure ??= error;
        stop();
        return;
      }
      // A run that finishes after an abort is still kept: it may complete a shard.
      accept(record);
    }
  };

  // Runs in flight are let finish rather than cut off: a run is short, and terminating worker
  // threads mid-run has aborted this Node 20 process on a native assertion (workers with tsx's
  // module hooks), taking the shards being stored with it.
  signal?.addEventListener("abort", stop, { once: true });
  try {
    // Three runs in flight per worker: the one running, the one waiting inside the worker (see
    // RunPool) and one in the pool's queue, so no worker waits while a shard is stored.
    await Promise.all(Array.from({ length: 3 * workers }, lane));
    await writes;
  } finally {
    signal?.removeEventListener("abort", stop);
    await ownPool?.destroy();
  }
  if (failure !== undefined) throw failure;
  return {
    interrupted: signal?.aborted === true && resumedRuns + storedRuns < batch.runs,
    resumedRuns,
    storedRuns,
    repairedShards,
  };
}
