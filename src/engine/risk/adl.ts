/**
 * Auto-deleveraging: when neither the book, the insurance fund nor the backstop can take a
 * liquidated position, profitable positions on the other side are closed against it (at its
 * bankruptcy price, or the previous mark). Who is hit, and for how much, is the mechanism
 * (src/engine/risk/adlMechanism.ts); this file holds the rankings and the per-round queue.
 */
import type { AdlMechanism } from "../config.ts";
import { MaxHeap } from "../maxHeap.ts";
import type { MarginTiers } from "../venue/marginTiers.ts";
import type { PositionStore } from "../venue/positionStore.ts";
import { waterFill } from "./adlAllocation.ts";

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

/**
 * The budgeted queue: least profit per unit first, so the closes carry as little open profit
 * beyond the shortfall as the winners allow (a fractional knapsack: each unit closed costs its
 * unrealised profit per unit, side × (mark − entry), and the caller caps each winner at what its
 * profit can pay). Longs at entry 90 and 99 with the mark at 100: 99 (profit 1 per unit) is
 * closed before 90 (profit 10).
 */
export const budgetedScore: AdlScore = (store, id, markPrice) =>
  -store.side[id] * (markPrice - store.entryPrice[id]);

/** The wallet backing a position, as the ADL rankings read it. */
export type MarginOf = (id: number) => number;

/** The online policy's log weight of a position (0 for one never hit). */
export type LogWeightOf = (id: number) => number;

/** Mechanisms that close against ranked winners one by one; the others pool the round's volume. */
export function isRankedMechanism(mechanism: AdlMechanism): boolean {
  return mechanism === "binance" || mechanism === "hyperliquid" || mechanism === "budgeted";
}

/** Mechanisms that never take more from a winner than its positive PnL can pay. */
export function isCappedMechanism(mechanism: AdlMechanism): boolean {
  return (
    mechanism === "budgeted" ||
    mechanism === "pnlProRata" ||
    mechanism === "riskAwareProRata" ||
    mechanism === "online"
  );
}

/** Effective leverages above this are treated as this (a winner whose equity is nearly gone). */
const maxWeightLeverage = 1_000;

/**
 * The winners of one cascade round on one side of one market. Built only when ADL is needed (one
 * pass over the market's positions), and rebuilt each round because the mark price, and so every
 * score, has moved. Ranked mechanisms load a max-heap in O(n) and pop only the winners actually
 * deleveraged, which are usually few; pooled ones keep the plain list, and the capped pooled ones
 * (pro rata on PnL, risk-aware, online) also each winner's positive PnL and weight, and the
 * curve of how many units the winners can take at a given haircut per unit.
 */
export class AdlQueue {
  private readonly heap: MaxHeap;
  private positions = new Int32Array(0);
  private winners = new Int32Array(0);
  private winnerCount = 0;
  /** Pooled: total size of the round's winners when the list was built. */
  private winnerSize = 0;
  private built = false;
  /**
   * Whether a closed position may open again (accumulation agents buy back in); otherwise each
   * build drops the positions it finds closed, so later rounds do not read them again.
   */
  private reopenable = true;
  private readonly capped: boolean;
  // Capped pooled mechanisms, by winner slot (the winner's index in `winners`).
  private profit = new Float64Array(0);
  private weight = new Float64Array(0);
  private caps = new Float64Array(0);
  private order = new Int32Array(0);
  private ratio = new Float64Array(0);
  private allocation = new Float64Array(0);
  /** Profit per unit, ascending, with Σ size at or above and Σ profit below each rank. */
  private unitProfit = new Float64Array(0);
  private sizeFrom = new Float64Array(0);
  private profitBefore = new Float64Array(0);

  constructor(
    readonly mechanism: Exclude<AdlMechanism, "none">,
    private readonly side: number,
    /** The maintenance brackets in force when a round ranks its winners. */
    private readonly tiers: () => MarginTiers,
    private readonly logWeightOf: LogWeightOf = () => 0,
  ) {
    this.heap = new MaxHeap(16);
    this.capped = isCappedMechanism(mechanism);
  }

  invalidate(): void {
    this.built = false;
  }

