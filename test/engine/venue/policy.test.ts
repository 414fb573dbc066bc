import { describe, expect, it } from "vitest";
import type { PolicySpec, PositionSpec, StopLossSpec } from "../../../src/engine/config.ts";
import { explicitPositions } from "../../../src/engine/explicitPositions.ts";
import { eventTypes } from "../../../src/engine/result.ts";
import { runScenario } from "../../../src/engine/sim.ts";
import { MarginTiers } from "../../../src/engine/venue/marginTiers.ts";
import { RealisedVolatility, scaledTiers, VenuePolicy } from "../../../src/engine/venue/policy.ts";
import { defaultTiers } from "../../../src/scenario/schema.ts";
import { bookMarket, scenario } from "../fixtures.ts";

const policy = (overrides: Partial<PolicySpec> = {}): PolicySpec => ({
  volatilityWindowSeconds: 10,
  volatilityPrice: "mark",
  thresholdRules: [],
  ...overrides,
});
const liquidation = eventTypes.indexOf("liquidation");
const stopLoss = eventTypes.indexOf("stop_loss");
const firstStep = (events: ReturnType<typeof runScenario>["events"], type: number): number => {
  const index = Array.from(events.type).indexOf(type);
  return index < 0 ? -1 : events.step[index];
};
// 20x isolated long: liquidation price 95,427.14 under the plain Binance brackets.
const twentyX: PositionSpec = {
  account: "alice",
  side: "long",
  size: 1,
  entryPrice: 100_000,
  collateral: 5_000,
};

describe("realised volatility", () => {
  it("is sqrt of the summed squared log returns in the window", () => {
    const volatility = new RealisedVolatility(2);
    for (const price of [100, 101, 100, 102]) volatility.observe(price);
    // Window of 2: ln(100/101)² + ln(102/100)² = 0.0000990091 + 0.0003921443.
    expect(volatility.value).toBeCloseTo(0.022162, 6);
  });
});

describe("maintenance-margin multiplier", () => {
  it("threshold rules: the largest multiplier whose threshold is passed", () => {
    const rules = new VenuePolicy(
      policy({
        thresholdRules: [
          { volatilityAbove: 0.02, maintenanceMultiplier: 1.5 },
          { volatilityAbove: 0.05, maintenanceMultiplier: 2 },
        ],
      }),
      defaultTiers,
      1,
    );
    expect(rules.multiplierFor(0.01)).toBe(1);
    expect(rules.multiplierFor(0.03)).toBe(1.5);
    expect(rules.multiplierFor(0.06)).toBe(2);
  });

  it("continuous scaling: 1 + slope × (vol / reference − 1), between 1 and the cap", () => {
    const scaling = new VenuePolicy(
      policy({ marginScaling: { referenceVolatility: 0.01, slope: 0.5, maxMultiplier: 3 } }),
      defaultTiers,
      1,
    );
    expect(scaling.multiplierFor(0.005)).toBe(1);
    expect(scaling.multiplierFor(0.03)).toBe(2);
    expect(scaling.multiplierFor(0.2)).toBe(3);
  });

  it("scales every bracket's rate, and so its maintenance amount (Binance cum formula)", () => {
    const doubled = new MarginTiers(scaledTiers(defaultTiers, 2));
    // Bracket 2 (50k–250k): rate 1 %, amount 50,000 × (1 % − 0.8 %) = 100; plain: 0.5 %, 50.
    expect(doubled.maintenanceAmount[1]).toBeCloseTo(100, 9);
    expect(doubled.maintenanceMargin(100_000)).toBeCloseTo(900, 9);
    expect(new MarginTiers(defaultTiers).maintenanceMargin(100_000)).toBeCloseTo(450, 9);
  });

  it("liquidates a position the plain brackets would have kept", () => {
    // Three multiplied: rate 1.5 %, amount 150, LP = (5,000 + 150 − 100,000) / (0.015 − 1) = 96,294.42.
    const scaled = new MarginTiers(scaledTiers(defaultTiers, 3));
    expect(scaled.liquidationPrice(1, 1, 100_000, 5_000)).toBeCloseTo(96_294.42, 2);
    const run = (withPolicy: boolean) =>
      runScenario(
        scenario({
          steps: 30,
          market: bookMarket(100_000, 1e9, { levels: 2_000, tick: 10 }),
          positions: { explicit: explicitPositions([twentyX]) },
          // A rough patch that stays above 95,427 and ends at 96,000.
          shock: {
            kind: "steps",
            points: [
              { at: 5, drop: 0.03 },
              { at: 6, drop: 0 },
              { at: 7, drop: 0.03 },
              { at: 8, drop: 0.04 },
            ],
          },
          policy: withPolicy
            ? policy({ thresholdRules: [{ volatilityAbove: 0.01, maintenanceMultiplier: 3 }] })
            : undefined,
        }),
        { seed: 1 },
      );
    const plain = run(false);
    expect(plain.summary.liquidationCount).toBe(0);
    const tightened = run(true);
    expect(tightened.summary.maxMarginMultiplier).toBe(3);
    expect(tightened.summary.liquidationCount).toBe(1);
    // Step 5's 3 % return sets the multiplier; 100,000 and 97,000 stay above 96,294, 96,000 does not.
    expect(firstStep(tightened.events, liquidation)).toBe(8);
    expect(tightened.timeseries.marginMultiplier[5]).toBe(3);
  });
});

