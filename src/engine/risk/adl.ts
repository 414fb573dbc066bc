/**
 * Auto-deleveraging: when neither the book, the insurance fund nor the backstop can take a
 * liquidated position, profitable positions on the other side are closed against it at its
 * bankruptcy price. Who is hit first is the ranking model.
 */
import type { AdlRanking } from "../config.ts";
import { MaxHeap } from "../maxHeap.ts";
import type { PositionStore } from "../venue/positionStore.ts";

/**
 * Higher score = deleveraged first. Only called for positions in profit. `margin` is the wallet
 * backing the position: its own collateral, or for a position of a multi-market cross account the
 * account's wallet plus the other positions' unrealised PnL (see Simulation.adlMarginOf).
 */
export type AdlScore = (
  store: PositionStore,
  id: number,
  markPrice: number,
  margin: number,
) => number;

/**
 * Binance, "What is Auto-Deleveraging (ADL)": ranking = PnL% × effective leverage for positions
 * in profit, with PnL% = unrealised PnL / position margin and effective leverage =
 * |notional| / (position margin + unrealised PnL).
 */
export const binanceScore: AdlScore = (store, id, markPrice, margin) => {
  const unrealised = store.side[id] * store.size[id] * (markPrice - store.entryPrice[id]);
  const notional = store.size[id] * markPrice;
  return (unrealised / margin) * (notional / (margin + unrealised));
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
    for (let index = 0; index < positions.length; index++) {
      const id = positions[index];
      if (store.side[id] !== this.side || store.size[id] === 0) continue;
      if (store.side[id] * (markPrice - store.entryPrice[id]) <= 0) continue;
      if (this.ranking === "proRata") {
        this.winners[this.winnerCount++] = id;
        this.winnerSize += store.size[id];
      } else this.heap.append(score(store, id, markPrice, marginOf(id)), id);
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
