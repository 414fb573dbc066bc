/**
 * `model: lending` scenarios: assets with external price paths, AMM pools, oracles, a gas series
 * and credit venues (a discriminated union on `kind`). Units: prices in USD; LTV, liquidation
 * threshold, bonus, fees and rates as fractions (Aave's 8250 is 0.825; its bonus 10500 = 105 % is
 * `liquidationBonus: 0.05`); durations in seconds; steps as step indexes.
 *
 * Cross-field rules (unknown assets, LT below LTV, a bonus that pays out more than the collateral)
 * are checked here, with the offending field's path, so the loader can locate them in the file.
 */
import { z } from "zod";
import { makerAssetIssues, makerVenueSchema } from "./makerSchema.ts";
import {
  dataFilePath,
  finite,
  fraction,
  logSpread,
  nonNegative,
  nonNegativeInteger,
  positive,
  positiveInteger,
  stepSeconds,
} from "./primitives.ts";
import {
  exchangeSchema,
  inlinePositionSchema,
  marketSchema,
  populationSchema,
  shockSchema,
} from "./schema.ts";

const symbol = z.string().min(1);

const coinApiPathSchema = z.strictObject({
  kind: z.literal("coinApi"),
  file: dataFilePath("CoinAPI OHLCV JSON (time_period_start, price_open, ...)."),
  column: z
    .enum(["open", "high", "low", "close"])
    .default("close")
    .describe("open is stamped at each bar's start, the others at its end; linear in between."),
  rebase: z.boolean().default(false).describe("Scale the path so it starts at the asset's price."),
});

export const lendingAssetSchema = z.strictObject({
  symbol,
  price: positive
    .optional()
    .describe("Start price in USD; taken from the path's data when absent (coinApi)."),
  // Lazy: schema.ts imports this file for its union, so shockSchema may not exist yet here.
  path: z
    .union([coinApiPathSchema, z.lazy(() => shockSchema)])
    .default({ kind: "none" })
    .describe("External price: real data (coinApi) or any shock process of perp scenarios."),
});

export const arbitrageSchema = z.strictObject({
  capital: positive.describe("Quote units the arbitrageurs hold."),
  maxNotionalPerStep: positive.describe("Quote units they trade against the pool per step."),
});

export const ammMarketSchema = z
  .strictObject({
    kind: z
      .enum(["amm", "book"])
      .default("amm")
      .describe("amm: a constant-product pool; book: an order book quoted by outside makers."),
    base: symbol,
    quote: symbol,
    fee: fraction.default(0.003).describe("Uniswap v2: 0.003."),
    reserves: z.strictObject({ base: positive, quote: positive }).optional(),
    reservesFile: z
      .strictObject({
        file: dataFilePath("JSON array of {TOKEN: reserve, ...} samples."),
        baseToken: z.string().min(1).default("WETH"),
        quoteToken: z.string().min(1).default("DAI"),
        index: nonNegativeInteger.default(0).describe("Which sample gives the starting depth."),
        scale: positive.default(1).describe("Multiply both reserves (1 = the real pool size)."),
        alignPrice: z
          .boolean()
          .default(true)
          .describe(
            "Keep the sample's liquidity √(x·y) but price the pool at the external start price.",
          ),
      })
      .optional(),
    arbitrage: arbitrageSchema.optional(),
    book: z
      .strictObject({
        shape: z.strictObject({
          depthPerPercent: positive.describe("Quote notional per side within each 1 % of price."),
          levels: positiveInteger,
          tick: positive,
          spreadTicks: nonNegativeInteger.default(1),
        }),
        resilienceHalfLife: z.union([positive, z.literal("none")]).default(60),
      })
      .optional()
      .describe("kind: book: a parametric book around the start price, re-quoted as it moves."),
  })
  .superRefine((market, context) => {
    const sources = [market.reserves, market.reservesFile, market.book].filter(
      (source) => source !== undefined,
    ).length;
    const wanted = market.kind === "book" ? market.book !== undefined : market.book === undefined;
    if (sources !== 1 || !wanted) {
      context.addIssue({
        code: "custom",
        message:
          market.kind === "book"
            ? "a book market needs book (and no reserves or reservesFile)"
            : "an amm market needs exactly one of reserves, reservesFile (and no book)",
      });
    }
    if (market.kind === "book" && market.arbitrage !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["arbitrage"],
        message: "arbitrageurs are for pools; a book's makers re-quote around the external price",
      });
    }
  });

