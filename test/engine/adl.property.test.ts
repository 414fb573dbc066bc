import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdlMechanism, AdlPrice, EngineScenario } from "../../src/engine/config.ts";
import { eventTypes, type RunResult } from "../../src/engine/result.ts";
import { isCappedMechanism } from "../../src/engine/risk/adl.ts";
import { runScenario } from "../../src/engine/sim.ts";
import { defaultTiers } from "../../src/scenario/schema.ts";
import { bookMarket, population, scenario, standardMix } from "./fixtures.ts";

const mechanisms: AdlMechanism[] = [
  "binance",
  "hyperliquid",
  "proRata",
  "pnlProRata",
  "riskAwareProRata",
  "budgeted",
  "online",
];

/** Small venues, one market or two with cross accounts, under every ADL mechanism and price. */
const venue = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  count: fc.integer({ min: 20, max: 300 }),
  longShare: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  depth: fc.double({ min: 20_000, max: 5_000_000, noNaN: true }),
  levels: fc.integer({ min: 20, max: 400 }),
  drop: fc.double({ min: 0.02, max: 0.4, noNaN: true }),
  insuranceFund: fc.constantFrom(0, 1_000, 100_000),
  backstop: fc.option(fc.double({ min: 1_000, max: 1_000_000, noNaN: true }), { nil: undefined }),
  mechanism: fc.constantFrom(...mechanisms),
  price: fc.constantFrom<AdlPrice>("bankruptcy", "previousMark"),
  mode: fc.constantFrom<"full" | "partial">("full", "partial"),
  funding: fc.boolean(),
  rally: fc.boolean(),
  multi: fc.boolean(),
});
type Venue = typeof venue extends fc.Arbitrary<infer T> ? T : never;

function build(parameters: Venue): EngineScenario {
  const drop = parameters.rally ? -parameters.drop : parameters.drop;
  const base = scenario({
    steps: 30,
    dt: 60,
    market: bookMarket(100_000, parameters.depth, { levels: parameters.levels, tick: 10 }),
    exchange: {
      ...scenario().exchange,
      marginMode: "cross",
      insuranceFund: parameters.insuranceFund,
      backstop:
        parameters.backstop === undefined
          ? undefined
          : { capital: parameters.backstop, maxLeverage: 5, unwindNotionalPerStep: 20_000 },
      adl: { mechanism: parameters.mechanism, price: parameters.price },
      liquidation: { mode: parameters.mode, partialTargetRatio: 0.9, maxRoundsPerStep: 1000 },
      funding: parameters.funding
        ? { intervalSeconds: 600, kind: "premium", rate: 0.0001, interestRate: 0.0001, cap: 0.0075 }
        : undefined,
    },
    positions: {
      explicit: [],
      population: population({ count: parameters.count, longShare: parameters.longShare }),
    },
    shock: { kind: "steps", points: [{ at: 3, drop }] },
  });
  if (!parameters.multi) return base;
  const btc = base.markets[0];
  const perMarket = {
    longShare: parameters.longShare,
    leverage: standardMix,
    entryPrice: { distribution: "lognormal" as const, sigma: 0.02 },
    notional: { distribution: "pareto" as const, min: 1_000, alpha: 1.5, max: 1_000_000 },
  };
  return {
    ...base,
    markets: [
      btc,
      {
        ...btc,
        symbol: "ETH",
        price: 4_000,
        liquidity: bookMarket(4_000, parameters.depth / 2, {
          levels: parameters.levels,
          tick: 0.5,
        }),
        maintenanceMarginTiers: defaultTiers,
        exogenous: { kind: "own", shock: { kind: "steps", points: [{ at: 4, drop: drop * 1.3 }] } },
      },
    ],
    positions: {
      explicit: base.positions.explicit,
      population: population({
        count: parameters.count,
        longShare: parameters.longShare,
        crossShare: 0.6,
        markets: [
          { share: 0.6, ...perMarket },
          { share: 0.4, ...perMarket, longShare: 1 - parameters.longShare },
        ],
        crossAccounts: { marketsPerAccount: { "1": 0.4, "2": 0.6 }, holdingCorrelation: 0.3 },
      }),
    },
  };
}

