/**
 * Binance USDⓈ-M rules against Binance's own published numbers: the BTCUSDT bracket table, the
 * liquidation-price and margin FAQs, the funding formula and the ADL ranking. Binance publishes
 * decimal figures; the engine computes in doubles, so these are asserted to 1e-12 relative.
 */
import { describe, expect, it } from "vitest";
import type { FundingSpec } from "../../src/engine/config.ts";
import { AdlQueue, binanceScore } from "../../src/engine/risk/adl.ts";
import { MarginTiers } from "../../src/engine/venue/marginTiers.ts";
import { PositionStore } from "../../src/engine/venue/positionStore.ts";
import { fundingRate } from "../../src/engine/venue/pricing.ts";
import { defaultTiers } from "../../src/scenario/schema.ts";
import { expectRelative } from "../support/vectors.ts";

const btcusdt = new MarginTiers(defaultTiers);

// Binance "Leverage and Margin of USDⓈ-M Futures" (binance.com/en/support/faq/360033162192),
// BTCUSDT brackets as published 2020–21 (the engine's default table): the maintenance amount
// of each bracket.
describe("Binance BTCUSDT brackets: published maintenance amounts", () => {
  it.each([
    [1, 0],
    [2, 50],
    [3, 1300],
    [4, 16_300],
    [5, 266_300],
    [6, 1_266_300],
    [7, 2_516_300],
    [8, 5_016_300],
    [9, 25_016_300],
    [10, 100_016_300],
  ])("bracket %i: maintenance amount %i", (bracket, amount) => {
    expect(btcusdt.maintenanceAmount[bracket - 1]).toBeCloseTo(amount, 6);
  });
});

// Binance "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts"
// (binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93), its worked lookups.
describe("Binance liquidation-price FAQ: bracket lookups", () => {
  it("a 264,000 USDT BTCUSDT position has a maintenance margin rate of 1 %", () => {
    expect(btcusdt.rate[btcusdt.tierOf(264_000)]).toBe(0.01);
  });

  it("a 500,000 USDT position has a maintenance amount of 1,300 USDT", () => {
    expect(btcusdt.maintenanceAmount[btcusdt.tierOf(500_000)]).toBeCloseTo(1300, 9);
  });

  it("Maintenance Amount on Level 3 = 250,000 × (1 % − 0.5 %) + 50 = 1,300", () => {
    expectRelative(btcusdt.maintenanceAmount[2], 250_000 * (0.01 - 0.005) + 50, 1e-12);
  });
});

// Binance "How to Calculate Liquidation Price of COIN-M Futures Contracts"
// (binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46): 100 BTCUSD contracts at mark
// 25,000 are 100 × 100 / 25,000 = 0.4 BTC, in level 1 (0.4 %, amount 0): MM = 0.0016 BTC.
describe("Binance COIN-M FAQ: maintenance margin", () => {
  it("0.4 BTC in level 1: 0.4 × 0.4 % − 0 = 0.0016 BTC", () => {
    const level1 = new MarginTiers([{ maxNotional: null, maxLeverage: 125, rate: 0.004 }]);
    expectRelative(level1.maintenanceMargin((100 * 100) / 25_000), 0.0016, 1e-12);
  });
});

// Binance "Introduction to Binance Futures Funding Rates" (binance.com/en/support/faq/
// 360033525031): F = P + clamp(I − P, 0.05 %, −0.05 %), I = 0.01 % per 8-hour interval; "if
// (I − P) is within ±0.05 % then F = P + (I − P) = I".
describe("Binance funding FAQ: the interest band and the premium beyond it", () => {
  const binance8h: FundingSpec = {
    intervalSeconds: 28_800,
    kind: "premium",
    rate: 0,
    interestRate: 0.0001,
    cap: 0.0075,
  };
  it.each([
    [0, 0.0001],
    // The band's edges: I − P = ±0.05 % at P = −0.04 % and P = 0.06 %.
    [-0.0004, 0.0001],
    [0.0006, 0.0001],
    [0.003, 0.003 - 0.0005],
    [-0.003, -0.003 + 0.0005],
  ])("premium %f → funding rate %f", (premium, expected) => {
    expectRelative(fundingRate(binance8h, premium), expected, 1e-12);
  });
});

/**
 * Binance "What Is Auto-Deleveraging (ADL) and How Does It Work" (binance.com/en/support/faq/
 * 360033525471): ranked by "LeveragePnL ... unrealized PnL/collateral multiplied by the margin
 * ratio", PnL % = max(0, unrealized profit) / max(1, wallet balance), margin ratio = maintenance
 * margin / (wallet balance + unrealized profit).
 */
describe("Binance ADL FAQ: LeveragePnL", () => {
  it("issue 14's pair: A and B at 10x-ish, B in a higher bracket ranks first", () => {
    // Longs at entry 100, mark 110. A: size 1,000, wallet 10,000, U 10,000, notional 110,000
    // (bracket 2: MM = 550 − 50 = 500). B: size 100,000, wallet 1.1M, U 1M, notional 11M
    // (bracket 5: MM = 550,000 − 266,300 = 283,700).
    const store = new PositionStore(2);
    store.add(1, 1_000, 100, 10_000, false);
    store.add(1, 100_000, 100, 1_100_000, false);
    expectRelative(binanceScore(store, 0, 110, 10_000, btcusdt), 1 * (500 / 20_000), 1e-12);
    expectRelative(
      binanceScore(store, 1, 110, 1_100_000, btcusdt),
      (1_000_000 / 1_100_000) * (283_700 / 2_100_000),
      1e-12,
    );
    const margin = (id: number) => store.collateral[id];
    const queue = new AdlQueue("binance", 1, () => btcusdt);
    queue.assignPositions(store, Int32Array.of(0, 1), false);
    expect(queue.nextWinner(store, 110, margin, -1)).toBe(1);
  });

  it("dev.binance.vision 'How to caculating Leverage Pnl Quantile': 40.2 / 4.27 × 13.42 % = 1.26", () => {
    // The post applies the FAQ's formula to a real account: unrealized profit 40.2, wallet
    // 4.27, margin ratio 13.42 % (read from the UI). One position with MM = 13.42 % × 44.47.
    const store = new PositionStore(1);
    store.add(1, 1, 59.8, 4.27, false);
    const tiers = new MarginTiers([
      { maxNotional: null, maxLeverage: 1, rate: (0.1342 * 44.47) / 100 },
    ]);
    const score = binanceScore(store, 0, 100, 4.27, tiers);
    expectRelative(score, (40.2 / 4.27) * 0.1342, 1e-12);
    expect(Math.round(score * 100) / 100).toBe(1.26);
  });
});
