/** `deleverage query` cannot change its store or reach any other file (issue 15, item 4). */
import { existsSync, readFileSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulateRun } from "../../src/runner/runRecord.ts";
import { ResultsStore } from "../../src/runner/store.ts";
import { smallStress } from "../runner/fixtures.ts";
import { deleverage, scratchFolder } from "../support/cli.ts";

async function storeIn(directory: string): Promise<string> {
  const path = join(directory, "results.duckdb");
  const store = await ResultsStore.open(path);
  const { scenario, seed } = await smallStress();
  const batch = {
    batchId: "00000000feedbeef",
    scenarioName: "small-stress",
    scenarioHash: "hash",
    seed,
    runs: 2,
    shardSize: 2,
    steps: 40,
    version: "test",
  };
  await store.registerBatch(batch);
  await store.writeShard(batch, 0, [
    simulateRun(scenario, seed, 0),
    simulateRun(scenario, seed, 1),
  ]);
  await store.checkpoint();
  store.close();
  return path;
}

describe("deleverage query", () => {
  it("COPY ... TO the store itself or elsewhere is refused with exit 2 and the store stays valid", async () => {
    const directory = scratchFolder();
    const db = await storeIn(directory);
    const before = readFileSync(db);
    const overwrite = await deleverage(
      "query",
      `COPY (SELECT 42 AS x) TO '${db}' (FORMAT csv)`,
      "--db",
      db,
    );
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toMatch(
      /query: Permission Error: .*file system operations are disabled/,
    );
    const elsewhere = await deleverage(
      "query",
      `COPY (SELECT 1) TO '${join(directory, "x.csv")}'`,
      "--db",
      db,
    );
    expect(elsewhere.code).toBe(2);
    expect(existsSync(join(directory, "x.csv"))).toBe(false);
    expect(readFileSync(db).equals(before)).toBe(true);
    const read = await deleverage(
      "query",
      "SELECT count(*) AS runs FROM runs",
      "--db",
      db,
      "--json",
    );
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toEqual([{ runs: 2 }]);
  });

  it("a truncated store names the file and what to do, without a stack trace", async () => {
    const db = await storeIn(scratchFolder());
    truncateSync(db, 5000);
    const outcome = await deleverage("query", "SELECT 1", "--db", db);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(
      /^deleverage: results store: .*results\.duckdb is not a readable results store \(truncated or overwritten: .*\)\. Move it aside and run the stress command again to rebuild it/,
    );
    expect(outcome.stderr).not.toMatch(/internal error| {4}at /);
  });
});
