/**
 * Maintenance-margin brackets by position notional, Binance USD-M style.
 *
 * Binance, "Leverage and Margin of USDⓈ-M Futures": maintenance margin = notional × MMR − maintenance
 * amount, where the maintenance amount of bracket k is cum_k = cum_{k−1} + floor_k × (MMR_k − MMR_{k−1})
 * with floor_k the lower notional bound of bracket k and cum_0 = 0. The amount makes the margin
 * continuous across bracket bounds (BTCUSDT, 2020-21: 50,000 × (0.5 % − 0.4 %) = 50).
 *
 * Hyperliquid, "Margining": maintenance margin is half the initial margin at max leverage, so a
 * bracket that gives no rate gets MMR = 1 / (2 × maxLeverage).
 */
import type { TierSpec } from "../config.ts";

export class MarginTiers {
  /** Upper notional bound of each bracket (Infinity for the last). */
  readonly upperNotional: Float64Array;
  readonly rate: Float64Array;
  readonly maintenanceAmount: Float64Array;
  readonly maxLeverage: Float64Array;
  readonly count: number;

  constructor(tiers: readonly TierSpec[]) {
    if (tiers.length === 0) throw new Error("maintenanceMarginTiers: needs at least one tier");
    this.count = tiers.length;
    this.upperNotional = new Float64Array(this.count);
    this.rate = new Float64Array(this.count);
    this.maintenanceAmount = new Float64Array(this.count);
    this.maxLeverage = new Float64Array(this.count);
    for (let index = 0; index < this.count; index++) {
      const tier = tiers[index];
      this.upperNotional[index] = tier.maxNotional ?? Number.POSITIVE_INFINITY;
      this.maxLeverage[index] = tier.maxLeverage;
      this.rate[index] = tier.rate ?? 1 / (2 * tier.maxLeverage);
      this.maintenanceAmount[index] =
        index === 0
          ? 0
          : this.maintenanceAmount[index - 1] +
            this.upperNotional[index - 1] * (this.rate[index] - this.rate[index - 1]);
    }
  }

  /** Bracket of a notional: the first whose upper bound is at or above it. */
  tierOf(notional: number): number {
    const last = this.count - 1;
    for (let index = 0; index < last; index++) {
      if (notional <= this.upperNotional[index]) return index;
    }
    return last;
  }

  maintenanceMargin(notional: number): number {
    const tier = this.tierOf(notional);
    return notional * this.rate[tier] - this.maintenanceAmount[tier];
  }

  /** Highest initial leverage allowed for a position of this notional. */
  maxLeverageFor(notional: number): number {
    return this.maxLeverage[this.tierOf(notional)];
  }

  /** Largest notional a position may have at `leverage` (Infinity if the last bracket allows it). */
  maxNotionalAtLeverage(leverage: number): number {
    let limit = 0;
    for (let index = 0; index < this.count; index++) {
      if (this.maxLeverage[index] >= leverage) limit = this.upperNotional[index];
    }
    return limit;
  }

  /**
   * Liquidation price of one position backed by `walletBalance` (isolated margin, or a cross
   * wallet holding this symbol only), Binance "How to Calculate Liquidation Price of USDⓈ-M
   * Futures Contracts", one-way mode:
   *   LP = (WB + cum − side × size × EP) / (size × MMR − side × size)
   * MMR and cum belong to the bracket of the notional at the liquidation price itself, so each
   * bracket is tried and the one whose notional range contains size × LP is kept. Equity minus
   * maintenance margin is monotone in the price (MMR < 1), so exactly one bracket is consistent.
   * Returns a price ≤ 0 for a long that cannot be liquidated (over-collateralised).
   */
  liquidationPrice(side: number, size: number, entryPrice: number, walletBalance: number): number {
    let lowerNotional = 0;
    for (let index = 0; index < this.count; index++) {
      const price =
        (walletBalance + this.maintenanceAmount[index] - side * size * entryPrice) /
        (size * this.rate[index] - side * size);
      const notional = price * size;
      // A relative tolerance absorbs rounding when the price sits exactly on a bracket bound.
      const slack = 1e-12 * Math.abs(notional);
      if (
        notional <= this.upperNotional[index] + slack &&
        (index === 0 || notional >= lowerNotional - slack)
      ) {
        return price;
      }
      lowerNotional = this.upperNotional[index];
    }
    throw new Error(
      `no margin bracket is consistent with size ${size}, entry ${entryPrice}, wallet ${walletBalance}`,
    );
  }

  /**
   * Notional to keep when partially liquidating: the largest N' ≤ N whose maintenance margin is
   * at most `targetRatio` of the equity left after paying the fee on what is closed,
   *   N' × MMR(N') − cum(N') ≤ targetRatio × (equity − feeRate × (N − N')),
   * solved bracket by bracket (linear inside each). Binance reduces a position bracket by bracket
   * until its margin ratio is restored; the fee term and the target below 1 keep the remainder
   * from being liquidatable again at once. 0 means close everything: when the fee on a unit costs
   * more than the margin it frees, a partial close cannot help.
   */
  notionalRestoringMargin(
    notional: number,
    equity: number,
    feeRate: number,
    targetRatio: number,
  ): number {
    if (equity <= 0) return 0;
    let best = 0;
    let lowerNotional = 0;
    for (let index = 0; index < this.count && lowerNotional < notional; index++) {
      const upper = Math.min(this.upperNotional[index], notional);
      const slope = this.rate[index] - targetRatio * feeRate;
      const bound = targetRatio * (equity - feeRate * notional) + this.maintenanceAmount[index];
      let candidate = Number.NaN;
      if (slope > 0) candidate = Math.min(upper, bound / slope);
      else if (upper * slope <= bound) candidate = upper;
      if (candidate >= lowerNotional && candidate > best) best = candidate;
      lowerNotional = this.upperNotional[index];
    }
    return best;
  }
}

/** Price at which a position's equity is exactly zero: entry − side × wallet / size. */
export function bankruptcyPrice(
  side: number,
  size: number,
  entryPrice: number,
  walletBalance: number,
): number {
  return entryPrice - (side * walletBalance) / size;
}
