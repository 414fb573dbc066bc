import { describe, expect, it } from "vitest";
import {
  endogenousGapPercent,
  liquidationMarkers,
  markerPriceFraction,
  maxChartPoints,
  maxLiquidationMarkers,
  reportChartData,
} from "../../src/report/chartData.ts";
import { mainScaleExtent, sharedRange } from "../../src/report/client/charts.ts";
import { type FixtureEvent, fixtureAccounts, makeEventLog, makeRunResult } from "./fixtures.ts";

function liquidation(step: number, price: number, quantity: number): FixtureEvent {
  return {
    step,
    round: 1,
    type: "liquidation",
    account: 0,
    side: 1,
    quantity,
    price,
    amount: 0,
    insuranceFund: 0,
  };
}

describe("liquidationMarkers", () => {
  it("sums liquidations of one step within one price bucket into a notional-weighted circle", () => {
    // Start price 100: buckets are 0.25 wide, so 95.5 and 95.6 share one and 96 has its own.
    const events = makeEventLog(
      [
        liquidation(1, 95.5, 2),
        { ...liquidation(1, 95.6, 1), type: "partial_liquidation" },
        liquidation(1, 96, 1),
        liquidation(2, 95.5, 1),
      ],
      fixtureAccounts,
    );
    const markers = liquidationMarkers(events, 100);
    expect(markers.stepWidth).toBe(1);
    expect(markers.priceWidth).toBeCloseTo(100 * markerPriceFraction, 12);
    expect(markers.step).toEqual([1, 1, 2]);
    expect(markers.count).toEqual([2, 1, 1]);
    expect(markers.notional).toEqual([286.6, 96, 95.5]);
    expect(markers.price[0]).toBeCloseTo((191 * 95.5 + 95.6 * 95.6) / 286.6, 4);
    expect(markers.price.slice(1)).toEqual([96, 95.5]);
  });

  it("leaves out events that are not liquidations", () => {
    const events = makeEventLog(
      [
        { ...liquidation(1, 90, 1), type: "adl" },
        { ...liquidation(1, 90, 1), type: "bad_debt" },
        liquidation(1, 90, 1),
      ],
      fixtureAccounts,
    );
    expect(liquidationMarkers(events, 100).count).toEqual([1]);
  });

  it("keeps 600,000 events under the marker budget and loses no notional", () => {
    const events: FixtureEvent[] = [];
    for (let index = 0; index < 600_000; index++) {
      // 3,000 steps, each liquidating across a 30 % price range.
      events.push(liquidation(Math.floor(index / 200), 70 + ((index * 7919) % 3000) / 100, 0.5));
    }
    const log = makeEventLog(events, fixtureAccounts);
    const markers = liquidationMarkers(log, 100);
    expect(markers.step.length).toBeLessThanOrEqual(maxLiquidationMarkers);
    expect(markers.step.length).toBeGreaterThan(maxLiquidationMarkers / 8);
    expect(markers.stepWidth).toBeGreaterThan(1);
    expect(markers.count.reduce((sum, count) => sum + count, 0)).toBe(600_000);
    const expected = events.reduce((sum, event) => sum + event.price * event.quantity, 0);
    const total = markers.notional.reduce((sum, notional) => sum + notional, 0);
    expect(Math.abs(total / expected - 1)).toBeLessThan(1e-6);
    for (let index = 1; index < markers.step.length; index++) {
      expect(markers.step[index]).toBeGreaterThanOrEqual(
        markers.step[index - 1] - markers.stepWidth,
      );
    }
  });
});

describe("series transforms", () => {
  it("measures the endogenous gap in % of the index", () => {
    const gap = endogenousGapPercent(Float64Array.of(100, 90, 80), Float64Array.of(100, 81, 84));
    expect(gap[0]).toBe(0);
    expect(gap[1]).toBeCloseTo(-10, 12);
    expect(gap[2]).toBeCloseTo(5, 12);
  });
});

describe("reportChartData", () => {
  it("draws the worked run step by step", () => {
    const data = reportChartData(makeRunResult());
    expect(data.startPrice).toBe(100);
    expect(data.price[0]).toEqual([0, 1, 2, 3, 4]);
    expect(data.time).toEqual({ dt: 1, startTime: null });
    // Five steps need no buckets: one bar per step, each the step's own total.
    expect(data.barSteps).toBe(1);
    expect(data.liquidations[0]).toEqual([0, 1, 2, 3, 4]);
    expect(data.gap).toHaveLength(2);
    expect(data.rounds).toHaveLength(2);
    expect(data.adl).toHaveLength(2);
    expect(data.liquidationMarkers.step).toEqual([1, 1]);
    expect(data.adlBreakdown.closes).toBe(1);
    expect(data.adlBreakdown.grid).toBeNull();
  });

  it("cuts a 150,000-step run to the point budget and keeps the deepest price", () => {
    const result = makeRunResult({ steps: 150_000 });
    result.timeseries.markPrice.fill(100);
    result.timeseries.markPrice[98_765] = 12.5;
    const data = reportChartData(result);
    for (const chart of [data.price, data.gap, data.rounds, data.funds, data.depth]) {
      expect(chart[0].length).toBeLessThanOrEqual(maxChartPoints);
      for (const column of chart) expect(column).toHaveLength(chart[0].length);
    }
    // 150,000 one-second steps: bars of 10 minutes, so at most 300 of them.
    expect(data.barSteps).toBe(600);
    expect(data.liquidations[0].length).toBe(251);
    expect(data.adl[0].length).toBe(251);
    expect(Math.min(...(data.price[2] as number[]))).toBe(12.5);
    expect(data.price[0]).toContain(98_765);
  });
});

describe("comparison scales", () => {
  it("spans the lines and the liquidation circles of the price chart", () => {
    const data = reportChartData(makeRunResult());
    // The fixture's partial liquidation filled at 0.2, far below the lowest mark (76.6).
    expect(mainScaleExtent(data, "price")).toEqual([0.2, 100]);
    const withoutCircles = {
      ...data,
      liquidationMarkers: { ...data.liquidationMarkers, price: [] },
    };
    const [low, high] = mainScaleExtent(withoutCircles, "price") ?? [0, 0];
    expect(low).toBeCloseTo(76.6, 6);
    expect(high).toBe(100);
  });

  it("gives two runs one padded range, and none when neither has data", () => {
    expect(sharedRange([0, 100], [50, 200])).toEqual([-6, 206]);
    expect(sharedRange(null, [10, 10])).toEqual([9.7, 10.3]);
    expect(sharedRange(null, null)).toBeUndefined();
  });
});
