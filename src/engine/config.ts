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
  | {
      kind: "path";
      prices: Float64Array;
      /**
       * Milliseconds since the epoch (UTC) of prices[0] when the path comes from timestamped data:
       * reports label a replay in UTC with it. The engine ignores it.
       */
      startTime?: number;
    }
  | { kind: "gbm"; sigmaDaily: number; driftDaily: number }
  | { kind: "jump"; sigmaDaily: number; jumpsPerDay: number; jumpMean: number; jumpSigma: number }
  | { kind: "garch"; sigmaDaily: number; alpha: number; beta: number; driftDaily: number }
  /** Piecewise geometric Brownian motion: each regime holds for its steps, the last one after. */
  | { kind: "regimes"; regimes: { steps: number; sigmaDaily: number; driftDaily: number }[] };

/**
 * Pro-cyclical venue policy (src/engine/venue/policy.ts). Volatility is the realised volatility
 * of the mark's log returns over the last `volatilityWindowSeconds`: sqrt(Σ r²).
 */
/** Which price a layer's realised volatility is measured on. */
export type VolatilityPrice = "mark" | "index";

export interface PolicySpec {
  volatilityWindowSeconds: number;
  volatilityPrice: VolatilityPrice;
  /** Maintenance rates × clamp(1 + slope × (vol / reference − 1), 1, maxMultiplier). */
  marginScaling?: { referenceVolatility: number; slope: number; maxMultiplier: number };
  /** "vol above x → maintenance margin × y"; the largest multiplier whose threshold is passed. */
  thresholdRules: { volatilityAbove: number; maintenanceMultiplier: number }[];
  /** Wallet counted for margin × (1 − haircut), haircut = min(max, base + perVolatility × vol). */
  collateralHaircut?: { base: number; perVolatility: number; max: number };
  /** Open interest (quote, at the mark) above which no new position may be opened or grown. */
  openInterestCap?: number;
  /** A move of `move` over `windowSeconds` halts trading for `haltSeconds`. */
  circuitBreaker?: {
    move: number;
    windowSeconds: number;
    haltSeconds: number;
    haltLiquidations: boolean;
  };
}

/** Liquidity that leaves (src/engine/agents/marketMakers.ts). */
export interface MarketMakerSpec {
  volatilityWindowSeconds: number;
  volatilityPrice: VolatilityPrice;
  /** Volatility at and below which makers quote their full depth and base spread. */
  referenceVolatility: number;
  /** Depth target = 1 / (1 + volatilitySensitivity × excess + inventorySensitivity × load). */
  volatilitySensitivity: number;
  inventorySensitivity: number;
  /** Makers' net position (quote notional) that counts as one unit of inventory load. */
  inventoryLimit: number;
  minDepth: number;
  /** Extra half-spread (fraction of price) per unit of volatility excess, capped at maxWidening. */
  spreadPerExcess: number;
  maxWidening: number;
  /** Seconds for withdrawn depth to come back half-way once conditions calm. */
  recoveryHalfLife: number;
}

export type DistanceDistribution =
  | { distribution: "uniform"; low: number; high: number }
  | { distribution: "lognormal"; median: number; sigma: number };

/** Resting stop-loss orders (src/engine/agents/stopLoss.ts). */
export interface StopLossSpec {
  /** Account types by leverage: the first group whose minLeverage the position reaches. */
  groups: { minLeverage: number; share: number; distance: DistanceDistribution }[];
}

export interface AccumulationAgentSpec {
  kind: "targetLeverage" | "trendFollower" | "fundingSensitive";
  count: number;
  /** Wallet of each agent (quote). */
  capital: number;
  maxLeverage: number;
  /** targetLeverage: leverage = min(maxLeverage, targetVolatility / vol). */
  targetVolatility: number;
  /** trendFollower: return over this many seconds that must exceed `threshold` to hold. */
  lookbackSeconds: number;
  threshold: number;
  /** fundingSensitive: full size at funding ≤ 0, none at or above this rate per interval. */
  maxFundingRate: number;
  /** Share of the gap to target traded per rebalance. */
  speed: number;
}

/** Agents that open and grow positions during the run (src/engine/agents/accumulation.ts). */
export interface AccumulationSpec {
  rebalanceSeconds: number;
  volatilityWindowSeconds: number;
  volatilityPrice: VolatilityPrice;
  agents: AccumulationAgentSpec[];
}

/** Counterfactual switches for the price-fall decomposition; never set for a main run. */
export interface CounterfactualSpec {
  /** Forced sales fill at the mark without touching the book (an infinitely deep book). */
  liquidationsWithoutImpact: boolean;
}

export interface EngineScenario {
  name: string;
  steps: number;
  dt: number;
  asset: { symbol: string; price: number };
  market: MarketSpec;
  exchange: ExchangeSpec;
  positions: { explicit: PositionSpec[]; population?: PopulationSpec };
  shock: ShockSpec;
  policy?: PolicySpec;
  marketMakers?: MarketMakerSpec;
  stopLosses?: StopLossSpec;
  accumulation?: AccumulationSpec;
  /** Re-run without each endogenous layer to split the price fall (metrics/fallDecomposition.ts). */
  decomposition?: boolean;
  counterfactual?: CounterfactualSpec;
}
