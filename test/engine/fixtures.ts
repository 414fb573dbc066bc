import type {
  EngineScenario,
  ExchangeSpec,
  FundingSpec,
  MarketSpec,
  MarkPriceSpec,
  PerpMarketSpec,
  PopulationSpec,
  PositionSpec,
  ShockSpec,
  TierSpec,
} from "../../src/engine/config.ts";
import { ExplicitPositionsBuilder, explicitPositions } from "../../src/engine/explicitPositions.ts";
import { levelsFromShape } from "../../src/engine/market/orderBook.ts";
import { defaultTiers } from "../../src/scenario/schema.ts";

export const standardMix = { "5": 0.15, "10": 0.3, "25": 0.25, "50": 0.2, "100": 0.1 };

export function population(overrides: Partial<PopulationSpec> = {}): PopulationSpec {
  return {
    count: 2_000,
    longShare: 0.8,
    crossShare: 0,
    leverage: standardMix,
    entryPrice: { distribution: "lognormal", sigma: 0.02 },
    notional: { distribution: "pareto", min: 1_000, alpha: 1.5, max: 1_000_000 },
    ...overrides,
  };
}

export function bookMarket(
  price: number,
  depthPerPercent: number,
  options: { levels?: number; tick?: number; halfLife?: number | null } = {},
): MarketSpec {
  const levels = levelsFromShape(price, {
    depthPerPercent,
    levels: options.levels ?? 1_000,
    tick: options.tick ?? price / 10_000,
    spreadTicks: 1,
  });
  return { kind: "orderBook", ...levels, resilienceHalfLife: options.halfLife ?? 30 };
}

/** The exchange of a one-market venue: the engine's rules plus that market's brackets, mark and funding. */
export type VenueExchange = ExchangeSpec & {
  maintenanceMarginTiers: TierSpec[];
  markPrice: MarkPriceSpec;
  funding?: FundingSpec;
};

/** A one-market venue written flat, the way a single-market scenario file reads. */
export type Venue = Omit<EngineScenario, "markets" | "exchange" | "positions" | "factor"> & {
  asset: { symbol: string; price: number };
  market: MarketSpec;
  exchange: VenueExchange;
  positions: { explicit: PositionSpec[]; population?: PopulationSpec };
  shock: ShockSpec;
};

export type VenueOverrides = Partial<Omit<Venue, "exchange">> & {
  exchange?: Partial<VenueExchange>;
};

/** The engine's scenario of a one-market venue (what the scenario loader makes of such a file). */
export function engineScenario(venue: Venue): EngineScenario {
  const { asset, market, exchange, positions, shock, ...rest } = venue;
  const { maintenanceMarginTiers, markPrice, funding, ...rules } = exchange;
  const explicit = explicitPositions(positions.explicit, rules.marginMode);
  return {
    ...rest,
    markets: [
      {
        symbol: asset.symbol,
        price: asset.price,
        liquidity: market,
        maintenanceMarginTiers,
        markPrice,
        ...(funding === undefined ? {} : { funding }),
        insuranceFund: 0,
        exogenous: { kind: "own", shock },
      },
    ],
    exchange: rules,
    positions:
      positions.population === undefined
        ? { explicit }
        : { explicit, population: positions.population },
  };
}

/** A small perp venue: 2,000 generated positions, 10 % instant drop at step 5. */
export function venue(overrides: VenueOverrides = {}): Venue {
  const price = 100_000;
  const base: Venue = {
    name: "test",
    steps: 60,
    dt: 1,
    asset: { symbol: "BTC", price },
    market: bookMarket(price, 2_000_000),
    exchange: {
      marginMode: "isolated",
      maintenanceMarginTiers: defaultTiers,
      liquidationFeeRate: 0.005,
      liquidation: { mode: "full", partialTargetRatio: 0.9, maxRoundsPerStep: 1000 },
      insuranceFund: 100_000,
      insuranceFundScope: "shared",
      adl: { ranking: "binance" },
      markPrice: { kind: "book", weight: 0.5 },
      crossMarginBand: 0.02,
    },
    positions: { explicit: [], population: population() },
    shock: { kind: "instant", drop: 0.1, at: 5 },
  };
  return { ...base, ...overrides, exchange: { ...base.exchange, ...overrides.exchange } };
}

/** `venue(overrides)` as the engine runs it. */
export function scenario(overrides: VenueOverrides = {}): EngineScenario {
  return engineScenario(venue(overrides));
}

/** One market of a multi-market exchange: a deep parametric book, Binance brackets, book mark. */
export function perpMarket(
  symbol: string,
  price: number,
  overrides: Partial<PerpMarketSpec> = {},
): PerpMarketSpec {
  return {
    symbol,
    price,
    liquidity: bookMarket(price, 2_000_000),
    maintenanceMarginTiers: defaultTiers,
    markPrice: { kind: "book", weight: 0.5 },
    insuranceFund: 0,
    exogenous: { kind: "factor", beta: 1, idiosyncraticVolatility: 0 },
    ...overrides,
  };
}

/** A position of a multi-market scenario, by market symbol. */
export type MarketPosition = PositionSpec & { market: string };

/** An exchange of several markets with explicit positions (by symbol) and/or a population. */
export function exchangeScenario(
  markets: PerpMarketSpec[],
  options: {
    positions?: MarketPosition[];
    population?: PopulationSpec;
    exchange?: Partial<ExchangeSpec>;
    factor?: ShockSpec;
    steps?: number;
    dt?: number;
    correlation?: number[][];
  } = {},
): EngineScenario {
  const base = venue().exchange;
  const { maintenanceMarginTiers, markPrice, funding, ...rules } = base;
  const exchange = { ...rules, ...options.exchange };
  const builder = new ExplicitPositionsBuilder();
  const symbols = markets.map((market) => market.symbol);
  for (const position of options.positions ?? []) {
    builder.add(
      builder.accountNamed(position.account),
      symbols.indexOf(position.market),
      position.side === "long" ? 1 : -1,
      position.size,
      position.entryPrice,
      position.collateral,
      (position.marginMode ?? exchange.marginMode) === "cross",
    );
  }
  const explicit = builder.finish();
  return {
    name: "markets",
    steps: options.steps ?? 60,
    dt: options.dt ?? 1,
    markets,
    exchange,
    positions:
      options.population === undefined
        ? { explicit }
        : { explicit, population: options.population },
    ...(options.factor === undefined ? {} : { factor: options.factor }),
    ...(options.correlation === undefined ? {} : { correlation: options.correlation }),
  };
}
