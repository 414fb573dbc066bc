/**
 * The scenario contract (see ../shared/DESIGN.md, "Scenario contract"). Every object is strict so
 * that a misspelt field is an error, not a silently ignored value. Defaults live here and only
 * here: the engine receives a fully populated scenario.
 */
import { z } from "zod";
import { defaultInnocentLeverage, defaultOnlineAdl } from "../engine/risk/adlMechanism.ts";
import {
  accumulationSchema,
  decompositionSchema,
  marketMakersSchema,
  policySchema,
  regimesShockSchema,
  stopLossesSchema,
} from "./cycleSchema.ts";
import { lendingScenarioSchema } from "./lendingSchema.ts";
import {
  dataFilePath,
  finite,
  fraction,
  logSpread,
  nonNegative,
  nonNegativeInteger,
  openFraction,
  positive,
  positiveInteger,
  stepSeconds,
} from "./primitives.ts";
import { sweepSchema } from "./sweepSchema.ts";

export const sideSchema = z.enum(["long", "short"]);
export const marginModeSchema = z.enum(["isolated", "cross"]);

const priceLevelSchema = z.strictObject({ price: positive, size: positive });

export const orderBookSchema = z
  .strictObject({
    levels: z
      .strictObject({
        bids: z.array(priceLevelSchema).min(1, "needs at least one bid level"),
        asks: z.array(priceLevelSchema).min(1, "needs at least one ask level"),
      })
      .optional()
      .describe("Explicit aggregated L2 levels (absolute prices, base-asset sizes)."),
    shape: z
      .strictObject({
        depthPerPercent: positive.describe(
          "Quote notional resting on each side within each 1 % of price.",
        ),
        levels: positiveInteger.describe("Number of price levels per side."),
        tick: positive.describe("Price distance between levels, in quote units."),
        spreadTicks: nonNegativeInteger.default(1).describe("Ticks between best bid and best ask."),
      })
      .optional()
      .describe("A parametric book: flat depth per percent of price."),
    depthCsv: z
      .strictObject({
        file: dataFilePath(
          "Binance bookDepth CSV (timestamp,percentage,depth,notional,weighted_avg_price).",
        ),
        at: z
          .string()
          .optional()
          .describe(
            "Timestamp of the snapshot to use (latest at or before it); the first one if absent.",
          ),
        levelsPerPercent: positiveInteger
          .default(10)
          .describe("Levels generated inside each 1 % band."),
      })
      .optional()
      .describe("A real depth snapshot in Binance bookDepth CSV format."),
    resilienceHalfLife: z
      .union([positive, z.literal("none")])
      .default(60)
      .describe("Seconds for eaten depth to refill half-way toward its baseline."),
  })
  .superRefine((book, context) => {
    const sources = [book.levels, book.shape, book.depthCsv].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      context.addIssue({
        code: "custom",
        message: `exactly one of levels, shape, depthCsv is required (got ${sources})`,
      });
    }
  });

export const impactSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("linear"),
    lambda: nonNegative.describe(
      "Relative price move per unit of quote notional traded (0 = infinitely deep).",
    ),
    decayHalfLife: positive.default(300),
  }),
  z.strictObject({
    kind: z.literal("sqrt"),
    y: positive.default(0.7).describe("Square-root law prefactor Y (order of 1)."),
    dailyVolume: positive.describe("Daily traded quote notional V."),
    dailyVolatility: positive.describe("Daily return volatility sigma."),
    decayHalfLife: positive.default(300),
  }),
]);

export const marketSchema = z
  .strictObject({
    orderBook: orderBookSchema.optional(),
    impact: impactSchema.optional(),
  })
  .superRefine((market, context) => {
    if ((market.orderBook === undefined) === (market.impact === undefined)) {
      context.addIssue({ code: "custom", message: "exactly one of orderBook, impact is required" });
    }
  });

