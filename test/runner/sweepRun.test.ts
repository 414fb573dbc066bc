import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { batchIdOf, shardRuns } from "../../src/runner/batch.ts";
import { simulateRun } from "../../src/runner/runRecord.ts";
import { ResultsStore } from "../../src/runner/store.ts";
import {
  expandSweep,
  loadSweepPoints,
  parseSweepOption,
  type SweepDefinition,
  sweepDefinition,
  sweepIdOf,
} from "../../src/runner/sweep.ts";
import { SweepRunner } from "../../src/runner/sweepRun.ts";
import { databaseIn, smallStressFile } from "./fixtures.ts";

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function sweepPoints() {
  const definition = sweepDefinition(
    undefined,
    [parseSweepOption("exchange.insuranceFund=1000,20000")],
    { scenarioSeed: 11, setPaths: [] },
  ) as SweepDefinition;
  return loadSweepPoints(smallStressFile, {}, definition, expandSweep(definition));
}

describe("batches that start later", () => {
  it("cut their shards from their first run and get their own id", () => {
    const batch = { runs: 7, shardSize: 3, firstRun: 20 };
    expect(shardRuns(batch, 0)).toEqual([20, 21, 22]);
    expect(shardRuns(batch, 2)).toEqual([26]);
    expect(batchIdOf("abc", 1, 7, 20)).not.toBe(batchIdOf("abc", 1, 7));
    // Batches from run 0 keep the id they had before first runs existed.
    expect(batchIdOf("abc", 1, 7, 0)).toBe(batchIdOf("abc", 1, 7));
  });
});

describe("SweepRunner", () => {
  it("runs points in stages with common random numbers and resumes without redoing a run", async () => {
    const points = await sweepPoints();
    const directory = mkdtempSync(join(tmpdir(), "deleverage-sweep-"));
    directories.push(directory);
    const sweepId = sweepIdOf(points, 11);
    const open = async () => {
      const store = await ResultsStore.open(databaseIn(directory));
      const runner = new SweepRunner({
        points,
        sweepId,
        seed: 11,
        store,
        workers: 2,
        shardSize: 4,
        version: "test",
      });
      return { store, runner };
    };
    let { store, runner } = await open();
    const first = await runner.runStage([
      { pointIndex: 0, firstRun: 0, runs: 6 },
      { pointIndex: 1, firstRun: 0, runs: 6 },
    ]);
    expect(first).toEqual({ interrupted: false, resumedRuns: 0, storedRuns: 12 });
    const second = await runner.runStage([{ pointIndex: 0, firstRun: 6, runs: 6 }]);
    expect(second.storedRuns).toBe(6);
    const pointRuns = await runner.runsOf(0);
    expect(pointRuns.map((run) => run.runIndex)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // Run 9 of the second stage is run 9 of the point's scenario, as if computed alone.
    const alone = simulateRun(points[0].loaded.engine, 11, 9);
    if (alone.status !== "ok") throw new Error(alone.error);
    expect(pointRuns[9].metrics).toEqual(alone.metrics);
    // Common random numbers: run i meets the same population at both points.
    const other = await runner.runsOf(1);
    for (let runIndex = 0; runIndex < 6; runIndex++) {
      expect(other[runIndex].metrics?.openInterestStart).toBe(
        pointRuns[runIndex].metrics?.openInterestStart,
      );
    }
    const links = await store.query(
      `SELECT pointIndex, count(*) AS batches FROM sweepPoints WHERE sweepId = '${sweepId}' GROUP BY pointIndex ORDER BY pointIndex`,
    );
    expect(links.rows.map((row) => row.map(Number))).toEqual([
      [0, 2],
      [1, 1],
    ]);
    await runner.close();
    store.close();

    ({ store, runner } = await open());
    const again = await runner.runStage([
      { pointIndex: 0, firstRun: 0, runs: 6 },
      { pointIndex: 1, firstRun: 0, runs: 6 },
    ]);
    expect(again).toEqual({ interrupted: false, resumedRuns: 12, storedRuns: 0 });
    expect(runner.computed).toBe(false);
    const count = await store.query("SELECT count(*) FROM runs");
    expect(Number(count.rows[0][0])).toBe(18);
    await runner.close();
    store.close();
  });

  it("stops on abort between shards and the next call computes only what is missing", async () => {
    const points = await sweepPoints();
    const directory = mkdtempSync(join(tmpdir(), "deleverage-sweep-"));
    directories.push(directory);
    const controller = new AbortController();
    const requests = points.map((point) => ({ pointIndex: point.index, firstRun: 0, runs: 8 }));
    const options = {
      points,
      sweepId: sweepIdOf(points, 11),
      seed: 11,
      workers: 2,
      shardSize: 4,
      version: "test",
    };
    let store = await ResultsStore.open(databaseIn(directory));
    let runner = new SweepRunner({
      ...options,
      store,
      signal: controller.signal,
      onProgress: (finished) => {
        if (finished >= 5) controller.abort();
      },
    });
    const first = await runner.runStage(requests);
    await runner.close();
    store.close();
    expect(first.interrupted).toBe(true);
    expect(first.storedRuns % 4).toBe(0);
    expect(first.storedRuns).toBeLessThan(16);

    store = await ResultsStore.open(databaseIn(directory));
    runner = new SweepRunner({ ...options, store });
    const second = await runner.runStage(requests);
    expect(second).toEqual({
      interrupted: false,
      resumedRuns: first.storedRuns,
      storedRuns: 16 - first.storedRuns,
    });
    for (const point of points) {
      const runs = await runner.runsOf(point.index);
      expect(runs.map((run) => run.runIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
    await runner.close();
    store.close();
  });
});
