/**
 * Distributed batches: the shards of a batch as BullMQ jobs on Redis (`stress --queue URL`),
 * computed by `deleverage worker --queue URL` processes on any number of machines.
 *
 * Only the coordinator (the `stress` process) writes the DuckDB store. A worker computes a
 * shard, puts its encoded run records under a result key in Redis and completes the job; the
 * coordinator polls the result keys of its pending shards, stores each shard in one
 * transaction (store.ts), and only then deletes the key. Results do not travel as BullMQ
 * return values because BullMQ copies every return value into its event stream, which keeps
 * thousands of entries: megabytes of series per shard would pile up there.
 *
 * Nothing is lost: a killed worker's job is handed to another worker once its lock lapses
 * (BullMQ's stalled-job check), and a killed coordinator finds the results still in Redis when
 * the same command runs again. Nothing is counted twice: job ids are `BATCH-SHARD` (BullMQ
 * refuses `:` in custom ids), so enqueuing a batch again adds no job that exists, and a shard
 * computed twice (a stalled job that was in fact still running) is stored once, because the
 * coordinator stores only shards the store does not have and the primary key refuses the rest.
 * Nothing is left behind: a duplicate that finishes after its shard was stored finds the
 * shard's stored marker and writes no result (an atomic check-and-set on the worker).
 */
import { Queue } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import type { EngineScenario } from "../engine/config.ts";
import { type BatchOptions, type BatchOutcome, shardCount, shardRuns } from "./batch.ts";
import { QueueError } from "./distributedBasics.ts";
import { decodeRecords, encodeScenario, type ShardJobData } from "./distributedWire.ts";

export const queueName = "deleverage-shards";

/** Results a coordinator never collects (it was abandoned) leave Redis after a week. */
export const resultLifetimeSeconds = 7 * 24 * 3600;

const pollMilliseconds = 250;
/** Result keys read per MGET, so one reply stays a few hundred megabytes at most. */
const keysPerRead = 50;

export function jobIdOf(batchId: string, shardIndex: number): string {
  return `${batchId}-${String(shardIndex).padStart(5, "0")}`;
}

export function resultKeyOf(jobId: string): string {
  return `deleverage:shard-result:${jobId}`;
}

/**
 * Set by the coordinator once a shard is in the store. A stalled job can be computed twice
 * (its first worker wrote the result and died before completing the job); the second result
 * must not outlive the first one's collection, so workers write only while this is absent.
 */
export function storedKeyOf(jobId: string): string {
  return `deleverage:shard-stored:${jobId}`;
}

/** Long enough for any stalled duplicate to finish; short so markers do not pile up. */
export const storedMarkerSeconds = 3600;

/** KEYS: result, stored marker. ARGV: encoded records, lifetime. Atomic check-and-set. */
export const writeResultScript =
  "if redis.call('exists', KEYS[2]) == 0 then redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end return 0";

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Connects once, without retrying: an unreachable Redis must give one clear error before
 * anything is written, not a client that reconnects forever in the background. Later drops are
 * retried (`options`), so a short network hiccup does not end a long batch.
 */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis(url, {
    ...options,
    lazyConnect: true,
    connectTimeout: 5000,
    retryStrategy: () => null,
  });
  // connect() then rejects with a bare "Connection is closed"; the cause comes as an event.
  let cause: unknown;
  const remember = (error: unknown): void => {
    cause = error;
  };
  client.on("error", remember);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new QueueError(`cannot reach Redis at ${url}: ${messageOf(cause ?? error)}`);
  }
  client.options.retryStrategy = (attempt) => Math.min(attempt * 200, 2000);
  client.off("error", remember);
  return client;
}

/** Proves Redis reachable before the caller writes anything (the store included). */
export async function assertQueueReachable(url: string): Promise<void> {
  (await connectRedis(url)).disconnect();
}

export interface DistributedBatchOptions extends Omit<BatchOptions, "workers" | "scenario"> {
  /** Queue workers run perp scenarios only. */
  scenario: EngineScenario;
  queueUrl: string;
  /** Called once the shards are queued, with how many were added now (others existed). */
  onQueued?: (queuedShards: number, pendingShards: number) => void;
}

