import { describe, expect, it } from "vitest";
import type { PositionSpec, StopLossSpec } from "../../../src/engine/config.ts";
import { eventTypes } from "../../../src/engine/result.ts";
import { runScenario } from "../../../src/engine/sim.ts";
import { bookMarket, scenario } from "../fixtures.ts";

const stopLoss = eventTypes.indexOf("stop_loss");
const fixed = (distance: number) => ({
  distribution: "uniform" as const,
  low: distance,
  high: distance,
});

describe("a stop-loss order", () => {
  const stops: StopLossSpec = { groups: [{ minLeverage: 0, share: 1, distance: fixed(0.03) }] };
  // 5x long from 100,000: liquidation near 80,400, far below the 97,000 stop and the 90,000 low.
  const alice: PositionSpec = {
    account: "alice",
    side: "long",
    size: 1,
    entryPrice: 100_000,
    collateral: 20_000,
  };
  const result = runScenario(
    scenario({
      steps: 1_000,
      market: bookMarket(100_000, 1e9, { levels: 2_000, tick: 10 }),
      positions: { explicit: [alice] },
      // The index falls 10 per step, from 100,000 to 90,000.
      shock: { kind: "linear", drop: 0.1, from: 0, to: 1_000 },
      stopLosses: stops,
    }),
    { seed: 1 },
  );

  it("triggers in the step the mark first crosses its price and sells into the book", () => {
    const events = result.events;
    const index = Array.from(events.type).indexOf(stopLoss);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(events.accountName(events.account[index])).toBe("alice");
    const step = events.step[index];
    const marks = result.timeseries.markPrice;
    expect(marks[step - 1]).toBeGreaterThan(97_000);
    expect(result.timeseries.indexPrice[step]).toBeLessThanOrEqual(97_000);
    // The mark at index 97,000 sits a rounding error above it: the stop fires one tick later.
    expect(result.timeseries.indexPrice[step]).toBeGreaterThanOrEqual(97_000 - 10);
    // A sell: it fills on the bid, within a tick of the stop price on this deep book.
    expect(events.quantity[index]).toBe(1);
    expect(events.price[index]).toBeLessThanOrEqual(97_000);
    expect(events.price[index]).toBeGreaterThan(97_000 - 20);
    expect(result.timeseries.stopLossNotional[step]).toBeCloseTo(events.notional[index], 6);
  });

  it("is counted apart from liquidations", () => {
    const summary = result.summary;
    expect(summary.stopsPlaced).toBe(1);
    expect(summary.stopLossCount).toBe(1);
    expect(summary.stopLossNotional).toBeGreaterThan(96_980);
    expect(summary.liquidationCount).toBe(0);
    expect(summary.liquidatedNotional).toBe(0);
    expect(Math.abs(summary.ledger.drift)).toBeLessThan(1e-9 * summary.ledger.valueStart);
  });

  it("is not placed behind the liquidation price", () => {
    const far = runScenario(
      scenario({
        positions: { explicit: [alice] },
        stopLosses: { groups: [{ minLeverage: 0, share: 1, distance: fixed(0.3) }] },
      }),
      { seed: 1 },
    );
    expect(far.summary.stopsPlaced).toBe(0);
  });
});

describe("the stop-loss cascade", () => {
  // Four account types by leverage, ten 1-BTC longs each, stops 0.5 %, 1 %, 2 % and 3 % below
  // 100,000. The index falls only 0.6 %: it crosses the first stops alone.
  const wallets = [25_000, 33_000, 50_000, 66_000];
  const explicit: PositionSpec[] = wallets.flatMap((collateral, group) =>
    Array.from({ length: 10 }, (_, member) => ({
      account: `trader-${group}-${member}`,
      side: "long" as const,
      size: 1,
      entryPrice: 100_000,
      collateral,
    })),
  );
  const stops: StopLossSpec = {
    groups: [
      { minLeverage: 3.9, share: 1, distance: fixed(0.005) },
      { minLeverage: 3, share: 1, distance: fixed(0.01) },
      { minLeverage: 1.9, share: 1, distance: fixed(0.02) },
      { minLeverage: 0, share: 1, distance: fixed(0.03) },
    ],
  };
  const run = (stopLosses?: StopLossSpec) =>
    runScenario(
      scenario({
        steps: 20,
        // 5 BTC within each 1 % of price, refilling slowly. The mark is the book mid, so 10 BTC
        // sold moves it about 1 %: each group's sales reach the next group's stops.
        market: bookMarket(100_000, 500_000, { levels: 2_000, tick: 10, halfLife: 600 }),
        positions: { explicit: explicit },
        shock: { kind: "instant", drop: 0.006, at: 5 },
        stopLosses,
      }),
      { seed: 1 },
    );

  it("stops moving the price trigger further stops, in rounds of the same step", () => {
    const result = run(stops);
    const summary = result.summary;
    expect(summary.stopsPlaced).toBe(40);
    expect(summary.stopLossCount).toBe(40);
    expect(summary.minIndexPrice).toBeCloseTo(99_400, 6);
    // The 3 % stops sit at 97,000, far below anything the index did.
    const steps = new Set<number>();
    for (let index = 0; index < result.events.length; index++) {
      if (result.events.type[index] === stopLoss) steps.add(result.events.step[index]);
    }
    expect([...steps]).toEqual([5]);
    expect(result.timeseries.cascadeRounds[5]).toBeGreaterThanOrEqual(4);
    expect(summary.minPrice).toBeLessThan(97_000);
    expect(result.timeseries.bidDepth1pct[5]).toBeLessThan(result.timeseries.bidDepth1pct[4]);
    expect(summary.liquidationCount).toBe(0);
    expect(Math.abs(summary.ledger.drift)).toBeLessThan(1e-9 * summary.ledger.valueStart);
  });

  it("without stops the same shock barely moves the mark", () => {
    const result = run(undefined);
    expect(result.summary.stopLossCount).toBe(0);
    expect(result.summary.minPrice).toBeGreaterThan(99_300);
  });
});
