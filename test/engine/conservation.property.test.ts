import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdlRanking, EngineScenario } from "../../src/engine/config.ts";
import { runScenario } from "../../src/engine/sim.ts";
import { bookMarket, population, scenario } from "./fixtures.ts";

/** Random small venues: every mechanism of the waterfall gets exercised across the runs. */
const venue = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  count: fc.integer({ min: 20, max: 400 }),
  longShare: fc.double({ min: 0, max: 1, noNaN: true }),
  depth: fc.double({ min: 20_000, max: 20_000_000, noNaN: true }),
  levels: fc.integer({ min: 20, max: 600 }),
  drop: fc.double({ min: 0.005, max: 0.5, noNaN: true }),
  insuranceFund: fc.constantFrom(0, 1_000, 100_000, 10_000_000),
  backstop: fc.option(fc.double({ min: 1_000, max: 5_000_000, noNaN: true }), { nil: undefined }),
  ranking: fc.constantFrom<AdlRanking>("binance", "hyperliquid", "proRata", "none"),
  mode: fc.constantFrom<"full" | "partial" | "hyperliquid">("full", "partial", "hyperliquid"),
  capacity: fc.option(fc.double({ min: 10_000, max: 10_000_000, noNaN: true }), { nil: undefined }),
  funding: fc.boolean(),
  mark: fc.constantFrom<"book" | "median" | "blend">("book", "median", "blend"),
  shockKind: fc.constantFrom("instant", "jump", "rally", "garch", "regimes"),
  // The leverage-cycle layers, each on in about half the venues.
  stops: fc.boolean(),
  policy: fc.boolean(),
  makers: fc.boolean(),
  agents: fc.boolean(),
});

function build(parameters: typeof venue extends fc.Arbitrary<infer T> ? T : never): EngineScenario {
  const base = scenario();
  const layers: Partial<EngineScenario> = {};
  if (parameters.stops) {
    layers.stopLosses = {
      groups: [
        {
          minLeverage: 20,
          share: 0.6,
          distance: { distribution: "uniform", low: 0.002, high: 0.03 },
        },
        {
          minLeverage: 0,
          share: 0.3,
          distance: { distribution: "lognormal", median: 0.03, sigma: 0.5 },
        },
      ],
    };
  }
  if (parameters.policy) {
    layers.policy = {
      volatilityWindowSeconds: 600,
      volatilityPrice: "mark",
      marginScaling: { referenceVolatility: 0.005, slope: 0.5, maxMultiplier: 3 },
      thresholdRules: [{ volatilityAbove: 0.02, maintenanceMultiplier: 2 }],
      collateralHaircut: { base: 0, perVolatility: 2, max: 0.3 },
      openInterestCap: 50_000_000,
      circuitBreaker: {
        move: 0.05,
        windowSeconds: 300,
        haltSeconds: 300,
        haltLiquidations: parameters.seed % 2 === 0,
      },
    };
  }
  if (parameters.makers) {
    layers.marketMakers = {
      volatilityWindowSeconds: 600,
      volatilityPrice: "mark",
      referenceVolatility: 0.003,
      volatilitySensitivity: 2,
      inventorySensitivity: 1,
      inventoryLimit: 1_000_000,
      minDepth: 0.1,
      spreadPerExcess: 0.0005,
      maxWidening: 0.005,
      recoveryHalfLife: 300,
    };
  }
  if (parameters.agents) {
    const common = {
      capital: 50_000,
      maxLeverage: 8,
      targetVolatility: 0.01,
      lookbackSeconds: 300,
      threshold: 0,
      maxFundingRate: 0.0005,
      speed: 0.5,
    };
    layers.accumulation = {
      rebalanceSeconds: 60,
      volatilityWindowSeconds: 300,
      volatilityPrice: "mark",
      agents: [
        { kind: "targetLeverage", count: 10, ...common },
        { kind: "trendFollower", count: 5, ...common },
        { kind: "fundingSensitive", count: 5, ...common },
      ],
    };
  }
  return scenario({
    ...layers,
    steps: 40,
    dt: 60,
    market: bookMarket(100_000, parameters.depth, { levels: parameters.levels, tick: 10 }),
    exchange: {
      ...base.exchange,
      insuranceFund: parameters.insuranceFund,
      backstop:
        parameters.backstop === undefined
          ? undefined
          : { capital: parameters.backstop, maxLeverage: 5, unwindNotionalPerStep: 50_000 },
      adl: { ranking: parameters.ranking },
      liquidation: {
        mode: parameters.mode,
        maxNotionalPerStep: parameters.capacity,
        partialTargetRatio: 0.9,
        maxRoundsPerStep: 1000,
      },
      markPrice: { kind: parameters.mark, weight: 0.5 },
      funding: parameters.funding
        ? { intervalSeconds: 600, kind: "premium", rate: 0.0001, interestRate: 0.0001, cap: 0.0075 }
        : undefined,
    },
    positions: {
      explicit: [],
      population: population({ count: parameters.count, longShare: parameters.longShare }),
    },
    shock:
      parameters.shockKind === "instant"
        ? { kind: "instant", drop: parameters.drop, at: 3 }
        : parameters.shockKind === "rally"
          ? { kind: "steps", points: [{ at: 3, drop: -parameters.drop }] }
          : parameters.shockKind === "garch"
            ? { kind: "garch", sigmaDaily: parameters.drop, alpha: 0.15, beta: 0.8, driftDaily: 0 }
            : parameters.shockKind === "regimes"
              ? {
                  kind: "regimes",
                  regimes: [
                    { steps: 15, sigmaDaily: 0.02, driftDaily: 0.5 },
                    {
                      steps: 25,
                      sigmaDaily: parameters.drop * 2,
                      driftDaily: -parameters.drop * 20,
                    },
                  ],
                }
              : {
                  kind: "jump",
                  sigmaDaily: 0.05,
                  jumpsPerDay: 50,
                  jumpMean: -parameters.drop / 3,
                  jumpSigma: 0.02,
                },
  });
}

