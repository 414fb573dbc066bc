/**
 * Scenario sections of the leverage cycle (issue 4): venue policy, market makers that withdraw,
 * stop-loss orders, accumulation agents, the regime-switching shock and the price-fall
 * decomposition. All are optional: a scenario without them runs exactly as before.
 */
import { z } from "zod";
import {
  finite,
  fraction,
  logSpread,
  nonNegative,
  positive,
  positiveInteger,
} from "./primitives.ts";

const atLeastOne = finite.refine((value) => value >= 1, {
  message: "must be >= 1 (a policy rule may only tighten margins)",
});

const volatilityWindow = positive
  .default(3600)
  .describe("Seconds of returns in the realised volatility sqrt(sum r^2).");
const volatilityPrice = z
  .enum(["mark", "index"])
  .default("mark")
  .describe(
    "mark: the venue's own price, so the cascade feeds back; index: the external price only.",
  );

export const policySchema = z
  .strictObject({
    volatilityWindowSeconds: volatilityWindow,
    volatilityPrice,
    marginScaling: z
      .strictObject({
        referenceVolatility: positive.describe("Volatility at which the multiplier is 1."),
        slope: nonNegative.describe("Multiplier = 1 + slope x (vol / reference - 1), at least 1."),
        maxMultiplier: atLeastOne.default(3).describe("Largest multiplier the scaling gives."),
      })
      .optional()
      .describe("Maintenance-margin rates scaled continuously with realised volatility."),
    thresholdRules: z
      .array(
        z.strictObject({
          volatilityAbove: positive.describe("Realised volatility above which the rule applies."),
          maintenanceMultiplier: atLeastOne.describe("Maintenance-margin rates x this."),
        }),
      )
      .default([])
      .describe('"vol above x -> maintenance margin x y"; the largest applicable multiplier wins.'),
    collateralHaircut: z
      .strictObject({
        base: fraction.default(0).describe("Haircut on the wallet at zero volatility."),
        perVolatility: nonNegative.describe("Added haircut per unit of realised volatility."),
        max: fraction.default(0.5).describe("Largest haircut."),
      })
      .optional()
      .describe("The wallet counts for margin as wallet x (1 - haircut)."),
    openInterestCap: positive
      .optional()
      .describe("Open interest (quote, at the mark) above which nothing new may be opened."),
    circuitBreaker: z
      .strictObject({
        move: z
          .number()
          .refine((value) => value > 0 && value < 1, {
            message: "must be strictly between 0 and 1",
          })
          .describe("Relative mark move over the window that halts trading."),
        windowSeconds: positive.describe("Window the move is measured over."),
        haltSeconds: positive.describe("How long trading stops."),
        haltLiquidations: z
          .boolean()
          .default(false)
          .describe("true: the liquidation engine stops too; false: liquidations keep running."),
      })
      .optional(),
  })
  .describe("Pro-cyclical venue policy: margins, haircuts, caps and halts that follow volatility.");

export const marketMakersSchema = z
  .strictObject({
    volatilityWindowSeconds: volatilityWindow,
    volatilityPrice,
    referenceVolatility: positive.describe("Volatility at and below which makers quote in full."),
    volatilitySensitivity: nonNegative
      .default(1)
      .describe("Depth target falls as 1 / (1 + this x excess volatility + ...)."),
    inventorySensitivity: nonNegative
      .default(0)
      .describe("Depth target falls with |maker inventory| / inventoryLimit times this."),
    inventoryLimit: positive
      .default(1e9)
      .describe("Makers' net position (quote) counted as one unit of inventory load."),
    minDepth: z
      .number()
      .refine((value) => value > 0 && value <= 1, { message: "must be > 0 and <= 1" })
      .default(0.1)
      .describe("Least share of the calm book's depth the makers keep quoting."),
    spreadPerExcess: nonNegative
      .default(0)
      .describe("Extra half-spread (fraction of price) per unit of excess volatility."),
    maxWidening: z
      .number()
      .refine((value) => value >= 0 && value < 0.5, { message: "must be >= 0 and < 0.5" })
      .default(0.01)
      .describe("Largest extra half-spread."),
    recoveryHalfLife: positive.describe(
      "Seconds for withdrawn depth to come back half-way once calm (must be > 0).",
    ),
  })
  .describe("Market makers whose depth shrinks and spread widens with volatility and inventory.");