export const tierSchema = z.strictObject({
  maxNotional: positive
    .nullable()
    .default(null)
    .describe("Upper notional bound of the bracket; null for the last."),
  maxLeverage: positive.describe("Highest initial leverage allowed in this bracket."),
  rate: openFraction
    .optional()
    .describe(
      "Maintenance margin rate; absent = half the initial margin at max leverage (Hyperliquid).",
    ),
});

/**
 * Binance USD-M BTCUSDT leverage & margin brackets as published in 2020-2021 (Binance Futures
 * "Leverage and Margin of USDⓈ-M Futures"); maintenance amounts follow from these rates.
 */
export const defaultTiers = [
  { maxNotional: 50_000, maxLeverage: 125, rate: 0.004 },
  { maxNotional: 250_000, maxLeverage: 100, rate: 0.005 },
  { maxNotional: 1_000_000, maxLeverage: 50, rate: 0.01 },
  { maxNotional: 10_000_000, maxLeverage: 20, rate: 0.025 },
  { maxNotional: 20_000_000, maxLeverage: 10, rate: 0.05 },
  { maxNotional: 50_000_000, maxLeverage: 5, rate: 0.1 },
  { maxNotional: 100_000_000, maxLeverage: 4, rate: 0.125 },
  { maxNotional: 200_000_000, maxLeverage: 3, rate: 0.15 },
  { maxNotional: 300_000_000, maxLeverage: 2, rate: 0.25 },
  { maxNotional: null, maxLeverage: 1, rate: 0.5 },
];

export const markPriceSchema = z.strictObject({
  kind: z
    .enum(["book", "index", "median", "blend"])
    .default("book")
    .describe(
      "book: book mid; index: external price only; median: median(index, mid, last); blend: weight*mid + (1-weight)*index.",
    ),
  weight: fraction.default(0.5),
});

/** Margin brackets, lowest notional first: bounds increasing, rates not falling, each below 1/maxLeverage. */
export const tiersSchema = z
  .array(tierSchema)
  .min(1)
  .superRefine((tiers, context) => {
    for (let index = 0; index < tiers.length; index++) {
      const tier = tiers[index];
      const last = index === tiers.length - 1;
      if (!last && tier.maxNotional === null) {
        context.addIssue({
          code: "custom",
          path: [index, "maxNotional"],
          message: "only the last tier may be unbounded (null)",
        });
      }
      if (index > 0) {
        const previous = tiers[index - 1];
        if (
          tier.maxNotional !== null &&
          previous.maxNotional !== null &&
          tier.maxNotional <= previous.maxNotional
        ) {
          context.addIssue({
            code: "custom",
            path: [index, "maxNotional"],
            message: `must be above the previous tier's ${previous.maxNotional}`,
          });
        }
        const rate = tier.rate ?? 1 / (2 * tier.maxLeverage);
        const previousRate = previous.rate ?? 1 / (2 * previous.maxLeverage);
        if (rate < previousRate) {
          context.addIssue({
            code: "custom",
            path: [index, "rate"],
            message: `must not fall below the previous tier's ${previousRate}`,
          });
        }
      }
      const rate = tier.rate ?? 1 / (2 * tier.maxLeverage);
      if (rate >= 1 / tier.maxLeverage) {
        context.addIssue({
          code: "custom",
          path: [index, "rate"],
          message: `maintenance rate ${rate} must be below the initial margin 1/maxLeverage = ${1 / tier.maxLeverage}`,
        });
      }
    }
  });

export const fundingSchema = z.strictObject({
  intervalSeconds: positive
    .default(28_800)
    .describe(
      "Seconds between payments: 28800 (8 h) for Binance, 3600 for Hyperliquid. A premium-based interval pays the 8-hour rate × intervalSeconds / 28800.",
    ),
  kind: z.enum(["fixed", "premium"]).default("premium"),
  rate: finite.default(0.0001).describe("Rate per interval when kind is fixed."),
  interestRate: finite
    .default(0.0001)
    .describe(
      "Interest rate I per 8 hours in F8 = P + clamp(I − P, ±0.05 %) (0.01 % on both venues).",
    ),
  cap: positive
    .default(0.0075)
    .describe(
      "Largest rate paid in one interval (±): Binance 0.75 % per 8 h, Hyperliquid 4 % per hour.",
    ),
});

