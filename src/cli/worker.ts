/**
 * `deleverage worker --queue redis://HOST:PORT`: computes shards of distributed `stress --queue`
 * batches until stopped (src/runner/distributed.ts). SIGINT/SIGTERM finish the shards in hand
 * and exit 0; a second signal exits at once, and those shards go to another worker once their
 * lock lapses. Unreachable Redis exits 1 with one line.
 */
import { availableParallelism } from "node:os";
import { isQueueUrl, QueueError } from "../runner/distributedBasics.ts";
import { UsageError } from "../scenario/errors.ts";

export interface WorkerCommandOptions {
  queue: string;
  concurrency?: string;
  lockDuration: string;
}

/** One line and exit code 1 for an unreachable Redis or a failed shard job; the rest rethrows. */
export async function reportQueueFailure(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    process.stderr.write(`deleverage: queue: ${error.message}\n`);
    process.exitCode = 1;
  }
}

export function queueUrlOption(url: string): string {
  if (!isQueueUrl(url)) {
    throw new UsageError(`--queue: "${url}" is not a Redis URL; expected redis://HOST:PORT`);
  }
  return url;
}

function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${option}: "${text}" is not allowed; expected a positive integer`);
  }
  return value;
}

export function workerCommand(options: WorkerCommandOptions): Promise<void> {
  return reportQueueFailure(() => work(options));
}

async function work(options: WorkerCommandOptions): Promise<void> {
  const queueUrl = queueUrlOption(options.queue);
  const concurrency =
    options.concurrency === undefined
      ? availableParallelism()
      : positiveInteger("--concurrency", options.concurrency);
  const lockDuration = positiveInteger("--lock-duration", options.lockDuration);
  const { startShardWorker } = await import("../runner/distributedWorker.ts");
  const worker = await startShardWorker({
    queueUrl,
    concurrency,
    lockDuration,
    onShard: (shard) => {
      process.stderr.write(
        `worker: batch ${shard.batchId} shard ${shard.shardIndex} (runs ${shard.firstRun}–${shard.lastRun}) in ${shard.seconds.toFixed(1)} s\n`,
      );
    },
  });
  process.stderr.write(
    `worker: taking shards from ${queueUrl} with ${concurrency} thread${concurrency === 1 ? "" : "s"}; Ctrl-C to stop\n`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write("worker: finishing the shards in hand (Ctrl-C again to quit now)\n");
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await worker.close();
  process.stderr.write("worker: stopped\n");
}
