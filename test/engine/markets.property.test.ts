import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  AdlRanking,
  EngineScenario,
  PerpMarketSpec,
  ShockSpec,
} from "../../src/engine/config.ts";
import {
  eventTypes,
  marketSeriesColumns,
  type RunResult,
  timeseriesColumns,
} from "../../src/engine/result.ts";
import { runScenario } from "../../src/engine/sim.ts";
import { bookMarket, exchangeScenario, perpMarket } from "./fixtures.ts";

/** Random exchanges of 2–5 markets: factor shocks with betas, cross accounts over several markets. */
const exchange = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  markets: fc.array(
    fc.record({
      price: fc.constantFrom(0.5, 20, 150, 4_000, 100_000),
      depth: fc.double({ min: 20_000, max: 5_000_000, noNaN: true }),
      beta: fc.double({ min: 0.3, max: 2, noNaN: true }),
      idiosyncratic: fc.double({ min: 0, max: 1.5, noNaN: true }),
      maxLeverage: fc.option(fc.constantFrom(20, 40, 50), { nil: undefined }),
      share: fc.double({ min: 0.05, max: 1, noNaN: true }),
      fund: fc.constantFrom(0, 5_000, 200_000),
      funding: fc.boolean(),
    }),
    { minLength: 2, maxLength: 5 },
  ),
  count: fc.integer({ min: 40, max: 400 }),
  longShare: fc.double({ min: 0, max: 1, noNaN: true }),
  crossShare: fc.double({ min: 0, max: 1, noNaN: true }),
  holdingCorrelation: fc.double({ min: 0, max: 1, noNaN: true }),
  shock: fc.constantFrom("instant", "jump", "rally", "gbm"),
  drop: fc.double({ min: 0.01, max: 0.4, noNaN: true }),
  fundScope: fc.constantFrom<"shared" | "market">("shared", "market"),
  insuranceFund: fc.constantFrom(0, 10_000, 1_000_000),
  backstop: fc.option(fc.double({ min: 1_000, max: 2_000_000, noNaN: true }), { nil: undefined }),
  ranking: fc.constantFrom<AdlRanking>("binance", "hyperliquid", "proRata", "none"),
  mode: fc.constantFrom<"full" | "partial" | "hyperliquid">("full", "partial", "hyperliquid"),
  capacity: fc.option(fc.double({ min: 10_000, max: 5_000_000, noNaN: true }), { nil: undefined }),
  band: fc.constantFrom(0.002, 0.02, 0.2),
});

type Parameters = typeof exchange extends fc.Arbitrary<infer T> ? T : never;

function factorShock(parameters: Parameters): ShockSpec {
  switch (parameters.shock) {
    case "instant":
      return { kind: "instant", drop: parameters.drop, at: 3 };
    case "rally":
      return { kind: "steps", points: [{ at: 3, drop: -parameters.drop }] };
    case "gbm":
      return { kind: "gbm", sigmaDaily: parameters.drop * 3, driftDaily: -parameters.drop };
    default:
      return {
        kind: "jump",
        sigmaDaily: 0.05,
        jumpsPerDay: 50,
        jumpMean: -parameters.drop / 3,
        jumpSigma: 0.02,
      };
  }
}

function build(parameters: Parameters, band: number = parameters.band): EngineScenario {
  const totalShare = parameters.markets.reduce((sum, market) => sum + market.share, 0);
  const markets: PerpMarketSpec[] = parameters.markets.map((market, index) =>
    perpMarket(`M${index}`, market.price, {
      liquidity: bookMarket(market.price, market.depth, { levels: 300 }),
      ...(market.maxLeverage === undefined
        ? {}
        : { maintenanceMarginTiers: [{ maxNotional: null, maxLeverage: market.maxLeverage }] }),
      insuranceFund: market.fund,
      ...(market.funding
        ? {
            funding: {
              intervalSeconds: 600,
              kind: "premium" as const,
              rate: 0.0001,
              interestRate: 0.0001,
              cap: 0.0075,
            },
          }
        : {}),
      exogenous: {
        kind: "factor",
        beta: market.beta,
        idiosyncraticVolatility: market.idiosyncratic,
      },
    }),
  );
  const mix = { "2": 0.3, "5": 0.4, "10": 0.3 };
  return exchangeScenario(markets, {
    steps: 40,
    dt: 60,
    factor: factorShock(parameters),
    exchange: {
      insuranceFund: parameters.insuranceFund,
      insuranceFundScope: parameters.fundScope,
      backstop:
        parameters.backstop === undefined
          ? undefined
          : { capital: parameters.backstop, maxLeverage: 5, unwindNotionalPerStep: 20_000 },
      adl: { ranking: parameters.ranking },
      liquidation: {
        mode: parameters.mode,
        maxNotionalPerStep: parameters.capacity,
        partialTargetRatio: 0.9,
        maxRoundsPerStep: 1000,
        // Small positions: a low slice notional so staging and the vault are reached.
        hyperliquid: {
          sliceNotional: 5_000,
          sliceFraction: 0.2,
          cooldownSeconds: 30,
          backstopMarginRatio: 2 / 3,
        },
      },
      crossMarginBand: band,
    },
    population: {
      count: parameters.count,
      longShare: parameters.longShare,
      crossShare: parameters.crossShare,
      leverage: mix,
      entryPrice: { distribution: "lognormal", sigma: 0.02 },
      notional: { distribution: "pareto", min: 1_000, alpha: 1.5, max: 500_000 },
      markets: parameters.markets.map((market) => ({
        share: market.share / totalShare,
        longShare: parameters.longShare,
        leverage: mix,
        entryPrice: { distribution: "lognormal" as const, sigma: 0.02 },
        notional: { distribution: "pareto" as const, min: 1_000, alpha: 1.5, max: 500_000 },
      })),
      crossAccounts: {
        marketsPerAccount: { "1": 0.3, "2": 0.4, "3": 0.3 },
        holdingCorrelation: parameters.holdingCorrelation,
      },
    },
  });
}