describe("collateral haircut", () => {
  it("a 20 % haircut counts a 5,000 wallet as 4,000 and moves the liquidation up to 96,432.16", () => {
    // (4,000 + 50 − 100,000) / (0.005 − 1) = 96,432.16.
    expect(new MarginTiers(defaultTiers).liquidationPrice(1, 1, 100_000, 4_000)).toBeCloseTo(
      96_432.16,
      2,
    );
    const result = runScenario(
      scenario({
        steps: 1_000,
        market: bookMarket(100_000, 1e9, { levels: 2_000, tick: 10 }),
        positions: { explicit: explicitPositions([twentyX]) },
        shock: { kind: "linear", drop: 0.1, from: 0, to: 1_000 },
        policy: policy({ collateralHaircut: { base: 0.2, perVolatility: 0, max: 0.5 } }),
      }),
      { seed: 1 },
    );
    const step = firstStep(result.events, liquidation);
    expect(result.timeseries.collateralHaircut[step]).toBe(0.2);
    expect(result.timeseries.markPrice[step - 1]).toBeGreaterThan(96_432.16);
    expect(result.timeseries.indexPrice[step]).toBeLessThanOrEqual(96_432.16);
    expect(result.timeseries.indexPrice[step]).toBeGreaterThanOrEqual(96_432.16 - 10);
  });
});

describe("open-interest cap", () => {
  it("stops accumulation agents opening beyond it", () => {
    const run = (openInterestCap?: number) =>
      runScenario(
        scenario({
          steps: 200,
          dt: 60,
          market: bookMarket(100_000, 1e8, { levels: 2_000, tick: 10 }),
          positions: { explicit: explicitPositions([]) },
          shock: { kind: "none" },
          accumulation: {
            rebalanceSeconds: 60,
            volatilityWindowSeconds: 600,
            volatilityPrice: "mark",
            agents: [
              {
                kind: "trendFollower",
                count: 10,
                capital: 100_000,
                maxLeverage: 5,
                targetVolatility: 0.01,
                lookbackSeconds: 60,
                threshold: -1,
                maxFundingRate: 0.001,
                speed: 0.5,
              },
            ],
          },
          policy: policy({ openInterestCap }),
        }),
        { seed: 1 },
      );
    // Uncapped, ten agents of 100,000 at 5x reach about 5,000,000.
    expect(run().summary.peakOpenInterest).toBeGreaterThan(4_500_000);
    const capped = run(1_000_000);
    expect(capped.summary.peakOpenInterest).toBeGreaterThan(990_000);
    expect(capped.summary.peakOpenInterest).toBeLessThanOrEqual(1_000_000 * 1.01);
  });
});

describe("circuit breaker", () => {
  // A 6 % drop at step 5 trips a 5 % / 5-step breaker; trading halts for steps 6 to 15. The
  // second leg (to −10 % at step 8) crosses a 10x long's liquidation price (about 90,500) and
  // an 8 % stop on a 2x long.
  const stops: StopLossSpec = {
    groups: [
      { minLeverage: 0, share: 1, distance: { distribution: "uniform", low: 0.08, high: 0.08 } },
    ],
  };
  const run = (haltLiquidations: boolean) =>
    runScenario(
      scenario({
        steps: 30,
        market: bookMarket(100_000, 1e9, { levels: 2_000, tick: 10 }),
        positions: {
          explicit: explicitPositions([
            { account: "ten", side: "long", size: 1, entryPrice: 100_000, collateral: 10_000 },
            { account: "two", side: "long", size: 1, entryPrice: 100_000, collateral: 50_000 },
          ]),
        },
        shock: {
          kind: "steps",
          points: [
            { at: 5, drop: 0.06 },
            { at: 8, drop: 0.1 },
          ],
        },
        stopLosses: stops,
        policy: policy({
          circuitBreaker: { move: 0.05, windowSeconds: 5, haltSeconds: 10, haltLiquidations },
        }),
      }),
      { seed: 1 },
    );

  it("halts stops for N steps; liquidations keep running unless told to stop", () => {
    const running = run(false);
    const halted = Array.from(running.timeseries.haltActive.slice(0, 20));
    expect(halted).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(running.summary.haltCount).toBe(1);
    expect(firstStep(running.events, liquidation)).toBe(8);
    expect(firstStep(running.events, stopLoss)).toBe(16);

    const stopped = run(true);
    expect(firstStep(stopped.events, liquidation)).toBe(16);
  });
});