const adlRankings = ["binance", "hyperliquid", "proRata", "none"] as const;

/** Auto-deleveraging (docs/models/waterfall.md, "ADL mechanisms"). */
export const adlSchema = z
  .strictObject({
    ranking: z
      .enum(adlRankings)
      .optional()
      .describe(
        "The mechanism by its first name (one of the rankings); mechanism, when given, wins.",
      ),
    mechanism: z
      .enum([...adlRankings, "pnlProRata", "riskAwareProRata", "budgeted", "online"])
      .optional()
      .describe(
        "Who ADL closes and how much: binance or hyperliquid queues, proRata (by size), pnlProRata (by positive PnL), riskAwareProRata (by PnL × leverage), budgeted (least profit first), online (learned round by round), none. Default: ranking, else binance.",
      ),
    price: z
      .enum(["bankruptcy", "previousMark"])
      .default("bankruptcy")
      .describe(
        "ADL close price: the bankrupt position's bankruptcy price (Binance) or the previous step's mark (Hyperliquid); a deficit beyond bankruptcy goes down the waterfall.",
      ),
    innocentLeverage: positive
      .default(defaultInnocentLeverage)
      .describe("Hit accounts below this effective leverage are counted as innocent."),
    online: z
      .strictObject({
        severityLearningRate: positive.default(defaultOnlineAdl.severityLearningRate),
        weightLearningRate: nonNegative.default(defaultOnlineAdl.weightLearningRate),
        initialSeverity: fraction.default(defaultOnlineAdl.initialSeverity),
        minSeverity: fraction.default(defaultOnlineAdl.minSeverity),
      })
      .optional()
      .describe("Step sizes and bounds of mechanism: online."),
  })
  .superRefine((adl, context) => {
    const mechanism = adl.mechanism ?? adl.ranking;
    if (adl.online !== undefined && mechanism !== "online") {
      context.addIssue({
        code: "custom",
        path: ["online"],
        message: `is only used by mechanism: online, not ${mechanism ?? "binance"}`,
      });
    }
    if (adl.online !== undefined && adl.online.minSeverity > adl.online.initialSeverity) {
      context.addIssue({
        code: "custom",
        path: ["online", "initialSeverity"],
        message: `${adl.online.initialSeverity} is below minSeverity ${adl.online.minSeverity}; allowed: minSeverity ≤ initialSeverity ≤ 1`,
      });
    }
  })
  // `mechanism` wins over `ranking`, so `--set exchange.adl.mechanism=...` works on any scenario;
  // `ranking` is kept only while it names what runs.
  .transform(({ ranking, ...adl }) => {
    const mechanism = adl.mechanism ?? ranking ?? "binance";
    return { ...(ranking === mechanism ? { ranking } : {}), ...adl, mechanism };
  });

