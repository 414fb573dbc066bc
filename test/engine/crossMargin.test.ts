import { describe, expect, it } from "vitest";
import type { EngineScenario, PerpMarketSpec } from "../../src/engine/config.ts";
import { eventTypes, type RunResult } from "../../src/engine/result.ts";
import { runScenario } from "../../src/engine/sim.ts";
import { bookMarket, exchangeScenario, type MarketPosition, perpMarket } from "./fixtures.ts";

const liquidation = eventTypes.indexOf("liquidation");

/**
 * BTC held at 100,000; ETH's index falls 10 per step from 4,000 (step t: 4,000 − 10 t). The
 * mark is the index, books are deep, both markets on Hyperliquid-style single tiers.
 */
function markets(): PerpMarketSpec[] {
  const eth = Float64Array.from({ length: 101 }, (_, step) => 4_000 - 10 * step);
  return [
    perpMarket("BTC", 100_000, {
      liquidity: bookMarket(100_000, 1e10, { levels: 2_000, tick: 1 }),
      maintenanceMarginTiers: [{ maxNotional: null, maxLeverage: 40 }],
      markPrice: { kind: "index", weight: 0 },
      exogenous: { kind: "own", shock: { kind: "none" } },
    }),
    perpMarket("ETH", 4_000, {
      liquidity: bookMarket(4_000, 1e10, { levels: 2_000, tick: 0.1 }),
      maintenanceMarginTiers: [{ maxNotional: null, maxLeverage: 25 }],
      markPrice: { kind: "index", weight: 0 },
      exogenous: { kind: "own", shock: { kind: "path", prices: eth } },
    }),
  ];
}

function run(positions: MarketPosition[]): RunResult {
  const scenario: EngineScenario = exchangeScenario(markets(), {
    positions,
    steps: 100,
    exchange: { marginMode: "cross", liquidationFeeRate: 0 },
  });
  return runScenario(scenario, { seed: 1 });
}

function firstLiquidationStep(result: RunResult, account: string, market: string): number {
  const events = result.events;
  const marketIndex = events.markets.indexOf(market);
  for (let index = 0; index < events.length; index++) {
    if (
      events.type[index] === liquidation &&
      events.market[index] === marketIndex &&
      events.accountName(events.account[index]) === account
    ) {
      return events.step[index];
    }
  }
  return -1;
}

describe("cross margin across markets", () => {
  it("liquidates a cross account long BTC and long ETH when ETH alone falls far enough", () => {
    // Wallet 10,000; long 1 BTC at 100,000 (MMR 1/80) and long 10 ETH at 4,000 (MMR 1/50).
    // ETH alone at P: equity = 10,000 + 10 (P − 4,000), maintenance = 1,250 + 10 P / 50, so the
    // account is liquidatable once 9.8 P ≤ 31,250, P ≤ 3,188.78: ETH index 3,180 at step 82.
    const result = run([
      {
        account: "carol",
        market: "BTC",
        side: "long",
        size: 1,
        entryPrice: 100_000,
        collateral: 7_000,
      },
      {
        account: "carol",
        market: "ETH",
        side: "long",
        size: 10,
        entryPrice: 4_000,
        collateral: 3_000,
      },
    ]);
    expect(firstLiquidationStep(result, "carol", "ETH")).toBe(82);
    // Full mode closes every position of the account, in each position's own book.
    expect(firstLiquidationStep(result, "carol", "BTC")).toBe(82);
    expect(result.summary.crossAccountCount).toBe(1);
    expect(result.summary.crossAccountLiquidations).toBe(1);
    // The loss came from ETH: the BTC close counts as contagion from ETH to BTC.
    const contagion = result.summary.contagion.liquidatedNotional;
    // 1 BTC sold into the deep book one half-tick under the index.
    expect(contagion[1][0]).toBeCloseTo(99_999.5, 6);
    expect(contagion[1][1]).toBeGreaterThan(0);
    expect(contagion[0][1]).toBe(0);
    expect(Math.abs(result.summary.ledger.drift)).toBeLessThan(1e-6);
  });

  it("the same BTC long alone, isolated, is never touched by ETH's loss", () => {
    // ETH isolated at 20x (collateral 2,000) is liquidated near its own price
    // (2,000 + 10 (P − 4,000) = 0.2 P → P ≤ 3,877.55, step 13); BTC isolated sits untouched.
    const result = run([
      {
        account: "dave",
        market: "BTC",
        side: "long",
        size: 1,
        entryPrice: 100_000,
        collateral: 7_000,
        marginMode: "isolated",
      },
      {
        account: "dave",
        market: "ETH",
        side: "long",
        size: 10,
        entryPrice: 4_000,
        collateral: 2_000,
        marginMode: "isolated",
      },
    ]);
    expect(firstLiquidationStep(result, "dave", "ETH")).toBe(13);
    expect(firstLiquidationStep(result, "dave", "BTC")).toBe(-1);
    expect(result.summary.markets[0].liquidationCount).toBe(0);
    expect(result.summary.crossAccountCount).toBe(0);
  });

  it("an isolated ETH position of a cross account leaves the account's cross BTC alone", () => {
    const result = run([
      {
        account: "erin",
        market: "BTC",
        side: "long",
        size: 1,
        entryPrice: 100_000,
        collateral: 3_000,
      },
      {
        account: "erin",
        market: "ETH",
        side: "long",
        size: 10,
        entryPrice: 4_000,
        collateral: 2_000,
        marginMode: "isolated",
      },
    ]);
    expect(firstLiquidationStep(result, "erin", "ETH")).toBe(13);
    expect(firstLiquidationStep(result, "erin", "BTC")).toBe(-1);
  });
});
