import type { EngineScenario, PopulationSpec } from "../../src/engine/config.ts";
import { explicitPositions } from "../../src/engine/explicitPositions.ts";
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
): EngineScenario["market"] {
  const levels = levelsFromShape(price, {
    depthPerPercent,
    levels: options.levels ?? 1_000,
    tick: options.tick ?? price / 10_000,
    spreadTicks: 1,
  });
  return { kind: "orderBook", ...levels, resilienceHalfLife: options.halfLife ?? 30 };
}

/** A small perp venue: 2,000 generated positions, 10 % instant drop at step 5. */
export function scenario(overrides: Partial<EngineScenario> = {}): EngineScenario {
  const price = 100_000;
  return {
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
      adl: { ranking: "binance" },
      markPrice: { kind: "book", weight: 0.5 },
    },
    positions: { explicit: explicitPositions([]), population: population() },
    shock: { kind: "instant", drop: 0.1, at: 5 },
    ...overrides,
  };
}
