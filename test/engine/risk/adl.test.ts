import { describe, expect, it } from "vitest";
import { AdlQueue, binanceScore, hyperliquidScore } from "../../../src/engine/risk/adl.ts";
import { PositionStore } from "../../../src/engine/venue/positionStore.ts";

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
  it("Binance: PnL% × effective leverage, worked numbers", () => {
    const store = shorts();
    // Position 0: PnL% = 10,000 / 11,000 = 0.90909; effective leverage = 100,000 / 21,000 = 4.7619.
    expect(binanceScore(store, 0, 100_000, 11_000)).toBeCloseTo(
      (10_000 / 11_000) * (100_000 / 21_000),
      12,
    );
    // Position 1: PnL% = 5,000 / 1,050 = 4.7619; effective leverage = 100,000 / 6,050 = 16.529.
    expect(binanceScore(store, 1, 100_000, 1_050)).toBeCloseTo(
      (5_000 / 1_050) * (100_000 / 6_050),
      12,
    );
  });

  it("Hyperliquid: (entry / mark for shorts) × notional / account value", () => {
    const store = shorts();
    expect(hyperliquidScore(store, 0, 100_000, 11_000)).toBeCloseTo(1.1 * (100_000 / 21_000), 12);
  });

  it("ranks the more profitable, more levered short first and skips losers", () => {
    const store = shorts();
    const queue = new AdlQueue("binance", -1);
    const margin = ownMargin(store);
    expect(queue.nextWinner(store, all, 100_000, margin, 3)).toBe(1);
    store.size[1] = 0;
    expect(queue.nextWinner(store, all, 100_000, margin, 3)).toBe(0);
    store.size[0] = 0;
    expect(queue.nextWinner(store, all, 100_000, margin, 3)).toBe(-1);
  });

  it("pro rata lists every winner", () => {
    const queue = new AdlQueue("proRata", -1);
    const store = shorts();
    expect(Array.from(queue.allWinners(store, all, 100_000, ownMargin(store)))).toEqual([0, 1]);
  });
});
