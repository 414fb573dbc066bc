import { describe, expect, it } from "vitest";
import type { ShockSpec } from "../../src/engine/config.ts";
import { eventTypes, type RunResult } from "../../src/engine/result.ts";
import { runScenario } from "../../src/engine/sim.ts";
import { bookMarket, scenario } from "./fixtures.ts";

const type = (name: (typeof eventTypes)[number]) => eventTypes.indexOf(name);

/**
 * Long 2 BTC at 100,000 with 10,000 (20x) on a 40x Hyperliquid market (maintenance 1/80 of
 * notional), a deep book and mark = index, in Hyperliquid liquidation mode with a vault.
 * Equity at P: 10,000 + 2 (P − 100,000); maintenance 0.025 P: liquidatable once P ≤ 96,202.53.
 */
function run(shock: ShockSpec, steps = 60): RunResult {
  return runScenario(
    scenario({
      steps,
      market: bookMarket(100_000, 1e12, { levels: 1_000, tick: 0.01 }),
      shock,
      exchange: {
        maintenanceMarginTiers: [{ maxNotional: null, maxLeverage: 40 }],
        markPrice: { kind: "index", weight: 0 },
        liquidationFeeRate: 0,
        insuranceFund: 0,
        liquidation: { mode: "hyperliquid", partialTargetRatio: 0.9, maxRoundsPerStep: 1000 },
        backstop: { capital: 1_000_000, maxLeverage: 5, unwindNotionalPerStep: 0 },
        adl: { ranking: "none" },
      },
      positions: {
        explicit: [
          { account: "hl", side: "long", size: 2, entryPrice: 100_000, collateral: 10_000 },
        ],
      },
    }),
    { seed: 1 },
  );
}

function rows(result: RunResult, name: (typeof eventTypes)[number]) {
  const events = result.events;
  const found: { step: number; quantity: number; price: number; amount: number }[] = [];
  for (let index = 0; index < events.length; index++) {
    if (events.type[index] !== type(name) || events.accountName(events.account[index]) !== "hl") {
      continue;
    }
    found.push({
      step: events.step[index],
      quantity: events.quantity[index],
      price: events.price[index],
      amount: events.amount[index],
    });
  }
  return found;
}

describe("Hyperliquid liquidation staging", () => {
  it("sends 20 % of a position over 100k to the book, and stops once the margin is met", () => {
    // At 96,000: equity 2,000 < maintenance 2,400 (and ≥ 2/3 of it). Selling 0.4 keeps the
    // equity at 2,000 and leaves maintenance 1.6 × 96,000 / 80 = 1,920: no longer liquidatable.
    const result = run({ kind: "instant", drop: 0.04, at: 5 });
    const sold = rows(result, "partial_liquidation");
    expect(sold).toHaveLength(1);
    expect(sold[0].step).toBe(5);
    expect(sold[0].quantity).toBeCloseTo(0.4, 12);
    expect(rows(result, "liquidation")).toHaveLength(0);
    expect(rows(result, "backstop_takeover")).toHaveLength(0);
  });

  it("orders the whole position during the 30 s cooldown after a slice, and slices again after it", () => {
    // Step 5 at 96,000: the 0.4 slice. Step 10 (5 s later) at 95,800: collateral 8,400, equity
    // 8,400 − 1.6 × 4,200 = 1,680 < 1,916 = maintenance, in the cooldown: the whole 1.6 goes.
    const cooled = run({
      kind: "steps",
      points: [
        { at: 5, drop: 0.04 },
        { at: 10, drop: 0.042 },
      ],
    });
    const slices = rows(cooled, "partial_liquidation");
    const wholes = rows(cooled, "liquidation");
    expect(slices.map((row) => row.step)).toEqual([5]);
    expect(wholes.map((row) => row.step)).toEqual([10]);
    expect(wholes[0].quantity).toBeCloseTo(1.6, 12);
    // The same fall 40 s after the slice is past the cooldown: another 20 % slice (0.32).
    const later = run({
      kind: "steps",
      points: [
        { at: 5, drop: 0.04 },
        { at: 45, drop: 0.042 },
      ],
    });
    const again = rows(later, "partial_liquidation");
    expect(again.map((row) => row.step)).toEqual([5, 45]);
    expect(again[1].quantity).toBeCloseTo(0.32, 12);
  });

  it("hands the rest and the margin to the vault below 2/3 of maintenance", () => {
    // At 95,500: equity 1,000; after the 0.4 slice maintenance is 1.6 × 95,500 / 80 = 1,910 and
    // 1,000 < 2/3 × 1,910 = 1,273: the vault takes 1.6 BTC at the mark with the 1,000 margin.
    const result = run({ kind: "instant", drop: 0.045, at: 5 });
    expect(rows(result, "partial_liquidation")[0].quantity).toBeCloseTo(0.4, 12);
    const takeover = rows(result, "backstop_takeover");
    expect(takeover).toHaveLength(1);
    expect(takeover[0].quantity).toBeCloseTo(1.6, 12);
    expect(takeover[0].price).toBe(95_500);
    const margin = rows(result, "backstop_margin");
    expect(margin[0].amount).toBeCloseTo(1_000, 0);
    expect(result.summary.badDebt).toBe(0);
    expect(Math.abs(result.summary.ledger.drift)).toBeLessThan(1e-6);
  });
});