  /**
   * The market's positions on this queue's side, in id order (once every position exists;
   * sides never change). Each round's ranking scans only these: a queue of winning shorts does
   * not read the four longs to every short of a long-heavy book.
   */
  assignPositions(store: PositionStore, positions: Int32Array, reopenable: boolean): void {
    this.reopenable = reopenable;
    let count = 0;
    for (let index = 0; index < positions.length; index++) {
      if (store.side[positions[index]] === this.side) count++;
    }
    this.positions = new Int32Array(count);
    count = 0;
    for (let index = 0; index < positions.length; index++) {
      if (store.side[positions[index]] === this.side) this.positions[count++] = positions[index];
    }
  }

  private build(store: PositionStore, markPrice: number, marginOf: MarginOf): void {
    const positions = this.positions;
    this.built = true;
    this.heap.clear();
    this.winnerCount = 0;
    this.winnerSize = 0;
    if (this.winners.length < positions.length) this.winners = new Int32Array(positions.length);
    const ranked = isRankedMechanism(this.mechanism);
    const score =
      this.mechanism === "hyperliquid"
        ? hyperliquidScore
        : this.mechanism === "budgeted"
          ? budgetedScore
          : binanceScore;
    const tiers = this.tiers();
    const keepClosed = this.reopenable;
    let open = 0;
    for (let index = 0; index < positions.length; index++) {
      const id = positions[index];
      if (store.size[id] === 0) {
        if (keepClosed) positions[open++] = id;
        continue;
      }
      positions[open++] = id;
      if (store.side[id] * (markPrice - store.entryPrice[id]) <= 0) continue;
      if (!ranked) {
        this.winners[this.winnerCount++] = id;
        this.winnerSize += store.size[id];
      } else if (this.mechanism === "budgeted") {
        this.heap.append(score(store, id, markPrice, 0, tiers), id);
      } else this.heap.append(score(store, id, markPrice, marginOf(id), tiers), id);
    }
    this.positions = positions.subarray(0, open);
    this.heap.heapify();
    if (this.capped && !ranked) this.weighWinners(store, markPrice, marginOf);
  }

  /**
   * Capped pooled mechanisms: each winner's positive PnL U = size × side × (mark − entry) and its
   * weight (pnlProRata U; riskAwareProRata U × effective leverage; online U × its mirror-descent
   * weight), and the capacity curve sorted by profit per unit.
   */
  private weighWinners(store: PositionStore, markPrice: number, marginOf: MarginOf): void {
    const count = this.winnerCount;
    if (this.profit.length < count) {
      const length = Math.max(count, 2 * this.profit.length);
      this.profit = new Float64Array(length);
      this.weight = new Float64Array(length);
      this.caps = new Float64Array(length);
      this.order = new Int32Array(length);
      this.ratio = new Float64Array(length);
      this.allocation = new Float64Array(length);
      this.unitProfit = new Float64Array(length);
      this.sizeFrom = new Float64Array(length + 1);
      this.profitBefore = new Float64Array(length + 1);
    }
    let largestLog = Number.NEGATIVE_INFINITY;
    if (this.mechanism === "online") {
      for (let slot = 0; slot < count; slot++) {
        largestLog = Math.max(largestLog, this.logWeightOf(this.winners[slot]));
      }
    }
    for (let slot = 0; slot < count; slot++) {
      const id = this.winners[slot];
      const size = store.size[id];
      const profit = store.side[id] * size * (markPrice - store.entryPrice[id]);
      this.profit[slot] = profit;
      let weight = profit;
      if (this.mechanism === "riskAwareProRata") {
        const notional = size * markPrice;
        const equity = marginOf(id) + profit;
        weight *= equity > notional / maxWeightLeverage ? notional / equity : maxWeightLeverage;
      } else if (this.mechanism === "online") {
        weight *= Math.exp(this.logWeightOf(id) - largestLog);
      }
      this.weight[slot] = weight;
      this.order[slot] = slot;
      this.ratio[slot] = profit / size;
    }
    const order = this.order.subarray(0, count);
    const ratio = this.ratio;
    order.sort((first, second) => ratio[first] - ratio[second] || first - second);
    this.profitBefore[0] = 0;
    for (let rank = 0; rank < count; rank++) {
      const slot = order[rank];
      this.unitProfit[rank] = ratio[slot];
      this.profitBefore[rank + 1] = this.profitBefore[rank] + this.profit[slot];
    }
    this.sizeFrom[count] = 0;
    for (let rank = count - 1; rank >= 0; rank--) {
      this.sizeFrom[rank] = this.sizeFrom[rank + 1] + store.size[this.winners[order[rank]]];
    }
  }

