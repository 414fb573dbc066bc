import { describe, expect, it } from "vitest";
import type { PositionSpec } from "../../src/engine/config.ts";
import { eventTypes, type RunResult } from "../../src/engine/result.ts";
import { runScenario } from "../../src/engine/sim.ts";
import { bookMarket, scenario } from "./fixtures.ts";

function typesOf(result: RunResult): string[] {
  return Array.from(result.events.type, (code) => eventTypes[code]);
}

const alice: PositionSpec = {
  account: "alice",
  side: "long",
  size: 10,
  entryPrice: 100_000,
  collateral: 50_000, // 20x
};
const bob: PositionSpec = {
  account: "bob",
  side: "short",
  size: 10,
  entryPrice: 100_000,
  collateral: 200_000,
};

describe("liquidation fee", () => {
  it("is feeRate × closed notional when equity covers it, and goes to the insurance fund", () => {
    // 954k notional is in bracket 3 (1 %, cum 1,300): LP = (50,000 + 1,300 − 1,000,000) / (0.1 − 10)
    // = 95,828. A 4.2 % drop to 95,800 liquidates her with equity 8,000 > fee 0.5 % × 958,000.
    const result = runScenario(
      scenario({
        steps: 10,
        market: bookMarket(100_000, 1e10, { levels: 2_000, tick: 1 }),
        positions: { explicit: [alice, bob] },
        shock: { kind: "instant", drop: 0.042, at: 2 },
      }),
      { seed: 1 },
    );
    const types = typesOf(result);
    const liquidation = types.indexOf("liquidation");
    const fee = types.indexOf("liquidation_fee");
    const notional = result.events.notional[liquidation];
    expect(result.events.amount[fee]).toBeCloseTo(0.005 * notional, 6);
    expect(result.summary.insuranceFundEnd - result.summary.insuranceFundStart).toBeCloseTo(
      0.005 * notional,
      6,
    );
    expect(result.summary.badDebt).toBe(0);
  });
});

describe("loss waterfall", () => {
  it("runs fund → backstop → ADL in order, each step an event", () => {
    // A 5.2 % gap takes the 20x long (bankrupt at 95,000) to 94,800. The book holds about 3 BTC
    // of bids, filled below bankruptcy: bad debt, paid by the fund (5,000). The other 7 BTC find
    // no bids: the vault (20,000 at 5x) takes about 1 BTC at the bankruptcy price, ADL the rest.
    const result = runScenario(
      scenario({
        steps: 6,
        market: bookMarket(100_000, 300_000, { levels: 100, tick: 10 }),
        exchange: {
          ...scenario().exchange,
          insuranceFund: 5_000,
          backstop: { capital: 20_000, maxLeverage: 5, unwindNotionalPerStep: 0 },
          adl: { ranking: "binance" },
        },
        positions: { explicit: [alice, bob] },
        shock: { kind: "instant", drop: 0.052, at: 2 },
      }),
      { seed: 1 },
    );
    const types = typesOf(result);
    const first = (type: string) => types.indexOf(type);
    expect(first("liquidation")).toBeGreaterThanOrEqual(0);
    expect(first("bad_debt")).toBeGreaterThan(first("liquidation"));
    expect(first("insurance_fund_cover")).toBeGreaterThan(first("bad_debt"));
    expect(first("backstop_takeover")).toBeGreaterThan(first("insurance_fund_cover"));
    expect(first("adl")).toBeGreaterThan(first("backstop_takeover"));
    expect(result.summary.insuranceFundEnd).toBeGreaterThanOrEqual(0);
    // Alice is fully closed; whatever the book could not take went to the vault and to bob.
    expect(result.summary.adlNotional).toBeGreaterThan(0);
    expect(Math.abs(result.summary.ledger.drift)).toBeLessThan(
      1e-9 * result.summary.ledger.valueStart,
    );
  });

  it("with ADL off, what the book cannot take is socialised, and beyond profits the exchange loses", () => {
    const result = runScenario(
      scenario({
        steps: 6,
        market: bookMarket(100_000, 300_000, { levels: 100, tick: 10 }),
        exchange: { ...scenario().exchange, insuranceFund: 0, adl: { ranking: "none" } },
        positions: { explicit: [alice, bob] },
        shock: { kind: "instant", drop: 0.1, at: 2 },
      }),
      { seed: 1 },
    );
    expect(result.summary.adlNotional).toBe(0);
    expect(result.summary.socializedLoss + result.summary.exchangeLoss).toBeCloseTo(
      result.summary.badDebt,
      6,
    );
    expect(typesOf(result)).toContain("socialized_loss");
  });
});

