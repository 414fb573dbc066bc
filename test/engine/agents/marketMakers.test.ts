import { describe, expect, it } from "vitest";
import { MarketMakers } from "../../../src/engine/agents/marketMakers.ts";
import type { MarketMakerSpec } from "../../../src/engine/config.ts";
import { emptyFill } from "../../../src/engine/market/market.ts";
import { levelsFromShape, OrderBookMarket } from "../../../src/engine/market/orderBook.ts";
import { runScenario } from "../../../src/engine/sim.ts";
import { bookMarket, scenario } from "../fixtures.ts";

const spec = (overrides: Partial<MarketMakerSpec> = {}): MarketMakerSpec => ({
  volatilityWindowSeconds: 2,
  volatilityPrice: "mark",
  referenceVolatility: 0.01,
  volatilitySensitivity: 1,
  inventorySensitivity: 0,
  inventoryLimit: 1_000_000,
  minDepth: 0.1,
  spreadPerExcess: 0.001,
  maxWidening: 0.01,
  recoveryHalfLife: 10,
  ...overrides,
});

describe("market makers' depth and spread targets", () => {
  it("depth 1 / (1 + 1 × excess + 0.5 × load), floored at minDepth; widening per excess", () => {
    const makers = new MarketMakers(spec({ inventorySensitivity: 0.5 }), 1);
    expect(makers.depthTarget(0.005, 0)).toBe(1);
    // vol 3 % against 1 %: excess 2 → 1 / 3.
    expect(makers.depthTarget(0.03, 0)).toBeCloseTo(1 / 3, 12);
    // and 2,000,000 of inventory against a 1,000,000 limit: load 2 → 1 / (1 + 2 + 1).
    expect(makers.depthTarget(0.03, -2_000_000)).toBeCloseTo(0.25, 12);
    expect(makers.depthTarget(1, 0)).toBe(0.1);
    expect(makers.wideningTarget(0.03)).toBeCloseTo(0.002, 12);
    expect(makers.wideningTarget(1)).toBe(0.01);
  });

  it("withdraw at once and come back with the recovery half-life", () => {
    const makers = new MarketMakers(spec(), 1);
    makers.observe(100, 0);
    makers.observe(103, 0); // |ln 1.03| = 2.96 %: excess 1.96
    const withdrawn = makers.depth;
    expect(withdrawn).toBeCloseTo(1 / (1 + Math.log(1.03) / 0.01 - 1), 12);
    // Two flat steps empty the 2-step window; then ten more steps are one half-life.
    makers.observe(103, 0);
    makers.observe(103, 0);
    const calmStart = makers.depth;
    for (let step = 0; step < 10; step++) makers.observe(103, 0);
    expect(1 - makers.depth).toBeCloseTo((1 - calmStart) / 2, 12);
    expect(calmStart).toBeLessThan(1);
    expect(calmStart).toBeGreaterThan(withdrawn);
  });
});

describe("the order book hook", () => {
  const levels = levelsFromShape(100_000, {
    depthPerPercent: 1_000_000,
    levels: 200,
    tick: 10,
    spreadTicks: 2,
  });
  it("scales resting depth and widens the quotes around the same mid", () => {
    const book = new OrderBookMarket({ kind: "orderBook", ...levels, resilienceHalfLife: 30 });
    const depth = book.depthWithin(-1, 0.01);
    const allBids = book.depthWithin(-1, 0.5);
    book.setLiquidity(0.5, 0.001);
    expect(book.bestBid()).toBeCloseTo(99_990 * 0.999, 6);
    expect(book.bestAsk()).toBeCloseTo(100_010 * 1.001, 6);
    // (99,890.01 + 100,110.01) / 2: proportional widening keeps the mid within a cent.
    expect(book.mid()).toBeCloseTo(100_000.01, 6);
    // The widened levels sit 0.1 % lower, so fewer of them are within 1 % of the mid.
    expect(book.depthWithin(-1, 0.01)).toBeLessThan(depth * 0.5);
    expect(book.depthWithin(-1, 0.5)).toBeCloseTo(allBids * 0.5, 9);
    const fill = emptyFill();
    book.execute(-1, 1, 0, fill);
    expect(fill.filled).toBe(1);
    // Back to full depth: what was eaten stays eaten in proportion (1 of the half book = 2).
    book.setLiquidity(1, 0);
    expect(book.depthWithin(-1, 0.5)).toBeCloseTo(allBids - 2, 9);
    expect(book.bestAsk()).toBe(100_010);
  });
});

describe("liquidity that leaves, in a run", () => {
  it("a volatile index thins and widens the book; order-book imbalance is reported", () => {
    const result = runScenario(
      scenario({
        steps: 120,
        dt: 60,
        market: bookMarket(100_000, 5_000_000, { levels: 2_000, tick: 10 }),
        shock: { kind: "gbm", sigmaDaily: 0.3, driftDaily: 0 },
        marketMakers: spec({ volatilityWindowSeconds: 600, recoveryHalfLife: 600 }),
      }),
      { seed: 4 },
    );
    const series = result.timeseries;
    expect(result.summary.minDepthMultiplier).toBeLessThan(0.7);
    const thinnest = series.depthMultiplier.indexOf(result.summary.minDepthMultiplier);
    expect(series.bidDepth1pct[thinnest]).toBeLessThan(series.bidDepth1pct[0] * 0.8);
    expect(Math.max(...series.spreadWidening)).toBeGreaterThan(0);
    expect(Math.min(...series.orderBookImbalance)).toBeLessThan(0);
    expect(Math.abs(result.summary.ledger.drift)).toBeLessThan(
      1e-9 * result.summary.ledger.valueStart,
    );
  });
});