export const lendingOracleSchema = z.strictObject({
  asset: symbol,
  kind: z.enum(["spot", "twap", "push"]).default("push"),
  source: z
    .enum(["external", "market"])
    .default("external")
    .describe("external: the off-chain price (Chainlink style); market: the asset's AMM pool."),
  delay: nonNegative.default(0).describe("Seconds between the source and the answer."),
  window: positive.default(1800).describe("twap: averaging window, seconds."),
  deviation: fraction.default(0.005).describe("push: publish on a relative move of this size."),
  heartbeat: positive.default(3600).describe("push: publish at least this often, seconds."),
});

export const oracleEventSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("oracleOutage"),
    asset: symbol,
    from: nonNegativeInteger,
    to: positiveInteger.describe("First step after the outage."),
  }),
  z.strictObject({
    kind: z.literal("oracleLag"),
    asset: symbol,
    from: nonNegativeInteger,
    to: positiveInteger,
    delay: positive.describe("Seconds added to the oracle's delay."),
  }),
]);

export const gasSchema = z.union([
  z.strictObject({
    file: dataFilePath("pandas 'table' JSON of gas-price percentiles in wei."),
    column: z.string().min(1).default("90.0 Perc"),
    asset: symbol.default("ETH").describe("The gas token, to turn gas into USD."),
  }),
  z.strictObject({ gwei: nonNegative, asset: symbol.default("ETH") }),
]);

/** An annual rate component: above 1,000 % a year, interest compounds past Infinity in a run. */
const annualRate = nonNegative.refine((rate) => rate <= 10, {
  message: "must be at most 10 (1,000 % a year)",
});

const rateSchema = z
  .strictObject({
    base: annualRate.default(0),
    slope1: annualRate.default(0.04),
    slope2: annualRate.default(0.75),
    optimalUsage: finite
      .refine((value) => value > 0 && value < 1, { message: "must be strictly between 0 and 1" })
      .default(0.8),
  })
  .describe("DefaultReserveInterestRateStrategy, annual rates.");

const bonusSchema = finite.refine((value) => value >= 0 && value < 1, {
  message: "must be >= 0 and below 1 (a bonus of 100 % or more pays out more than twice the debt)",
});

export const aaveReserveSchema = z.strictObject({
  asset: symbol,
  ltv: fraction,
  liquidationThreshold: fraction,
  liquidationBonus: bonusSchema.describe("0.05 = the liquidator gets 105 % of the debt repaid."),
  protocolFee: fraction.default(0.1).describe("Share of the bonus kept by the treasury."),
  supplyCap: positive.optional().describe("Units; none when absent."),
  borrowCap: positive.optional(),
  reserveFactor: fraction.default(0.1),
  rate: rateSchema.default(rateSchema.parse({})),
  passiveSupply: nonNegative
    .optional()
    .describe("Units deposited by lenders who do not borrow; default: total debt / 0.8."),
});

export const eModeSchema = z.strictObject({
  label: z.string().default(""),
  ltv: fraction,
  liquidationThreshold: fraction,
  liquidationBonus: bonusSchema,
  assets: z.array(symbol).min(1),
});

const assetWeightsSchema = z
  .record(z.string(), positive)
  .refine((weights) => Object.keys(weights).length > 0, { message: "needs at least one asset" })
  .describe("Asset symbol → share (normalised).");

export const lendingPopulationSchema = z.strictObject({
  count: positiveInteger,
  collateral: assetWeightsSchema,
  debt: assetWeightsSchema,
  collateralUsd: z.strictObject({ median: positive, sigma: logSpread.default(1) }),
  healthFactor: z.strictObject({ min: positive, max: positive }),
  looperShare: fraction.default(0),
  unwindHealthFactor: positive.default(1.05),
  eMode: nonNegativeInteger.default(0).describe("e-mode category (1-based) when it fits; 0 none."),
});

const unitsSchema = z.record(z.string(), nonNegative).describe("Asset symbol → units.");

export const lendingInlineAccountSchema = z.strictObject({
  collateral: unitsSchema,
  debt: unitsSchema.default({}),
  eMode: nonNegativeInteger.default(0),
  loop: z.strictObject({ targetHealthFactor: positive, unwindHealthFactor: positive }).optional(),
});

