import { describe, expect, it } from "vitest";
import { tailStatistics } from "../../../src/engine/metrics/tail.ts";
import {
  runTfg,
  TfgModel,
  type TfgParameters,
  tfgPaperParameters,
} from "../../../src/engine/models/tfg.ts";
import { runStreams } from "../../../src/engine/random.ts";

function model(overrides: Partial<TfgParameters> = {}, seed = 1): TfgModel {
  return new TfgModel({ ...tfgPaperParameters, ...overrides }, runStreams(seed, 0).tfg);
}

/** The noise trader without noise: log ξ decays geometrically towards log(V·N) at rate ρ. */
const deterministicNoise = { noiseVolatility: 0 };

describe("TFG fund demand (R2)", () => {
  const fund = model({ betas: [10], lambdaMax: 5 });
  fund.cash[0] = 1;
  fund.holdings[0] = 2;

  it("is β·m·W/p below the cap", () => {
    // p = 0.8: W = 1 + 2·0.8 = 2.6, m = 0.2, λ = 10·0.2 = 2, D = 2·2.6/0.8.
    expect(fund.fundDemand(0, 0.8)).toBeCloseTo(6.5, 14);
  });

  it("is λ_max·W/p at the cap", () => {
    // p = 0.4: W = 1.8, m = 0.6, β·m = 6 capped at 5, D = 5·1.8/0.4.
    expect(fund.fundDemand(0, 0.4)).toBeCloseTo(22.5, 13);
  });

  it("is zero when the asset is not below its value, or the fund has no wealth at p", () => {
    expect(fund.fundDemand(0, 1)).toBe(0);
    expect(fund.fundDemand(0, 1.1)).toBe(0);
    const insolvent = model({ betas: [10] });
    insolvent.cash[0] = -3;
    insolvent.holdings[0] = 2;
    // W(0.8) = −3 + 1.6 < 0: max(0, ·) leaves nothing to invest.
    expect(insolvent.fundDemand(0, 0.8)).toBe(0);
  });

  it("makes a fund at the cap sell into a falling price: the margin call", () => {
    const levered = model({ betas: [10], lambdaMax: 5 });
    // At p = 0.5: W = −4 + 10·0.5 = 1 and leverage 10·0.5/1 = 5 = λ_max.
    levered.cash[0] = -4;
    levered.holdings[0] = 10;
    expect(levered.fundDemand(0, 0.5)).toBeCloseTo(10, 13);
    // p falls 10 %: W halves to 0.5, so the cap allows 5·0.5/0.45 = 5.56 shares: it must sell 4.44
    // although the asset is now cheaper (β·m = 5.5 would ask for more).
    expect(levered.fundDemand(0, 0.45)).toBeCloseTo((5 * 0.5) / 0.45, 13);
  });
});

describe("TFG market clearing (R3)", () => {
  it("sums the noise trader's and the funds' demand", () => {
    const fresh = model();
    // ξ = N·V = 1000; each fund W = 2; at p = 0.8, λ_h = 0.2·β_h = 1..10, D_h = λ_h·2/0.8.
    expect(fresh.excessDemand(0.8)).toBeCloseTo(1000 / 0.8 + 2.5 * 55 - 1000, 10);
  });

  it("finds a price where ξ/p + Σ D_h(p) = N to 1e-10 at every step of a levered run", () => {
    const levered = model({ lambdaMax: 20 }, 3);
    let worst = 0;
    for (let step = 0; step < 20_000; step++) {
      levered.drawNoise();
      const price = levered.clearMarket();
      // Recomputed here from the state, independently of fundDemand.
      let demand = Math.exp(levered.logNoiseDemand) / price;
      for (let fund = 0; fund < levered.fundCount; fund++) {
        const mispricing = 1 - price;
        const wealth = Math.max(0, levered.cash[fund] + levered.holdings[fund] * price);
        if (mispricing > 0) {
          demand += (Math.min(tfgPaperParameters.betas[fund] * mispricing, 20) * wealth) / price;
        }
      }
      worst = Math.max(worst, Math.abs(demand - 1000));
      levered.settle(price);
    }
    expect(worst).toBeLessThan(1e-10);
  });

  it("says which step had no clearing price in the bracket", () => {
    const narrow = model({ priceBracket: { low: 2, high: 3 } });
    expect(() => narrow.advance()).toThrow(
      /^step 1: tfg.priceBracket: no clearing price in \[2, 3\]/,
    );
  });
});