export const exchangeSchema = z.strictObject({
  marginMode: marginModeSchema.default("isolated").describe("For positions that name none."),
  maintenanceMarginTiers: tiersSchema.default(defaultTiers),
  liquidationFeeRate: fraction.default(0.005),
  liquidation: z
    .strictObject({
      mode: z
        .enum(["full", "partial", "hyperliquid"])
        .default("full")
        .describe(
          "full: close at once; partial: reduce until the margin target is met (Binance); hyperliquid: 20 % slices over 100k, a 30 s cooldown, the vault below 2/3 of maintenance (Hyperliquid docs, Liquidations).",
        ),
      partialTargetRatio: openFraction
        .default(0.9)
        .describe(
          "Partial mode: close until the remainder's maintenance margin is at most this share of its equity after fees.",
        ),
      maxNotionalPerStep: positive
        .optional()
        .describe("Liquidation engine capacity per step (quote notional); unlimited if absent."),
      maxRoundsPerStep: positiveInteger.default(1000),
      hyperliquid: z
        .strictObject({
          sliceNotional: positive
            .default(100_000)
            .describe("Positions above this notional send only sliceFraction to the book."),
          sliceFraction: openFraction.default(0.2),
          cooldownSeconds: nonNegative
            .default(30)
            .describe(
              "After a slice, liquidation orders of the account are for the whole position.",
            ),
          backstopMarginRatio: openFraction
            .default(2 / 3)
            .describe("The vault takes over below this share of the maintenance margin."),
        })
        .optional()
        .describe("mode: hyperliquid's numbers; Hyperliquid's published ones when absent."),
    })
    .default({ mode: "full", partialTargetRatio: 0.9, maxRoundsPerStep: 1000 }),
  insuranceFund: nonNegative
    .default(0)
    .describe("The shared insurance fund (insuranceFundScope: shared)."),
  insuranceFundScope: z
    .enum(["shared", "market"])
    .default("shared")
    .describe(
      "shared: one fund pays every market's bad debt; market: each market's own markets[].insuranceFund pays its own.",
    ),
  crossMarginBand: openFraction
    .default(0.02)
    .describe(
      "Multi-market cross accounts are indexed by conservative trigger prices valid while every other market stays within ± this band; a tuning knob for speed that never changes results.",
    ),
  backstop: z
    .strictObject({
      capital: positive,
      maxLeverage: positive.default(5),
      unwindNotionalPerStep: nonNegative.default(0),
    })
    .optional()
    .describe("Hyperliquid HLP-style vault that takes over positions the book cannot absorb."),
  adl: adlSchema.default({
    ranking: "binance",
    mechanism: "binance",
    price: "bankruptcy",
    innocentLeverage: defaultInnocentLeverage,
  }),
  markPrice: markPriceSchema.default({ kind: "book", weight: 0.5 }),
  funding: fundingSchema.optional(),
});

export const inlinePositionSchema = z.strictObject({
  account: z.string().min(1),
  market: z
    .string()
    .min(1)
    .optional()
    .describe("Symbol of the position's market; required when the scenario has several markets."),
  side: sideSchema,
  size: positive,
  entryPrice: positive,
  collateral: positive,
  marginMode: marginModeSchema.optional(),
});

const distributionSchema = {
  entryPrice: z.discriminatedUnion("distribution", [
    z.strictObject({
      distribution: z.literal("lognormal"),
      sigma: logSpread.describe("Log-sd of entry price around asset.price."),
    }),
    z.strictObject({
      distribution: z.literal("uniform"),
      low: positive.describe("Lowest entry as a multiple of asset.price."),
      high: positive.describe("Highest entry as a multiple of asset.price."),
    }),
  ]),
  notional: z.discriminatedUnion("distribution", [
    z.strictObject({
      distribution: z.literal("pareto"),
      min: positive,
      alpha: positive,
      max: positive.optional(),
    }),
    z.strictObject({ distribution: z.literal("lognormal"), median: positive, sigma: logSpread }),
    z.strictObject({ distribution: z.literal("fixed"), value: positive }),
  ]),
};

const leverageMixSchema = z
  .record(z.string().regex(/^\d+(\.\d+)?$/, "leverage keys are numbers such as 10"), fraction)
  .refine((mix) => Object.keys(mix).length > 0, { message: "needs at least one leverage" })
  .refine((mix) => Math.abs(Object.values(mix).reduce((sum, share) => sum + share, 0) - 1) < 1e-9, {
    message: "shares must add up to 1",
  });

