import { describe, expect, it } from "vitest";
import { runSeed, runStreams } from "../../src/engine/random.ts";

function draws(seed: number, runIndex: number, count: number): number[] {
  const stream = runStreams(seed, runIndex).population;
  return Array.from({ length: count }, () => stream.uniform());
}

describe("seeded stream hierarchy", () => {
  it("replays a run from (seed, runIndex) alone", () => {
    expect(draws(7, 3, 100)).toEqual(draws(7, 3, 100));
  });

  it("gives different runs, seeds and components different streams", () => {
    expect(draws(7, 3, 5)).not.toEqual(draws(7, 4, 5));
    expect(draws(7, 3, 5)).not.toEqual(draws(8, 3, 5));
    const streams = runStreams(7, 3);
    expect(streams.population.uniform()).not.toBe(streams.shock.uniform());
    expect(runSeed(2 ** 40 + 1, 0)).not.toBe(runSeed(1, 0));
  });

  it("draws uniforms in [0, 1) with the right mean and variance", () => {
    const values = draws(1, 0, 200_000);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    // Standard errors: mean 0.00065, variance 0.00019 at n = 200,000; allow 5 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 0.00065);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * 0.00019);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it("draws standard normals: mean 0, variance 1, 95 % within ±1.96", () => {
    const stream = runStreams(2, 0).shock;
    const count = 200_000;
    let sum = 0;
    let squares = 0;
    let inside = 0;
    for (let index = 0; index < count; index++) {
      const value = stream.normal();
      sum += value;
      squares += value * value;
      if (Math.abs(value) <= 1.959964) inside++;
    }
    const mean = sum / count;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(count));
    expect(Math.abs(squares / count - mean * mean - 1)).toBeLessThan(5 * Math.sqrt(2 / count));
    // Binomial standard error of the 95 % coverage: sqrt(0.95 × 0.05 / n) = 0.00049.
    expect(Math.abs(inside / count - 0.95)).toBeLessThan(5 * 0.00049);
  });
});