describe("TFG wealth, returns and investor flows (R5)", () => {
  /**
   * One fund holding 10 shares on a loan of 3 at p = 1 (W = 7). ρ = 0.5 and no noise take ξ from
   * 1000·1.2² to 1000·1.2, so the price clears at 1.2 where the fund, seeing m < 0, sells out.
   */
  function oneFundAt(overrides: Partial<TfgParameters>): TfgModel {
    const fund = model({ betas: [10], noiseMemory: 0.5, ...deterministicNoise, ...overrides });
    fund.logNoiseDemand = Math.log(1000) + 2 * Math.log(1.2);
    fund.cash[0] = -3;
    fund.holdings[0] = 10;
    fund.wealth[0] = 7;
    return fund;
  }

  it("marks to market, rebalances at the clearing price and pays the flow into cash", () => {
    const fund = oneFundAt({});
    expect(fund.advance()).toBe(0);
    expect(fund.price).toBeCloseTo(1.2, 14);
    const wealth = -3 + 10 * 1.2; // W = M + D(t−1)·p = 9
    const fundReturn = (10 * (1.2 - 1)) / 7; // D(t−1)·Δp / W(t−1)
    const performance = 0.1 * fundReturn; // (1 − a)·0 + a·r
    const flow = 0.15 * (performance - 0.005) * wealth; // b·(r_perf − r_b)·W
    expect(fund.performance[0]).toBeCloseTo(performance, 14);
    expect(fund.holdings[0]).toBe(0);
    expect(fund.cash[0]).toBeCloseTo(wealth + flow, 12);
    expect(fund.wealth[0]).toBeCloseTo(wealth + flow, 12);
    expect(flow).toBeCloseTo(0.0318214285714, 12);
  });

  it("never takes out more than the fund's wealth: F ≥ −W", () => {
    const fund = oneFundAt({ flowSensitivity: 2 });
    fund.performance[0] = -1;
    fund.advance();
    // b·(r_perf − r_b) = 2·(−0.9 + 0.1·2/7 − 0.005) < −1, so investors withdraw everything.
    expect(fund.wealth[0]).toBe(0);
    expect(fund.cash[0]).toBeCloseTo(0, 12);
  });
});

