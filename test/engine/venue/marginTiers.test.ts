import { describe, expect, it } from "vitest";
import { bankruptcyPrice, MarginTiers } from "../../../src/engine/venue/marginTiers.ts";
import { defaultTiers } from "../../../src/scenario/schema.ts";

const binance = new MarginTiers(defaultTiers);

describe("maintenance amounts (Binance BTCUSDT brackets)", () => {
  it("match the published maintenance amounts", () => {
    // Published with the brackets: 0, 50, 1,300, 16,300, 266,300, 1,266,300, 2,516,300,
    // 5,016,300, 25,016,300, 100,016,300.
    const published = [0, 50, 1300, 16300, 266300, 1266300, 2516300, 5016300, 25016300, 100016300];
    published.forEach((amount, tier) => {
      expect(binance.maintenanceAmount[tier]).toBeCloseTo(amount, 6);
    });
  });

  it("make the maintenance margin continuous across a bracket bound", () => {
    const below = binance.maintenanceMargin(250_000);
    const above = binance.maintenanceMargin(250_000.000001);
    expect(below).toBeCloseTo(1200, 9); // 250,000 × 0.5 % − 50
    expect(above).toBeCloseTo(1200, 3); // 250,000 × 1 % − 1,300
  });

  it("computes a worked maintenance margin: 600,000 notional → 600,000 × 1 % − 1,300 = 4,700", () => {
    expect(binance.maintenanceMargin(600_000)).toBeCloseTo(4700, 9);
  });

  it("gives the leverage allowed by notional", () => {
    expect(binance.maxLeverageFor(40_000)).toBe(125);
    expect(binance.maxLeverageFor(600_000)).toBe(50);
    expect(binance.maxNotionalAtLeverage(100)).toBe(250_000);
    expect(binance.maxNotionalAtLeverage(1)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("liquidation price (Binance one-way isolated formula)", () => {
  it("worked example: long 1 BTC at 100,000 with 5,000 wallet (20x)", () => {
    // Notional near 95k is in bracket 2 (50k-250k): MMR 0.5 %, cum 50.
    // LP = (5,000 + 50 − 100,000) / (1 × 0.005 − 1) = −94,950 / −0.995 = 95,427.1357
    const price = binance.liquidationPrice(1, 1, 100_000, 5_000);
    expect(price).toBeCloseTo(95_427.13567839196, 6);
    // At LP, equity equals maintenance margin exactly.
    const equity = 5_000 + (price - 100_000);
    expect(equity).toBeCloseTo(binance.maintenanceMargin(price), 6);
  });

  it("worked example: short 0.4 BTC at 100,000 with 2,000 wallet (20x)", () => {
    // Notional near 42k is in bracket 1: MMR 0.4 %, cum 0.
    // LP = (2,000 + 0 + 0.4 × 100,000) / (0.4 × 0.004 + 0.4) = 42,000 / 0.4016 = 104,581.673
    const price = binance.liquidationPrice(-1, 0.4, 100_000, 2_000);
    expect(price).toBeCloseTo(104_581.67330677291, 6);
  });

  it("picks the bracket that contains the notional at the liquidation price", () => {
    // 30 BTC long at 100,000 (3M notional, bracket 4: 2.5 %, cum 16,300), 10x.
    const price = binance.liquidationPrice(1, 30, 100_000, 300_000);
    const expected = (300_000 + 16_300 - 3_000_000) / (30 * 0.025 - 30);
    expect(price).toBeCloseTo(expected, 6);
    expect(binance.tierOf(price * 30)).toBe(3);
  });

  it("is at or below zero for a fully collateralised long (never liquidated)", () => {
    expect(binance.liquidationPrice(1, 1, 100_000, 100_000)).toBeCloseTo(0, 9);
    expect(binance.liquidationPrice(1, 1, 100_000, 110_000)).toBeLessThan(0);
  });

  it("bankruptcy price is where equity is zero", () => {
    expect(bankruptcyPrice(1, 2, 100_000, 10_000)).toBe(95_000);
    expect(bankruptcyPrice(-1, 2, 100_000, 10_000)).toBe(105_000);
  });
});

describe("Hyperliquid-style brackets", () => {
  it("default the maintenance rate to half the initial margin at max leverage", () => {
    // Hyperliquid: 40x max leverage → maintenance margin 1.25 %.
    const tiers = new MarginTiers([{ maxNotional: null, maxLeverage: 40 }]);
    expect(tiers.rate[0]).toBe(0.0125);
  });
});

describe("partial liquidation target", () => {
  it("keeps the largest notional whose maintenance margin fits the equity (no fee, ratio 1)", () => {
    // Equity 1,000: in bracket 2, N × 0.5 % − 50 ≤ 1,000 → N ≤ 210,000.
    expect(binance.notionalRestoringMargin(240_000, 1_000, 0, 1)).toBeCloseTo(210_000, 6);
    // A position already within margin keeps everything.
    expect(binance.notionalRestoringMargin(100_000, 5_000, 0, 1)).toBe(100_000);
    expect(binance.notionalRestoringMargin(100_000, -1, 0, 1)).toBe(0);
  });

  it("pays the fee on what it closes and leaves a buffer: worked example", () => {
    // N = 240,000, equity 1,100, fee 0.1 %, target 90 %: in bracket 2,
    // N' × (0.005 − 0.9 × 0.001) ≤ 0.9 × (1,100 − 240) + 50 → N' ≤ 824 / 0.0041 = 200,975.6.
    const keep = binance.notionalRestoringMargin(240_000, 1_100, 0.001, 0.9);
    expect(keep).toBeCloseTo(824 / 0.0041, 6);
    // Check: fee 39.02 on 39,024.4 closed; equity 1,060.98; MM(keep) = 954.88 = 0.9 × 1,060.98.
    const equityAfter = 1_100 - 0.001 * (240_000 - keep);
    expect(binance.maintenanceMargin(keep)).toBeCloseTo(0.9 * equityAfter, 6);
  });

  it("closes everything when the fee on a unit costs more than the margin it frees", () => {
    // Fee 0.5 % ≥ MMR 0.4-0.5 % in the first brackets: no partial close restores margin.
    expect(binance.notionalRestoringMargin(240_000, 1_100, 0.005, 0.9)).toBe(0);
  });
});
