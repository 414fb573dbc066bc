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
 * absorb at their bankruptcy price, pays deficits the insurance fund could not, and keeps its own
 * margin of notional / maxLeverage, which bounds how much it can take.
 */
export class BackstopVault extends Holder {
  constructor(readonly spec: BackstopSpec | undefined) {
    super(spec?.capital ?? 0);
  }

  /** What the vault can still lose while keeping its own margin. */
  spare(markPrice: number): number {
    if (!this.spec) return 0;
    return Math.max(
      0,
      this.equity(markPrice) - (Math.abs(this.size) * markPrice) / this.spec.maxLeverage,
    );
  }

  /**
   * How much of a `side` position it can take at `price` (of `quantity` offered): equity after
   * the takeover, E + side·q·(mark − price), must cover (|size| + q)·mark / maxLeverage.
   */
  capacity(side: number, quantity: number, price: number, markPrice: number): number {
    if (!this.spec) return 0;
    const slope = side * (markPrice - price) - markPrice / this.spec.maxLeverage;
    const taken = slope >= 0 ? quantity : Math.min(quantity, this.spare(markPrice) / -slope);
    return Math.max(taken, 0);
  }

  /** Quantity to sell down (as a positive number) this step at `markPrice`. */
  unwindQuantity(markPrice: number): number {
    if (!this.spec || this.spec.unwindNotionalPerStep === 0 || this.size === 0) return 0;
    return Math.min(Math.abs(this.size), this.spec.unwindNotionalPerStep / markPrice);
  }
}
