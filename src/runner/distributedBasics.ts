/**
 * The parts of distributed batches that `stress` needs even without `--queue` (to validate the
 * option and recognise the error), kept apart so a local batch does not load BullMQ.
 */

/**
 * Redis could not be reached or a shard job failed on a worker: an environment problem with a
 * precise one-line message (exit code 1), not a bug.
 */
export class QueueError extends Error {
  override name = "QueueError";
}

/** Only redis:// and rediss:// URLs; anything else is a typo, not a host to wait for. */
export function isQueueUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === "redis:" || protocol === "rediss:";
  } catch {
    return false;
  }
}
