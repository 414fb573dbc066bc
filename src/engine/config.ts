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

/**
 * Hyperliquid, "Liquidations" (hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations): a
 * liquidatable position larger than `sliceNotional` (100k USDC) sends only `sliceFraction` (20 %)
 * of itself to the book; after a partial liquidation the account has a `cooldownSeconds` (30 s)
 * cooldown in which liquidation orders are for the entire position; when the account equity
 * falls below `backstopMarginRatio` (2/3) of its maintenance margin without a successful
 * liquidation through the book, the liquidator vault takes over its positions and margin.
 */
export interface HyperliquidStaging {
  sliceNotional: number;
  sliceFraction: number;
  cooldownSeconds: number;
  backstopMarginRatio: number;
}

/**
 * How auto-deleveraging picks winners and sizes their closes (src/engine/risk/adlMechanism.ts):
 * the rankings above, or a pro-rata allocation of the shortfall over positive PnL (plain, or
 * weighted by leverage), a budgeted least-profit-first queue, or an online policy.
 */
export type AdlMechanism = AdlRanking | "pnlProRata" | "riskAwareProRata" | "budgeted" | "online";

/**
 * The price ADL closes trade at: the bankrupt position's bankruptcy price (Binance), or the
 * market's mark at the end of the previous step (Hyperliquid: "the previous oracle price").
 */
export type AdlPrice = "bankruptcy" | "previousMark";

/** The online policy's step sizes and bounds (src/engine/risk/adlOnline.ts). */
export interface OnlineAdlSpec {
  /** η of the severity's projected gradient step, divided by √round. */
  severityLearningRate: number;
  /** η of the winners' multiplicative (entropic mirror descent) weight update. */
  weightLearningRate: number;
  /** Severity of the first round: the share of the shortfall winners pay. */
  initialSeverity: number;
  minSeverity: number;
}

export interface AdlSpec {
  /** The mechanism by its older name; `mechanism`, when set, is what runs. */
  ranking?: AdlRanking;
  mechanism?: AdlMechanism;
  /** Default "bankruptcy". */
  price?: AdlPrice;
  /** Hit accounts below this effective leverage count as "innocent" (default 2). */
  innocentLeverage?: number;
  online?: OnlineAdlSpec;
}

/** Where a market's bad debt is paid from: one fund for the exchange, or one per market. */
export type InsuranceFundScope = "shared" | "market";

export interface ExchangeSpec {
  marginMode: MarginMode;
  liquidationFeeRate: number;
  liquidation: {
    /**
     * full: close everything at once; partial: reduce until the margin target is met (Binance);
     * hyperliquid: Hyperliquid's staging (HyperliquidStaging) and its vault trigger.
     */
    mode: "full" | "partial" | "hyperliquid";
    /** Partial mode: the remainder's maintenance margin ≤ this share of its equity after fees. */
    partialTargetRatio: number;
    maxNotionalPerStep?: number;
    maxRoundsPerStep: number;
    /** Hyperliquid mode's numbers; the venue's published ones when absent. */
    hyperliquid?: HyperliquidStaging;
  };
  /** The shared fund; with scope "market" each market's own `insuranceFund` is used instead. */
  insuranceFund: number;
  insuranceFundScope: InsuranceFundScope;
  backstop?: BackstopSpec;
  adl: AdlSpec;
  /**
   * Cross accounts holding several markets are indexed by a conservative liquidation price per
   * market, valid while every other market's mark stays within ± this band of its reference
   * (src/engine/risk/crossTriggers.ts). It trades re-indexing work against exact checks; it
   * never changes which accounts are liquidated.
   */
  crossMarginBand: number;
}

/** How a market's index moves: its own shock process, or the exchange's factor scaled by beta. */
export type ExogenousPriceSpec =
  | { kind: "own"; shock: ShockSpec }
  /** log P = log P0 + beta × log(F / F0) + idiosyncratic driftless GBM of daily volatility σ. */
  | { kind: "factor"; beta: number; idiosyncraticVolatility: number };

