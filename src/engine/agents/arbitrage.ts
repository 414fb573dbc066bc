/**
 * Arbitrageurs between an AMM pool and the outside world (centralised exchanges at the external
 * price). When the pool's price is below the external one they buy base from the pool and sell it
 * outside; above, the reverse. They stop where the pool's marginal price (fee included) meets the
 * external price, or earlier when their capital or their speed (notional per step) runs out. Their
 * capital is held in the pool's quote asset and recycles: what they pay in they get back outside.
 */
import type { ConstantProductAmm } from "../market/amm.ts";
import { emptyFill } from "../market/market.ts";

export interface ArbitrageSpec {
  /** Quote units the arbitrageurs hold at the start. */
  capital: number;
  /** Largest notional (quote units) they trade against the pool per step: their speed. */
  maxNotionalPerStep: number;
}

export interface ArbitrageTrade {
  /** Base units out of the pool (> 0) or into it (< 0). */
  baseFromPool: number;
  /** Quote units into the pool (> 0) or out of it (< 0). */
  quoteToPool: number;
  /** Base units sold to (> 0) or bought from (< 0) the outside world, at `externalPrice`. */
  baseToOutside: number;
}

export class Arbitrageur {
  /** Quote units held; profit accumulates here. */
  wallet: number;
  volume = 0;
  private readonly fill = emptyFill();

  constructor(readonly spec: ArbitrageSpec) {
    this.wallet = spec.capital;
  }

  /**
   * Trades `pool` toward `externalPrice` (quote per base). Results go into `out`; the caller moves
   * the outside world's side of the trade.
   */
  step(pool: ConstantProductAmm, externalPrice: number, out: ArbitrageTrade): void {
    out.baseFromPool = 0;
    out.quoteToPool = 0;
    out.baseToOutside = 0;
    const budget = Math.min(this.wallet, this.spec.maxNotionalPerStep);
    if (budget <= 0) return;
    const fill = this.fill;
    if (pool.bestAsk() < externalPrice) {
      pool.execute(1, budget / externalPrice, externalPrice, fill);
      if (fill.filled <= 0) return;
      out.baseFromPool = fill.filled;
      out.quoteToPool = fill.notional;
      out.baseToOutside = fill.filled;
      this.wallet += fill.filled * externalPrice - fill.notional;
      this.volume += fill.notional;
    } else if (pool.bestBid() > externalPrice) {
      pool.execute(-1, budget / externalPrice, externalPrice, fill);
      if (fill.filled <= 0) return;
      out.baseFromPool = -fill.filled;
      out.quoteToPool = -fill.notional;
      out.baseToOutside = -fill.filled;
      this.wallet += fill.notional - fill.filled * externalPrice;
      this.volume += fill.notional;
    }
  }
}
