/**
 * An aggregated L2 order book: price levels with resting base quantity on each side.
 *
 * Resting prices are kept as first quoted and multiplied by `priceScale` (the product of every
 * `shift` factor) when read, so re-quoting the whole book after an index move is O(1) and the
 * quoted prices come back exactly until the first shift. Sizes live in typed arrays next to their
 * baseline so resilience can refill each level toward it. A cursor per side points at the best
 * non-empty level: consumption always eats a side from its best level outward, so the empty
 * levels form a prefix and `execute` starts where the last one stopped.
 */
import type { OrderBookSpec, PriceLevel } from "../config.ts";
import type { Direction, Fill, Market } from "./market.ts";

/**
 * A level holding at most this fraction of its baseline counts as empty, and an order whose
 * remainder is at most this fraction of its quantity counts as done. Without it, rounding residue
 * from partial fills (0.3 − 0.1 − 0.2 ≠ 0) would leave dust that trades at the next price and pins
 * the best price to a level that is gone in all but arithmetic.
 */
const EMPTY_FRACTION = 1e-12;

/** Prices within this relative distance of a depth bound count as inside it, despite rounding. */
const BOUND_TOLERANCE = 1e-12;

class BookSide {
  readonly quotedPrice: Float64Array;
  readonly baselineSize: Float64Array;
  readonly remainingSize: Float64Array;
  readonly count: number;
  /**
   * +1 for bids, −1 for asks: a level is acceptable when orientation × (price − limit) ≥ 0, so one
   * loop serves both sides and a NaN limit fills nothing rather than being silently ignored.
   */
  readonly orientation: number;
  /** Index of the best non-empty level; `count` when the side is empty. */
  best = 0;
  /** One past the deepest level below its baseline: refill needs to visit only these. */
  depletedEnd = 0;
  /** Resting price multiplier from market makers' spread widening (1 = as quoted). */
  priceFactor = 1;
  /** Baseline as first quoted; `baselineSize` is this × the makers' depth share. */
  private calmBaseline: Float64Array | null = null;

  constructor(levels: readonly PriceLevel[], name: "bids" | "asks") {
    if (levels.length === 0) throw new Error(`${name}: needs at least one level`);
    this.count = levels.length;
    this.orientation = name === "bids" ? 1 : -1;
    this.quotedPrice = new Float64Array(this.count);
    this.baselineSize = new Float64Array(this.count);
    this.remainingSize = new Float64Array(this.count);
    for (let index = 0; index < this.count; index++) {
      const { price, size } = levels[index];
      if (!(Number.isFinite(price) && price > 0)) {
        throw new Error(
          `${name}[${index}].price: ${price} is not allowed; expected a positive number`,
        );
      }
      if (!(Number.isFinite(size) && size > 0)) {
        throw new Error(
          `${name}[${index}].size: ${size} is not allowed; expected a positive number`,
        );
      }
      if (index > 0) {
        const previous = levels[index - 1].price;
        if (this.orientation * (previous - price) <= 0) {
          const order = name === "bids" ? "below" : "above";
          const best = name === "bids" ? "highest" : "lowest";
          throw new Error(
            `${name}[${index}].price: ${price} must be ${order} ${name}[${index - 1}].price (${previous}); ` +
              `levels are listed best (${best}) first, one per price`,
          );
        }
      }
      this.quotedPrice[index] = price;
      this.baselineSize[index] = size;
      this.remainingSize[index] = size;
    }
  }

  isEmptyAt(index: number): boolean {
    return this.remainingSize[index] <= this.baselineSize[index] * EMPTY_FRACTION;
  }

  /** Moves the cursor from `start` to the first non-empty level. */
  seekBest(start: number): void {
    let index = start;
    while (index < this.count && this.isEmptyAt(index)) index++;
    this.best = index;
  }

  /**
   * Market makers now quote `depth` of the calm book: every level's baseline and resting size
   * are scaled by the same ratio, so consumed depth stays consumed in proportion.
   */
  setDepth(depth: number): void {
    if (this.calmBaseline === null) this.calmBaseline = this.baselineSize.slice();
    const calm = this.calmBaseline;
    for (let index = 0; index < this.count; index++) {
      const baseline = calm[index] * depth;
      const ratio = baseline / this.baselineSize[index];
      this.baselineSize[index] = baseline;
      // Untouched levels stay exactly at their baseline, so refill never has to visit them.
      this.remainingSize[index] =
        index >= this.depletedEnd ? baseline : this.remainingSize[index] * ratio;
    }
  }

