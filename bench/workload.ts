/**
 * The standard cascade workload (issue 2, "Speed"): 1,000,000 generated positions with the
 * 5x 15 % / 10x 30 % / 25x 25 % / 50x 20 % / 100x 10 % leverage mix, a parametric book and a
 * 10 % instant drop, run until the cascade ends.
 */
import type { EngineScenario } from "../src/engine/config.ts";
import { explicitPositions } from "../src/engine/explicitPositions.ts";
import { levelsFromShape } from "../src/engine/market/orderBook.ts";
import { defaultTiers } from "../src/scenario/schema.ts";

export function standardWorkload(count = 1_000_000): EngineScenario {
  const price = 100_000;
  return {
    name: "bench-1m",
    steps: 60,
    dt: 1,
    markets: [
      {
        symbol: "BTC",
        price,
        liquidity: {
          kind: "orderBook",
          ...levelsFromShape(price, {
            depthPerPercent: 200_000_000,
            levels: 2_000,
            tick: 10,
            spreadTicks: 1,
          }),
          resilienceHalfLife: 30,
        },
        maintenanceMarginTiers: defaultTiers,
        markPrice: { kind: "book", weight: 0.5 },
        insuranceFund: 0,
        exogenous: { kind: "own", shock: { kind: "instant", drop: 0.1, at: 5 } },
      },
    ],
    exchange: {
      marginMode: "isolated",
      liquidationFeeRate: 0.005,
      liquidation: { mode: "full", partialTargetRatio: 0.9, maxRoundsPerStep: 1000 },
      insuranceFund: 50_000_000,
      insuranceFundScope: "shared",
      adl: { ranking: "binance", mechanism: "binance", price: "bankruptcy", innocentLeverage: 2 },
      crossMarginBand: 0.02,
    },
    positions: {
      explicit: explicitPositions([]),
      population: {
        count,
        longShare: 0.8,
        crossShare: 0,
        leverage: { "5": 0.15, "10": 0.3, "25": 0.25, "50": 0.2, "100": 0.1 },
        entryPrice: { distribution: "lognormal", sigma: 0.03 },
        notional: { distribution: "pareto", min: 1_000, alpha: 1.5, max: 2_000_000 },
      },
    },
  };
}
