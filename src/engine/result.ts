import type { AdlMechanism, AdlPrice } from "./config.ts";
import type { AdlFigures } from "./risk/adlMetrics.ts";

/**
 * What one engine run returns. Columnar on purpose: a cascade over a million positions logs
 * hundreds of thousands of events, and typed columns keep that cheap and allocation-free.
 */

export const eventTypes = [
  "liquidation",
  "partial_liquidation",
  "liquidation_fee",
  "bad_debt",
  "insurance_fund_cover",
  "backstop_takeover",
  "backstop_cover",
  "backstop_unwind",
  "adl",
  "socialized_loss",
  "exchange_loss",
  "unfilled",
  "funding",
  "stop_loss",
  /** The bankrupt position's side of an ADL close (the winner's side is `adl`). */
  "adl_liquidation",
  /** Hyperliquid backstop: the trader's remaining margin taken by the vault with its positions. */
  "backstop_margin",
] as const;
export type EventType = (typeof eventTypes)[number];

/** Per-step series; every column has `steps + 1` entries (row 0 = before the first step). */
export const timeseriesColumns = [
  "step",
  "time",
  "indexPrice",
  "markPrice",
  "midPrice",
  "bestBid",
  "bestAsk",
  "lastPrice",
  "liquidatedNotional",
  "liquidationCount",
  "cascadeRounds",
  "badDebt",
  "insuranceFund",
  "backstopCapital",
  "adlNotional",
  "socializedLoss",
  "openInterest",
  "longOpenInterest",
  "shortOpenInterest",
  "bidDepth1pct",
  "askDepth1pct",
  /** (bid depth − ask depth) / (bid depth + ask depth) within 1 % of the mid. */
  "orderBookImbalance",
  "stopLossNotional",
  "stopLossCount",
  /** Traders' gross notional / traders' equity (the balancing counterparty left out). */
  "aggregateLeverage",
  /** Accumulation agents' gross notional. */
  "agentNotional",
  "realisedVolatility",
  "marginMultiplier",
  "collateralHaircut",
  /** 1 while the circuit breaker halts trading. */
  "haltActive",
  /** Share of the calm book's depth the market makers quote. */
  "depthMultiplier",
  "spreadWidening",
] as const;
export type TimeseriesColumn = (typeof timeseriesColumns)[number];

/**
 * Per-market series, one block of `steps + 1` rows per market: row t of market m is at
 * m × (steps + 1) + t.
 */
export const marketSeriesColumns = [
  "indexPrice",
  "markPrice",
  "liquidatedNotional",
  "liquidationCount",
  "adlNotional",
  "badDebt",
  "socializedLoss",
  /** Long units held by everyone × mark (= short units × mark). */
  "openInterest",
  /** The market's own fund when funds are per market, else the exchange's shared fund. */
  "insuranceFund",
  "bidDepth1pct",
] as const;
export type MarketSeriesColumn = (typeof marketSeriesColumns)[number];

export interface EventLog {
  length: number;
  step: Int32Array;
  round: Int32Array;
  type: Uint8Array; // index into eventTypes
  /** Position id, −1 for events with no account (fund movements); name it with `accountName`. */
  account: Int32Array;
  /** +1 long, -1 short, 0 none. */
  side: Int8Array;
  /** Market index of the event (see `markets` for the symbols). */
  market: Uint16Array;
  quantity: Float64Array;
  price: Float64Array;
  notional: Float64Array;
  /** Money moved by the event (fee, deficit, cover, realised PnL), in quote units. */
  amount: Float64Array;
  insuranceFund: Float64Array;
  /**
   * The winner's effective leverage and PnL % just before each `adl` event, as pairs in event
   * order: the k-th `adl` event's are at 2k and 2k + 1 (definitions: src/report/adl.ts). Absent
   * from hand-built logs, which then have no ADL grid.
   */
  adlStanding?: Float64Array;
  /** Account name of a position id; names are made on demand, not stored for every position. */
  accountName: (position: number) => string;
  /** Symbol of each market index. */
  markets: readonly string[];
}

