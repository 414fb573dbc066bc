/**
 * A constant-product pool (Uniswap v2) behind the `Market` contract, so the lending world, its
 * liquidators and arbitrageurs trade against it exactly as the perp engine trades a book. Base is
 * the volatile asset (ETH), quote the numeraire side (DAI); `Market` quantities are base units.
 *
 * The pool never re-quotes: `shift` does nothing, because an AMM's price moves only when someone
 * trades against it. Arbitrageurs (src/engine/agents/arbitrage.ts) are what pull it back toward
 * the external price.
 */
import type { Direction, Fill, Market } from "./market.ts";

/**
 * UniswapV2Library.getAmountOut: amountInWithFee = amountIn · 997; out = amountInWithFee ·
 * reserveOut / (reserveIn · 1000 + amountInWithFee). With a general fee, 997/1000 is 1 − fee.
 * Real numbers, not uint256: the library's floor division is left out.
 */
export function getAmountOut(
  amountIn: number,
  reserveIn: number,
  reserveOut: number,
  fee: number,
): number {
  if (amountIn <= 0) return 0;
  const amountInWithFee = amountIn * (1 - fee);
  return (amountInWithFee * reserveOut) / (reserveIn + amountInWithFee);
}

/**
 * UniswapV2Library.getAmountIn: in = reserveIn · amountOut · 1000 / ((reserveOut − amountOut) · 997)
 * (+1 wei of rounding in the contract, left out here). Infinity when the pool cannot pay out.
 */
export function getAmountIn(
  amountOut: number,
  reserveIn: number,
  reserveOut: number,
  fee: number,
): number {
  if (amountOut <= 0) return 0;
  if (amountOut >= reserveOut) return Number.POSITIVE_INFINITY;
  return (reserveIn * amountOut) / ((reserveOut - amountOut) * (1 - fee));
}

export class ConstantProductAmm implements Market {
  private last: number;
  /** Fees kept in the pool, per side, in that side's units (what makes k grow). */
  feesBase = 0;
  feesQuote = 0;

  constructor(
    public reserveBase: number,
    public reserveQuote: number,
    /** Fraction of every input kept by the pool: 0.003 for Uniswap v2. */
    readonly fee = 0.003,
  ) {
    if (!(reserveBase > 0 && reserveQuote > 0 && Number.isFinite(reserveBase * reserveQuote))) {
      throw new Error(
        `reserves: base ${reserveBase}, quote ${reserveQuote} are not allowed; both must be finite and > 0`,
      );
    }
    if (!(fee >= 0 && fee < 1)) throw new Error(`fee: ${fee} is not allowed; must be in [0, 1)`);
    this.last = reserveQuote / reserveBase;
  }

  /** The pool's invariant x · y; it never falls, and only fees raise it. */
  invariant(): number {
    return this.reserveBase * this.reserveQuote;
  }

  /** Sells `amountIn` base for quote; returns the quote paid out. */
  sellBase(amountIn: number): number {
    const out = getAmountOut(amountIn, this.reserveBase, this.reserveQuote, this.fee);
    this.reserveBase += amountIn;
    this.reserveQuote -= out;
    this.feesBase += amountIn * this.fee;
    this.last = this.mid();
    return out;
  }

  /** Sells `amountIn` quote for base; returns the base paid out. */
  sellQuote(amountIn: number): number {
    const out = getAmountOut(amountIn, this.reserveQuote, this.reserveBase, this.fee);
    this.reserveQuote += amountIn;
    this.reserveBase -= out;
    this.feesQuote += amountIn * this.fee;
    this.last = this.mid();
    return out;
  }

  /** What selling `amountIn` of base (or quote when `baseIn` is false) would pay, without trading. */
  quote(baseIn: boolean, amountIn: number): number {
    return baseIn
      ? getAmountOut(amountIn, this.reserveBase, this.reserveQuote, this.fee)
      : getAmountOut(amountIn, this.reserveQuote, this.reserveBase, this.fee);
  }

  /**
   * Base input that brings the marginal sell price down to `limitPrice`. The marginal output of a
   * sell of Δ is γ·k / (Rb + γΔ)² (γ = 1 − fee), so it reaches the limit at
   * Δ = (√(γk / limit) − Rb) / γ.
   */
  private sellableDownTo(limitPrice: number): number {
    if (limitPrice <= 0) return Number.POSITIVE_INFINITY;
    const gamma = 1 - this.fee;
    return Math.max(
      0,
      (Math.sqrt((gamma * this.invariant()) / limitPrice) - this.reserveBase) / gamma,
    );
  }

  /** Base output after which the marginal buy cost Rb·Rq / (γ (Rb − o)²) reaches `limitPrice`. */
  private buyableUpTo(limitPrice: number): number {
    if (!Number.isFinite(limitPrice)) return this.reserveBase;
    const gamma = 1 - this.fee;
    return Math.max(0, this.reserveBase - Math.sqrt(this.invariant() / (gamma * limitPrice)));
  }

  execute(direction: Direction, quantity: number, limitPrice: number, out: Fill): void {
    let filled: number;
    let notional: number;
    if (direction === -1) {
      filled = Math.min(quantity, this.sellableDownTo(limitPrice));
      notional = filled > 0 ? this.sellBase(filled) : 0;
    } else {
      filled = Math.min(quantity, this.buyableUpTo(limitPrice), this.reserveBase * 0.999999);
      notional =
        filled > 0 ? getAmountIn(filled, this.reserveQuote, this.reserveBase, this.fee) : 0;
      if (filled > 0) {
        this.reserveQuote += notional;
        this.reserveBase -= filled;
        this.feesQuote += notional * this.fee;
        this.last = this.mid();
      }
    }
    out.filled = filled;
    out.notional = notional;
    out.averagePrice = filled > 0 ? notional / filled : Number.NaN;
    out.lastPrice = this.last;
  }

  /** An AMM does not re-quote when the index moves: only trades move it (see the file comment). */
  shift(_factor: number): void {}

  /** Nothing refills or decays in a constant-product pool. */
  advance(_seconds: number): void {}

  bestBid(): number {
    return (1 - this.fee) * this.mid();
  }

  bestAsk(): number {
    return this.mid() / (1 - this.fee);
  }

  mid(): number {
    return this.reserveQuote / this.reserveBase;
  }

  lastPrice(): number {
    return this.last;
  }

  /** Base units that move the pool price by `fraction` (fee ignored): √k geometry of x·y = k. */
  depthWithin(direction: Direction, fraction: number): number {
    if (direction === -1)
      return this.reserveBase / Math.sqrt(1 - Math.min(fraction, 0.999999)) - this.reserveBase;
    return this.reserveBase - this.reserveBase / Math.sqrt(1 + fraction);
  }
}
