import { describe, expect, it } from "vitest";
import { barSteps, bucketSums, cascadeWindow } from "../../src/report/timeBuckets.ts";

describe("time buckets", () => {
  it("sum a per-step flow into round buckets of at most 300 bars", () => {
    // 3 days of minute steps: 4,320 steps / 300 = 14.4 min → 15-minute bars.
    expect(barSteps({ dt: 60, startTime: null }, 4320)).toBe(15);
    expect(barSteps({ dt: 1, startTime: null }, 300)).toBe(1);
    const { x, sums } = bucketSums(Float64Array.of(1, 2, Number.NaN, 4, 5), 2);
    expect(x).toEqual([0, 2, 4]);
    expect(sums).toEqual([3, 4, 5]);
  });

  it("find the shortest window with 90 % of the notional, padded, or none when it is most of the run", () => {
    const perStep = new Float64Array(301);
    perStep[11] = 7;
    perStep[39] = 26;
    perStep[200] = 1;
    // 33 of 34 (97 %) lie in steps 11-39; padded by max(5, 25 % of 28 = 7, 2 % of 300 = 6).
    expect(cascadeWindow(perStep)).toEqual([4, 46]);
    const spread = Float64Array.from({ length: 101 }, () => 1);
    expect(cascadeWindow(spread)).toBeNull();
    expect(cascadeWindow(new Float64Array(10))).toBeNull();
  });
});
