import { describe, expect, it } from "vitest";
import { amountFields, countFields, type RunMetrics } from "../../src/runner/runRecord.ts";
import type { BatchInfo, StoredRun } from "../../src/runner/store.ts";
import { stressSummaryJson, summarizeBatch } from "../../src/runner/stressSummary.ts";

const batch: BatchInfo = {
  batchId: "0123456789abcdef",
  scenarioName: "worked",
  scenarioHash: "hash",
  seed: 5,
  runs: 6,
  shardSize: 100,
  steps: 10,
  version: "test",
};

function run(runIndex: number, figures: Partial<RunMetrics>): StoredRun {
  const metrics = { insuranceFundExhausted: false } as RunMetrics;
  for (const field of [...countFields, ...amountFields]) metrics[field] = 0;
  Object.assign(metrics, { uncoveredBadDebt: 0, insuranceFundMin: 0, ledgerDrift: 0 }, figures);
  return { runIndex, seed: 5, status: "ok", error: null, metrics };
}

describe("summarizeBatch", () => {
  // Five finished runs and one failure, with figures chosen so every statistic is checkable.
  const runs: StoredRun[] = [
    run(0, { liquidatedNotional: 30, uncoveredBadDebt: 0, adlCount: 0, amplification: Number.NaN }),
    run(1, {
      liquidatedNotional: 10,
      uncoveredBadDebt: 200,
      adlCount: 3,
      amplification: 1.5,
      insuranceFundExhausted: true,
    }),
    {
      runIndex: 2,
      seed: 5,
      status: "failed",
      error: "step 3: index price became 0",
      metrics: null,
    },
    run(3, { liquidatedNotional: 50, uncoveredBadDebt: 0, adlCount: 0, amplification: 2 }),
    run(4, {
      liquidatedNotional: 20,
      uncoveredBadDebt: 100,
      adlCount: 1,
      amplification: 3,
      insuranceFundExhausted: true,
    }),
    run(5, { liquidatedNotional: 40, uncoveredBadDebt: 0, adlCount: 0, amplification: 1 }),
  ];
  const summary = summarizeBatch(batch, runs);

  it("takes VaR as the p95 of uncovered bad debt and LaR as the p95 of liquidated notional", () => {
    // Sorted 0, 0, 0, 100, 200: h = 4 × 0.95 = 3.8 → 100 + 0.8 × 100.
    expect(summary.valueAtRisk).toBeCloseTo(180, 12);
    // Sorted 10, 20, 30, 40, 50: h = 3.8 → 40 + 0.8 × 10.
    expect(summary.liquidationsAtRisk).toBeCloseTo(48, 12);
    expect(summary.distributions.liquidatedNotional.mean).toBe(30);
  });

  it("counts probabilities over finished runs only", () => {
    expect(summary.completedRuns).toBe(5);
    expect(summary.insuranceFundExhausted).toMatchObject({ hits: 2, trials: 5, probability: 0.4 });
    expect(summary.adlFired).toMatchObject({ hits: 2, trials: 5, probability: 0.4 });
  });

  it("leaves runs without a value out of that statistic only", () => {
    // Amplifications 1.5, 2, 3, 1 and one NaN: sorted 1, 1.5, 2, 3, median halfway 1.5 → 2.
    expect(summary.distributions.amplification.count).toBe(4);
    expect(summary.distributions.amplification.p50).toBe(1.75);
    expect(summary.distributions.liquidatedNotional.count).toBe(5);
  });

  it("lists failed runs with their seed and message", () => {
    expect(summary.failedRuns).toBe(1);
    expect(summary.failures).toEqual([
      { runIndex: 2, seed: 5, error: "step 3: index price became 0" },
    ]);
  });

  it("writes JSON with NaN as null, like summary.json", () => {
    const empty = summarizeBatch(batch, []);
    const json = JSON.parse(stressSummaryJson(empty));
    expect(json.valueAtRisk).toBeNull();
    expect(json.distributions.badDebt).toEqual({
      count: 0,
      mean: null,
      p50: null,
      p90: null,
      p95: null,
      p99: null,
      max: null,
    });
  });
});
