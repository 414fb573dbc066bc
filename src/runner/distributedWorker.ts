/**
 * The worker side of distributed batches (see distributed.ts): takes shard jobs off the queue,
 * computes their runs in a local piscina pool and leaves the records in Redis for the
 * coordinator. It never touches a results store, so it runs on any machine that reaches Redis.
 */
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { packageVersion } from "../report/version.ts";
import { shardRuns } from "./batch.ts";
import {
  connectRedis,
  queueName,
  resultKeyOf,
  resultLifetimeSeconds,
  storedKeyOf,
  writeResultScript,
} from "./distributed.ts";
import { decodeScenario, encodeRecords, type ShardJobData } from "./distributedWire.ts";
import { RunPool } from "./pool.ts";

export interface ShardWorkerOptions {
  queueUrl: string;
  /** Worker threads, and shard jobs taken at a time (so no thread waits between shards). */
  concurrency: number;
  /**
   * How long a job's lock lasts without renewal: a killed worker's shard goes to another worker
   * after about this long (BullMQ renews the lock every half of it while the worker lives).
   */
  lockDuration: number;
  onShard?: (shard: FinishedShard) => void;
}

export interface FinishedShard {
  batchId: string;
  shardIndex: number;
  firstRun: number;
  lastRun: number;
  seconds: number;
}

export interface ShardWorker {
  /** Finishes the shards in hand, then stops. */
  close(): Promise<void>;
}

interface PoolEntry {
  pool: RunPool;
  activeJobs: number;
}

export async function startShardWorker(options: ShardWorkerOptions): Promise<ShardWorker> {
  // BullMQ's blocking connection must retry forever rather than fail a command.
  const connection = await connectRedis(options.queueUrl, { maxRetriesPerRequest: null });
  const version = packageVersion();
  // One pool per batch, kept while its jobs keep coming: starting threads costs more than a run.
  const pools = new Map<string, PoolEntry>();

  const acquire = (job: ShardJobData): PoolEntry => {
    let entry = pools.get(job.batch.batchId);
    if (!entry) {
      // Pools of other batches are stopped only when idle: terminating a thread mid-run can
      // abort the process (see batch.ts).
      for (const [batchId, other] of pools) {
        if (other.activeJobs > 0) continue;
        pools.delete(batchId);
        void other.pool.destroy();
      }
      entry = {
        pool: new RunPool(decodeScenario(job.scenario), job.batch.seed, options.concurrency),
        activeJobs: 0,
      };
      pools.set(job.batch.batchId, entry);
    }
    entry.activeJobs++;
    return entry;
  };

  const processShard = async (job: Job<ShardJobData>): Promise<number> => {
    const { batch, shardIndex } = job.data;
    if (batch.version !== version) {
      throw new UnrecoverableError(
        `this worker runs deleverage ${version}, the batch was started by ${batch.version}; runs of two versions are not mixed`,
      );
    }
    const started = performance.now();
    const runIndices = shardRuns(batch, shardIndex);
    const entry = acquire(job.data);
    try {
      const records = await Promise.all(runIndices.map((runIndex) => entry.pool.run(runIndex)));
      const jobId = String(job.id);
      await connection.eval(
        writeResultScript,
        2,
        resultKeyOf(jobId),
        storedKeyOf(jobId),
        encodeRecords(records),
        resultLifetimeSeconds,
      );
    } finally {
      entry.activeJobs--;
    }
    options.onShard?.({
      batchId: batch.batchId,
      shardIndex,
      firstRun: runIndices[0],
      lastRun: runIndices[runIndices.length - 1],
      seconds: (performance.now() - started) / 1000,
    });
    return runIndices.length;
  };

  const worker = new Worker<ShardJobData, number>(queueName, processShard, {
    connection,
    concurrency: options.concurrency,
    lockDuration: options.lockDuration,
    stalledInterval: options.lockDuration,
    // A shard may meet several killed workers; failing it would stop the whole batch.
    maxStalledCount: 10,
  });
  worker.on("error", (error) => {
    process.stderr.write(`worker: ${error.message}\n`);
  });
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await Promise.all([...pools.values()].map((entry) => entry.pool.destroy()));
      connection.disconnect();
    },
  };
}
