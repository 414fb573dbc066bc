/**
 * Auto-deleveraging: when neither the book, the insurance fund nor the backstop can take a
 * liquidated position, profitable positions on the other side are closed against it at its
 * bankruptcy price. Who is hit first is the ranking model.
 */
import type { AdlRanking } from "../config.ts";
import type { PositionStore } from "../venue/positionStore.ts";

/** Higher score = deleveraged first. Only called for positions in profit. */
export type AdlScore = (store: PositionStore, id: number, markPrice: number) => number;

/**
 * Binance, "What is Auto-Deleveraging (ADL)": ranking = PnL% × effective leverage for positions
 * in profit, with PnL% = unrealised PnL / position margin and effective leverage =
 * |notional| / (position margin + unrealised PnL).
 */
export const binanceScore: AdlScore = (store, id, markPrice) => {
  const margin = store.collateral[id];
  const unrealised = store.side[id] * store.size[id] * (markPrice - store.entryPrice[id]);
  const notional = store.size[id] * markPrice;
  return (unrealised / margin) * (notional / (margin + unrealised));
};

/**
 * Hyperliquid docs, "Auto-deleveraging": opposing positions are sorted by
 * (mark price / entry price) × (position notional / account value), the first factor inverted
 * for shorts so that the most profitable, most levered come first.
 */
export const hyperliquidScore: AdlScore = (store, id, markPrice) => {
  const entry = store.entryPrice[id];
  const priceRatio = store.side[id] > 0 ? markPrice / entry : entry / markPrice;
  const accountValue =
    store.collateral[id] + store.side[id] * store.size[id] * (markPrice - entry);
  return priceRatio * ((store.size[id] * markPrice) / accountValue);
};

/**
 * The candidates of one cascade round for one side, ranked once and consumed in order. Built
 * only when ADL is needed (a scan of the positions on that side), and rebuilt each round
 * because the mark price, and so every score, has moved.
 */
export class AdlQueue {
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  private built = false;
  /** Pro-rata: total size of the winners and the share already handed out this round. */
  totalWinnerSize = 0;

  constructor(
    private readonly ranking: Exclude<AdlRanking, "none">,
    private readonly side: number,
  ) {}

  invalidate(): void {
    this.built = false;
  }

  /** Winners on this queue's side ranked at `markPrice` (built on first use in a round). */
  candidates(store: PositionStore, markPrice: number, exclude: number): Int32Array {
    if (this.built) return this.order;
    const ids: number[] = [];
    const scores: number[] = [];
    let totalSize = 0;
    const score = this.ranking === "hyperliquid" ? hyperliquidScore : binanceScore;
    for (let id = 0; id < store.count; id++) {
      if (store.side[id] !== this.side || store.size[id] === 0 || id === exclude) continue;
      if (store.side[id] * (markPrice - store.entryPrice[id]) <= 0) continue;
      ids.push(id);
      totalSize += store.size[id];
      if (this.ranking !== "proRata") scores.push(score(store, id, markPrice));
    }
    const permutation = ids.map((_, index) => index);
    if (this.ranking !== "proRata") {
      // Ties broken by position id so the order never depends on the sort's stability.
      permutation.sort((a, b) => scores[b] - scores[a] || ids[a] - ids[b]);
    }
    this.order = Int32Array.from(permutation, (index) => ids[index]);
    this.totalWinnerSize = totalSize;
    this.cursor = 0;
    this.built = true;
    return this.order;
  }

  get position(): number {
    return this.cursor;
  }

  advanceTo(cursor: number): void {
    this.cursor = cursor;
  }

  get isProRata(): boolean {
    return this.ranking === "proRata";
  }
}