describe("pro-rata ADL", () => {
  it("splits the bankrupt volume over the winners by size, at the bankruptcy price, once per round", () => {
    // Alice (bankrupt at 95,000) finds no bids above it and no fund: all 10 BTC go to ADL.
    // Bob (10 BTC short) and Carol (30 BTC short) take 2.5 and 7.5, each in one event.
    const carol: PositionSpec = { ...bob, account: "carol", size: 30, collateral: 600_000 };
    const result = runScenario(
      scenario({
        steps: 4,
        market: bookMarket(100_000, 300_000, { levels: 100, tick: 10 }),
        exchange: { ...scenario().exchange, insuranceFund: 0, adl: { ranking: "proRata" } },
        positions: { explicit: [alice, bob, carol] },
        shock: { kind: "instant", drop: 0.1, at: 2 },
      }),
      { seed: 1 },
    );
    const events = result.events;
    const adl = Array.from(typesOf(result).entries()).filter(([, type]) => type === "adl");
    const byAccount = new Map(
      adl.map(([index]) => [events.accountName(events.account[index]), index]),
    );
    expect(adl).toHaveLength(2);
    expect(events.quantity[byAccount.get("bob") as number]).toBeCloseTo(2.5, 12);
    expect(events.quantity[byAccount.get("carol") as number]).toBeCloseTo(7.5, 12);
    expect(events.price[byAccount.get("carol") as number]).toBeCloseTo(95_000, 9);
    expect(result.summary.adlNotional).toBeCloseTo(950_000, 6);
    expect(Math.abs(result.summary.ledger.drift)).toBeLessThan(
      1e-9 * result.summary.ledger.valueStart,
    );
  });
});

describe("liquidation modes", () => {
  it("partial: closes just enough to restore margin and keeps the rest open", () => {
    // 50 BTC long at 100,000, 10x (5M notional, bracket 4: 2.5 %, cum 16,300): LP = 91,973.
    // An 8.2 % drop to 91,800: equity 90,000, so about 4.25M of notional can stay open.
    const whale: PositionSpec = {
      account: "whale",
      side: "long",
      size: 50,
      entryPrice: 100_000,
      collateral: 500_000,
    };
    const result = runScenario(
      scenario({
        steps: 5,
        market: bookMarket(100_000, 1e10, { levels: 2_000, tick: 1 }),
        exchange: {
          ...scenario().exchange,
          liquidation: { mode: "partial", partialTargetRatio: 0.9, maxRoundsPerStep: 1000 },
        },
        positions: {
          explicit: [whale, { ...bob, size: 50, collateral: 5_000_000 }],
        },
        shock: { kind: "instant", drop: 0.082, at: 2 },
      }),
      { seed: 1 },
    );
    const types = typesOf(result);
    const partial = types.indexOf("partial_liquidation");
    expect(partial).toBeGreaterThanOrEqual(0);
    expect(result.events.quantity[partial]).toBeLessThan(50);
    expect(result.summary.partialLiquidationCount).toBeGreaterThan(0);
    expect(result.summary.openInterestEnd).toBeGreaterThan(0);
  });

  it("capacity: no step liquidates more notional than the engine's per-step limit", () => {
    const capacity = 300_000;
    // A fund large enough that everything goes through the book (ADL closes at bankruptcy
    // prices, which are not bounded by the mark the capacity is measured at).
    const result = runScenario(
      scenario({
        exchange: {
          ...scenario().exchange,
          insuranceFund: 1e9,
          liquidation: {
            mode: "full",
            maxNotionalPerStep: capacity,
            partialTargetRatio: 0.9,
            maxRoundsPerStep: 1000,
          },
        },
      }),
      { seed: 4 },
    );
    const perStep = result.timeseries.liquidatedNotional;
    let stepsWithLiquidations = 0;
    for (const notional of perStep) {
      // Fills are at or below the mark the capacity is measured at (sells into bids).
      expect(notional).toBeLessThanOrEqual(capacity * (1 + 1e-9));
      if (notional > 0) stepsWithLiquidations++;
    }
    expect(stepsWithLiquidations).toBeGreaterThan(3);
  });
});
