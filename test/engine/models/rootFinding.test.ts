import { describe, expect, it } from "vitest";
import { brentRoot, RootNotBracketedError } from "../../../src/engine/models/rootFinding.ts";

/** Counts evaluations so a test can tell Brent's fast convergence from plain bisection. */
function counted(f: (x: number) => number): { f: (x: number) => number; calls: () => number } {
  let calls = 0;
  return {
    f: (x) => {
      calls++;
      return f(x);
    },
    calls: () => calls,
  };
}

describe("brentRoot", () => {
  it("finds √2 to the last bit, faster than bisection would", () => {
    const square = counted((x) => x * x - 2);
    const root = brentRoot(square.f, 0, 2);
    expect(Math.abs(root - Math.SQRT2)).toBeLessThanOrEqual(2 * Number.EPSILON * Math.SQRT2);
    // Bisection needs about 52 halvings for full precision; Brent converges superlinearly.
    expect(square.calls()).toBeLessThan(20);
  });

  it("handles kinks like the clearing function's leverage cap", () => {
    // Decreasing, continuous, with a corner at 0.5 and a flat piece: root at 0.7.
    const kinked = (x: number): number => Math.min(1, 2 * (0.7 - x) + 0.2 * Math.max(0, 0.5 - x));
    expect(brentRoot(kinked, 0.01, 5)).toBeCloseTo(0.7, 14);
  });

  it("converges on a sign change without a zero (a step function) to the jump", () => {
    const step = (x: number): number => (x < 1 / 3 ? 1 : -1);
    expect(brentRoot(step, 0, 1)).toBeCloseTo(1 / 3, 14);
  });

  it("returns an end of the bracket that is a root", () => {
    expect(brentRoot((x) => x - 1, 1, 3)).toBe(1);
    expect(brentRoot((x) => x - 3, 1, 3)).toBe(3);
  });

  it("works with the bracket given either way round and for increasing functions", () => {
    expect(brentRoot((x) => Math.log(x), 5, 0.01)).toBeCloseTo(1, 14);
    expect(brentRoot((x) => 1 / x - 2, 0.01, 5)).toBeCloseTo(0.5, 14);
  });

  it("refuses a bracket without a sign change", () => {
    expect(() => brentRoot((x) => x * x + 1, -1, 1)).toThrow(RootNotBracketedError);
  });

  it("reports a function that never converges within the iteration budget", () => {
    expect(() =>
      brentRoot((x) => Math.cbrt(x - 0.3), 0, 1, {
        absoluteTolerance: 0,
        relativeTolerance: 0,
        maxIterations: 3,
      }),
    ).toThrow(/did not converge in 3 iterations/);
  });
});