/** One market's part of a generated population; absent fields take the population's own. */
export const populationMarketSchema = z.strictObject({
  share: fraction
    .optional()
    .describe("Share of generated positions in this market; derived from openInterest if absent."),
  openInterest: positive
    .optional()
    .describe("Target open interest in USD at the start price (the larger side), e.g. 5e9."),
  longShare: fraction.optional(),
  leverage: leverageMixSchema.optional(),
  entryPrice: distributionSchema.entryPrice.optional(),
  notional: distributionSchema.notional.optional(),
});

export const populationSchema = z.strictObject({
  count: positiveInteger,
  longShare: fraction.default(0.5),
  crossShare: fraction.default(0).describe("Share of generated positions on cross margin."),
  leverage: leverageMixSchema,
  entryPrice: distributionSchema.entryPrice.default({ distribution: "lognormal", sigma: 0.03 }),
  notional: distributionSchema.notional.default({
    distribution: "pareto",
    min: 1_000,
    alpha: 1.5,
    max: 5_000_000,
  }),
  markets: z
    .record(z.string().min(1), populationMarketSchema)
    .optional()
    .describe(
      "Per market (by symbol): share or open-interest target and mix; even shares if absent.",
    ),
  crossAccounts: z
    .strictObject({
      marketsPerAccount: z
        .record(z.string().regex(/^[1-9]\d*$/, "keys are market counts such as 2"), fraction)
        .refine(
          (mix) => Math.abs(Object.values(mix).reduce((sum, share) => sum + share, 0) - 1) < 1e-9,
          { message: "shares must add up to 1" },
        )
        .describe(
          "Share of cross accounts by how many markets they hold, e.g. { 1: 0.5, 2: 0.3, 3: 0.2 }.",
        ),
      holdingCorrelation: fraction
        .default(0.5)
        .describe("Gaussian-copula correlation of an account's sides across its markets."),
    })
    .optional()
    .describe("Cross accounts holding several markets at once (multi-market scenarios)."),
});

const csvColumnName = z.string().min(1).optional();

const positionsFormat = "account,side,size,entryPrice,collateral[,marginMode][,market]";

export const positionsSchema = z
  .strictObject({
    inline: z.array(inlinePositionSchema).optional(),
    csv: z
      .union([
        dataFilePath(positionsFormat),
        z.strictObject({
          file: dataFilePath(positionsFormat),
          columns: z
            .strictObject({
              account: csvColumnName,
              side: csvColumnName,
              size: csvColumnName,
              entryPrice: csvColumnName,
              collateral: csvColumnName,
              marginMode: csvColumnName,
              market: csvColumnName,
            })
            .optional()
            .describe("The file's header name of each column that it names differently."),
        }),
      ])
      .optional()
      .describe(
        "A CSV (or Parquet) file: account,side,size,entryPrice,collateral[,marginMode][,market]; extra columns ignored; without side, a negative size is a short.",
      ),
    wallets: dataFilePath("account,wallet")
      .optional()
      .describe(
        "CSV account,wallet: the shared wallet of cross accounts, split over their cross positions in csv by notional.",
      ),
    population: populationSchema.optional(),
  })
  .refine((p) => p.inline !== undefined || p.csv !== undefined || p.population !== undefined, {
    message: "needs at least one of inline, csv, population",
  })
  .refine((p) => p.wallets === undefined || p.csv !== undefined, {
    message: "wallets needs csv: the wallets are split over the cross positions of that file",
    path: ["wallets"],
  });