  refill(fraction: number): void {
    const baseline = this.baselineSize;
    const remaining = this.remainingSize;
    for (let index = 0; index < this.depletedEnd; index++) {
      const missing = baseline[index] - remaining[index];
      // Snapping to the baseline lets `depletedEnd` shrink, so a calm book costs nothing per step.
      remaining[index] =
        missing * (1 - fraction) <= baseline[index] * EMPTY_FRACTION
          ? baseline[index]
          : remaining[index] + missing * fraction;
    }
    while (
      this.depletedEnd > 0 &&
      remaining[this.depletedEnd - 1] === baseline[this.depletedEnd - 1]
    ) {
      this.depletedEnd--;
    }
    this.seekBest(0);
  }
}

export class OrderBookMarket implements Market {
  private readonly bids: BookSide;
  private readonly asks: BookSide;
  private readonly resilienceHalfLife: number | null;
  /** Product of every shift factor so far; resting price = quoted price × priceScale. */
  private priceScale = 1;
  private last: number;

  constructor(spec: OrderBookSpec) {
    const halfLife = spec.resilienceHalfLife;
    if (halfLife !== null && !(halfLife > 0)) {
      throw new Error(
        `resilienceHalfLife: ${halfLife} is not allowed; expected a positive number of seconds or null`,
      );
    }
    this.resilienceHalfLife = halfLife;
    this.bids = new BookSide(spec.bids, "bids");
    this.asks = new BookSide(spec.asks, "asks");
    const bestBid = spec.bids[0].price;
    const bestAsk = spec.asks[0].price;
    if (bestBid > bestAsk) {
      throw new Error(
        `bids[0].price: ${bestBid} is above asks[0].price (${bestAsk}); the book must not be crossed`,
      );
    }
    this.last = (bestBid + bestAsk) / 2;
  }

  execute(direction: Direction, quantity: number, limitPrice: number, out: Fill): void {
    const side = direction === -1 ? this.bids : this.asks;
    const prices = side.quotedPrice;
    const remaining = side.remainingSize;
    const count = side.count;
    const orientation = side.orientation;
    const scale = this.priceScale * side.priceFactor;
    // An unbounded order sweeps to the limit; its dust threshold must not be infinite too.
    const dust = Number.isFinite(quantity) ? quantity * EMPTY_FRACTION : 0;
    let left = quantity;
    let filled = 0;
    let notional = 0;
    let lastPrice = this.last;
    let index = side.best;
    while (left > 0 && index < count) {
      const price = prices[index] * scale;
      if (!(orientation * (price - limitPrice) >= 0)) break;
      const available = remaining[index];
      lastPrice = price;
      if (available <= left) {
        filled += available;
        notional += available * price;
        remaining[index] = 0;
        left -= available;
        if (left <= dust) left = 0;
        index++;
      } else {
        filled += left;
        notional += left * price;
        remaining[index] = available - left;
        left = 0;
        if (side.isEmptyAt(index)) remaining[index] = 0;
        if (index >= side.depletedEnd) side.depletedEnd = index + 1;
      }
    }
    if (index > side.depletedEnd) side.depletedEnd = index;
    side.seekBest(index);
    // A complete fill reports exactly the quantity asked, not the rounded sum of its pieces.
    if (left === 0 && filled > 0) filled = quantity;
    this.last = lastPrice;
    out.filled = filled;
    out.notional = notional;
    out.averagePrice = filled > 0 ? notional / filled : Number.NaN;
    out.lastPrice = lastPrice;
  }

  shift(factor: number): void {
    if (!(Number.isFinite(factor) && factor > 0)) {
      throw new Error(`shift: factor ${factor} is not allowed; expected a positive number`);
    }
    this.priceScale *= factor;
  }

  /**
   * The market makers' quoting state (src/engine/agents/marketMakers.ts): `depth` is the share
   * of the calm book's depth they quote, `widening` the extra half-spread as a fraction of
   * price (bids × (1 − widening), asks × (1 + widening)).
   */
  setLiquidity(depth: number, widening: number): void {
    if (!(depth > 0 && depth <= 1) || !(widening >= 0 && widening < 1)) {
      throw new Error(
        `setLiquidity: depth ${depth} and widening ${widening} are not allowed; expected 0 < depth <= 1 and 0 <= widening < 1`,
      );
    }
    this.bids.setDepth(depth);
    this.asks.setDepth(depth);
    this.bids.priceFactor = 1 - widening;
    this.asks.priceFactor = 1 + widening;
  }

  advance(seconds: number): void {
    if (this.resilienceHalfLife === null || !(seconds > 0)) return;
    const fraction = 1 - 2 ** (-seconds / this.resilienceHalfLife);
    this.bids.refill(fraction);
    this.asks.refill(fraction);
  }

  /** The highest bid; 0 when no bid rests (nobody pays anything), matching a sell's "no limit". */
  bestBid(): number {
    const bids = this.bids;
    return bids.best < bids.count
      ? bids.quotedPrice[bids.best] * this.priceScale * bids.priceFactor
      : 0;
  }

