/**
 * Auto-deleveraging: when neither the book, the insurance fund nor the backstop can take a
 * liquidated position, profitable positions on the other side are closed against it at its
 * bankruptcy price. Who is hit first is the ranking model.
 */
import type { AdlRanking } from "../config.ts";
import { MaxHeap } from "../maxHeap.ts";
import type { MarginTiers } from "../venue/marginTiers.ts";
import type { PositionStore } from "../venue/positionStore.ts";

/**
 * Higher score = deleveraged first. Only called for positions in profit. `margin` is the wallet
 * backing the position: its own collateral, or for a position of a multi-market cross account the
 * account's wallet plus the other positions' unrealised PnL (see Simulation.adlMarginOf); `tiers`
 * are the position's market's maintenance brackets in force (a policy may have scaled them).
 */
export type AdlScore = (
  store: PositionStore,
  id: number,
  markPrice: number,
  margin: number,
  tiers: MarginTiers,
) => number;

/**
 * Binance, "What Is Auto-Deleveraging (ADL) and How Does It Work" (binance.com support FAQ
 * 360033525471): traders are ranked by "LeveragePnL", "unrealized PnL/collateral multiplied by
 * the margin ratio", exactly
 *   PnL % = max(0, U) / max(1, WB),   margin ratio = MM / (WB + U)   (0 when WB + U ≤ 0),
 * U the unrealised PnL, WB the wallet balance (USDT) and MM the maintenance margin at the mark,
 * from the brackets. The margin ratio is effective leverage N / (WB + U) times MM / N, so a
 * position in a higher bracket ranks higher at the same leverage: longs at entry 100, mark 110,
 * A size 1,000 with 10,000 and B size 100,000 with 1.1M score A 1 × 500 / 20,000 = 0.025 and
 * B 0.909 × 283,700 / 2.1M = 0.123 with the default brackets (B first; PnL % × effective
 * leverage alone would put A first, 5.50 to 4.76).
 */
export const binanceScore: AdlScore = (store, id, markPrice, margin, tiers) => {
  const unrealised = store.side[id] * store.size[id] * (markPrice - store.entryPrice[id]);
  const marginBalance = margin + unrealised;
  if (marginBalance <= 0) return 0;
  const pnlPercent = Math.max(0, unrealised) / Math.max(1, margin);
  return pnlPercent * (tiers.maintenanceMargin(store.size[id] * markPrice) / marginBalance);
};

/**
 * Hyperliquid docs, "Auto-deleveraging": opposing positions are sorted by
 * (mark price / entry price) × (position notional / account value), the first factor inverted
 * for shorts so that the most profitable, most levered come first.
 */
export const hyperliquidScore: AdlScore = (store, id, markPrice, margin) => {
  const entry = store.entryPrice[id];
  const priceRatio = store.side[id] > 0 ? markPrice / entry : entry / markPrice;
  const accountValue = margin + store.side[id] * store.size[id] * (markPrice - entry);
  return priceRatio * ((store.size[id] * markPrice) / accountValue);
};

/** The wallet backing a position, as the ADL rankings read it. */
export type MarginOf = (id: number) => number;

/**
 * The winners of one cascade round on one side of one market, in ranking order. Built only when
 * ADL is needed (one pass over the market's positions), and rebuilt each round because the mark price, and so every
 * score, has moved. Ranked models load a max-heap in O(n) and pop only the winners actually
 * deleveraged, which are usually few; pro rata keeps the plain list.
 */
export class AdlQueue {
  private readonly heap: MaxHeap;
  private winners = new Int32Array(0);
  private winnerCount = 0;
  /** Pro rata: total size of the round's winners when the list was built. */
  private winnerSize = 0;
  private built = false;

  constructor(
    private readonly ranking: Exclude<AdlRanking, "none">,
    private readonly side: number,
    /** The maintenance brackets in force when a round ranks its winners. */
    private readonly tiers: () => MarginTiers,
  ) {
    this.heap = new MaxHeap(16);
  }

  invalidate(): void {
    this.built = false;
  }

  private build(
    store: PositionStore,
    positions: Int32Array,
    markPrice: number,
    marginOf: MarginOf,
  ): void {
    this.built = true;
    this.heap.clear();
    this.winnerCount = 0;
    this.winnerSize = 0;
    if (this.winners.length < positions.length) this.winners = new Int32Array(positions.length);
    const score = this.ranking === "hyperliquid" ? hyperliquidScore : binanceScore;
    const tiers = this.tiers();
    for (let index = 0; index < positions.length; index++) {
      const id = positions[index];
      if (store.side[id] !== this.side || store.size[id] === 0) continue;
      if (store.side[id] * (markPrice - store.entryPrice[id]) <= 0) continue;
      if (this.ranking === "proRata") {
        this.winners[this.winnerCount++] = id;
        this.winnerSize += store.size[id];
      } else this.heap.append(score(store, id, markPrice, marginOf(id), tiers), id);
    }
    this.heap.heapify();
  }

  /** Highest-ranked winner still holding a position, or −1 when none is left. */
  nextWinner(
    store: PositionStore,
    positions: Int32Array,
    markPrice: number,
    marginOf: MarginOf,
    exclude: number,
  ): number {
    if (!this.built) this.build(store, positions, markPrice, marginOf);
    const heap = this.heap;
    while (heap.size > 0) {
      const id = heap.topId();
      if (store.size[id] > 0 && id !== exclude) return id;
      heap.pop();
    }
    return -1;
  }

  /** Total size the round's winners held when ranked (pro rata). */
  totalWinnerSize(
    store: PositionStore,
    positions: Int32Array,
    markPrice: number,
    marginOf: MarginOf,
  ): number {
    if (!this.built) this.build(store, positions, markPrice, marginOf);
    return this.winnerSize;
  }

  /** Every winner of the round (pro rata), closed or not. */
  allWinners(
    store: PositionStore,
    positions: Int32Array,
    markPrice: number,
    marginOf: MarginOf,
  ): Int32Array {
    if (!this.built) this.build(store, positions, markPrice, marginOf);
    return this.winners.subarray(0, this.winnerCount);
  }

  get isProRata(): boolean {
    return this.ranking === "proRata";
  }
}