export const shockSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({ kind: z.literal("instant"), drop: openFraction, at: nonNegativeInteger }),
  z.strictObject({
    kind: z.literal("linear"),
    drop: openFraction,
    from: nonNegativeInteger,
    to: nonNegativeInteger,
  }),
  z.strictObject({
    kind: z.literal("steps"),
    points: z
      .array(z.strictObject({ at: nonNegativeInteger, drop: finite.refine((d) => d < 1) }))
      .min(1),
  }),
  z.strictObject({
    kind: z.literal("path"),
    csv: dataFilePath("Binance kline CSV (open_time,open,high,low,close,...)."),
    column: z.enum(["open", "high", "low", "close"]).default("close"),
    from: z.string().optional().describe("First bar to use (ISO time, UTC)."),
    to: z.string().optional().describe("Last bar to use (ISO time, UTC)."),
    rebase: z.boolean().default(true).describe("Scale the path so it starts at asset.price."),
  }),
  z.strictObject({
    kind: z.literal("gbm"),
    sigmaDaily: positive,
    driftDaily: finite.default(0),
  }),
  z.strictObject({
    kind: z.literal("jump"),
    sigmaDaily: nonNegative,
    jumpsPerDay: positive,
    jumpMean: finite.describe("Mean log jump size (negative for crashes)."),
    jumpSigma: nonNegative,
  }),
  z
    .strictObject({
      kind: z.literal("garch"),
      sigmaDaily: positive.describe("Unconditional daily volatility of log returns."),
      alpha: fraction.default(0.1).describe("Weight of the last squared return."),
      beta: fraction.default(0.85).describe("Weight of the last variance."),
      driftDaily: finite.default(0),
    })
    .refine((garch) => garch.alpha + garch.beta < 1, {
      message: "alpha + beta must be below 1 (a stationary variance)",
      path: ["beta"],
    }),
  regimesShockSchema,
]);

/** One perpetual market of a multi-market exchange; absent rules take the exchange's. */
export const perpMarketSchema = z
  .strictObject({
    symbol: z.string().min(1),
    price: positive.describe("Index price at the start."),
    orderBook: orderBookSchema.optional(),
    impact: impactSchema.optional(),
    maintenanceMarginTiers: tiersSchema
      .optional()
      .describe("This market's brackets; exchange.maintenanceMarginTiers if absent."),
    maxLeverage: positive
      .optional()
      .describe(
        "Hyperliquid-style single tier instead of brackets: maintenance = half the initial margin at max leverage (1 / (2 × maxLeverage)).",
      ),
    markPrice: markPriceSchema.optional(),
    funding: fundingSchema.optional(),
    openInterestCap: positive
      .optional()
      .describe("Open interest (USD at the mark) above which no position may be opened or grown."),
    insuranceFund: nonNegative
      .default(0)
      .describe("This market's own fund when exchange.insuranceFundScope is market."),
    shock: shockSchema
      .optional()
      .describe("This market's own exogenous path; absent = the scenario's shock scaled by beta."),
    beta: finite.default(1).describe("Loading on the scenario's shock (the common factor)."),
    idiosyncraticVolatility: nonNegative
      .default(0)
      .describe("Daily volatility of this market's own driftless GBM on top of the factor."),
  })
  .superRefine((market, context) => {
    if ((market.orderBook === undefined) === (market.impact === undefined)) {
      context.addIssue({ code: "custom", message: "exactly one of orderBook, impact is required" });
    }
    if (market.maxLeverage !== undefined && market.maintenanceMarginTiers !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["maxLeverage"],
        message: "give maxLeverage or maintenanceMarginTiers, not both",
      });
    }
  });

