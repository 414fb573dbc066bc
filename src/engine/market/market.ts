/**
 * The market contract shared by every liquidity model (order book, impact function, later AMM).
 * Sides are numbers so the hot loop does no string compares: +1 buys (lifts asks), -1 sells
 * (hits bids). Results go into a caller-owned `Fill` so a cascade of a million liquidations
 * allocates nothing per order.
 */

export type Direction = 1 | -1;

export interface Fill {
  /** Base quantity executed (0 when nothing could be filled). */
  filled: number;
  /** Quote notional paid or received: sum of price x quantity over the fills. */
  notional: number;
  /** Volume-weighted price of this execution; NaN when nothing filled. */
  averagePrice: number;
  /** Price of the last unit executed; the market's last price when nothing filled. */
  lastPrice: number;
}

export function emptyFill(): Fill {
  return { filled: 0, notional: 0, averagePrice: Number.NaN, lastPrice: Number.NaN };
}

export interface Market {
  /**
   * Execute up to `quantity` base units. A sell never trades below `limitPrice`, a buy never
   * above it (pass 0 / Infinity for no limit). The market moves: depth is consumed or impact
   * accumulates, so the next order sees the new price.
   */
  execute(direction: Direction, quantity: number, limitPrice: number, out: Fill): void;
  /**
   * The exogenous (index) price moved by `factor` (new / old): liquidity providers re-quote, so
   * every resting price is multiplied by it while consumed depth stays consumed.
   */
  shift(factor: number): void;
  /** `seconds` of simulation time pass: consumed depth refills, temporary impact decays. */
  advance(seconds: number): void;
  bestBid(): number;
  bestAsk(): number;
  /** (best bid + best ask) / 2; the last price when a side is empty. */
  mid(): number;
  lastPrice(): number;
  /** Base quantity resting on one side within `fraction` (e.g. 0.01) of the mid. */
  depthWithin(direction: Direction, fraction: number): number;
}
