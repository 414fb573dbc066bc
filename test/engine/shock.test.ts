import { describe, expect, it } from "vitest";
import { runStreams } from "../../src/engine/random.ts";
import { exogenousPath } from "../../src/engine/shock.ts";

const random = () => runStreams(9, 0).shock;

describe("exogenous price paths", () => {
  it("instant drop applies from its step on", () => {
    const path = exogenousPath({ kind: "instant", drop: 0.1, at: 3 }, 100, 5, 1, random());
    expect(Array.from(path)).toEqual([100, 100, 100, 90, 90, 90]);
  });

  it("linear path interpolates between its steps", () => {
    const path = exogenousPath({ kind: "linear", drop: 0.2, from: 1, to: 3 }, 100, 4, 1, random());
    expect(Array.from(path)).toEqual([100, 100, 90, 80, 80]);
  });

  it("step path holds each level until the next", () => {
    const path = exogenousPath(
      {
        kind: "steps",
        points: [
          { at: 2, drop: 0.05 },
          { at: 4, drop: -0.1 },
        ],
      },
      100,
      5,
      1,
      random(),
    );
    for (const [step, price] of [100, 100, 95, 95, 110, 110].entries()) {
      expect(path[step]).toBeCloseTo(price, 9);
    }
  });

  it("step points apply in time order whatever order they are listed in", () => {
    const path = exogenousPath(
      {
        kind: "steps",
        points: [
          { at: 4, drop: 0.2 },
          { at: 2, drop: 0.1 },
        ],
      },
      100,
      5,
      1,
      random(),
    );
    expect(Array.from(path)).toEqual([100, 100, 90, 90, 80, 80]);
  });

  it("GBM log-returns have the configured volatility", () => {
    const steps = 100_000;
    const path = exogenousPath(
      { kind: "gbm", sigmaDaily: 0.05, driftDaily: 0 },
      100,
      steps,
      60,
      random(),
    );
    let sum = 0;
    let squares = 0;
    for (let step = 1; step <= steps; step++) {
      const value = Math.log(path[step] / path[step - 1]);
      sum += value;
      squares += value * value;
    }
    const perStep = 0.05 * Math.sqrt(60 / 86_400);
    const variance = squares / steps - (sum / steps) ** 2;
    // Relative standard error of a variance estimate is sqrt(2 / n) = 0.0045.
    expect(Math.abs(variance / (perStep * perStep) - 1)).toBeLessThan(5 * 0.0045);
  });

  it("GARCH(1,1) has the long-run volatility, fat tails and clustered volatility", () => {
    const steps = 100_000;
    const path = exogenousPath(
      { kind: "garch", sigmaDaily: 0.05, alpha: 0.1, beta: 0.85, driftDaily: 0 },
      100,
      steps,
      60,
      random(),
    );
    const returns = Float64Array.from({ length: steps }, (_, index) =>
      Math.log(path[index + 1] / path[index]),
    );
    const mean = returns.reduce((sum, value) => sum + value, 0) / steps;
    const centred = returns.map((value) => value - mean);
    const variance = centred.reduce((sum, value) => sum + value * value, 0) / steps;
    const perStep = 0.05 ** 2 * (60 / 86_400);
    expect(Math.abs(variance / perStep - 1)).toBeLessThan(0.05);
    // Excess kurtosis of GARCH(1,1) with normal shocks: 6α² / (1 − β² − 2αβ − 3α²) = 0.77 here
    // (sample estimates converge slowly and from below); i.i.d. normals give 0 ± 0.015.
    const fourth = centred.reduce((sum, value) => sum + value ** 4, 0) / steps;
    expect(fourth / variance ** 2 - 3).toBeGreaterThan(0.3);
    // Squared returns are autocorrelated (clustering); for i.i.d. draws lag 1 would be ~0 ± 0.006.
    let lagged = 0;
    let squares = 0;
    for (let index = 1; index < steps; index++) {
      lagged += (centred[index] ** 2 - variance) * (centred[index - 1] ** 2 - variance);
    }
    for (const value of centred) squares += (value * value - variance) ** 2;
    expect(lagged / squares).toBeGreaterThan(0.1);
  });

  it("jump process produces jumps at the configured rate", () => {
    const steps = 50_000;
    const path = exogenousPath(
      { kind: "jump", sigmaDaily: 0, jumpsPerDay: 14.4, jumpMean: -0.02, jumpSigma: 0 },
      100,
      steps,
      60,
      random(),
    );
    let jumps = 0;
    for (let step = 1; step <= steps; step++) {
      jumps += Math.round(Math.log(path[step] / path[step - 1]) / -0.02);
    }
    // 14.4 per day at one-minute steps = 0.01 per step → 500 expected, Poisson sd 22.4.
    expect(Math.abs(jumps - 500)).toBeLessThan(5 * 22.4);
  });

  it("replays a given path and holds its last price", () => {
    const prices = new Float64Array([100, 98, 97]);
    const path = exogenousPath({ kind: "path", prices }, 100, 4, 60, random());
    expect(Array.from(path)).toEqual([100, 98, 97, 97, 97]);
  });
});

describe("regime-switching path", () => {
  it("switches drift after each regime's steps and keeps the last regime", () => {
    // No volatility: each step multiplies by exp(drift × dt / 1 day); dt = 1 day here.
    const path = exogenousPath(
      {
        kind: "regimes",
        regimes: [
          { steps: 2, sigmaDaily: 0, driftDaily: Math.log(1.1) },
          { steps: 1, sigmaDaily: 0, driftDaily: Math.log(0.5) },
        ],
      },
      100,
      5,
      86_400,
      random(),
    );
    const expected = [100, 110, 121, 60.5, 30.25, 15.125];
    for (const [step, price] of expected.entries()) expect(path[step]).toBeCloseTo(price, 9);
  });

  it("each regime has its own volatility", () => {
    const steps = 20_000;
    const path = exogenousPath(
      {
        kind: "regimes",
        regimes: [
          { steps: steps / 2, sigmaDaily: 0.01, driftDaily: 0 },
          { steps: steps / 2, sigmaDaily: 0.05, driftDaily: 0 },
        ],
      },
      100,
      steps,
      86_400,
      random(),
    );
    const deviation = (from: number, to: number) => {
      let sum = 0;
      for (let step = from + 1; step <= to; step++)
        sum += Math.log(path[step] / path[step - 1]) ** 2;
      return Math.sqrt(sum / (to - from));
    };
    // 10,000 returns: the standard error of each estimate is about 0.7 % of it.
    expect(deviation(0, steps / 2)).toBeCloseTo(0.01, 3);
    expect(deviation(steps / 2, steps)).toBeCloseTo(0.05, 2);
  });
});