export const scenarioSchema = z
  .strictObject({
    model: z
      .literal("perp")
      .default("perp")
      .describe(
        "perp: a perpetual-futures venue (the default); model: tfg files follow the TFG schema.",
      ),
    name: z.string().min(1),
    description: z.string().optional(),
    seed: nonNegativeInteger.default(42),
    steps: positiveInteger.default(600),
    dt: stepSeconds.default(1).describe("Seconds per step."),
    asset: z
      .strictObject({ symbol: z.string().min(1), price: positive })
      .optional()
      .describe("The one market's asset (with `market`); use `markets` for several."),
    market: marketSchema.optional().describe("The one market's book or impact model."),
    markets: z
      .array(perpMarketSchema)
      .min(1)
      .optional()
      .describe("Several perpetual markets on one exchange, instead of asset + market."),
    correlation: z
      .array(z.array(finite))
      .optional()
      .describe(
        "markets × markets correlation of the markets' normal innovations (own diffusions and idiosyncratic terms).",
      ),
    exchange: exchangeSchema.default(exchangeSchema.parse({})),
    positions: positionsSchema,
    shock: shockSchema.default({ kind: "none" }),
    policy: policySchema.optional(),
    marketMakers: marketMakersSchema.optional(),
    stopLosses: stopLossesSchema.optional(),
    accumulation: accumulationSchema.optional(),
    decomposition: decompositionSchema.optional(),
    sweep: sweepSchema.optional(),
  })
  .superRefine((scenario, context) => {
    if (scenario.markets === undefined) {
      for (const field of ["asset", "market"] as const) {
        if (scenario[field] === undefined) {
          context.addIssue({
            code: "custom",
            path: [field],
            message: `is required (or list several markets in \`markets\` instead of asset + market)`,
          });
        }
      }
      if (scenario.correlation !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["correlation"],
          message: "is only allowed with `markets` (a correlation between several markets)",
        });
      }
      return;
    }
    for (const field of ["asset", "market"] as const) {
      if (scenario[field] !== undefined) {
        context.addIssue({
          code: "custom",
          path: [field],
          message: "use either asset + market (one market) or markets (several), not both",
        });
      }
    }
    const seen = new Map<string, number>();
    scenario.markets.forEach((market, index) => {
      const first = seen.get(market.symbol);
      if (first !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["markets", index, "symbol"],
          message: `markets.${first} has this symbol already; symbols must be unique`,
        });
      }
      seen.set(market.symbol, index);
    });
    const layers = [
      "policy",
      "marketMakers",
      "stopLosses",
      "accumulation",
      "decomposition",
    ] as const;
    if (scenario.markets.length > 1) {
      for (const layer of layers) {
        if (scenario[layer] !== undefined) {
          context.addIssue({
            code: "custom",
            path: [layer],
            message: `the leverage-cycle layers act on a single-market exchange (asset + market), not on ${scenario.markets.length} markets`,
          });
        }
      }
    }
  });

/**
 * Thurner, Farmer & Geanakoplos (2012), src/engine/models/tfg.ts. Defaults are the paper's values
 * as ../shared/REFERENCES.md transcribes them; the symbol of each is in its description.
 */
export const tfgParametersSchema = z
  .strictObject({
    fundamentalValue: positive.default(1).describe("V: the fundamental value funds believe in."),
    shares: positive.default(1000).describe("N: shares outstanding (only W0/(N V) matters)."),
    noiseMemory: finite
      .refine((value) => value >= 0 && value < 1, { message: "must be >= 0 and < 1" })
      .default(0.99)
      .describe("rho: persistence of the noise trader's log demand."),
    noiseVolatility: nonNegative
      .default(0.035)
      .describe("sigma: volatility of the noise trader's log demand."),
    betas: z
      .array(positive)
      .min(1)
      .max(255)
      .default([5, 10, 15, 20, 25, 30, 35, 40, 45, 50])
      .describe("beta_h: aggressiveness of each value fund, one fund per entry."),
    lambdaMax: positive.default(20).describe("lambda_max: the leverage cap set by the bank."),
    initialWealth: positive
      .default(2)
      .describe("W0: a fund's wealth at the start and when it is reintroduced."),
    bankruptcyWealth: nonNegative
      .default(0.2)
      .describe("W_min: a fund whose wealth falls to or below this defaults."),
    reentryDelay: nonNegativeInteger
      .default(100)
      .describe("T_int: steps a defaulted fund waits before it is reintroduced."),
    performanceMemory: fraction
      .default(0.1)
      .describe("a: weight of the latest return in the performance average."),
    flowSensitivity: nonNegative
      .refine((value) => value <= 100, {
        message:
          "must be at most 100 (the paper uses 0.15; larger flows make fund wealth overflow)",
      })
      .default(0.15)
      .describe(
        "b: investor flows per unit of excess performance (paper 0.15; public codes 0.10).",
      ),
    benchmarkReturn: finite
      .refine((value) => value >= 0, {
        message:
          "must be at least 0 (the paper uses 0.005; a benchmark below zero pays the funds inflows that compound until fund wealth overflows)",
      })
      .default(0.005)
      .describe("r_b: the benchmark return of investors, per step."),
    priceBracket: z
      .strictObject({ low: positive, high: positive })
      .refine((bracket) => bracket.high > bracket.low, {
        message: "high must be above low",
        path: ["high"],
      })
      .default({ low: 0.01, high: 5 })
      .describe("Interval searched for the clearing price each step."),
  })
  .refine((parameters) => parameters.initialWealth > parameters.bankruptcyWealth, {
    message: "must be above bankruptcyWealth, or a reintroduced fund defaults at once",
    path: ["initialWealth"],
  });

