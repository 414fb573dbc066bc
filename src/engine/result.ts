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
  /** The bankrupt side of an ADL close (the winner's side is the `adl` row). */
  "adl_liquidation",
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

export interface EventLog {
  length: number;
  step: Int32Array;
  round: Int32Array;
  type: Uint8Array; // index into eventTypes
  /** Position id, −1 for events with no account (fund movements); name it with `accountName`. */
  account: Int32Array;
  /** +1 long, -1 short, 0 none. */
  side: Int8Array;
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
  ledger: Ledger;
}

export interface RunResult {
  summary: EngineSummary;
  timeseries: Record<TimeseriesColumn, Float64Array>;
  events: EventLog;
  /** Liquidation notional by liquidation price before any shock. */
  heatmap: HeatmapBucket[];
}