describe("TFG bankruptcy and reintroduction (R4)", () => {
  /** Fund 0 owes 10 against 10 shares: at the clearing price p = V = 1 its wealth is 0 ≤ W_min. */
  function brokeFund(overrides: Partial<TfgParameters> = {}): TfgModel {
    const funds = model({ ...deterministicNoise, ...overrides });
    funds.cash[0] = -10;
    funds.holdings[0] = 10;
    return funds;
  }

  it("removes the fund's holdings, idles it for T_int steps, then restarts it with W0", () => {
    const funds = brokeFund();
    expect(funds.advance()).toBe(1);
    expect(funds.price).toBeCloseTo(1, 12);
    expect(funds.defaultsByFund[0]).toBe(1);
    expect([funds.cash[0], funds.holdings[0], funds.wealth[0]]).toEqual([0, 0, 0]);
    expect(funds.idleSteps[0]).toBe(100);
    for (let step = 2; step <= 101; step++) {
      // Out of the market for steps 2..101: 100 clearings without it.
      expect(funds.cash[0]).toBe(0);
      expect(funds.advance()).toBe(0);
    }
    expect(funds.idleSteps[0]).toBe(0);
    expect(funds.cash[0]).toBe(2);
    expect(funds.wealth[0]).toBe(2);
    expect(funds.performance[0]).toBe(0);
    expect(funds.defaultsByFund[0]).toBe(1);
  });

  it("restarts at once with reentryDelay 0", () => {
    const funds = brokeFund({ reentryDelay: 0 });
    expect(funds.advance()).toBe(1);
    expect(funds.cash[0]).toBe(2);
    expect(funds.idleSteps[0]).toBe(0);
  });

  it("records defaults and active funds in the run's series", () => {
    const run = runTfg({ ...tfgPaperParameters, lambdaMax: 20 }, runStreams(2, 0).tfg, {
      steps: 20_000,
    });
    let defaults = 0;
    for (const count of run.series.defaults) defaults += count;
    expect(defaults).toBeGreaterThan(0);
    expect(defaults).toBe(run.defaultsByFund.reduce((sum, count) => sum + count, 0));
    expect(Math.min(...run.series.activeFunds)).toBeLessThan(10);
    expect(run.series.activeFunds[0]).toBe(10);
  });
});

describe("runTfg", () => {
  it("starts at p = V with ξ = N·V and funds holding nothing", () => {
    const run = runTfg(tfgPaperParameters, runStreams(1, 0).tfg, { steps: 10 });
    expect(run.series.price).toHaveLength(11);
    expect(run.series.price[0]).toBe(1);
    expect(run.series.noiseDemand[0]).toBeCloseTo(1000, 10);
    expect(run.series.fundHoldings[0]).toBe(0);
    expect(run.series.fundWealth[0]).toBe(20);
  });

  it("gives identical series for the same seed and different ones for another", () => {
    const parameters = { ...tfgPaperParameters, lambdaMax: 10 };
    const first = runTfg(parameters, runStreams(5, 0).tfg, { steps: 20_000 });
    const again = runTfg(parameters, runStreams(5, 0).tfg, { steps: 20_000 });
    const other = runTfg(parameters, runStreams(6, 0).tfg, { steps: 20_000 });
    for (const column of Object.keys(first.series) as (keyof typeof first.series)[]) {
      expect(
        Buffer.from(again.series[column].buffer).equals(Buffer.from(first.series[column].buffer)),
        column,
      ).toBe(true);
    }
    expect(Array.from(again.defaultsByFund)).toEqual(Array.from(first.defaultsByFund));
    expect(other.series.price[100]).not.toBe(first.series.price[100]);
  });

  it("reports progress for every step", () => {
    const seen: number[] = [];
    runTfg(tfgPaperParameters, runStreams(1, 0).tfg, {
      steps: 3,
      onStep: (step, steps) => seen.push(step * 10 + steps),
    });
    expect(seen).toEqual([13, 23, 33]);
  });
});

describe("TFG: leverage causes fat tails and clustered volatility (qualitative)", () => {
  const statistics = (lambdaMax: number, seed: number) =>
    tailStatistics(
      runTfg({ ...tfgPaperParameters, lambdaMax }, runStreams(seed, 0).tfg, { steps: 50_000 })
        .series.price,
      { burnIn: 10_000, hillFraction: 0.01, acfLags: 10 },
    );

  it.each([1, 2, 3])(
    "seed %i: λ_max = 20 has higher kurtosis, a lower Hill index and more clustering than λ_max = 1",
    (seed) => {
      const unlevered = statistics(1, seed);
      const levered = statistics(20, seed);
      expect(levered.excessKurtosis).toBeGreaterThan(unlevered.excessKurtosis + 2);
      expect(levered.hill.index).toBeLessThan(unlevered.hill.index - 2);
      expect(levered.absoluteReturnAutocorrelation[0]).toBeGreaterThan(
        unlevered.absoluteReturnAutocorrelation[0] + 0.05,
      );
    },
  );
});
