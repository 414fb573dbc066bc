import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsampleAligned, downsampleMinMax } from "../../src/report/downsample.ts";

function minMax(values: Float64Array): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return [min, max];
}

/** A noisy oscillation with one deep spike, deterministic. */
function wiggle(length: number, spikeAt: number): { x: Float64Array; y: Float64Array } {
  const x = Float64Array.from({ length }, (_, index) => index);
  const y = Float64Array.from(
    { length },
    (_, index) => Math.sin(index / 37) + ((index * 7919) % 101) / 500,
  );
  y[spikeAt] = -50;
  y[spikeAt + 1] = 60;
  return { x, y };
}

describe("downsampleMinMax", () => {
  it("keeps endpoints and the global extremes within maxPoints", () => {
    const { x, y } = wiggle(100_000, 54_321);
    const sampled = downsampleMinMax(x, y, 1000);
    expect(sampled.x.length).toBeLessThanOrEqual(1000);
    expect(sampled.x.length).toBe(sampled.y.length);
    expect(sampled.x[0]).toBe(0);
    expect(sampled.x.at(-1)).toBe(99_999);
    expect(minMax(sampled.y)).toEqual([-50, 60]);
  });

  it("returns real points in their original order", () => {
    const { x, y } = wiggle(10_000, 5000);
    const sampled = downsampleMinMax(x, y, 100);
    for (let index = 0; index < sampled.x.length; index++) {
      if (index > 0) expect(sampled.x[index]).toBeGreaterThan(sampled.x[index - 1]);
      expect(sampled.y[index]).toBe(y[sampled.x[index]]);
    }
  });

  it("returns a copy when the series already fits", () => {
    const x = Float64Array.of(1, 2, 3);
    const y = Float64Array.of(4, 5, 6);
    const sampled = downsampleMinMax(x, y, 4);
    expect(Array.from(sampled.y)).toEqual([4, 5, 6]);
    expect(sampled.y).not.toBe(y);
  });

  it("ignores NaN for extremes but keeps an all-NaN stretch as a gap", () => {
    const length = 1000;
    const x = Float64Array.from({ length }, (_, index) => index);
    const y = Float64Array.from({ length }, (_, index) =>
      index >= 400 && index < 600 ? Number.NaN : index % 10,
    );
    const sampled = downsampleMinMax(x, y, 20);
    expect(sampled.y.some(Number.isNaN)).toBe(true);
    const finite = Float64Array.from(Array.from(sampled.y).filter((value) => !Number.isNaN(value)));
    expect(minMax(finite)).toEqual([0, 9]);
  });

  it("rejects a budget too small for extremes and mismatched lengths", () => {
    expect(() => downsampleMinMax(new Float64Array(10), new Float64Array(10), 3)).toThrow(
      RangeError,
    );
    expect(() => downsampleMinMax(new Float64Array(10), new Float64Array(9), 100)).toThrow(
      RangeError,
    );
  });

  it("holds for arbitrary series and budgets", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 4, max: 60 }),
        (values, maxPoints) => {
          const y = Float64Array.from(values);
          const x = Float64Array.from(values, (_, index) => index);
          const sampled = downsampleMinMax(x, y, maxPoints);
          expect(sampled.x.length).toBeLessThanOrEqual(maxPoints);
          expect(sampled.x[0]).toBe(0);
          expect(sampled.x.at(-1)).toBe(values.length - 1);
          // Adding 0 turns -0 into 0: which of two equal zeros a bucket keeps does not matter.
          expect(minMax(sampled.y).map((value) => value + 0)).toEqual(
            minMax(y).map((value) => value + 0),
          );
        },
      ),
    );
  });
});

describe("downsampleAligned", () => {
  it("shares one x axis within the budget and keeps every series' extremes", () => {
    const first = wiggle(50_000, 1234);
    const second = wiggle(50_000, 40_000);
    const sampled = downsampleAligned(first.x, [first.y, second.y], 2000);
    expect(sampled.x.length).toBeLessThanOrEqual(2000);
    expect(minMax(sampled.series[0])).toEqual([-50, 60]);
    expect(minMax(sampled.series[1])).toEqual([-50, 60]);
    sampled.x.forEach((xValue, index) => {
      expect(sampled.series[0][index]).toBe(first.y[xValue]);
      expect(sampled.series[1][index]).toBe(second.y[xValue]);
    });
  });

  it("needs four points per series", () => {
    const x = new Float64Array(100);
    expect(() => downsampleAligned(x, [x, x, x], 11)).toThrow(RangeError);
  });
});
