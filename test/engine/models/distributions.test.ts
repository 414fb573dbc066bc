import { errorFunction } from "simple-statistics";
import { describe, expect, it } from "vitest";
import {
  ChiSquaredSampler,
  GammaSampler,
  StudentTSampler,
} from "../../../src/engine/models/distributions.ts";
import { type RandomStream, runStreams } from "../../../src/engine/random.ts";

function draw(count: number, sample: (stream: RandomStream) => number, seed: number): Float64Array {
  const stream = runStreams(seed, 0).tfg;
  const values = new Float64Array(count);
  for (let index = 0; index < count; index++) values[index] = sample(stream);
  return values;
}

function moments(values: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, variance: squares / (values.length - 1) };
}

/** Kolmogorov–Smirnov distance sup |F_n(x) − F(x)| between the sample and a continuous CDF. */
function kolmogorovSmirnov(values: Float64Array, cdf: (x: number) => number): number {
  const sorted = values.slice().sort();
  const count = sorted.length;
  let distance = 0;
  for (let index = 0; index < count; index++) {
    const expected = cdf(sorted[index]);
    distance = Math.max(distance, (index + 1) / count - expected, expected - index / count);
  }
  return distance;
}

/** The KS distance exceeds 1.95/√n with probability 0.001 under the null. */
const ksCritical = (count: number): number => 1.95 / Math.sqrt(count);

const count = 100_000;

describe("GammaSampler (Marsaglia–Tsang)", () => {
  it.each([0.5, 1.5, 5])("shape %f has mean and variance equal to the shape (scale 1)", (shape) => {
    const sampler = new GammaSampler(shape);
    const values = draw(count, (stream) => sampler.sample(stream), 11);
    const { mean, variance } = moments(values);
    // Standard errors: mean sqrt(k/n); sample variance sqrt((μ4 − σ⁴)/n) with μ4 = 3k² + 6k.
    expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / count));
    expect(Math.abs(variance - shape)).toBeLessThan(
      5 * Math.sqrt((2 * shape * shape + 6 * shape) / count),
    );
    expect(values.every((value) => value > 0)).toBe(true);
  });

  it("shape 1 is the unit exponential (KS test)", () => {
    const sampler = new GammaSampler(1);
    const values = draw(count, (stream) => sampler.sample(stream), 12);
    expect(kolmogorovSmirnov(values, (x) => 1 - Math.exp(-x))).toBeLessThan(ksCritical(count));
  });

  it("shape 1/2 (the boosted branch) is Z²/2 (KS test)", () => {
    const sampler = new GammaSampler(0.5);
    const values = draw(count, (stream) => sampler.sample(stream), 13);
    // P(Z²/2 ≤ x) = P(|Z| ≤ √(2x)) = erf(√x).
    expect(kolmogorovSmirnov(values, (x) => errorFunction(Math.sqrt(x)))).toBeLessThan(
      ksCritical(count),
    );
  });

  it("rejects a shape that is not positive", () => {
    expect(() => new GammaSampler(0)).toThrow(RangeError);
    expect(() => new GammaSampler(Number.NaN)).toThrow(RangeError);
  });

  it("would fail a wrong distribution: the exponential sample is not Gamma(1.2)", () => {
    const sampler = new GammaSampler(1);
    const values = draw(count, (stream) => sampler.sample(stream), 12);
    expect(kolmogorovSmirnov(values, (x) => 1 - Math.exp(-x / 1.2))).toBeGreaterThan(
      ksCritical(count),
    );
  });
});

describe("ChiSquaredSampler", () => {
  it("χ²(4) has mean 4 and variance 8", () => {
    const sampler = new ChiSquaredSampler(4);
    const { mean, variance } = moments(draw(count, (stream) => sampler.sample(stream), 14));
    // Standard errors: mean sqrt(8/n); variance sqrt((μ4 − σ⁴)/n), μ4 = 12ν(ν + 4) = 384.
    expect(Math.abs(mean - 4)).toBeLessThan(5 * Math.sqrt(8 / count));
    expect(Math.abs(variance - 8)).toBeLessThan(5 * Math.sqrt((384 - 64) / count));
  });

  it("χ²(2) is the exponential with mean 2 (KS test)", () => {
    const sampler = new ChiSquaredSampler(2);
    const values = draw(count, (stream) => sampler.sample(stream), 15);
    expect(kolmogorovSmirnov(values, (x) => 1 - Math.exp(-x / 2))).toBeLessThan(ksCritical(count));
  });
});

describe("StudentTSampler", () => {
  it("t(1) is the standard Cauchy (KS test)", () => {
    const sampler = new StudentTSampler(1);
    const values = draw(count, (stream) => sampler.sample(stream), 16);
    expect(kolmogorovSmirnov(values, (x) => 0.5 + Math.atan(x) / Math.PI)).toBeLessThan(
      ksCritical(count),
    );
  });

  it("t(3) follows its closed-form CDF (KS test)", () => {
    const sampler = new StudentTSampler(3);
    const values = draw(count, (stream) => sampler.sample(stream), 17);
    const root3 = Math.sqrt(3);
    const cdf = (x: number): number =>
      0.5 + (x / (root3 * (1 + (x * x) / 3)) + Math.atan(x / root3)) / Math.PI;
    expect(kolmogorovSmirnov(values, cdf)).toBeLessThan(ksCritical(count));
  });

  it("t(3) is not the normal: the KS test tells them apart", () => {
    const sampler = new StudentTSampler(3);
    const values = draw(count, (stream) => sampler.sample(stream), 17);
    const normalCdf = (x: number): number => 0.5 * (1 + errorFunction(x / Math.SQRT2));
    expect(kolmogorovSmirnov(values, normalCdf)).toBeGreaterThan(ksCritical(count));
  });

  it("t(10) has variance ν/(ν−2) = 1.25", () => {
    const sampler = new StudentTSampler(10);
    const { mean, variance } = moments(draw(count, (stream) => sampler.sample(stream), 18));
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(1.25 / count));
    // μ4 of t(10) = 3ν²/((ν−2)(ν−4)) = 6.25; standard error of the variance sqrt((6.25 − 1.5625)/n).
    expect(Math.abs(variance - 1.25)).toBeLessThan(5 * Math.sqrt((6.25 - 1.5625) / count));
  });

  it("draws the same values for the same seed", () => {
    const sampler = new StudentTSampler(3);
    const first = draw(1000, (stream) => sampler.sample(stream), 19);
    const second = draw(1000, (stream) => sampler.sample(stream), 19);
    expect(Array.from(second)).toEqual(Array.from(first));
  });
});
