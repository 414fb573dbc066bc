import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compare, InvalidReferenceError, parseReference } from "../../src/runner/compare.ts";
import { simulateRun } from "../../src/runner/runRecord.ts";
import { type BatchInfo, ResultsStore } from "../../src/runner/store.ts";
import { summarizeBatch } from "../../src/runner/stressSummary.ts";
import { databaseIn, smallStress } from "./fixtures.ts";

describe("parseReference", () => {
  it("reads BATCH and BATCH:RUN_INDEX, the batch as at least 4 hex digits", () => {
    expect(parseReference("3f2a")).toEqual({ batchPrefix: "3f2a" });
    expect(parseReference("3f2a9c1e0b7d4e65:17")).toEqual({
      batchPrefix: "3f2a9c1e0b7d4e65",
      runIndex: 17,
    });
    for (const bad of ["3f2", "3f2a:", "3f2a:-1", "XYZW", "3f2a:1:2"]) {
      expect(() => parseReference(bad), bad).toThrow(InvalidReferenceError);
    }
  });
});

describe("compare", () => {
  const directory = mkdtempSync(join(tmpdir(), "deleverage-compare-"));
  let store: ResultsStore;
  const batch = (batchId: string, insuranceFund: number): BatchInfo => ({
    batchId,
    scenarioName: `fund ${insuranceFund}`,
    scenarioHash: batchId,
    seed: 11,
    runs: 6,
    shardSize: 6,
    steps: 40,
    version: "test",
  });
  const small = batch("aaaa000000000001", 3000);
  const large = batch("aaab000000000002", 1e9);

  beforeAll(async () => {
    store = await ResultsStore.open(databaseIn(directory));
    for (const [info, fund] of [
      [small, 3000],
      [large, 1e9],
    ] as const) {
      const { scenario, seed } = await smallStress([`exchange.insuranceFund=${fund}`]);
      await store.registerBatch(info);
      const records = Array.from({ length: 6 }, (_, runIndex) =>
        simulateRun(scenario, seed, runIndex),
      );
      if (info === large) records[5] = { runIndex: 5, status: "failed", error: "boom" };
      await store.writeShard(info, 0, records);
    }
  });
  afterAll(() => {
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("puts two runs side by side with B − A and the relative change", async () => {
    const comparison = await compare(store, "aaaa:0", "aaab000000000002:0");
    expect(comparison.kind).toBe("runs");
    expect(comparison.first).toBe("aaaa000000000001:0");
    const first = await store.run(small.batchId, 0);
    const second = await store.run(large.batchId, 0);
    const fund = comparison.rows.find((row) => row.measure === "insuranceFundStart");
    expect(fund).toEqual({
      measure: "insuranceFundStart",
      first: 3000,
      second: 1e9,
      difference: 1e9 - 3000,
      relative: (1e9 - 3000) / 3000,
    });
    const liquidated = comparison.rows.find((row) => row.measure === "liquidatedNotional");
    expect(liquidated?.first).toBe(first?.metrics?.liquidatedNotional);
    expect(liquidated?.second).toBe(second?.metrics?.liquidatedNotional);
  });

  it("compares two batches by their tail statistics over finished runs", async () => {
    const comparison = await compare(store, "aaaa", "aaab");
    expect(comparison.kind).toBe("batches");
    const expected = summarizeBatch(small, await store.runs(small.batchId));
    const other = summarizeBatch(large, await store.runs(large.batchId));
    const byMeasure = new Map(comparison.rows.map((row) => [row.measure, row]));
    expect(byMeasure.get("valueAtRisk")?.first).toBe(expected.valueAtRisk);
    expect(byMeasure.get("liquidatedNotional p99")?.second).toBe(
      other.distributions.liquidatedNotional.p99,
    );
    expect(byMeasure.get("completedRuns")).toMatchObject({ first: 6, second: 5 });
    expect(byMeasure.get("failedRuns")).toMatchObject({ first: 0, second: 1 });
  });

  it("says what is wrong with a reference that names nothing, two things or a failed run", async () => {
    await expect(compare(store, "aaa0", "aaaa")).rejects.toThrow(/no batch id starts with "aaa0"/);
    await expect(compare(store, "aaaa", "aaab:1")).rejects.toThrow(/not one of each/);
    await expect(compare(store, "aaaa:0", "aaaa:9")).rejects.toThrow(/has no stored run 9/);
    await expect(compare(store, "aaaa:0", "aaab:5")).rejects.toThrow(/failed \(boom\)/);
    const both = batch("aaaa000000000003", 1);
    await store.registerBatch(both);
    await expect(compare(store, "aaaa", "aaab")).rejects.toThrow(/names 2 batches/);
  });
});