  /** The lowest ask; Infinity when no ask rests, matching a buy's "no limit". */
  bestAsk(): number {
    const asks = this.asks;
    return asks.best < asks.count
      ? asks.quotedPrice[asks.best] * this.priceScale * asks.priceFactor
      : Number.POSITIVE_INFINITY;
  }

  mid(): number {
    const bids = this.bids;
    const asks = this.asks;
    if (bids.best === bids.count || asks.best === asks.count) return this.last;
    // Multiplying by factors of 1 is exact, so a book without makers' widening is unchanged.
    return (
      ((bids.quotedPrice[bids.best] * bids.priceFactor +
        asks.quotedPrice[asks.best] * asks.priceFactor) /
        2) *
      this.priceScale
    );
  }

  /** Price of the last unit traded (the initial mid before any trade); `shift` leaves it alone. */
  lastPrice(): number {
    return this.last;
  }

  depthWithin(direction: Direction, fraction: number): number {
    const side = direction === -1 ? this.bids : this.asks;
    const orientation = side.orientation;
    const mid = this.mid();
    const bound = mid * (1 - orientation * fraction);
    const tolerance = mid * BOUND_TOLERANCE;
    const scale = this.priceScale * side.priceFactor;
    let depth = 0;
    for (let index = side.best; index < side.count; index++) {
      if (orientation * (side.quotedPrice[index] * scale - bound) < -tolerance) break;
      depth += side.remainingSize[index];
    }
    return depth;
  }

  /** Levels on the side an order of `direction` trades against (bids for sells), empty or not. */
  levelCount(direction: Direction): number {
    return (direction === -1 ? this.bids : this.asks).count;
  }

  /** Current price of a level, best first; for drawing the book and checking fills. */
  levelPrice(direction: Direction, index: number): number {
    const side = direction === -1 ? this.bids : this.asks;
    return side.quotedPrice[index] * this.priceScale * side.priceFactor;
  }

  /** Base quantity resting at a level now. */
  levelSize(direction: Direction, index: number): number {
    return (direction === -1 ? this.bids : this.asks).remainingSize[index];
  }
}

/** A parametric book: the same quote notional in every tick of every 1 % of price. */
export interface BookShape {
  /** Quote notional resting on each side within each 1 % of price. */
  depthPerPercent: number;
  /** Levels per side. */
  levels: number;
  /** Price distance between neighbouring levels, in quote units. */
  tick: number;
  /** Ticks between best bid and best ask. */
  spreadTicks: number;
}

/**
 * Flat depth around `price`: 1 % of price spans price / (100 × tick) ticks, so each level holds
 * depthPerPercent × 100 × tick / price of quote notional, converted to base units at the level's
 * own price. The best bid and ask sit spreadTicks × tick / 2 either side of `price`.
 */
export function levelsFromShape(
  price: number,
  shape: BookShape,
): { bids: PriceLevel[]; asks: PriceLevel[] } {
  const { depthPerPercent, levels, tick, spreadTicks } = shape;
  if (!(Number.isFinite(price) && price > 0)) {
    throw new Error(`price: ${price} is not allowed; expected a positive number`);
  }
  if (!(Number.isFinite(depthPerPercent) && depthPerPercent > 0)) {
    throw new Error(
      `shape.depthPerPercent: ${depthPerPercent} is not allowed; expected a positive quote notional`,
    );
  }
  if (!(Number.isInteger(levels) && levels > 0)) {
    throw new Error(`shape.levels: ${levels} is not allowed; expected a positive integer`);
  }
  if (!(Number.isFinite(tick) && tick > 0)) {
    throw new Error(`shape.tick: ${tick} is not allowed; expected a positive price step`);
  }
  if (!(Number.isInteger(spreadTicks) && spreadTicks >= 0)) {
    throw new Error(`shape.spreadTicks: ${spreadTicks} is not allowed; expected an integer >= 0`);
  }
  const halfSpread = (spreadTicks * tick) / 2;
  const deepestBid = price - halfSpread - (levels - 1) * tick;
  if (!(deepestBid > 0)) {
    throw new Error(
      `shape.levels: ${levels} levels of tick ${tick} below ${price} reach the price ${deepestBid}; ` +
        "expected fewer levels or a smaller tick so every bid stays positive",
    );
  }
  const levelNotional = (depthPerPercent * 100 * tick) / price;
  const bids: PriceLevel[] = [];
  const asks: PriceLevel[] = [];
  for (let index = 0; index < levels; index++) {
    const bidPrice = price - halfSpread - index * tick;
    const askPrice = price + halfSpread + index * tick;
    bids.push({ price: bidPrice, size: levelNotional / bidPrice });
    asks.push({ price: askPrice, size: levelNotional / askPrice });
  }
  return { bids, asks };
}