const distanceSchema = z.discriminatedUnion("distribution", [
  z.strictObject({
    distribution: z.literal("uniform"),
    low: positive.describe("Smallest stop distance, a fraction of the entry price."),
    high: positive.describe("Largest stop distance."),
  }),
  z.strictObject({
    distribution: z.literal("lognormal"),
    median: positive.describe("Median stop distance, a fraction of the entry price."),
    sigma: logSpread.describe("Log-sd of the distance."),
  }),
]);

export const stopLossesSchema = z
  .strictObject({
    groups: z
      .array(
        z.strictObject({
          minLeverage: nonNegative.describe("Account type: positions at or above this leverage."),
          share: fraction.describe("Share of those positions with a resting stop."),
          distance: distanceSchema,
        }),
      )
      .min(1, "needs at least one group")
      .superRefine((groups, context) => {
        for (let index = 1; index < groups.length; index++) {
          if (groups[index].minLeverage >= groups[index - 1].minLeverage) {
            context.addIssue({
              code: "custom",
              path: [index, "minLeverage"],
              message: `${groups[index].minLeverage} must be below the previous group's ${groups[index - 1].minLeverage}; groups are listed highest leverage first`,
            });
          }
        }
        groups.forEach((group, index) => {
          const distance = group.distance;
          if (distance.distribution === "uniform" && distance.high < distance.low) {
            context.addIssue({
              code: "custom",
              path: [index, "distance", "high"],
              message: `${distance.high} must be at least low (${distance.low})`,
            });
          }
        });
      }),
  })
  .describe("Resting stop-loss orders on the starting positions, by account type.");

const agentSchema = z
  .strictObject({
    kind: z.enum(["targetLeverage", "trendFollower", "fundingSensitive"]),
    count: positiveInteger,
    capital: positive.describe("Wallet of each agent (quote)."),
    maxLeverage: positive.default(10).describe("Highest leverage the agent takes."),
    targetVolatility: positive
      .default(0.01)
      .describe("targetLeverage: leverage = min(maxLeverage, targetVolatility / vol)."),
    lookbackSeconds: positive.default(3600).describe("trendFollower: momentum window."),
    threshold: finite.default(0).describe("trendFollower: hold while the return exceeds this."),
    maxFundingRate: positive
      .default(0.0005)
      .describe("fundingSensitive: no position at or above this funding rate per interval."),
    speed: z
      .number()
      .refine((value) => value > 0 && value <= 1, { message: "must be > 0 and <= 1" })
      .default(0.2)
      .describe("Share of the gap to target traded per rebalance."),
  })
  .describe("One group of identical agents.");

export const accumulationSchema = z
  .strictObject({
    rebalanceSeconds: positive.default(300),
    volatilityWindowSeconds: volatilityWindow,
    volatilityPrice,
    agents: z.array(agentSchema).min(1, "needs at least one agent group"),
  })
  .describe("Leveraged agents that open and grow positions during the run.");

export const regimesShockSchema = z.strictObject({
  kind: z.literal("regimes"),
  regimes: z
    .array(
      z.strictObject({
        steps: positiveInteger.describe("Steps this regime lasts; the last one continues."),
        sigmaDaily: logSpread.describe("Daily volatility of log returns (at most 10: 1,000 %)."),
        driftDaily: finite.default(0).describe("Daily drift of log returns."),
      }),
    )
    .min(1, "needs at least one regime"),
});

export const decompositionSchema = z
  .boolean()
  .describe(
    "Split the price fall into exogenous, liquidations, stop-losses and liquidity withdrawal by counterfactual re-runs.",
  );