export const aaveVenueSchema = z.strictObject({
  kind: z.literal("aave"),
  name: z.string().regex(/^[\w-]+$/, "letters, digits, _ and - only"),
  version: z
    .enum(["v3.0", "v3.3"])
    .default("v3.3")
    .describe(
      "Liquidation rules: v3.3 (aave-v3-origin, the rules in force: 100 % under $2,000, 50 % of the total debt, no partial liquidation leaving under $1,000) or v3.0 (aave-v3-core: 50 % close factor above HF 0.95, as v2 had).",
    ),
  reserves: z.array(aaveReserveSchema).min(1),
  eModes: z.array(eModeSchema).default([]),
  liquidators: z
    .strictObject({
      capital: unitsSchema.describe("Units of each asset the liquidators hold."),
      gasPerLiquidation: nonNegative.default(500_000),
      maxPerStep: positiveInteger.default(50),
      minProfitUsd: finite.default(0),
    })
    .describe("Pooled liquidation bots."),
  looping: z
    .strictObject({
      reactionProbability: fraction.default(0.2),
      releverBand: nonNegative.default(0.1),
      maxSlippage: fraction.default(0.02),
    })
    .default({ reactionProbability: 0.2, releverBand: 0.1, maxSlippage: 0.02 }),
  accounts: z
    .strictObject({
      population: lendingPopulationSchema.optional(),
      inline: z.array(lendingInlineAccountSchema).default([]),
    })
    .refine((accounts) => accounts.population !== undefined || accounts.inline.length > 0, {
      message: "needs a population or at least one inline account",
    }),
});

/**
 * A perpetual exchange in the lending world (issue 3, part 8): the perp scenario's market,
 * exchange and positions, with the index computed by the world from one of its assets. Lazy
 * because those schemas live in schema.ts, which imports this file.
 */
export const perpVenueSchema = z.strictObject({
  kind: z.literal("perp"),
  name: z.string().regex(/^[\w-]+$/, "letters, digits, _ and - only"),
  asset: symbol.describe("The asset the perp is on; its price is the perp's index."),
  index: z
    .enum(["market", "oracle"])
    .default("market")
    .describe(
      "market: the asset's pool price (on-chain sales reach the perp); oracle: its oracle.",
    ),
  market: z.lazy(() => marketSchema).describe("The perp's own book or impact model."),
  exchange: z.lazy(() => exchangeSchema).optional(),
  basis: z
    .strictObject({
      capital: nonNegative.describe(
        "USD value of the asset the perp's makers hold to sell as their hedge; 0 turns it off.",
      ),
      maxNotionalPerStep: positive.describe("Largest notional (USD) they sell per step."),
      hedgeRatio: fraction.default(1).describe("Share of the perp liquidation volume hedged."),
      quote: symbol.describe("The asset its hedge sales are paid in (the pool's quote)."),
    })
    .optional()
    .describe(
      "The perp's makers hedge the longs liquidations sold them by selling the asset into the world's market, so perp liquidations reach the pool.",
    ),
  positions: z.strictObject({
    inline: z.array(z.lazy(() => inlinePositionSchema)).default([]),
    population: z
      .lazy(() => populationSchema.omit({ markets: true, crossAccounts: true }))
      .optional(),
  }),
});

/** Venues the world holds, told apart by `kind`. */
export const lendingVenueSchema = z.discriminatedUnion("kind", [
  aaveVenueSchema,
  makerVenueSchema,
  perpVenueSchema,
]);

type Issue = { path: (string | number)[]; message: string };