describe("conservation of money (property, fixed seed)", () => {
  it("ledger drift stays below 1e-9 of the value and the insurance fund never goes negative", () => {
    // Which parts of the waterfall the random venues reached: the property must not be vacuous.
    const reached = {
      badDebt: 0,
      adl: 0,
      socialized: 0,
      exchangeLoss: 0,
      backstop: 0,
      partial: 0,
      funding: 0,
      stopLoss: 0,
      agents: 0,
      marginMultiplier: 0,
      halt: 0,
      withdrawal: 0,
    };
    fc.assert(
      fc.property(venue, (parameters) => {
        const result = runScenario(build(parameters), { seed: parameters.seed });
        const { valueStart, drift } = result.summary.ledger;
        expect(Math.abs(drift)).toBeLessThanOrEqual(1e-9 * Math.abs(valueStart));
        for (const balance of result.timeseries.insuranceFund)
          expect(balance).toBeGreaterThanOrEqual(0);
        for (const balance of result.events.insuranceFund)
          expect(balance).toBeGreaterThanOrEqual(0);
        expect(result.summary.badDebt).toBeGreaterThanOrEqual(0);
        const summary = result.summary;
        if (summary.badDebt > 0) reached.badDebt++;
        if (summary.adlCount > 0) reached.adl++;
        if (summary.socializedLoss > 0) reached.socialized++;
        if (summary.exchangeLoss > 0) reached.exchangeLoss++;
        if (summary.backstopTakeoverNotional > 0) reached.backstop++;
        if (summary.partialLiquidationCount > 0) reached.partial++;
        if (summary.fundingPaid > 0) reached.funding++;
        if (summary.stopLossCount > 0) reached.stopLoss++;
        if (summary.agentBoughtNotional > 0) reached.agents++;
        if (summary.maxMarginMultiplier > 1) reached.marginMultiplier++;
        if (summary.haltCount > 0) reached.halt++;
        if (summary.minDepthMultiplier < 1) reached.withdrawal++;
      }),
      { seed: 20251010, numRuns: 600 },
    );
    for (const [mechanism, runs] of Object.entries(reached)) {
      expect(runs, `${mechanism} was never reached`).toBeGreaterThan(0);
    }
  });
});