export const tailStatisticsSchema = z.strictObject({
  burnIn: nonNegativeInteger
    .default(10_000)
    .describe("Steps left out of the statistics at the start (the model's transient)."),
  hillFraction: openFraction
    .default(0.01)
    .describe("Share of the largest |log returns| the Hill tail index uses."),
  acfLags: positiveInteger
    .default(10)
    .describe("Lags 1..acfLags of the autocorrelation of |log returns|."),
});

export const tfgScenarioSchema = z
  .strictObject({
    model: z.literal("tfg"),
    name: z.string().min(1),
    description: z.string().optional(),
    seed: nonNegativeInteger.default(42),
    steps: positiveInteger.default(100_000),
    tfg: tfgParametersSchema.default(tfgParametersSchema.parse({})),
    statistics: tailStatisticsSchema.default(tailStatisticsSchema.parse({})),
  })
  .superRefine((scenario, context) => {
    // Hill needs at least 1 / hillFraction returns to have one in the tail.
    const needed = Math.max(
      scenario.statistics.acfLags + 1,
      Math.ceil(2 / scenario.statistics.hillFraction),
    );
    if (scenario.steps - scenario.statistics.burnIn < needed) {
      context.addIssue({
        code: "custom",
        path: ["statistics", "burnIn"],
        message: `must leave at least ${needed} steps of the ${scenario.steps} for the statistics (acfLags + 1 and 2 / hillFraction)`,
      });
    }
  });

/**
 * Every scenario file: the `model` field picks the schema (perp when absent). `lending` is lazy
 * because lendingSchema.ts reuses shockSchema from this file.
 */
export const scenarioFileSchema = z.discriminatedUnion(
  "model",
  [scenarioSchema, tfgScenarioSchema, z.lazy(() => lendingScenarioSchema)],
  {
    error: "must be perp (the default when absent), tfg or lending",
  },
);

export type Scenario = z.infer<typeof scenarioSchema>;
export type TfgScenario = z.infer<typeof tfgScenarioSchema>;
export type AnyScenario = z.infer<typeof scenarioFileSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type OrderBookConfig = z.infer<typeof orderBookSchema>;
export type ImpactConfig = z.infer<typeof impactSchema>;
export type ExchangeConfig = z.infer<typeof exchangeSchema>;
export type TierConfig = z.infer<typeof tierSchema>;
export type PopulationConfig = z.infer<typeof populationSchema>;
export type ShockConfig = z.infer<typeof shockSchema>;
export type InlinePosition = z.infer<typeof inlinePositionSchema>;
export type MarkPriceConfig = z.infer<typeof markPriceSchema>;
export type MarketConfig = z.infer<typeof marketSchema>;
export type FundingConfig = z.infer<typeof fundingSchema>;
export type PerpMarketConfig = z.infer<typeof perpMarketSchema>;
