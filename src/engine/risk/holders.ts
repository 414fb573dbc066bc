/**
 * Money holders other than the traders, each a cash balance plus a signed position in the perp,
 * so every trade with them has a payer and a payee and the ledger closes.
 */
import type { BackstopSpec } from "../config.ts";

export class Holder {
  cash: number;
  /** Signed base units: positive long, negative short. */
  size = 0;

  constructor(cash: number) {
    this.cash = cash;
  }

  /** Buys (+1) or sells (−1) `quantity` for `notional` in total. */
  trade(direction: number, quantity: number, notional: number): void {
    this.size += direction * quantity;
    this.cash -= direction * notional;
  }

  equity(markPrice: number): number {
    return this.cash + this.size * markPrice;
  }

  /** Funding: a long pays size × mark × rate, a short receives it. */
  payFunding(markPrice: number, rate: number): void {
    this.cash -= this.size * markPrice * rate;
  }
}

/**
 * Hyperliquid's liquidator vault (HLP) as a backstop: it takes over positions the book cannot
 * absorb at their bankruptcy price, in any market of the exchange, pays deficits the insurance
 * fund could not, and keeps its own margin of Σ |size_m| × mark_m / maxLeverage over all the
 * markets it holds, which bounds how much more it can take.
 */
export class BackstopVault {
  cash: number;
  /** Signed base units held in each market: positive long, negative short. */
  readonly sizes: Float64Array;

  constructor(
    readonly spec: BackstopSpec | undefined,
    marketCount = 1,
  ) {
    this.cash = spec?.capital ?? 0;
    this.sizes = new Float64Array(marketCount);
  }

  /** Buys (+1) or sells (−1) `quantity` of market `market` for `notional` in total. */
  trade(market: number, direction: number, quantity: number, notional: number): void {
    this.sizes[market] += direction * quantity;
    this.cash -= direction * notional;
  }

  equity(marks: Float64Array): number {
    let total = this.cash;
    for (let market = 0; market < marks.length; market++)
      total += this.sizes[market] * marks[market];
    return total;
  }

  /** What the vault can still lose while keeping its own margin. */
  spare(marks: Float64Array): number {
    if (!this.spec) return 0;
    let held = 0;
    for (let market = 0; market < marks.length; market++)
      held += Math.abs(this.sizes[market]) * marks[market];
    return Math.max(0, this.equity(marks) - held / this.spec.maxLeverage);
  }

  /**
   * How much of a `side` position of market `market` it can take at `price` (of `quantity`
   * offered): equity after the takeover, E + side·q·(mark − price), must cover its margin plus
   * q·mark / maxLeverage.
   */
  capacity(
    market: number,
    side: number,
    quantity: number,
    price: number,
    marks: Float64Array,
  ): number {
    if (!this.spec) return 0;
    const mark = marks[market];
    const slope = side * (mark - price) - mark / this.spec.maxLeverage;
    const taken = slope >= 0 ? quantity : Math.min(quantity, this.spare(marks) / -slope);
    return Math.max(taken, 0);
  }

  /** Quantity of market `market` to sell down (as a positive number) this step at `markPrice`. */
  unwindQuantity(market: number, markPrice: number): number {
    const size = this.sizes[market];
    if (!this.spec || this.spec.unwindNotionalPerStep === 0 || size === 0) return 0;
    return Math.min(Math.abs(size), this.spec.unwindNotionalPerStep / markPrice);
  }

  /** Funding in one market: a long pays size × mark × rate, a short receives it. */
  payFunding(market: number, markPrice: number, rate: number): void {
    this.cash -= this.sizes[market] * markPrice * rate;
  }
}
