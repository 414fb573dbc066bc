/**
 * Runs a sweep's points in stages. A stage of a point is an ordinary batch (runs f … f+n−1 of
 * the point's scenario, stored shard by shard, resumed like any batch) linked to the point in the
 * store's `sweepPoints` table; `recommend` adds a stage to a point that needs more runs without
 * redoing the runs it has. One worker pool holds every point's scenario, so threads start once per
 * sweep, and points run one after another because the store has one writer.
 */
import { UsageError } from "../scenario/errors.ts";
import { batchIdOf, type RunSource, runBatch, shardRuns } from "./batch.ts";
import { RunPool } from "./pool.ts";
import type { RunRecord } from "./runRecord.ts";
import type { BatchInfo, ResultsStore, StoredRun } from "./store.ts";
import type { LoadedSweepPoint } from "./sweep.ts";

export interface SweepRunOptions {
  points: readonly LoadedSweepPoint[];
  sweepId: string;
  seed: number;
  store: ResultsStore;
  workers: number;
  shardSize: number;
  version: string;
  signal?: AbortSignal;
  /** Runs finished so far in the current stage, out of the stage's total. */
  onProgress?: (finishedRuns: number, totalRuns: number) => void;
}

export interface StageRequest {
  pointIndex: number;
  firstRun: number;
  runs: number;
}

export interface StageOutcome {
  interrupted: boolean;
  resumedRuns: number;
  storedRuns: number;
}

export class SweepRunner {
  private pool: RunPool | undefined;
  private readonly batches = new Map<number, string[]>();

  constructor(private readonly options: SweepRunOptions) {}

  /** Started at the first run that is not stored yet: a fully resumed sweep starts no thread. */
  private source(pointIndex: number): RunSource {
    return {
      run: (runIndex: number): Promise<RunRecord> => {
        this.pool ??= new RunPool(
          this.options.points.map((point) => point.loaded.engine),
          this.options.seed,
          this.options.workers,
        );
        return this.pool.runPoint(pointIndex, runIndex);
      },
    };
  }

  /** Registers a stage's batch and links it to its point (done before any run of the stage). */
  private async register(request: StageRequest): Promise<BatchInfo> {
    const { store, seed, shardSize, version, sweepId } = this.options;
    const point = this.options.points[request.pointIndex];
    const requested: BatchInfo = {
      batchId: batchIdOf(point.loaded.hash, seed, request.runs, request.firstRun),
      scenarioName: point.loaded.scenario.name,
      scenarioHash: point.loaded.hash,
      seed,
      runs: request.runs,
      shardSize,
      steps: point.loaded.engine.steps,
      version,
      ...(request.firstRun === 0 ? {} : { firstRun: request.firstRun }),
    };
    const batch = await store.registerBatch(requested);
    if (batch.version !== version) {
      throw new UsageError(
        `batch ${batch.batchId} in ${store.path} was started by deleverage ${batch.version}, this is ${version}; use another --out so results of two versions are not mixed`,
      );
    }
    await store.recordSweepBatch({
      sweepId,
      pointIndex: request.pointIndex,
      batchId: batch.batchId,
      parameters: JSON.stringify(point.values),
    });
    const known = this.batches.get(request.pointIndex) ?? [];
    if (!known.includes(batch.batchId)) known.push(batch.batchId);
    this.batches.set(request.pointIndex, known);
    return batch;
  }

  /** Runs the requested stages, point after point; stops early when the signal aborts. */
  async runStage(requests: readonly StageRequest[]): Promise<StageOutcome> {
    const registered: BatchInfo[] = [];
    for (const request of requests) registered.push(await this.register(request));
    const total = requests.reduce((sum, request) => sum + request.runs, 0);
    // Stored runs of every point are counted first, so progress says at once how much of the
    // stage a resumed sweep already has, and then counts only runs computed now.
    const alreadyStored: number[] = [];
    for (const batch of registered) {
      let count = 0;
      for (const shard of await this.options.store.storedShards(batch.batchId)) {
        count += shardRuns(batch, shard).length;
      }
      alreadyStored.push(count);
    }
    const resumedTotal = alreadyStored.reduce((sum, count) => sum + count, 0);
    this.options.onProgress?.(resumedTotal, total);
    let computed = 0;
    let resumedRuns = 0;
    let storedRuns = 0;
    for (let index = 0; index < requests.length; index++) {
      const batch = registered[index];
      const pointIndex = requests[index].pointIndex;
      let computedHere = 0;
      const outcome = await runBatch({
        scenario: this.options.points[pointIndex].loaded.engine,
        batch,
        store: this.options.store,
        workers: this.options.workers,
        pool: this.source(pointIndex),
        signal: this.options.signal,
        onProgress: (finished) => {
          const now = finished - alreadyStored[index];
          if (now <= computedHere) return;
          computed += now - computedHere;
          computedHere = now;
          this.options.onProgress?.(resumedTotal + computed, total);
        },
      });
      resumedRuns += outcome.resumedRuns;
      storedRuns += outcome.storedRuns;
      if (outcome.interrupted) return { interrupted: true, resumedRuns, storedRuns };
    }
    return { interrupted: false, resumedRuns, storedRuns };
  }

  /** The batches of a point's stages run so far, in stage order. */
  batchesOf(pointIndex: number): string[] {
    return [...(this.batches.get(pointIndex) ?? [])];
  }

  /** Every stored run of a point, over all its stages, in run order. */
  runsOf(pointIndex: number): Promise<StoredRun[]> {
    return this.options.store.runsOfBatches(this.batchesOf(pointIndex));
  }

  /** Whether any run was computed (a thread pool was started). */
  get computed(): boolean {
    return this.pool !== undefined;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
