import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TriggerIndex } from "../../../src/engine/risk/liquidationIndex.ts";

function takeAll(index: TriggerIndex, threshold: number): number[] {
  const taken: number[] = [];
  index.takeAtOrAbove(threshold, (id) => taken.push(id));
  return taken.sort((a, b) => a - b);
}

describe("trigger index", () => {
  it("takes exactly the entries at or above the threshold, once", () => {
    const index = new TriggerIndex(100, 4);
    const values = [101, 99.99, 100, 95, 150, 10, 300, 99.995];
    for (const [id, value] of values.entries()) index.add(value, id);
    expect(takeAll(index, 100)).toEqual([0, 2, 4, 6]);
    expect(takeAll(index, 100)).toEqual([]);
    expect(takeAll(index, 99.99)).toEqual([1, 7]);
    expect(takeAll(index, 1)).toEqual([3, 5]);
    expect(index.size).toBe(0);
  });

  it("does not index values that can never trigger", () => {
    const index = new TriggerIndex(100, 4);
    index.add(-5, 0);
    index.add(0, 1);
    expect(index.size).toBe(0);
  });

  it("matches a brute-force scan for random values and falling thresholds (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 400, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.double({ min: 0.5, max: 500, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (values, thresholds) => {
          const index = new TriggerIndex(100, 8);
          for (const [id, value] of values.entries()) index.add(value, id);
          const remaining = new Set(values.keys());
          for (const threshold of thresholds) {
            const expected = [...remaining]
              .filter((id) => values[id] >= threshold)
              .sort((a, b) => a - b);
            expect(takeAll(index, threshold)).toEqual(expected);
            for (const id of expected) remaining.delete(id);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
