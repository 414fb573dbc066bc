import { describe, expect, it } from "vitest";
import {
  absoluteAutocorrelation,
  autocorrelation,
  drawdownDistribution,
  drawdowns,
  excessKurtosis,
  hillTailIndex,
  logReturns,
  lossRuns,
  tailStatistics,
  volatilityClustering,
} from "../../../src/engine/metrics/tail.ts";
import { StudentTSampler } from "../../../src/engine/models/distributions.ts";
import { type RandomStream, runStreams } from "../../../src/engine/random.ts";

function stream(seed: number): RandomStream {
  return runStreams(seed, 0).tfg;
}

function normals(count: number, seed: number): Float64Array {
  const source = stream(seed);
  return Float64Array.from({ length: count }, () => source.normal());
}

function studentT(count: number, degreesOfFreedom: number, seed: number): Float64Array {
  const source = stream(seed);
  const sampler = new StudentTSampler(degreesOfFreedom);
  return Float64Array.from({ length: count }, () => sampler.sample(source));
}

/** GARCH(1,1) returns: σ²_t = ω + α r²_{t−1} + β σ²_{t−1}; volatility clusters by construction. */
function garch(count: number, seed: number): Float64Array {
  const source = stream(seed);
  const returns = new Float64Array(count);
  let variance = 1;
  for (let index = 0; index < count; index++) {
    const value = Math.sqrt(variance) * source.normal();
    returns[index] = value;
    variance = 0.05 + 0.1 * value * value + 0.85 * variance;
  }
  return returns;
}

describe("logReturns", () => {
  it("is ln(p_t / p_{t−1}), after an optional burn-in", () => {
    const prices = [1, 2, 1, Math.E];
    expect(Array.from(logReturns(prices))).toEqual([Math.log(2), Math.log(0.5), 1]);
    expect(Array.from(logReturns(prices, 2))).toEqual([1]);
    expect(logReturns(prices, 3)).toHaveLength(0);
  });
});

describe("excessKurtosis", () => {
  it("matches the G2 estimator on a worked sample", () => {
    // simple-statistics' documented example (SciPy kurtosis(bias=False) gives the same).
    expect(excessKurtosis(Float64Array.from([1, 2, 2, 3, 5]))).toBeCloseTo(1.4555765595463122, 12);
  });

  it("is ≈ 0 for normal draws", () => {
    // Standard error sqrt(24/n) = 0.011 at n = 200,000.
    expect(Math.abs(excessKurtosis(normals(200_000, 1)))).toBeLessThan(0.05);
  });

  it("is ≈ 6/(ν−4) = 1 for Student-t with ν = 10", () => {
    // The estimator's standard error here is about 0.05 (the 8th moment of t(10) is finite).
    expect(Math.abs(excessKurtosis(studentT(500_000, 10, 2)) - 1)).toBeLessThan(0.2);
  });
});

describe("hillTailIndex", () => {
  it("computes k / Σ ln(X_(i) / X_(k+1)) on |values|", () => {
    // |values| sorted down: 8, 4, 2, 1; k = 2, threshold 2: 2 / (ln 4 + ln 2) = 2 / (3 ln 2).
    const estimate = hillTailIndex([1, -8, 2, 4], { tailCount: 2 });
    expect(estimate.index).toBeCloseTo(2 / (3 * Math.LN2), 14);
    expect(estimate.threshold).toBe(2);
    expect(hillTailIndex([1, -8, 2, 4], { tailFraction: 0.5 }).tailCount).toBe(2);
  });

  it("recovers the exponent of a Pareto sample, for which it is the maximum-likelihood estimator", () => {
    const source = stream(3);
    // P(X > x) = x^−2 for x ≥ 1, by inversion.
    const pareto = Float64Array.from({ length: 100_000 }, () => source.uniformOpen() ** -0.5);
    const estimate = hillTailIndex(pareto, { tailFraction: 0.1 });
    // Standard error α/√k = 2/√10,000 = 0.02.
    expect(Math.abs(estimate.index - 2)).toBeLessThan(0.1);
  });

  it("is ≈ ν = 3 on Student-t(3) draws (top 1 %)", () => {
    const estimate = hillTailIndex(studentT(200_000, 3, 4), { tailFraction: 0.01 });
    expect(estimate.tailCount).toBe(2000);
    // Standard error 3/√2000 = 0.07, plus a small downward bias of t's second-order tail term.
    expect(Math.abs(estimate.index - 3)).toBeLessThan(0.25);
  });

  it("tells a thin tail from a fat one: normal draws give a far larger index than t(3)", () => {
    const normal = hillTailIndex(normals(200_000, 5), { tailFraction: 0.01 }).index;
    expect(normal).toBeGreaterThan(5);
  });

  it("rejects tails that are empty, the whole sample, or reach zeros", () => {
    expect(() => hillTailIndex([1, 2, 3], { tailCount: 0 })).toThrow(RangeError);
    expect(() => hillTailIndex([1, 2, 3], { tailCount: 3 })).toThrow(RangeError);
    expect(() => hillTailIndex([0, 0, 3], { tailCount: 1 })).toThrow(/Hill needs it > 0/);
  });
});

