/**
 * The contract between a lending world (the step loop over assets, markets, oracles and gas) and
 * the on-chain credit venues it holds: Aave-style pools and Maker-style vaults. A venue never
 * reads another venue or the file system; everything it sees of the world comes through a
 * `VenueContext`, so venues can be built, tested and benchmarked alone.
 *
 * Assets are small integers (indexes into the scenario's asset list); prices are in the
 * numeraire (USD). Every unit of every asset has exactly one holder at any time, so the world
 * checks conservation per asset by summing `netHoldings` over venues, markets and its own sinks.
 */

export interface SwapResult {
  /** Units of the input asset actually sold (less than asked when a limit stopped the trade). */
  amountIn: number;
  /** Units of the output asset received. */
  amountOut: number;
}

/** A swap's arguments, named once for every world that implements `VenueContext.swap`. */
export type SwapArguments = [
  assetIn: number,
  assetOut: number,
  quantityIn: number,
  minimumOutPerUnit: number,
  out: SwapResult,
];

export function emptySwap(): SwapResult {
  return { amountIn: 0, amountOut: 0 };
}

export interface VenueContext {
  readonly step: number;
  /** Seconds since the start of the run. */
  readonly time: number;
  /** Seconds per step. */
  readonly dt: number;
  /** Price of `asset` published by this venue's oracle now (what liquidations act on). */
  oraclePrice(asset: number): number;
  /** Price at which `asset` trades on its market now (what trades get). */
  marketPrice(asset: number): number;
  /** Gas price this step in gwei; 0 when the scenario has no gas series. */
  readonly gasPriceGwei: number;
  /** USD price of the gas token (ETH) this step, to turn gas units into dollars. */
  readonly gasTokenPrice: number;
  /**
   * Sell `quantityIn` of `assetIn` for `assetOut` on the world's market for that pair (an AMM pool
   * or a book), receiving at least `minimumOut` per unit of `assetIn` on average (0 for no limit).
   * The market moves, so the oracle may read the new price next step. Results go into `out`.
   */
  swap(...args: SwapArguments): void;
  /**
   * Units of `assetOut` that selling `quantityIn` of `assetIn` would pay now, without trading
   * (what a liquidator checks before acting). Optional: a venue falls back to market prices.
   */
  quote?(assetIn: number, assetOut: number, quantityIn: number): number;
  /** Append an event to the run's event log. `account` is the venue's own account index or -1. */
  record(event: LendingEvent): void;
}

export interface LendingEvent {
  type:
    | "liquidation"
    | "bad_debt"
    | "auction_start"
    | "auction_take"
    | "auction_reset"
    | "keeper_out_of_gas"
    | "loop"
    | "unwind"
    | "cap_reached";
  venue: string;
  account: number;
  /** The asset the quantity is in (collateral for a liquidation), -1 when none. */
  asset: number;
  quantity: number;
  /** USD value at the price the event happened at. */
  valueUsd: number;
}

/** Fixed health-factor buckets, so histograms of different venues and runs line up. */
export const healthFactorEdges: readonly number[] = [
  0,
  0.5,
  0.8,
  0.9,
  0.95,
  1,
  1.05,
  1.1,
  1.25,
  1.5,
  2,
  3,
  Number.POSITIVE_INFINITY,
];

/** counts[i] = accounts with edges[i] <= health factor < edges[i + 1] (debt-free accounts excluded). */
export interface HealthFactorHistogram {
  edges: readonly number[];
  counts: number[];
}

export interface VenueSummary {
  name: string;
  kind: "aave" | "maker" | "perp";
  /** Debt left without collateral behind it at the end (USD at the end oracle price). */
  badDebtUsd: number;
  /** Collateral seized by liquidations or auctions, USD at the price it was seized at. */
  liquidatedCollateralUsd: number;
  liquidationCount: number;
  /** Debt repaid by liquidators or auction bids (USD). */
  debtRepaidUsd: number;
  /** Collateral supplied, USD at the oracle price, at the start and at the end. */
  tvlStartUsd: number;
  tvlEndUsd: number;
  healthFactorStart: HealthFactorHistogram;
  healthFactorEnd: HealthFactorHistogram;
}

export interface LendingVenue {
  readonly name: string;
  /**
   * One step: accrue interest, then liquidations (Aave) or auctions and keeper bids (Maker),
   * then any agent behaviour the venue owns (looping, unwinding).
   */
  step(context: VenueContext): void;
  /**
   * Units of `asset` held inside the venue by all its parties (accounts, reserves, auction lots,
   * liquidators', keepers' and agents' wallets) minus units the venue minted (Maker's DAI).
   * The world adds this to the markets' reserves; the total must not change.
   */
  netHoldings(asset: number): number;
  /** Column names this venue adds to timeseries.csv, prefixed with its name. */
  readonly timeseriesColumns: readonly string[];
  /** Values of those columns now, in the same order, written into `out` from `offset`. */
  sample(context: VenueContext, out: Float64Array, offset: number): void;
  /**
   * Collateral value (USD at today's prices) that becomes liquidatable if `asset` alone moves to
   * each of `prices` (others fixed): the lending heatmap.
   */
  liquidatableByPrice(asset: number, prices: Float64Array, context: VenueContext): Float64Array;
  summary(context: VenueContext): VenueSummary;
}