/** Every `adl` close was paid by a position holding at least what it closed. */
function payersHeldPositions(result: RunResult): boolean {
  const events = result.events;
  const adl = eventTypes.indexOf("adl");
  const standing = events.adlStanding ?? new Float64Array(0);
  let close = 0;
  for (let index = 0; index < events.length; index++) {
    if (events.type[index] !== adl) continue;
    // Effective leverage before the close is size × price / equity: 0 only without a position.
    if (!(events.quantity[index] > 0) || standing[2 * close] === 0) return false;
    close++;
  }
  return true;
}

describe("ADL invariants (property, fixed seed)", () => {
  it("hold over hundreds of venues, every mechanism, one market or two with cross accounts", () => {
    const reached = {
      adl: 0,
      multiMarketAdl: 0,
      crossAccounts: 0,
      capsBound: 0,
      deficit: 0,
    };
    const legacyBeyondProfit: Record<string, number> = {};
    let insolventMultiMarket = 0;
    let multiMarketRuns = 0;
    fc.assert(
      fc.property(venue, (parameters) => {
        const result = runScenario(build(parameters), { seed: parameters.seed });
        if (parameters.multi) multiMarketRuns++;
        const summary = result.summary;
        const { valueStart, drift } = summary.ledger;
        // The ledger closes.
        expect(Math.abs(drift)).toBeLessThanOrEqual(1e-9 * Math.abs(valueStart));
        // The venue ends solvent: no deficit is left to the exchange itself (beyond rounding).
        // With several markets it can be: a cross account's loss elsewhere can bankrupt a
        // position in a market whose other side holds too few winners (by size, or by profit for
        // a capped mechanism) to take it; those runs are counted, and the doc says so.
        const tolerance = 1e-9 * Math.abs(valueStart);
        if (!parameters.multi) expect(summary.exchangeLoss).toBeLessThanOrEqual(tolerance);
        else if (summary.exchangeLoss > tolerance) insolventMultiMarket++;
        // No account without an open position paid.
        expect(payersHeldPositions(result)).toBe(true);
        const adl = summary.adl;
        // Never more than the positive PnL, for the mechanisms that promise it.
        if (isCappedMechanism(parameters.mechanism)) {
          expect(adl.haircutBeyondProfit).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(adl.haircut)));
        } else if (adl.haircutBeyondProfit > 1e-9 * (1 + Math.abs(adl.haircut))) {
          legacyBeyondProfit[parameters.mechanism] =
            (legacyBeyondProfit[parameters.mechanism] ?? 0) + 1;
        }
        // Per-market figures add up to the exchange's.
        const shortfall = summary.markets.reduce(
          (total, market) => total + market.adl.shortfall,
          0,
        );
        expect(shortfall).toBeCloseTo(adl.shortfall, 6);
        if (summary.adlCount > 0) {
          reached.adl++;
          if (parameters.multi) reached.multiMarketAdl++;
          if (summary.crossAccountCount > 0) reached.crossAccounts++;
          if (isCappedMechanism(parameters.mechanism) && summary.unfilledNotional > 0) {
            reached.capsBound++;
          }
          if (parameters.price === "previousMark" && summary.badDebt > 0) reached.deficit++;
        }
      }),
      { seed: 20260216, numRuns: 500 },
    );
    for (const [what, runs] of Object.entries(reached)) {
      expect(runs, `${what} was never reached`).toBeGreaterThan(0);
    }
    // The published queue rules do charge some winners beyond their profit (waterfall.md).
    expect(Object.keys(legacyBeyondProfit).length).toBeGreaterThan(0);
    // Seed 20260216: 9 of 259 two-market venues leave the exchange a loss.
    expect(insolventMultiMarket).toBeLessThan(multiMarketRuns / 10);
  });
});