  /** Highest-ranked winner still holding a position, or −1 when none is left. */
  nextWinner(store: PositionStore, markPrice: number, marginOf: MarginOf, exclude: number): number {
    if (!this.built) this.build(store, markPrice, marginOf);
    const heap = this.heap;
    while (heap.size > 0) {
      const id = heap.topId();
      if (store.size[id] > 0 && id !== exclude) return id;
      heap.pop();
    }
    return -1;
  }

  /** Takes the current top winner out of the round (the budgeted queue, once its profit is spent). */
  dropTop(): void {
    if (this.heap.size > 0) this.heap.pop();
  }

  /** Total size the round's winners held when ranked (pooled). */
  totalWinnerSize(store: PositionStore, markPrice: number, marginOf: MarginOf): number {
    if (!this.built) this.build(store, markPrice, marginOf);
    return this.winnerSize;
  }

  /**
   * Capped pooled: units the round's winners can take at `haircut` per unit without any of them
   * paying more than its positive PnL, Σ min(size_i, U_i / haircut) (all of the size when the
   * haircut is not positive). Profit per unit sorted ascending makes it one binary search:
   * winners whose profit per unit is at least the haircut give their whole size, the others
   * U_i / haircut.
   */
  capacityAt(haircut: number): number {
    if (!(haircut > 0)) return this.winnerSize;
    let low = 0;
    let high = this.winnerCount;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.unitProfit[middle] < haircut) low = middle + 1;
      else high = middle;
    }
    return this.sizeFrom[low] + this.profitBefore[low] / haircut;
  }

  /**
   * Capped pooled: of `quantity` more units at `haircut` per unit, the most the pool can add
   * (already holding `pooled` units at `pooledHaircut` in total) so that the round's winners can
   * still take all of it at the pool's average haircut. Bisection: adding volume at a haircut
   * above the average lowers the capacity, so the admissible part is an interval from 0.
   */
  admissible(
    store: PositionStore,
    markPrice: number,
    marginOf: MarginOf,
    pooled: number,
    pooledHaircut: number,
    quantity: number,
    haircut: number,
  ): number {
    if (!this.built) this.build(store, markPrice, marginOf);
    if (this.fits(pooled, pooledHaircut, quantity, haircut)) return quantity;
    let low = 0;
    let high = quantity;
    for (let iteration = 0; iteration < 60 && high - low > 1e-12 * quantity; iteration++) {
      const middle = 0.5 * (low + high);
      if (this.fits(pooled, pooledHaircut, middle, haircut)) low = middle;
      else high = middle;
    }
    return low;
  }

  private fits(pooled: number, pooledHaircut: number, extra: number, haircut: number): boolean {
    const units = pooled + extra;
    return units <= this.capacityAt((pooledHaircut + extra * haircut) / units) * (1 + 1e-12);
  }

  /**
   * Capped pooled: `quantity` units over the round's winners at `haircut` per unit, by capped
   * weighted water-filling (adlAllocation.ts) with caps min(size_i, U_i / haircut) at their
   * current sizes. Returns each winner slot's units, aligned with `allWinners`.
   */
  allocate(store: PositionStore, quantity: number, haircut: number): Float64Array {
    const count = this.winnerCount;
    for (let slot = 0; slot < count; slot++) {
      const size = store.size[this.winners[slot]];
      this.caps[slot] = haircut > 0 ? Math.min(size, this.profit[slot] / haircut) : size;
    }
    waterFill(count, this.weight, this.caps, quantity, this.order, this.ratio, this.allocation);
    return this.allocation.subarray(0, count);
  }

  /** Capped pooled: a winner slot's positive PnL when the round was built. */
  profitOf(slot: number): number {
    return this.profit[slot];
  }

  /** Every winner of the round (pooled), closed or not. */
  allWinners(store: PositionStore, markPrice: number, marginOf: MarginOf): Int32Array {
    if (!this.built) this.build(store, markPrice, marginOf);
    return this.winners.subarray(0, this.winnerCount);
  }

  /** Pooled mechanisms settle the round's volume at its end (see Simulation.settleProRata). */
  get isPooled(): boolean {
    return !isRankedMechanism(this.mechanism);
  }

  /** Never takes more from a winner than its positive PnL can pay. */
  get isCapped(): boolean {
    return this.capped;
  }
}
