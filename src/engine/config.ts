/**
 * What the engine runs: a scenario after validation and after every file it names has been read.
 * The engine never touches the file system, so paths are replaced by their data here. The
 * scenario layer's zod output is assigned to these types, so the compiler keeps both in step.
 */

export type Side = "long" | "short";
export type MarginMode = "isolated" | "cross";

export interface PriceLevel {
  price: number;
  size: number;
}

export interface OrderBookSpec {
  kind: "orderBook";
  /** Absolute prices, best first (bids descending, asks ascending), sizes in base units. */
  bids: PriceLevel[];
  asks: PriceLevel[];
  /** Seconds for eaten depth to refill half-way; null = never refills. */
  resilienceHalfLife: number | null;
}

export interface LinearImpactSpec {
  kind: "linear";
  lambda: number;
  decayHalfLife: number;
}

export interface SqrtImpactSpec {
  kind: "sqrt";
  y: number;
  dailyVolume: number;
  dailyVolatility: number;
  decayHalfLife: number;
}

export type MarketSpec = OrderBookSpec | LinearImpactSpec | SqrtImpactSpec;

export interface TierSpec {
  maxNotional: number | null;
  maxLeverage: number;
  rate?: number;
}

export interface MarkPriceSpec {
  kind: "book" | "index" | "median" | "blend";
  weight: number;
}

export interface FundingSpec {
  intervalSeconds: number;
  kind: "fixed" | "premium";
  rate: number;
  interestRate: number;
  cap: number;
}

export interface BackstopSpec {
  capital: number;
  maxLeverage: number;
  unwindNotionalPerStep: number;
}

export type AdlRanking = "binance" | "hyperliquid" | "proRata" | "none";

export interface ExchangeSpec {
  marginMode: MarginMode;
  maintenanceMarginTiers: TierSpec[];
  liquidationFeeRate: number;
  liquidation: {
    mode: "full" | "partial";
    /** Partial mode: the remainder's maintenance margin ≤ this share of its equity after fees. */
    partialTargetRatio: number;
    maxNotionalPerStep?: number;
    maxRoundsPerStep: number;
  };
  insuranceFund: number;
  backstop?: BackstopSpec;
  adl: { ranking: AdlRanking };
  markPrice: MarkPriceSpec;
  funding?: FundingSpec;
}

export interface PositionSpec {
  account: string;
  side: Side;
  size: number;
  entryPrice: number;
  collateral: number;
  marginMode?: MarginMode;
}

export type EntryPriceDistribution =
  | { distribution: "lognormal"; sigma: number }
  | { distribution: "uniform"; low: number; high: number };

export type NotionalDistribution =
  | { distribution: "pareto"; min: number; alpha: number; max?: number }
  | { distribution: "lognormal"; median: number; sigma: number }
  | { distribution: "fixed"; value: number };

export interface PopulationSpec {
  count: number;
  longShare: number;
  crossShare: number;
  leverage: Record<string, number>;
  entryPrice: EntryPriceDistribution;
  notional: NotionalDistribution;
}

export type ShockSpec =
  | { kind: "none" }
  | { kind: "instant"; drop: number; at: number }
  | { kind: "linear"; drop: number; from: number; to: number }
  | { kind: "steps"; points: { at: number; drop: number }[] }
  /** A price per step, already rebased if asked; the last price holds after the path ends. */
  | { kind: "path"; prices: Float64Array }
  | { kind: "gbm"; sigmaDaily: number; driftDaily: number }
  | { kind: "jump"; sigmaDaily: number; jumpsPerDay: number; jumpMean: number; jumpSigma: number }
  | { kind: "garch"; sigmaDaily: number; alpha: number; beta: number; driftDaily: number };

export interface EngineScenario {
  name: string;
  steps: number;
  dt: number;
  asset: { symbol: string; price: number };
  market: MarketSpec;
  exchange: ExchangeSpec;
  positions: { explicit: PositionSpec[]; population?: PopulationSpec };
  shock: ShockSpec;
}