describe("autocorrelation", () => {
  it("matches the Box–Jenkins estimator on a worked series", () => {
    // Deviations −1.5, −0.5, 0.5, 1.5 (sum of squares 5): lag 1 (0.75 − 0.25 + 0.75)/5, lag 2 −1.5/5.
    const correlations = autocorrelation([1, 2, 3, 4], 2);
    expect(correlations[0]).toBeCloseTo(0.25, 15);
    expect(correlations[1]).toBeCloseTo(-0.3, 15);
  });

  it("takes |x| in absoluteAutocorrelation", () => {
    expect(Array.from(absoluteAutocorrelation([-1, 2, -3, 4], 2))).toEqual(
      Array.from(autocorrelation([1, 2, 3, 4], 2)),
    );
  });

  it("is ≈ 0 at every lag for independent draws (within 4/√n)", () => {
    const values = normals(200_000, 6);
    const bound = 4 / Math.sqrt(values.length);
    for (const correlation of absoluteAutocorrelation(values, 10)) {
      expect(Math.abs(correlation)).toBeLessThan(bound);
    }
  });

  it("is clearly positive for |r| of a GARCH series and decays with the lag", () => {
    const correlations = absoluteAutocorrelation(garch(100_000, 7), 20);
    expect(correlations[0]).toBeGreaterThan(0.1);
    expect(correlations[19]).toBeGreaterThan(4 / Math.sqrt(100_000));
    expect(correlations[19]).toBeLessThan(correlations[0]);
  });

  it("rejects lags outside 1..n−1 and constant series", () => {
    expect(() => autocorrelation([1, 2, 3], 3)).toThrow(RangeError);
    expect(() => autocorrelation([1, 2, 3], 0)).toThrow(RangeError);
    expect(() => autocorrelation([2, 2, 2], 1)).toThrow(/constant/);
  });
});

describe("volatilityClustering (Ljung–Box on |r|)", () => {
  it("stays below the χ²(10) 99.9 % quantile (29.59) for independent returns", () => {
    const clustering = volatilityClustering(normals(100_000, 8), 10);
    expect(clustering.degreesOfFreedom).toBe(10);
    expect(clustering.statistic).toBeLessThan(29.59);
  });

  it("is orders of magnitude above it for GARCH returns", () => {
    const clustering = volatilityClustering(garch(100_000, 9), 10);
    expect(clustering.statistic).toBeGreaterThan(1000);
    expect(clustering.meanAbsoluteAutocorrelation).toBeGreaterThan(0.05);
  });

  it("is n(n+2) Σ ρ̂²/(n−k)", () => {
    const values = [1, -3, 2, -5, 4, -1, 6];
    const correlations = absoluteAutocorrelation(values, 2);
    const expected = 7 * 9 * (correlations[0] ** 2 / 6 + correlations[1] ** 2 / 5);
    expect(volatilityClustering(values, 2).statistic).toBeCloseTo(expected, 12);
  });
});

describe("drawdowns", () => {
  it("splits a path into peak-to-trough episodes", () => {
    const episodes = drawdowns([100, 90, 95, 80, 100, 110, 99, 120, 60]);
    const expectedDepths = [0.2, 0.1, 0.5];
    expect(episodes.depth).toHaveLength(3);
    episodes.depth.forEach((depth, index) => {
      expect(depth).toBeCloseTo(expectedDepths[index], 14);
    });
    expect(Array.from(episodes.peakStep)).toEqual([0, 5, 7]);
    expect(Array.from(episodes.duration)).toEqual([4, 2, 1]);
    expect(Array.from(episodes.recovered)).toEqual([1, 1, 0]);
    const distribution = drawdownDistribution(episodes);
    expect(distribution.count).toBe(3);
    expect(distribution.maximum).toBe(0.5);
    expect(distribution.longestDuration).toBe(4);
  });

  it("finds none in a rising path", () => {
    expect(drawdownDistribution(drawdowns([1, 2, 2, 3])).count).toBe(0);
    expect(drawdownDistribution(lossRuns([1, 2, 2, 3])).maximum).toBe(0);
  });

  it("rejects non-positive prices", () => {
    expect(() => drawdowns([1, 0, 2])).toThrow(RangeError);
    expect(() => lossRuns([1, -1, 2])).toThrow(RangeError);
  });

  it("gives the maximum drawdown of a driftless random walk: E = sqrt(π/2)·σ·√T", () => {
    // Magdon-Ismail, Atiya, Pratap & Abu-Mostafa (2004), J. Applied Probability 41(1): for
    // Brownian motion without drift E[MDD] = sqrt(π/2)·σ·√T ≈ 1.2533 σ√T. A discrete walk of n
    // steps sees slightly less (about 2·0.5826·σ, the Broadie–Glasserman–Kou correction).
    const source = stream(10);
    const paths = 400;
    const length = 2500;
    const sigma = 0.01;
    let total = 0;
    const prices = new Float64Array(length + 1);
    for (let path = 0; path < paths; path++) {
      prices[0] = 1;
      for (let step = 1; step <= length; step++) {
        prices[step] = prices[step - 1] * Math.exp(sigma * source.normal());
      }
      total += -Math.log(1 - drawdownDistribution(drawdowns(prices)).maximum);
    }
    const measured = total / paths / (sigma * Math.sqrt(length));
    const expected = Math.sqrt(Math.PI / 2) - (2 * 0.5826) / Math.sqrt(length);
    // Standard error of the mean over 400 paths is about 0.015.
    expect(Math.abs(measured - expected)).toBeLessThan(0.05);
  });
});

