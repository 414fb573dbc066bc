import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { batchIdOf, runBatch, shardCount, shardRuns } from "../../src/runner/batch.ts";
import { seriesColumns, simulateRun } from "../../src/runner/runRecord.ts";
import { type BatchInfo, ResultsStore, type StoredRun } from "../../src/runner/store.ts";
import { databaseIn, smallStress } from "./fixtures.ts";

const directories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "deleverage-batch-"));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe("batch ids and shards", () => {
  it("names a batch by scenario hash, seed and run count, and by nothing else", () => {
    const id = batchIdOf("abc", 11, 100);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(batchIdOf("abc", 11, 100)).toBe(id);
    expect(batchIdOf("abd", 11, 100)).not.toBe(id);
    expect(batchIdOf("abc", 12, 100)).not.toBe(id);
    expect(batchIdOf("abc", 11, 101)).not.toBe(id);
  });

  it("cuts runs into shards of shardSize, the last one shorter", () => {
    const batch = { runs: 7, shardSize: 3 };
    expect(shardCount(batch)).toBe(3);
    expect(shardRuns(batch, 0)).toEqual([0, 1, 2]);
    expect(shardRuns(batch, 2)).toEqual([6]);
  });
});

async function stressBatch(
  runs: number,
  shardSize: number,
): Promise<BatchInfo & { scenario: Awaited<ReturnType<typeof smallStress>>["scenario"] }> {
  const { scenario, seed, hash } = await smallStress();
  return {
    scenario,
    batchId: batchIdOf(hash, seed, runs),
    scenarioName: "small-stress",
    scenarioHash: hash,
    seed,
    runs,
    shardSize,
    steps: scenario.steps,
    version: "test",
  };
}

async function storedRuns(directory: string, batch: BatchInfo): Promise<StoredRun[]> {
  const store = await ResultsStore.openReadOnly(databaseIn(directory));
  const runs = await store.runs(batch.batchId);
  store.close();
  return runs;
}

describe("runBatch", () => {
  it("stores run i exactly as run i alone gives it, with 2 workers as with 1", async () => {
    const { scenario, ...batch } = await stressBatch(24, 5);
    const results: StoredRun[][] = [];
    for (const workers of [2, 1]) {
      const directory = scratch();
      const store = await ResultsStore.open(databaseIn(directory));
      await store.registerBatch(batch);
      const outcome = await runBatch({ scenario, batch, store, workers });
      expect(outcome).toEqual({
        interrupted: false,
        resumedRuns: 0,
        storedRuns: 24,
        repairedShards: 0,
      });
      if (workers === 2) {
        for (const runIndex of [0, 7, 23]) {
          const alone = simulateRun(scenario, batch.seed, runIndex);
          if (alone.status !== "ok") throw new Error(alone.error);
          expect((await store.run(batch.batchId, runIndex))?.metrics).toEqual(alone.metrics);
          const series = await store.query(
            `SELECT ${seriesColumns.join(", ")} FROM timeseries WHERE batchId = '${batch.batchId}' AND runIndex = ${runIndex} ORDER BY step`,
          );
          expect(series.rows).toEqual(
            Array.from({ length: scenario.steps + 1 }, (_, step) =>
              seriesColumns.map((column) => alone.series[column][step]),
            ),
          );
        }
      }
      store.close();
      results.push(await storedRuns(directory, batch));
    }
    expect(results[0].map((run) => run.runIndex)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(results[0]).toEqual(results[1]);
  });

  it("stops on abort keeping whole shards, and a second call finishes the rest without redoing any", async () => {
    const { scenario, ...batch } = await stressBatch(30, 4);
    const directory = scratch();
    const controller = new AbortController();
    let store = await ResultsStore.open(databaseIn(directory));
    await store.registerBatch(batch);
    const first = await runBatch({
      scenario,
      batch,
      store,
      workers: 2,
      signal: controller.signal,
      onProgress: (finished) => {
        if (finished >= 13) controller.abort();
      },
    });
    store.close();
    expect(first.interrupted).toBe(true);
    // Runs finish slightly out of order, so which shards were whole at the abort varies.
    expect(first.storedRuns % 4).toBe(0);
    expect(first.storedRuns).toBeGreaterThanOrEqual(4);
    expect(first.storedRuns).toBeLessThan(30);

    store = await ResultsStore.open(databaseIn(directory));
    const second = await runBatch({ scenario, batch, store, workers: 2 });
    store.close();
    expect(second.resumedRuns).toBe(first.storedRuns);
    expect(second.storedRuns).toBe(30 - first.storedRuns);
    const resumed = await storedRuns(directory, batch);
    expect(resumed.map((run) => run.runIndex)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const run of resumed) {
      const alone = simulateRun(scenario, batch.seed, run.runIndex);
      expect(run.metrics).toEqual(alone.status === "ok" ? alone.metrics : null);
    }
  });
});