export interface HeatmapBucket {
  priceLow: number;
  priceHigh: number;
  longNotional: number;
  shortNotional: number;
  longCount: number;
  shortCount: number;
}

export interface Ledger {
  valueStart: number;
  valueEnd: number;
  drift: number;
}

/** One market's figures; the exchange's totals are their sums. */
export interface MarketSummary {
  symbol: string;
  startPrice: number;
  minPrice: number;
  endPrice: number;
  minIndexPrice: number;
  exogenousMove: number;
  totalMove: number;
  amplification: number;
  liquidatedNotional: number;
  liquidationCount: number;
  adlNotional: number;
  adlCount: number;
  badDebt: number;
  socializedLoss: number;
  unfilledNotional: number;
  fundingPaid: number;
  openInterestStart: number;
  openInterestEnd: number;
  /** First step with a liquidation (book, backstop or ADL) or an ADL close; null if none. */
  firstLiquidationStep: number | null;
  firstAdlStep: number | null;
  /** The market's own fund (insuranceFundScope "market"); null when the fund is shared. */
  insuranceFundStart: number | null;
  insuranceFundEnd: number | null;
  /** What ADL cost in this market and who paid (src/engine/risk/adlMetrics.ts). */
  adl: AdlFigures;
}

/** The exchange's ADL figures, with the mechanism that produced them. */
export interface AdlSummary extends AdlFigures {
  mechanism: AdlMechanism;
  price: AdlPrice;
  innocentLeverage: number;
}

/**
 * Liquidated notional in market B (column) of accounts whose largest loss came from market A
 * (row): the loss source of an account is the market where its positions lost the most since
 * the start, at the moment it is liquidated; a position that stands alone is its own source.
 * Off-diagonal cells are contagion through cross margin.
 */
export interface Contagion {
  markets: string[];
  liquidatedNotional: number[][];
}

export interface EngineSummary {
  name: string;
  symbol: string;
  steps: number;
  dt: number;
  positionCount: number;
  liquidatedNotional: number;
  liquidationCount: number;
  partialLiquidationCount: number;
  cascadeRounds: number;
  maxRoundsInStep: number;
  badDebt: number;
  insuranceFundStart: number;
  insuranceFundEnd: number;
  insuranceFundUsed: number;
  liquidationFees: number;
  backstopCapitalStart: number;
  backstopCapitalEnd: number;
  backstopTakeoverNotional: number;
  adlNotional: number;
  adlCount: number;
  adl: AdlSummary;
  socializedLoss: number;
  exchangeLoss: number;
  unfilledNotional: number;
  fundingPaid: number;
  startPrice: number;
  minPrice: number;
  endPrice: number;
  minIndexPrice: number;
  exogenousMove: number;
  totalMove: number;
  amplification: number;
  openInterestStart: number;
  openInterestEnd: number;
  stopLossNotional: number;
  stopLossCount: number;
  stopsPlaced: number;
  agentBoughtNotional: number;
  agentSoldNotional: number;
  peakOpenInterest: number;
  peakAggregateLeverage: number;
  maxMarginMultiplier: number;
  haltCount: number;
  minDepthMultiplier: number;
  /** Cross accounts holding positions in several markets, and how many were liquidated. */
  crossAccountCount: number;
  crossAccountLiquidations: number;
  /** Per-market figures, in market order; the single-figure fields above are the lead market's prices and the exchange's totals. */
  markets: MarketSummary[];
  contagion: Contagion;
  ledger: Ledger;
}

export interface RunResult {
  summary: EngineSummary;
  timeseries: Record<TimeseriesColumn, Float64Array>;
  /** Per-market series (layout: see marketSeriesColumns). */
  marketSeries: Record<MarketSeriesColumn, Float64Array>;
  events: EventLog;
  /** Liquidation notional by liquidation price before any shock, in the lead market. */
  heatmap: HeatmapBucket[];
  /** The same for every market, in market order. */
  marketHeatmaps: HeatmapBucket[][];
}