describe("lossRuns (Johansen–Sornette drawdowns)", () => {
  it("takes each run of consecutive falls as one episode", () => {
    // Runs: 100→90→80 (steps 0..2), 95→94 (3..4), 120→60 at the end, unfinished.
    const runs = lossRuns([100, 90, 80, 95, 94, 94, 120, 60]);
    expect(Array.from(runs.peakStep)).toEqual([0, 3, 6]);
    expect(Array.from(runs.duration)).toEqual([2, 1, 1]);
    expect(Array.from(runs.recovered)).toEqual([1, 1, 0]);
    [0.2, 0.01 / 0.95, 0.5].forEach((depth, index) => {
      expect(runs.depth[index]).toBeCloseTo(depth, 14);
    });
  });

  it("has geometric run lengths (mean 2) and mean log depth 2·σ·sqrt(2/π) for independent returns", () => {
    // P(run ≥ k) = 2^−(k−1) for i.i.d. symmetric returns; a run starts at a fall after a rise
    // (probability 1/4 per step); each fall's |log return| is half-normal with mean σ·sqrt(2/π).
    const source = stream(12);
    const count = 200_000;
    const sigma = 0.01;
    const prices = new Float64Array(count + 1);
    prices[0] = 1;
    for (let step = 1; step <= count; step++) {
      prices[step] = prices[step - 1] * Math.exp(sigma * source.normal());
    }
    const runs = lossRuns(prices);
    const runCount = runs.depth.length;
    // Standard error of the count ≈ sqrt(n·3/16) ≈ 190.
    expect(Math.abs(runCount - count / 4)).toBeLessThan(1000);
    let lengths = 0;
    let logDepths = 0;
    for (let index = 0; index < runCount; index++) {
      lengths += runs.duration[index];
      logDepths += -Math.log(1 - runs.depth[index]);
    }
    expect(lengths / runCount).toBeCloseTo(2, 1);
    expect(logDepths / runCount / (2 * sigma * Math.sqrt(2 / Math.PI))).toBeCloseTo(1, 1);
  });
});

describe("tailStatistics", () => {
  it("skips the burn-in and bundles every statistic", () => {
    const source = stream(11);
    const prices = new Float64Array(5001);
    prices[0] = 100;
    // A crash in the burn-in must not reach the statistics.
    for (let step = 1; step <= 5000; step++) {
      prices[step] =
        step === 50 ? prices[step - 1] * 0.01 : prices[step - 1] * Math.exp(0.01 * source.normal());
    }
    const statistics = tailStatistics(prices, { burnIn: 100, hillFraction: 0.01, acfLags: 5 });
    expect(statistics.returnCount).toBe(4900);
    expect(statistics.absoluteReturnAutocorrelation).toHaveLength(5);
    expect(statistics.hill.tailCount).toBe(49);
    expect(Math.abs(statistics.excessKurtosis)).toBeLessThan(0.5);
    expect(statistics.drawdowns.maximum).toBeLessThan(0.9);
    expect(statistics.lossRuns.maximum).toBeLessThan(0.9);
    expect(statistics.lossRuns.count).toBeGreaterThan(1000);
    expect(statistics.returnStandardDeviation).toBeCloseTo(0.01, 2);
  });

  it("refuses a burn-in that leaves too few returns", () => {
    expect(() =>
      tailStatistics(Float64Array.from([1, 2, 3, 4, 5]), {
        burnIn: 3,
        hillFraction: 0.5,
        acfLags: 1,
      }),
    ).toThrow(/too few/);
  });
});
