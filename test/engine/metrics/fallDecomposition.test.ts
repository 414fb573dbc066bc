import { describe, expect, it } from "vitest";
import type { EngineScenario } from "../../../src/engine/config.ts";
import { explicitPositions } from "../../../src/engine/explicitPositions.ts";
import { decomposePriceFall } from "../../../src/engine/metrics/fallDecomposition.ts";
import { runScenario } from "../../../src/engine/sim.ts";
import { bookMarket, population, scenario } from "../fixtures.ts";

/** A crowded long book on a thin market, stops on the high-leverage half, makers that withdraw. */
function cascade(overrides: Partial<EngineScenario> = {}): EngineScenario {
  return scenario({
    steps: 40,
    dt: 60,
    market: bookMarket(100_000, 1_000_000, { levels: 3_000, tick: 10, halfLife: 600 }),
    positions: { explicit: explicitPositions([]), population: population({ count: 3_000 }) },
    shock: {
      kind: "steps",
      points: [
        { at: 5, drop: -0.05 },
        { at: 10, drop: 0.02 },
      ],
    },
    stopLosses: {
      groups: [
        {
          minLeverage: 20,
          share: 0.5,
          distance: { distribution: "uniform", low: 0.01, high: 0.04 },
        },
      ],
    },
    marketMakers: {
      volatilityWindowSeconds: 600,
      volatilityPrice: "mark",
      referenceVolatility: 0.005,
      volatilitySensitivity: 2,
      inventorySensitivity: 0,
      inventoryLimit: 1e9,
      minDepth: 0.2,
      spreadPerExcess: 0,
      maxWidening: 0.01,
      recoveryHalfLife: 600,
    },
    ...overrides,
  });
}

describe("price-fall decomposition", () => {
  it("the parts add up to the fall from the index top; the cascade's own parts are positive", () => {
    const engine = cascade();
    const full = runScenario(engine, { seed: 5 });
    const split = decomposePriceFall(engine, { seed: 5 }, full);
    // The index tops out at +5 % (step 5) and settles at −2 %: a 6.67 % exogenous fall.
    expect(split.referenceStep).toBe(5);
    expect(split.referencePrice).toBeCloseTo(105_000, 6);
    expect(split.exogenous).toBeCloseTo(1 - 98_000 / 105_000, 12);
    const parts =
      split.exogenous +
      split.stopLosses +
      split.liquidityWithdrawal +
      split.liquidations +
      split.other;
    expect(parts).toBeCloseTo(split.totalFall, 12);
    expect(split.totalFall).toBeGreaterThan(split.exogenous);
    expect(split.liquidations).toBeGreaterThan(0);
    expect(Object.keys(split.counterfactualFalls).sort()).toEqual(
      [
        "liquidations",
        "liquidityWithdrawal",
        "liquidityWithdrawal+liquidations",
        "none",
        "stopLosses",
        "stopLosses+liquidations",
        "stopLosses+liquidityWithdrawal",
      ].sort(),
    );
    // With every endogenous layer off the mark follows the index: nothing but the spread is left.
    expect(Math.abs(split.other)).toBeLessThan(0.001);
  });

  it("a layer the scenario does not have gets a share of exactly zero", () => {
    const engine = cascade({ stopLosses: undefined, marketMakers: undefined });
    const split = decomposePriceFall(engine, { seed: 5 }, runScenario(engine, { seed: 5 }));
    expect(split.stopLosses).toBe(0);
    expect(split.liquidityWithdrawal).toBe(0);
    expect(split.liquidations).toBeCloseTo(split.totalFall - split.exogenous - split.other, 12);
  });
});
