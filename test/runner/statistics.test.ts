import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
  binomialCdf,
  clopperPearson,
  distribution,
  proportion,
  quantileOfSorted,
} from "../../src/runner/statistics.ts";

describe("quantiles (type 7, linear between order statistics)", () => {
  it("interpolates with worked numbers: h = (n − 1)·p", () => {
    const sorted = [10, 20, 30, 40, 50];
    expect(quantileOfSorted(sorted, 0)).toBe(10);
    expect(quantileOfSorted(sorted, 0.5)).toBe(30); // h = 2: the middle value
    expect(quantileOfSorted(sorted, 0.9)).toBeCloseTo(46, 12); // h = 3.6: 40 + 0.6 × 10
    expect(quantileOfSorted(sorted, 0.95)).toBeCloseTo(48, 12); // h = 3.8
    expect(quantileOfSorted(sorted, 0.99)).toBeCloseTo(49.6, 12); // h = 3.96
    expect(quantileOfSorted(sorted, 1)).toBe(50);
  });

  it("rejects probabilities outside [0, 1]", () => {
    expect(() => quantileOfSorted([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantileOfSorted([1, 2], Number.NaN)).toThrow(RangeError);
  });

  it("summarises unsorted values, leaving NaN (no value) out of every statistic", () => {
    expect(distribution([50, Number.NaN, 10, 40, 20, 30])).toEqual({
      count: 5,
      mean: 30,
      p50: 30,
      p90: 46,
      p95: 48,
      p99: 49.6,
      max: 50,
    });
  });

  it("gives the value itself for one run and NaN for none", () => {
    expect(distribution([7])).toEqual({
      count: 1,
      mean: 7,
      p50: 7,
      p90: 7,
      p95: 7,
      p99: 7,
      max: 7,
    });
    const empty = distribution([]);
    expect(empty.count).toBe(0);
    expect(empty.p95).toBeNaN();
    expect(empty.max).toBeNaN();
  });

  it("agrees with DuckDB's quantile_cont, so figures can be checked against the store", async () => {
    const values = Array.from({ length: 257 }, (_, index) => ((index * 7919) % 1000) / 7 - 20);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `SELECT quantile_cont(v, [0.5, 0.9, 0.95, 0.99]) FROM (SELECT unnest([${values.join(", ")}]::DOUBLE[]) AS v)`,
    );
    const [expected] = reader.getRowsJS()[0] as [number[]];
    connection.closeSync();
    instance.closeSync();
    const result = distribution(values);
    const ours = [result.p50, result.p90, result.p95, result.p99];
    for (let index = 0; index < ours.length; index++) {
      expect(ours[index]).toBeCloseTo(expected[index], 9);
    }
  });
});

describe("Clopper–Pearson bounds (one-sided, 95 %)", () => {
  it("matches worked numbers: 0 of n gives 1 − 0.05^(1/n)", () => {
    // 0 of 20: 1 − 0.05^(1/20) = 0.139108; 0 of 299 is the first n below 1 % (rule of three).
    expect(clopperPearson(0, 20).high).toBeCloseTo(0.139108, 5);
    expect(clopperPearson(0, 299).high).toBeCloseTo(0.009969, 5);
    expect(clopperPearson(0, 298).high).toBeCloseTo(0.010002, 5);
    expect(clopperPearson(0, 20).low).toBe(0);
  });

  it("matches the beta quantiles: 1 of 20 and 5 of 100", () => {
    // Upper = Beta(k + 1, n − k) quantile 0.95; lower = Beta(k, n − k + 1) quantile 0.05.
    expect(clopperPearson(1, 20).high).toBeCloseTo(0.216106, 5);
    expect(clopperPearson(1, 20).low).toBeCloseTo(0.002561, 5);
    expect(clopperPearson(5, 100).high).toBeCloseTo(0.102253, 5);
    expect(clopperPearson(5, 100).low).toBeCloseTo(0.019906, 5);
    expect(clopperPearson(20, 20)).toMatchObject({ estimate: 1, high: 1 });
  });

  it("sums the binomial distribution without underflow", () => {
    expect(binomialCdf(0, 2, 0.5)).toBeCloseTo(0.25, 12);
    expect(binomialCdf(1, 2, 0.5)).toBeCloseTo(0.75, 12);
    expect(binomialCdf(500, 100_000, 0.005)).toBeGreaterThan(0.5);
    expect(binomialCdf(500, 100_000, 0.005)).toBeLessThan(0.52);
  });
});

describe("proportions", () => {
  it("carry the one-sided 95 % Clopper–Pearson bounds: 5 of 100 is 5.0 % (1.99 %–10.2 %)", () => {
    const result = proportion(5, 100);
    expect(result.probability).toBe(0.05);
    expect(result.low).toBeCloseTo(0.019906, 5);
    expect(result.high).toBeCloseTo(0.102253, 5);
    expect(proportion(0, 100).low).toBe(0);
    expect(proportion(100, 100).high).toBe(1);
  });

  it("is undefined without trials", () => {
    expect(proportion(0, 0).probability).toBeNaN();
  });
});