/** `runBatch` with the shards computed by queue workers instead of a local pool. */
export async function runDistributedBatch(options: DistributedBatchOptions): Promise<BatchOutcome> {
  const { batch, store, signal } = options;
  const redis = await connectRedis(options.queueUrl, { maxRetriesPerRequest: 3 });
  let queue: Queue | undefined;
  try {
    const repairedShards = await store.repairShardFiles(batch.batchId);
    const storedShards = await store.storedShards(batch.batchId);
    const pending = new Set<number>();
    let resumedRuns = 0;
    for (let shardIndex = 0; shardIndex < shardCount(batch); shardIndex++) {
      if (storedShards.has(shardIndex)) resumedRuns += shardRuns(batch, shardIndex).length;
      else pending.add(shardIndex);
    }
    await forgetStoredResults(redis, batch.batchId, storedShards);
    let storedRuns = 0;
    options.onProgress?.(resumedRuns, batch.runs);
    if (pending.size === 0 || signal?.aborted) {
      return { interrupted: pending.size > 0, resumedRuns, storedRuns, repairedShards };
    }

    queue = new Queue<ShardJobData>(queueName, { connection: redis });
    // Without a listener BullMQ prints every reconnection failure with its stack; the poll's own
    // commands fail on the same connection and end the batch with one line.
    queue.on("error", () => {});
    const queued = await enqueue(queue, redis, options, [...pending]);
    options.onQueued?.(queued, pending.size);

    const storeResults = async (shards: number[]): Promise<void> => {
      const keys = shards.map((shardIndex) => resultKeyOf(jobIdOf(batch.batchId, shardIndex)));
      const texts = await redis.mget(...keys);
      for (let index = 0; index < shards.length; index++) {
        const text = texts[index];
        if (text === null) continue;
        const shardIndex = shards[index];
        const records = decodeRecords(text);
        const expected = shardRuns(batch, shardIndex);
        const indices = records.map((record) => record.runIndex).sort((a, b) => a - b);
        if (indices.join() !== expected.join()) {
          throw new QueueError(
            `shard ${shardIndex} of batch ${batch.batchId} came back with runs ${indices[0]}–${indices.at(-1)} instead of ${expected[0]}–${expected.at(-1)}`,
          );
        }
        await store.writeShard(batch, shardIndex, records);
        pending.delete(shardIndex);
        storedRuns += records.length;
        options.onProgress?.(resumedRuns + storedRuns, batch.runs);
        // Deleted only after the commit: a crash before it leaves the result for the next run.
        await forgetStoredResults(redis, batch.batchId, [shardIndex]);
      }
    };

    while (pending.size > 0 && !signal?.aborted) {
      const shards = [...pending];
      try {
        for (let first = 0; first < shards.length; first += keysPerRead) {
          await storeResults(shards.slice(first, first + keysPerRead));
        }
        await checkFailures(queue, batch.batchId, pending);
      } catch (error) {
        if (error instanceof QueueError || !isRedisError(error)) throw error;
        throw new QueueError(
          `lost the connection to Redis at ${options.queueUrl}: ${messageOf(error).replace(/\.+$/, "")}. Shards stored before are intact; run the same command again to resume`,
        );
      }
      if (pending.size > 0) await pause(pollMilliseconds, signal);
    }
    return {
      interrupted: pending.size > 0,
      resumedRuns,
      storedRuns,
      repairedShards,
    };
  } finally {
    await queue?.close();
    redis.disconnect();
  }
}

/**
 * Marks shards as stored and deletes their results. Called after each shard's commit, and on
 * resume for every shard the store has, because a coordinator killed between a commit and this
 * call left the result in Redis (and no marker to stop a stalled duplicate writing another).
 */
async function forgetStoredResults(
  redis: Redis,
  batchId: string,
  shards: Iterable<number>,
): Promise<void> {
  const jobIds = Array.from(shards, (shardIndex) => jobIdOf(batchId, shardIndex));
  if (jobIds.length === 0) return;
  const transaction = redis.multi();
  for (const jobId of jobIds) {
    transaction.set(storedKeyOf(jobId), "1", "EX", storedMarkerSeconds).del(resultKeyOf(jobId));
  }
  await transaction.exec();
}

/**
 * Adds a job for every pending shard that has no result waiting, and retries those that
 * failed before (e.g. on a worker of another version that has been upgraded since). Returns
 * how many jobs were added or retried.
 */
async function enqueue(
  queue: Queue<ShardJobData>,
  redis: Redis,
  options: DistributedBatchOptions,
  shards: number[],
): Promise<number> {
  const { batch } = options;
  const scenario = encodeScenario(options.scenario);
  let queued = 0;
  for (const shardIndex of shards) {
    const jobId = jobIdOf(batch.batchId, shardIndex);
    if ((await redis.exists(resultKeyOf(jobId))) === 1) continue;
    const existing = await queue.getJob(jobId);
    if (existing) {
      if (await existing.isFailed()) {
        await existing.retry();
        queued++;
      }
      continue;
    }
    // removeOnComplete: the result key carries the outcome; a finished job only frees its id.
    await queue.add("shard", { batch, shardIndex, scenario }, { jobId, removeOnComplete: true });
    queued++;
  }
  return queued;
}

/** A shard job that failed (not a run that threw: that is a stored outcome) stops the batch. */
async function checkFailures(
  queue: Queue<ShardJobData>,
  batchId: string,
  pending: Set<number>,
): Promise<void> {
  for (const job of await queue.getFailed()) {
    const shardIndex = job.data.shardIndex;
    if (job.id !== jobIdOf(batchId, shardIndex) || !pending.has(shardIndex)) continue;
    throw new QueueError(
      `shard ${shardIndex} of batch ${batchId} failed on a worker: ${job.failedReason}. Shards stored before are intact; fix the cause and run the same command again to retry it`,
    );
  }
}

function isRedisError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "MaxRetriesPerRequestError" ||
      /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(error.message))
  );
}

function pause(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal?.addEventListener("abort", done, { once: true });
  });
}
