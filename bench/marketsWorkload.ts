/**
 * The multi-market cascade workload (issue 10, "Done when"): 1,000,000 generated positions over
 * 20 markets, half of them on cross margin with cross accounts holding up to three markets, the
 * standard leverage mix, and a 10 % instant drop of the factor at step 5 that each market
 * follows with its beta (0.8 to 1.6; BTC 1), run for 60 one-second steps.
 */
import type { EngineScenario, PerpMarketSpec } from "../src/engine/config.ts";
import { explicitPositions } from "../src/engine/explicitPositions.ts";
import { levelsFromShape } from "../src/engine/market/orderBook.ts";
import { defaultTiers } from "../src/scenario/schema.ts";

const marketCount = 20;
/** Share of positions: BTC 30 %, ETH 20 %, the other 18 markets the rest evenly. */
const shares = [
  0.3,
  0.2,
  ...Array.from({ length: marketCount - 2 }, () => 0.5 / (marketCount - 2)),
];
const prices = [
  100_000, 4_000, 200, 150, 80, 40, 25, 12, 8, 5, 3, 2, 1.5, 1, 0.8, 0.5, 0.3, 0.2, 0.1, 0.05,
];
const mix = { "5": 0.15, "10": 0.3, "25": 0.25, "50": 0.2, "100": 0.1 };
const entryPrice = { distribution: "lognormal" as const, sigma: 0.03 };
const notional = { distribution: "pareto" as const, min: 1_000, alpha: 1.5, max: 2_000_000 };

export function marketsWorkload(count = 1_000_000): EngineScenario {
  const markets: PerpMarketSpec[] = prices.map((price, index) => ({
    symbol: index === 0 ? "BTC" : index === 1 ? "ETH" : `ALT${index - 1}`,
    price,
    liquidity: {
      kind: "orderBook",
      // Depth in proportion to the market's share of positions: $200M per 1 % for all of them.
      ...levelsFromShape(price, {
        depthPerPercent: 200_000_000 * shares[index],
        levels: 2_000,
        tick: price / 10_000,
        spreadTicks: 1,
      }),
      resilienceHalfLife: 30,
    },
    maintenanceMarginTiers: defaultTiers,
    markPrice: { kind: "book", weight: 0.5 },
    insuranceFund: 0,
    exogenous: {
      kind: "factor",
      beta: index === 0 ? 1 : 0.8 + (0.8 * (index - 1)) / (marketCount - 2),
      idiosyncraticVolatility: 0,
    },
  }));
  return {
    name: "bench-1m-20-markets",
    steps: 60,
    dt: 1,
    markets,
    factor: { kind: "instant", drop: 0.1, at: 5 },
    exchange: {
      marginMode: "isolated",
      liquidationFeeRate: 0.005,
      liquidation: { mode: "full", partialTargetRatio: 0.9, maxRoundsPerStep: 1000 },
      insuranceFund: 50_000_000,
      insuranceFundScope: "shared",
      adl: { ranking: "binance" },
      crossMarginBand: 0.02,
    },
    positions: {
      explicit: explicitPositions([]),
      population: {
        count,
        longShare: 0.8,
        crossShare: 0.5,
        leverage: mix,
        entryPrice,
        notional,
        markets: shares.map((share) => ({
          share,
          longShare: 0.8,
          leverage: mix,
          entryPrice,
          notional,
        })),
        crossAccounts: {
          marketsPerAccount: { "1": 0.4, "2": 0.35, "3": 0.25 },
          holdingCorrelation: 0.6,
        },
      },
    },
  };
}
