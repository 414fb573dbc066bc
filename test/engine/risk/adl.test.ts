import { describe, expect, it } from "vitest";
import {
  AdlQueue,
  binanceScore,
  budgetedScore,
  hyperliquidScore,
} from "../../../src/engine/risk/adl.ts";
import { MarginTiers } from "../../../src/engine/venue/marginTiers.ts";
import { PositionStore } from "../../../src/engine/venue/positionStore.ts";
import { defaultTiers } from "../../../src/scenario/schema.ts";

const tiers = new MarginTiers(defaultTiers);
const currentTiers = (): MarginTiers => tiers;

function shorts(): PositionStore {
  const store = new PositionStore(4);
  // Short 1 at 110,000 with 11,000 margin (10x); mark 100,000 → profit 10,000.
  store.add(-1, 1, 110_000, 11_000, false);
  // Short 1 at 105,000 with 1,050 margin (100x); profit 5,000.
  store.add(-1, 1, 105_000, 1_050, false);
  // Short 2 at 99,000 (losing at 100,000): never a candidate.
  store.add(-1, 2, 99_000, 10_000, false);
  store.add(1, 4, 100_000, 10_000, false);
  return store;
}

const all = Int32Array.of(0, 1, 2, 3);
const ownMargin = (store: PositionStore) => (id: number) => store.collateral[id];

describe("ADL ranking", () => {
  it("Binance: PnL % × margin ratio (LeveragePnL), worked numbers", () => {
    const store = shorts();
    // Notional 100,000 is in bracket 2 (0.5 %, amount 50): MM = 450.
    // Position 0: PnL % = 10,000 / 11,000; margin ratio = 450 / 21,000.
    expect(binanceScore(store, 0, 100_000, 11_000, tiers)).toBeCloseTo(
      (10_000 / 11_000) * (450 / 21_000),
      15,
    );
    // Position 1: PnL % = 5,000 / 1,050; margin ratio = 450 / 6,050.
    expect(binanceScore(store, 1, 100_000, 1_050, tiers)).toBeCloseTo(
      (5_000 / 1_050) * (450 / 6_050),
      15,
    );
  });

  it("Binance: a larger position in a higher bracket ranks first at the same leverage", () => {
    // Issue 14's pair: longs at 100, mark 110; A size 1,000 with 10,000, B size 100,000 with 1.1M.
    const store = new PositionStore(2);
    store.add(1, 1_000, 100, 10_000, false);
    store.add(1, 100_000, 100, 1_100_000, false);
    // A: 1 × (110,000 × 0.5 % − 50) / 20,000; B: (1M / 1.1M) × (11M × 5 % − 266,300) / 2.1M.
    expect(binanceScore(store, 0, 110, 10_000, tiers)).toBeCloseTo(500 / 20_000, 15);
    expect(binanceScore(store, 1, 110, 1_100_000, tiers)).toBeCloseTo(
      (1 / 1.1) * (283_700 / 2_100_000),
      15,
    );
    const queue = new AdlQueue("binance", 1, currentTiers);
    queue.assignPositions(store, Int32Array.of(0, 1), false);
    expect(queue.nextWinner(store, 110, ownMargin(store), -1)).toBe(1);
  });

  it("Hyperliquid: (entry / mark for shorts) × notional / account value", () => {
    const store = shorts();
    expect(hyperliquidScore(store, 0, 100_000, 11_000, tiers)).toBeCloseTo(
      1.1 * (100_000 / 21_000),
      12,
    );
  });

  it("ranks the more profitable, more levered short first and skips losers", () => {
    const store = shorts();
    const queue = new AdlQueue("binance", -1, currentTiers);
    queue.assignPositions(store, all, false);
    const margin = ownMargin(store);
    expect(queue.nextWinner(store, 100_000, margin, 3)).toBe(1);
    store.size[1] = 0;
    expect(queue.nextWinner(store, 100_000, margin, 3)).toBe(0);
    store.size[0] = 0;
    expect(queue.nextWinner(store, 100_000, margin, 3)).toBe(-1);
  });

  it("a rebuild leaves closed positions out, unless closed positions may reopen", () => {
    for (const reopenable of [false, true]) {
      const store = shorts();
      const queue = new AdlQueue("binance", -1, currentTiers);
      queue.assignPositions(store, all, reopenable);
      const margin = ownMargin(store);
      store.size[1] = 0;
      expect(queue.nextWinner(store, 100_000, margin, 3)).toBe(0);
      // An accumulation agent buys back in: only a queue that kept it can rank it again.
      store.size[1] = 1;
      queue.invalidate();
      expect(queue.nextWinner(store, 100_000, margin, 3)).toBe(reopenable ? 1 : 0);
    }
  });

  it("pro rata lists every winner", () => {
    const queue = new AdlQueue("proRata", -1, currentTiers);
    const store = shorts();
    queue.assignPositions(store, all, false);
    expect(Array.from(queue.allWinners(store, 100_000, ownMargin(store)))).toEqual([0, 1]);
  });

  it("budgeted: least profit per unit first (longs at 99 before 90, mark 100)", () => {
    const store = new PositionStore(3);
    store.add(1, 1, 90, 10, false);
    store.add(1, 1, 99, 10, false);
    store.add(1, 1, 95, 10, false);
    expect(budgetedScore(store, 1, 100, 0, tiers)).toBe(-1);
    const queue = new AdlQueue("budgeted", 1, currentTiers);
    queue.assignPositions(store, Int32Array.of(0, 1, 2), false);
    expect(queue.nextWinner(store, 100, ownMargin(store), -1)).toBe(1);
    queue.dropTop();
    expect(queue.nextWinner(store, 100, ownMargin(store), -1)).toBe(2);
  });

  it("capped pro rata: capacity at a haircut is Σ min(size, PnL / haircut)", () => {
    // Shorts at mark 100: A size 10 at 100.1 (PnL 1), B size 1 at 200 (PnL 100).
    const store = new PositionStore(2);
    store.add(-1, 10, 100.1, 1_000, false);
    store.add(-1, 1, 200, 1_000, false);
    const queue = new AdlQueue("pnlProRata", -1, currentTiers);
    queue.assignPositions(store, Int32Array.of(0, 1), false);
    expect(queue.totalWinnerSize(store, 100, ownMargin(store))).toBe(11);
    // At 1 per unit A can pay for 1 unit (its PnL is 1), B for its whole 1 unit: 2.
    expect(queue.capacityAt(1)).toBeCloseTo(2, 9);
    expect(queue.capacityAt(0.05)).toBeCloseTo(11, 9);
    expect(queue.capacityAt(-1)).toBe(11);
    // With nothing pooled yet, 5 units at 1 per unit: only 2 fit.
    expect(queue.admissible(store, 100, ownMargin(store), 0, 0, 5, 1)).toBeCloseTo(2, 9);
  });
});