/** One perpetual market of the exchange, every rule resolved (no defaults left to fill in). */
export interface PerpMarketSpec {
  symbol: string;
  /** Index price at the start. */
  price: number;
  /** Its own book or impact model: liquidation sales of this market hit only this. */
  liquidity: MarketSpec;
  maintenanceMarginTiers: TierSpec[];
  markPrice: MarkPriceSpec;
  funding?: FundingSpec;
  /** Open interest (quote, at the mark) above which no position may be opened or grown. */
  openInterestCap?: number;
  /** This market's fund when the exchange's insuranceFundScope is "market". */
  insuranceFund: number;
  exogenous: ExogenousPriceSpec;
}

/** Positions from inline lists and files, column by column: no object per position. */
export interface ExplicitPositions {
  count: number;
  /**
   * Account index of each position, 0 ≤ account < accountCount. Cross positions of one account
   * share its wallet; an isolated position's account only names its owner.
   */
  account: Int32Array;
  accountCount: number;
  /**
   * Account names packed as UTF-8, name of account a = bytes[offsets[a] .. offsets[a + 1]): plain
   * data (a scenario crosses to worker threads by structured clone) and no string per account
   * until one is printed (accountNameAt in src/engine/explicitPositions.ts).
   */
  accountNames: { bytes: Uint8Array; offsets: Int32Array };
  /** Market index of each position (0 for single-market scenarios). */
  market: Uint16Array;
  /** +1 long, −1 short. */
  side: Int8Array;
  /** Base units, > 0. */
  size: Float64Array;
  entryPrice: Float64Array;
  /** Isolated margin, or this position's share of its account's cross wallet. */
  collateral: Float64Array;
  /** 1 cross, 0 isolated (the exchange default already applied). */
  cross: Uint8Array;
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

/** How generated positions of one market look; the population's own fields are the defaults. */
export interface PopulationMarketSpec {
  /** Share of positions drawn in this market (all markets' shares add up to 1). */
  share: number;
  /** Target open interest (quote, at the start price, the larger side): sizes are scaled to it. */
  openInterest?: number;
  longShare: number;
  leverage: Record<string, number>;
  entryPrice: EntryPriceDistribution;
  notional: NotionalDistribution;
}

export interface PopulationSpec {
  count: number;
  longShare: number;
  crossShare: number;
  leverage: Record<string, number>;
  entryPrice: EntryPriceDistribution;
  notional: NotionalDistribution;
  /** One entry per market, in market order; absent = every position in market 0. */
  markets?: PopulationMarketSpec[];
  /** Cross accounts that hold positions in several markets at once. */
  crossAccounts?: {
    /** Share of cross accounts by the number of markets they hold, e.g. { 1: 0.5, 2: 0.3, 3: 0.2 }. */
    marketsPerAccount: Record<string, number>;
    /**
     * Correlation of the latent normals that pick each holding's side (a Gaussian copula):
     * 0 = independent sides, 1 = an account is long everywhere or short everywhere as far as
     * each market's long share allows.
     */
    holdingCorrelation: number;
  };
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
  /** The exchange's markets; the first is the lead market of single-figure summaries. */
  markets: PerpMarketSpec[];
  exchange: ExchangeSpec;
  positions: { explicit: ExplicitPositions; population?: PopulationSpec };
  /** The common factor of markets whose exogenous price is `kind: factor`. */
  factor?: ShockSpec;
  /**
   * Correlation of the normal innovations of the markets' stochastic parts (own diffusions and
   * idiosyncratic terms), market by market; absent = independent.
   */
  correlation?: number[][];
  policy?: PolicySpec;
  marketMakers?: MarketMakerSpec;
  stopLosses?: StopLossSpec;
  accumulation?: AccumulationSpec;
  /** Re-run without each endogenous layer to split the price fall (metrics/fallDecomposition.ts). */
  decomposition?: boolean;
  counterfactual?: CounterfactualSpec;
}
