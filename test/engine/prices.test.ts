import { sampleCorrelation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import type { PerpMarketSpec, ShockSpec } from "../../src/engine/config.ts";
import { cholesky, marketPaths } from "../../src/engine/prices.ts";
import { runStreams } from "../../src/engine/random.ts";
import { exchangeScenario, perpMarket } from "./fixtures.ts";

const steps = 20_000;

function logReturns(path: Float64Array): number[] {
  const returns: number[] = [];
  for (let step = 1; step < path.length; step++)
    returns.push(Math.log(path[step] / path[step - 1]));
  return returns;
}

function paths(markets: PerpMarketSpec[], factor?: ShockSpec, correlation?: number[][]) {
  const scenario = exchangeScenario(markets, { steps, dt: 60, factor, correlation });
  return marketPaths(scenario, runStreams(7, 0));
}

/** Standard error of a sample correlation near ρ: (1 − ρ²) / √n. */
function tolerance(rho: number): number {
  return (5 * (1 - rho * rho)) / Math.sqrt(steps);
}

describe("market paths", () => {
  it("a factor shock drags each market by its beta: −10 % at β 1.6 is 0.9^1.6 − 1", () => {
    const markets = [
      perpMarket("BTC", 100_000),
      perpMarket("SOL", 200, {
        exogenous: { kind: "factor", beta: 1.6, idiosyncraticVolatility: 0 },
      }),
      perpMarket("ETH", 4_000, {
        exogenous: { kind: "factor", beta: 0.8, idiosyncraticVolatility: 0 },
      }),
    ];
    const scenario = exchangeScenario(markets, {
      steps: 10,
      factor: { kind: "instant", drop: 0.1, at: 5 },
    });
    const [btc, sol, eth] = marketPaths(scenario, runStreams(1, 0));
    expect(btc[4]).toBe(100_000);
    expect(btc[5]).toBeCloseTo(90_000, 9);
    expect(sol[5] / 200 - 1).toBeCloseTo(0.9 ** 1.6 - 1, 12); // −15.5 %
    expect(eth[5] / 4_000 - 1).toBeCloseTo(0.9 ** 0.8 - 1, 12); // −8.1 %
  });

  it("one-factor correlation: β_i β_j σ²_f / √((β_i² σ²_f + σ_i²)(β_j² σ²_f + σ_j²)) within sampling error", () => {
    const sigmaFactor = 0.6;
    const loadings = [
      { beta: 1, idiosyncraticVolatility: 0 },
      { beta: 1.5, idiosyncraticVolatility: 0.5 },
      { beta: 0.8, idiosyncraticVolatility: 0.7 },
    ];
    const markets = loadings.map((loading, index) =>
      perpMarket(`M${index}`, 100, { exogenous: { kind: "factor", ...loading } }),
    );
    const generated = paths(markets, { kind: "gbm", sigmaDaily: sigmaFactor, driftDaily: 0 });
    const returns = generated.map(logReturns);
    for (let first = 0; first < loadings.length; first++) {
      for (let second = first + 1; second < loadings.length; second++) {
        const [a, b] = [loadings[first], loadings[second]];
        const variance = (loading: typeof a) =>
          loading.beta ** 2 * sigmaFactor ** 2 + loading.idiosyncraticVolatility ** 2;
        const expected =
          (a.beta * b.beta * sigmaFactor ** 2) / Math.sqrt(variance(a) * variance(b));
        const measured = sampleCorrelation(returns[first], returns[second]);
        expect(Math.abs(measured - expected), `markets ${first}, ${second}`).toBeLessThan(
          tolerance(expected),
        );
      }
    }
  });

  it("a correlation matrix correlates the markets' own diffusions within sampling error", () => {
    const matrix = [
      [1, 0.7, 0.2],
      [0.7, 1, -0.3],
      [0.2, -0.3, 1],
    ];
    const own = (sigmaDaily: number): PerpMarketSpec["exogenous"] => ({
      kind: "own",
      shock: { kind: "gbm", sigmaDaily, driftDaily: 0 },
    });
    const markets = [
      perpMarket("A", 100, { exogenous: own(0.5) }),
      perpMarket("B", 50, { exogenous: own(0.9) }),
      perpMarket("C", 10, { exogenous: own(1.5) }),
    ];
    const returns = paths(markets, undefined, matrix).map(logReturns);
    for (let first = 0; first < 3; first++) {
      for (let second = first + 1; second < 3; second++) {
        const measured = sampleCorrelation(returns[first], returns[second]);
        const expected = matrix[first][second];
        expect(Math.abs(measured - expected), `markets ${first}, ${second}`).toBeLessThan(
          tolerance(expected),
        );
      }
    }
  });

  it("markets without a correlation are independent within sampling error", () => {
    const markets = ["A", "B"].map((symbol) =>
      perpMarket(symbol, 100, {
        exogenous: { kind: "own", shock: { kind: "gbm", sigmaDaily: 0.8, driftDaily: 0 } },
      }),
    );
    const [a, b] = paths(markets).map(logReturns);
    expect(Math.abs(sampleCorrelation(a, b))).toBeLessThan(tolerance(0));
  });

  it("refuses a matrix that is not positive definite, naming the row", () => {
    expect(() =>
      cholesky([
        [1, 0.9, 0.9],
        [0.9, 1, -0.9],
        [0.9, -0.9, 1],
      ]),
    ).toThrow(/correlation: row 2 makes the matrix not positive definite/);
  });
});