function checkScenario(scenario: LendingScenarioShape): Issue[] {
  const issues: Issue[] = [];
  const symbols = scenario.assets.map((asset) => asset.symbol);
  const known = new Set(symbols);
  const list = symbols.join(", ");
  const checkAsset = (path: (string | number)[], value: string): boolean => {
    if (known.has(value)) return true;
    issues.push({
      path,
      message: `unknown asset ${JSON.stringify(value)}; assets are ${list} (the assets list)`,
    });
    return false;
  };
  symbols.forEach((value, index) => {
    if (symbols.indexOf(value) !== index) {
      issues.push({
        path: ["assets", index, "symbol"],
        message: "is listed twice; symbols must be unique",
      });
    }
  });
  scenario.assets.forEach((asset, index) => {
    if (asset.price === undefined && asset.path.kind !== "coinApi") {
      issues.push({
        path: ["assets", index, "price"],
        message: "is required unless the path is coinApi data, which gives the start price",
      });
    }
  });
  scenario.markets.forEach((market, index) => {
    checkAsset(["markets", index, "base"], market.base);
    checkAsset(["markets", index, "quote"], market.quote);
    if (market.base === market.quote) {
      issues.push({
        path: ["markets", index, "quote"],
        message: "is also the base; a pool trades two different assets",
      });
    }
  });
  const oracleAssets = new Set<string>();
  scenario.oracles.forEach((oracle, index) => {
    checkAsset(["oracles", index, "asset"], oracle.asset);
    if (oracleAssets.has(oracle.asset)) {
      issues.push({
        path: ["oracles", index, "asset"],
        message: "already has an oracle; one per asset",
      });
    }
    oracleAssets.add(oracle.asset);
    if (
      oracle.source === "market" &&
      !scenario.markets.some((market) => market.base === oracle.asset)
    ) {
      issues.push({
        path: ["oracles", index, "source"],
        message: `no pool has ${oracle.asset} as its base; use external`,
      });
    }
  });
  scenario.events.forEach((event, index) => {
    checkAsset(["events", index, "asset"], event.asset);
    if (event.to <= event.from) {
      issues.push({
        path: ["events", index, "to"],
        message: `must be after from (${event.from})`,
      });
    }
    if (event.from > scenario.steps) {
      issues.push({
        path: ["events", index, "from"],
        message: `must be at most steps (${scenario.steps})`,
      });
    }
  });
  if (scenario.gas !== undefined) checkAsset(["gas", "asset"], scenario.gas.asset);
  scenario.venues.forEach((venue, venueIndex) => {
    const at = (...path: (string | number)[]): (string | number)[] => [
      "venues",
      venueIndex,
      ...path,
    ];
    if (scenario.venues.findIndex((other) => other.name === venue.name) !== venueIndex) {
      issues.push({ path: at("name"), message: "is used by another venue; names must be unique" });
    }
    if (venue.kind === "perp") {
      checkAsset(at("asset"), venue.asset);
      if (venue.basis !== undefined) {
        checkAsset(at("basis", "quote"), venue.basis.quote);
        if (venue.basis.quote === venue.asset) {
          issues.push({
            path: at("basis", "quote"),
            message: `is "${venue.basis.quote}", the perp's own asset; the hedge is paid in another`,
          });
        }
      }
      if (venue.market.orderBook?.depthCsv !== undefined) {
        issues.push({
          path: at("market", "orderBook", "depthCsv"),
          message: "a depth file is not supported in lending scenarios; use levels or shape",
        });
      }
      if (venue.positions.inline.length === 0 && venue.positions.population === undefined) {
        issues.push({
          path: at("positions"),
          message: "needs inline positions or a population",
        });
      }
      return;
    }
    if (venue.kind === "maker") {
      for (const issue of makerAssetIssues(venue, symbols)) {
        issues.push({ path: at(...issue.path), message: issue.message });
      }
      return;
    }
    const listed = new Set<string>();
    venue.reserves.forEach((reserve, index) => {
      checkAsset(at("reserves", index, "asset"), reserve.asset);
      if (listed.has(reserve.asset)) {
        issues.push({ path: at("reserves", index, "asset"), message: "is listed twice" });
      }
      listed.add(reserve.asset);
      checkRiskParameters(reserve, at("reserves", index), issues);
    });
    const listedAsset = (path: (string | number)[], value: string): void => {
      if (!checkAsset(path, value)) return;
      if (!listed.has(value)) {
        issues.push({
          path,
          message: `not listed by venue ${venue.name}; its reserves are ${[...listed].join(", ")}`,
        });
      }
    };
    venue.eModes.forEach((category, index) => {
      checkRiskParameters(category, at("eModes", index), issues);
      category.assets.forEach((value, assetIndex) => {
        listedAsset(at("eModes", index, "assets", assetIndex), value);
      });
    });
    for (const value of Object.keys(venue.liquidators.capital)) {
      checkAsset(at("liquidators", "capital", value), value);
    }
    const population = venue.accounts.population;
    if (population !== undefined) {
      for (const side of ["collateral", "debt"] as const) {
        for (const value of Object.keys(population[side])) {
          listedAsset(at("accounts", "population", side, value), value);
        }
      }
      if (population.healthFactor.max < population.healthFactor.min) {
        issues.push({
          path: at("accounts", "population", "healthFactor", "max"),
          message: `must be >= min (${population.healthFactor.min})`,
        });
      }
      if (
        population.looperShare > 0 &&
        population.unwindHealthFactor >= population.healthFactor.min
      ) {
        issues.push({
          path: at("accounts", "population", "unwindHealthFactor"),
          message: `must be below healthFactor.min (${population.healthFactor.min}), or loopers unwind at once`,
        });
      }
      if (population.eMode > venue.eModes.length) {
        issues.push({
          path: at("accounts", "population", "eMode"),
          message: `the venue has ${venue.eModes.length} e-mode categories (0 for none)`,
        });
      }
    }
    venue.accounts.inline.forEach((account, index) => {
      for (const side of ["collateral", "debt"] as const) {
        for (const value of Object.keys(account[side])) {
          listedAsset(at("accounts", "inline", index, side, value), value);
        }
      }
      if (account.eMode > venue.eModes.length) {
        issues.push({
          path: at("accounts", "inline", index, "eMode"),
          message: `the venue has ${venue.eModes.length} e-mode categories (0 for none)`,
        });
      }
      if (
        account.loop !== undefined &&
        account.loop.unwindHealthFactor >= account.loop.targetHealthFactor
      ) {
        issues.push({
          path: at("accounts", "inline", index, "loop", "unwindHealthFactor"),
          message: `must be below targetHealthFactor (${account.loop.targetHealthFactor})`,
        });
      }
    });
  });
  return issues;
}

