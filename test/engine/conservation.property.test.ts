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
  mode: fc.constantFrom<"full" | "partial">("full", "partial"),
  capacity: fc.option(fc.double({ min: 10_000, max: 10_000_000, noNaN: true }), { nil: undefined }),
  funding: fc.boolean(),
  mark: fc.constantFrom<"book" | "median" | "blend">("book", "median", "blend"),
  shockKind: fc.constantFrom("instant", "jump", "rally", "garch"),
});

function build(parameters: typeof venue extends fc.Arbitrary<infer T> ? T : never): EngineScenario {
  const base = scenario();
  return scenario({
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
      }),
      { seed: 20251010, numRuns: 600 },
    );
    for (const [mechanism, runs] of Object.entries(reached)) {
      expect(runs, `${mechanism} was never reached`).toBeGreaterThan(0);
    }
  });
});
