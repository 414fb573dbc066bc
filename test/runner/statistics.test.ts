import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { distribution, proportion, quantileOfSorted } from "../../src/runner/statistics.ts";

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

describe("proportions with a Wilson 95 % interval", () => {
  it("matches the textbook interval for 5 of 10", () => {
    const result = proportion(5, 10);
    expect(result.probability).toBe(0.5);
    expect(result.low).toBeCloseTo(0.2366, 4);
    expect(result.high).toBeCloseTo(0.7634, 4);
  });

  it("is not zero-width when no run hit: 0 of 200 is at most 3.84 / 203.84", () => {
    const result = proportion(0, 200);
    expect(result.probability).toBe(0);
    expect(result.low).toBe(0);
    expect(result.high).toBeCloseTo(1.959963984540054 ** 2 / (200 + 1.959963984540054 ** 2), 12);
  });

  it("is exactly [0, …] and […, 1] at the ends, not rounding dust", () => {
    expect(proportion(0, 100).low).toBe(0);
    expect(proportion(100, 100).high).toBe(1);
    expect(proportion(100, 100).low).toBeCloseTo(1 - 0.0369935, 6);
  });

  it("is undefined without trials", () => {
    expect(proportion(0, 0).probability).toBeNaN();
  });
});
