import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  adlAmountFields,
  adlCountFields,
  type RunRecord,
  simulateRun,
} from "../../src/runner/runRecord.ts";
import {
  type BatchInfo,
  ResultsStore,
  StoreDamagedError,
  StoreError,
  StoreMissingError,
  shardFileNames,
} from "../../src/runner/store.ts";
import { databaseIn, smallStress } from "./fixtures.ts";

const directories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "deleverage-store-"));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

const batch: BatchInfo = {
  batchId: "00000000feedbeef",
  scenarioName: "small-stress",
  scenarioHash: "hash",
  seed: 11,
  runs: 4,
  shardSize: 2,
  steps: 40,
  version: "test",
};

async function records(runIndexes: number[]): Promise<RunRecord[]> {
  const { scenario, seed } = await smallStress();
  return runIndexes.map((runIndex) => simulateRun(scenario, seed, runIndex));
}

async function count(store: ResultsStore, sql: string): Promise<number> {
  const result = await store.query(sql);
  return Number(result.rows[0][0]);
}

describe("ResultsStore", () => {
  it("stores a shard's runs, series and shard row together, and its two Parquet files", async () => {
    const directory = scratch();
    const store = await ResultsStore.open(databaseIn(directory));
    await store.registerBatch(batch);
    const shard = await records([3, 2]);
    await store.writeShard(batch, 1, shard);
    expect(await count(store, "SELECT count(*) FROM runs")).toBe(2);
    expect(await count(store, "SELECT count(*) FROM timeseries")).toBe(2 * 41);
    expect([...(await store.storedShards(batch.batchId))]).toEqual([1]);
    const stored = await store.run(batch.batchId, 2);
    expect(stored?.metrics).toEqual(shard[1].status === "ok" ? shard[1].metrics : null);
    const files = shardFileNames(batch.batchId, 1);
    const runsFile = join(directory, files.runsFile);
    expect(existsSync(runsFile)).toBe(true);
    expect(
      await count(
        store,
        `SELECT count(*) FROM read_parquet('${join(directory, files.timeseriesFile)}')`,
      ),
    ).toBe(82);
    // The Parquet copy holds exactly what the table holds.
    expect(
      await count(
        store,
        `SELECT count(*) FROM (SELECT * FROM read_parquet('${runsFile}') EXCEPT SELECT * FROM runs)`,
      ),
    ).toBe(0);
    store.close();
  });

  it("gives a store written before the ADL columns those columns, and stores runs in it", async () => {
    const path = databaseIn(scratch());
    const old = await ResultsStore.open(path);
    for (const field of [...adlCountFields, ...adlAmountFields]) {
      await old.query(`ALTER TABLE runs DROP COLUMN ${field}`);
    }
    old.close();
    const store = await ResultsStore.open(path);
    await store.registerBatch(batch);
    const shard = await records([0, 1]);
    await store.writeShard(batch, 0, shard);
    const stored = await store.run(batch.batchId, 1);
    expect(stored?.metrics).toEqual(shard[1].status === "ok" ? shard[1].metrics : null);
    expect(await count(store, "SELECT count(adlOvershoot) FROM runs")).toBe(2);
    store.close();
  });

  it("refuses a shard stored twice and keeps the first copy whole", async () => {
    const store = await ResultsStore.open(databaseIn(scratch()));
    await store.registerBatch(batch);
    const shard = await records([0, 1]);
    await store.writeShard(batch, 0, shard);
    await expect(store.writeShard(batch, 0, shard)).rejects.toThrow(StoreError);
    expect(await count(store, "SELECT count(*) FROM runs")).toBe(2);
    expect(await count(store, "SELECT count(*) FROM timeseries")).toBe(82);
    expect(await count(store, "SELECT count(*) FROM shards")).toBe(1);
    store.close();
  });

  it("records a failed run with its seed and message and no series", async () => {
    const store = await ResultsStore.open(databaseIn(scratch()));
    await store.registerBatch(batch);
    const [finished] = await records([0]);
    await store.writeShard(batch, 0, [finished, { runIndex: 1, status: "failed", error: "boom" }]);
    expect(await store.run(batch.batchId, 1)).toEqual({
      runIndex: 1,
      seed: 11,
      status: "failed",
      error: "boom",
      metrics: null,
    });
    expect(await count(store, "SELECT count(*) FROM timeseries WHERE runIndex = 1")).toBe(0);
    store.close();
  });

  it("re-exports the Parquet files of a stored shard whose files were lost after the commit", async () => {
    const directory = scratch();
    const store = await ResultsStore.open(databaseIn(directory));
    await store.registerBatch(batch);
    await store.writeShard(batch, 0, await records([0, 1]));
    const files = shardFileNames(batch.batchId, 0);
    rmSync(join(directory, files.runsFile));
    expect(await store.repairShardFiles(batch.batchId)).toBe(1);
    expect(existsSync(join(directory, files.runsFile))).toBe(true);
    expect(await store.repairShardFiles(batch.batchId)).toBe(0);
    store.close();
  });

  it("keeps the shard size a batch started with when it is registered again", async () => {
    const store = await ResultsStore.open(databaseIn(scratch()));
    await store.registerBatch(batch);
    const again = await store.registerBatch({ ...batch, shardSize: 50 });
    expect(again.shardSize).toBe(2);
    store.close();
  });

  it("read-only: no statement can write the store or touch any other file", async () => {
    const directory = scratch();
    const path = join(directory, "results.duckdb");
    const writer = await ResultsStore.open(path);
    await writer.registerBatch(batch);
    await writer.writeShard(batch, 0, await records([0, 1]));
    await writer.checkpoint();
    writer.close();
    const bytes = readFileSync(path);
    writeFileSync(join(directory, "secret.csv"), "a,b\n1,2\n");
    const store = await ResultsStore.openReadOnly(path);
    try {
      for (const sql of [
        `COPY (SELECT 42 AS x) TO '${path}' (FORMAT csv)`,
        `COPY (SELECT 1) TO '${join(directory, "x.csv")}'`,
        `SELECT * FROM read_csv('${join(directory, "secret.csv")}')`,
        `ATTACH '${join(directory, "other.duckdb")}' AS other`,
        "SET enable_external_access = true",
        "DELETE FROM runs",
        "INSTALL httpfs",
      ]) {
        await expect(store.query(sql), sql).rejects.toThrow(/Permission Error|read-only|Cannot/);
      }
      expect(await count(store, "SELECT count(*) FROM runs")).toBe(2);
    } finally {
      store.close();
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(existsSync(join(directory, "x.csv"))).toBe(false);
    expect(existsSync(join(directory, "other.duckdb"))).toBe(false);
  });

  it("a truncated or overwritten store says which file and what to do", async () => {
    const directory = scratch();
    const path = join(directory, "results.duckdb");
    const writer = await ResultsStore.open(path);
    await writer.registerBatch(batch);
    writer.close();
    truncateSync(path, 5000);
    for (const open of [ResultsStore.openReadOnly, ResultsStore.open]) {
      await expect(open(path)).rejects.toThrow(StoreDamagedError);
    }
    writeFileSync(path, "not a database\n");
    await expect(ResultsStore.openReadOnly(path)).rejects.toThrow(
      new RegExp(
        `^${path.replaceAll("/", "\\/")} is not a readable results store \\(truncated or overwritten: .*\\)\\. Move it aside and run the stress command again to rebuild it; each shard's runs are also in .*shards/\\*\\.parquet$`,
      ),
    );
  });

  it("says so when asked to read a store that does not exist", async () => {
    await expect(ResultsStore.openReadOnly(join(scratch(), "none.duckdb"))).rejects.toThrow(
      StoreMissingError,
    );
  });
});