/** Every result a run reports except the pre-shock heatmaps (which show trigger prices). */
function digest(result: RunResult): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(result.summary));
  for (const column of timeseriesColumns)
    hash.update(new Uint8Array(result.timeseries[column].buffer));
  for (const column of marketSeriesColumns) {
    hash.update(new Uint8Array(result.marketSeries[column].buffer));
  }
  const events = result.events;
  for (const column of [events.step, events.round, events.type, events.account, events.market]) {
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  for (const column of [events.quantity, events.price, events.amount, events.insuranceFund]) {
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  return hash.digest("hex");
}

describe("exchanges of several markets (property, fixed seeds)", () => {
  it("conserve money and never overdraw a fund, over 300 random exchanges", () => {
    const reached = {
      crossLiquidation: 0,
      contagion: 0,
      badDebt: 0,
      adl: 0,
      socialized: 0,
      backstop: 0,
      marketFunds: 0,
      funding: 0,
      partial: 0,
      vaultMargin: 0,
    };
    fc.assert(
      fc.property(exchange, (parameters) => {
        const result = runScenario(build(parameters), { seed: parameters.seed });
        const summary = result.summary;
        const { valueStart, drift } = summary.ledger;
        expect(Math.abs(drift), `seed ${parameters.seed}`).toBeLessThanOrEqual(
          1e-9 * Math.abs(valueStart),
        );
        for (const balance of result.marketSeries.insuranceFund)
          expect(balance).toBeGreaterThanOrEqual(0);
        for (const balance of result.events.insuranceFund)
          expect(balance).toBeGreaterThanOrEqual(0);
        // Every round does something: a waiting account never spins a step to its round limit.
        expect(summary.maxRoundsInStep, `seed ${parameters.seed}`).toBeLessThan(1000);
        // Per-market figures add up to the exchange's.
        const sum = (
          field: "liquidatedNotional" | "adlNotional" | "badDebt" | "liquidationCount",
        ) => summary.markets.reduce((total, market) => total + market[field], 0);
        expect(sum("liquidationCount")).toBe(summary.liquidationCount);
        expect(sum("liquidatedNotional")).toBeCloseTo(summary.liquidatedNotional, 3);
        expect(sum("badDebt")).toBeCloseTo(summary.badDebt, 3);
        const contagion = summary.contagion.liquidatedNotional;
        let offDiagonal = 0;
        contagion.forEach((row, source) => {
          row.forEach((value, market) => {
            if (market !== source) offDiagonal += value;
          });
        });
        if (summary.crossAccountLiquidations > 0) reached.crossLiquidation++;
        if (offDiagonal > 0) reached.contagion++;
        if (summary.badDebt > 0) reached.badDebt++;
        if (summary.adlCount > 0) reached.adl++;
        if (summary.socializedLoss > 0) reached.socialized++;
        if (summary.backstopTakeoverNotional > 0) reached.backstop++;
        if (parameters.fundScope === "market" && summary.badDebt > 0) reached.marketFunds++;
        if (summary.fundingPaid > 0) reached.funding++;
        if (summary.partialLiquidationCount > 0) reached.partial++;
        const margin = eventTypes.indexOf("backstop_margin");
        if (result.events.type.includes(margin)) reached.vaultMargin++;
      }),
      { seed: 20251010, numRuns: 300 },
    );
    for (const [mechanism, runs] of Object.entries(reached)) {
      expect(runs, `${mechanism} was never reached`).toBeGreaterThan(0);
    }
  });

  it("give the same results whatever the cross-margin band (it only changes the work)", () => {
    fc.assert(
      fc.property(exchange, (parameters) => {
        const narrow = runScenario(build(parameters, 0.001), { seed: parameters.seed });
        const wide = runScenario(build(parameters, 0.5), { seed: parameters.seed });
        expect(digest(wide), `seed ${parameters.seed}`).toBe(digest(narrow));
      }),
      { seed: 20260101, numRuns: 80 },
    );
  });
});