/**
 * PoolConfigurator.configureReserveAsCollateral: ltv <= liquidationThreshold, and
 * liquidationThreshold · (1 + bonus) <= 100 % (a liquidation must not take more collateral than
 * the debt it clears is backed by).
 */
function checkRiskParameters(
  parameters: { ltv: number; liquidationThreshold: number; liquidationBonus: number },
  path: (string | number)[],
  issues: Issue[],
): void {
  if (parameters.liquidationThreshold < parameters.ltv) {
    issues.push({
      path: [...path, "liquidationThreshold"],
      message: `must be >= ltv (${parameters.ltv}) (Aave: ltv <= liquidationThreshold)`,
    });
  }
  if (
    parameters.liquidationBonus < 1 &&
    parameters.liquidationThreshold * (1 + parameters.liquidationBonus) > 1 + 1e-12
  ) {
    issues.push({
      path: [...path, "liquidationBonus"],
      message: `with liquidationThreshold ${parameters.liquidationThreshold}, liquidationThreshold x (1 + liquidationBonus) must be <= 1 (Aave PoolConfigurator)`,
    });
  }
}

const lendingScenarioObject = z.strictObject({
  model: z.literal("lending"),
  name: z.string().min(1),
  description: z.string().optional(),
  seed: nonNegativeInteger.default(42),
  steps: positiveInteger.default(1440),
  dt: stepSeconds.default(60).describe("Seconds per step."),
  riskRuns: nonNegativeInteger
    .default(0)
    .describe("Extra seeded runs (run indexes 1..N) whose p95 give LaR and VaR; 0 for none."),
  assets: z.array(lendingAssetSchema).min(1),
  markets: z.array(ammMarketSchema).default([]),
  oracles: z.array(lendingOracleSchema).default([]),
  events: z.array(oracleEventSchema).default([]),
  gas: gasSchema.optional(),
  venues: z.array(lendingVenueSchema).min(1),
});

type LendingScenarioShape = z.infer<typeof lendingScenarioObject>;

export const lendingScenarioSchema = lendingScenarioObject.superRefine((scenario, context) => {
  for (const issue of checkScenario(scenario)) {
    context.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
});

export type LendingScenario = z.infer<typeof lendingScenarioSchema>;
export type AaveVenueConfig = z.infer<typeof aaveVenueSchema>;
export type PerpVenueConfig = z.infer<typeof perpVenueSchema>;
export type AmmMarketConfig = z.infer<typeof ammMarketSchema>;
