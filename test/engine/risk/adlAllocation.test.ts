import { describe, expect, it } from "vitest";
import { waterFill } from "../../../src/engine/risk/adlAllocation.ts";

function fill(weights: number[], caps: number[], total: number): number[] {
  const count = weights.length;
  const out = new Float64Array(count);
  waterFill(
    count,
    Float64Array.from(weights),
    Float64Array.from(caps),
    total,
    new Int32Array(count),
    new Float64Array(count),
    out,
  );
  return Array.from(out);
}

describe("capped weighted water-filling", () => {
  it("worked example: weights 1, 1, 2, caps 1, 10, 10, total 6 → 1, 5/3, 10/3", () => {
    const [first, second, third] = fill([1, 1, 2], [1, 10, 10], 6);
    expect(first).toBe(1);
    expect(second).toBeCloseTo(5 / 3, 12);
    expect(third).toBeCloseTo(10 / 3, 12);
  });

  it("without binding caps it is plain pro rata", () => {
    const shares = fill([1, 3], [100, 100], 8);
    expect(shares[0]).toBeCloseTo(2, 12);
    expect(shares[1]).toBeCloseTo(6, 12);
  });

  it("caps that cannot reach the total are all filled; zero weights get nothing", () => {
    expect(fill([1, 1, 0], [1, 2, 5], 10)).toEqual([1, 2, 0]);
  });
});
