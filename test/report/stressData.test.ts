import { describe, expect, it } from "vitest";
import {
  defaultBinCount,
  exceedance,
  histogram,
  stressChartData,
} from "../../src/report/stressData.ts";
import { amountFields, countFields, type RunMetrics } from "../../src/runner/runRecord.ts";
import type { StoredRun } from "../../src/runner/store.ts";

const oneToHundred = Array.from({ length: 100 }, (_, index) => index + 1);

/** P(X > x) read off the step curve: the level of the last point at or left of x. */
function probabilityAbove(curve: { x: number[]; probability: number[] }, x: number): number {
  let level = 1;
  for (let index = 0; index < curve.x.length && curve.x[index] <= x; index++) {
    level = curve.probability[index];
  }
  return level;
}

describe("histogram", () => {
  it("bins 1..100 on round edges of 10, a value on an edge counting in the bin it opens", () => {
    const { edges, counts } = histogram(oneToHundred, 10);
    expect(edges).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    // [0, 10) holds 1..9; [100, 110) holds only 100.
    expect(counts).toEqual([9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 1]);
  });

  it("keeps edges such as 0.3 exact and puts 0.3 in [0.3, 0.4)", () => {
    const { edges, counts } = histogram([0, 0.1, 0.2, 0.3, 0.3, 0.9], 10);
    expect(edges.slice(0, 5)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(counts.slice(0, 4)).toEqual([1, 1, 1, 2]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(6);
  });

  it("gives one closed bin when every value is equal and nothing for no values", () => {
    expect(histogram([5, 5, 5])).toEqual({ edges: [5, 5], counts: [3] });
    expect(histogram([])).toEqual({ edges: [], counts: [] });
  });

  it("uses √n bins between 5 and 40", () => {
    expect(defaultBinCount(100)).toBe(10);
    expect(defaultBinCount(4)).toBe(5);
    expect(defaultBinCount(100_000)).toBe(40);
  });
});

describe("exceedance", () => {
  it("gives P(X > 95) = 0.05 over 1..100, 0 at the maximum and 1 below the minimum", () => {
    const curve = exceedance(oneToHundred);
    expect(curve.x).toEqual(oneToHundred);
    expect(probabilityAbove(curve, 95)).toBe(0.05);
    expect(probabilityAbove(curve, 99)).toBe(0.01);
    expect(probabilityAbove(curve, 95.5)).toBe(0.05);
    expect(probabilityAbove(curve, 100)).toBe(0);
    expect(probabilityAbove(curve, 0)).toBe(1);
  });

  it("merges ties into one step: 0, 0, 0, 5 → P(X > 0) = 0.25", () => {
    expect(exceedance([0, 0, 0, 5])).toEqual({ x: [0, 5], probability: [0.25, 0] });
  });

  it("thins a long curve but keeps every tail point and exact probabilities", () => {
    const values = Array.from({ length: 10_000 }, (_, index) => index);
    const curve = exceedance(values, 200);
    expect(curve.x.length).toBeLessThanOrEqual(200);
    // The last 100 distinct values (P below 1 %) are all there.
    expect(curve.x.slice(-100)).toEqual(values.slice(-100));
    expect(curve.x[0]).toBe(0);
    for (let index = 0; index < curve.x.length; index++) {
      expect(curve.probability[index]).toBe((10_000 - curve.x[index] - 1) / 10_000);
    }
    expect(probabilityAbove(curve, 9_900)).toBe(0.0099);
  });
});

function storedRun(runIndex: number, values: Partial<RunMetrics>): StoredRun {
  const metrics = { insuranceFundExhausted: false } as RunMetrics;
  for (const field of [...countFields, ...amountFields]) metrics[field] = 0;
  metrics.uncoveredBadDebt = 0;
  metrics.insuranceFundMin = 0;
  metrics.ledgerDrift = 0;
  return { runIndex, seed: 1, status: "ok", error: null, metrics: { ...metrics, ...values } };
}

describe("stressChartData", () => {
  it("covers every finished run, leaving out failed runs and runs without a value", () => {
    const runs: StoredRun[] = [
      ...oneToHundred.map((value, index) =>
        storedRun(index, { liquidatedNotional: value * 1000, amplification: value }),
      ),
      storedRun(100, { liquidatedNotional: 0, amplification: Number.NaN }),
      { runIndex: 101, seed: 1, status: "failed", error: "boom", metrics: null },
    ];
    const metrics = stressChartData(runs);
    const liquidated = metrics.find((metric) => metric.field === "liquidatedNotional");
    const amplification = metrics.find((metric) => metric.field === "amplification");
    const minPrice = metrics.find((metric) => metric.field === "minPrice");
    expect(liquidated).toMatchObject({ count: 101, missing: 0, zeros: 1, min: 0, max: 100_000 });
    expect(amplification).toMatchObject({ count: 100, missing: 1, zeros: 0, p95: 95.05 });
    if (amplification?.exceedance == null) throw new Error("amplification has a tail");
    expect(probabilityAbove(amplification.exceedance, 95)).toBe(0.05);
    expect(minPrice?.exceedance).toBeNull();
  });
});
