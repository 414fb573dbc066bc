import { describe, expect, it } from "vitest";
import type { AdlSpec, PositionSpec } from "../../../src/engine/config.ts";
import { eventTypes, type RunResult } from "../../../src/engine/result.ts";
import { adlPrice } from "../../../src/engine/risk/adlMechanism.ts";
import { runScenario } from "../../../src/engine/sim.ts";
import { bookMarket, scenario } from "../fixtures.ts";

/**
 * The worked case of docs/models/waterfall.md ("ADL mechanisms"): alice, 10 BTC long at 100,000
 * with 50,000 (bankrupt at 95,000), meets a 10 % gap to 90,000 (mark = index) with no fund and no
 * bids above 95,000, so all 10 BTC go to ADL. Shortfall 10 × (95,000 − 90,000) = 50,000; at the
 * bankruptcy price every winner pays 5,000 per unit closed. Winners (profit per unit u, positive
 * PnL U): bob short 10 at 100,000 (u 10,000, U 100,000), carol short 30 at 101,000 (u 11,000,
 * U 330,000), dave short 20 at 92,000 (u 2,000, U 40,000, so at most 40,000 / 5,000 = 8 units).
 */
const alice: PositionSpec = {
  account: "alice",
  side: "long",
  size: 10,
  entryPrice: 100_000,
  collateral: 50_000,
};
const bob: PositionSpec = {
  account: "bob",
  side: "short",
  size: 10,
  entryPrice: 100_000,
  collateral: 200_000,
};
const carol: PositionSpec = {
  account: "carol",
  side: "short",
  size: 30,
  entryPrice: 101_000,
  collateral: 600_000,
};
const dave: PositionSpec = {
  account: "dave",
  side: "short",
  size: 20,
  entryPrice: 92_000,
  collateral: 400_000,
};

function run(adl: AdlSpec, insuranceFund = 0): RunResult {
  return runScenario(
    scenario({
      steps: 4,
      market: bookMarket(100_000, 300_000, { levels: 100, tick: 10 }),
      exchange: {
        ...scenario().exchange,
        insuranceFund,
        adl,
        markPrice: { kind: "index", weight: 0.5 },
      },
      positions: { explicit: [alice, bob, carol, dave] },
      shock: { kind: "instant", drop: 0.1, at: 2 },
    }),
    { seed: 1 },
  );
}

/** Units each winner closed, by account name. */
function closes(result: RunResult): Record<string, number> {
  const events = result.events;
  const units: Record<string, number> = {};
  for (let index = 0; index < events.length; index++) {
    if (eventTypes[events.type[index]] !== "adl") continue;
    const name = events.accountName(events.account[index]);
    units[name] = (units[name] ?? 0) + events.quantity[index];
  }
  return units;
}

function expectCloses(result: RunResult, expected: Record<string, number>): void {
  const actual = closes(result);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, units] of Object.entries(expected)) expect(actual[name]).toBeCloseTo(units, 9);
}

describe("ADL mechanisms on the worked case", () => {
  it("every mechanism covers the same 50,000 shortfall and the ledger closes", () => {
    for (const mechanism of [
      "binance",
      "hyperliquid",
      "proRata",
      "pnlProRata",
      "riskAwareProRata",
      "budgeted",
      "online",
    ] as const) {
      const result = run({ mechanism });
      const adl = result.summary.adl;
      expect(adl.mechanism).toBe(mechanism);
      expect(adl.shortfall, mechanism).toBeCloseTo(50_000, 6);
      expect(adl.haircut, mechanism).toBeCloseTo(50_000, 6);
      expect(result.summary.adlNotional, mechanism).toBeCloseTo(950_000, 6);
      expect(result.summary.badDebt, mechanism).toBe(0);
      expect(Math.abs(result.summary.ledger.drift), mechanism).toBeLessThan(1e-6);
    }
  });

  it("binance closes carol (highest PnL % × margin ratio) for 10 units: profit taken 110,000", () => {
    const result = run({ ranking: "binance" });
    expectCloses(result, { carol: 10 });
    expect(result.summary.adl.profitTaken).toBeCloseTo(110_000, 6);
    expect(result.summary.adl.overshoot).toBeCloseTo(60_000, 6);
  });

  it("hyperliquid closes dave, who pays 50,000 on 40,000 of PnL: 10,000 beyond his profit", () => {
    const result = run({ ranking: "hyperliquid" });
    expectCloses(result, { dave: 10 });
    // Bought back at 95,000 against an entry of 92,000: a realised loss of 30,000.
    expect(result.summary.adl.haircutBeyondProfit).toBeCloseTo(10_000, 6);
    expect(result.summary.adl.profitTaken).toBeCloseTo(50_000, 6);
  });

  it("proRata splits by size 10 : 30 : 20; dave's 3.333 units cost 16,667 of his 40,000", () => {
    const result = run({ mechanism: "proRata" });
    expectCloses(result, { bob: 10 / 6, carol: 5, dave: 10 / 3 });
    // 1.667 × 10,000 + 5 × 11,000 + 3.333 × 5,000 (more than the 6,667 his units held).
    expect(result.summary.adl.profitTaken).toBeCloseTo(50_000 / 3 + 55_000 + 50_000 / 3, 6);
  });

  it("pnlProRata splits by positive PnL 100,000 : 330,000 : 40,000, the same share of each", () => {
    const result = run({ mechanism: "pnlProRata" });
    expectCloses(result, { bob: 100 / 47, carol: 330 / 47, dave: 40 / 47 });
    // Dave's close costs more than his units held (u 2,000 < 5,000): counted at what it cost.
    expect(result.summary.adl.profitTaken).toBeCloseTo(
      (100 / 47) * 10_000 + (330 / 47) * 11_000 + (40 / 47) * 5_000,
      6,
    );
    // Each pays 5,000 per unit: 50,000 × U / 470,000, i.e. 10.6 % of its PnL.
    expect(result.summary.adl.haircutToPnlGini).toBeCloseTo(0, 9);
    expect(result.summary.adl.haircutBeyondProfit).toBe(0);
  });

  it("riskAwareProRata weighs PnL by effective leverage 3, 2.903, 4.091", () => {
    // notional / (wallet + U) at 90,000: 900,000 / 300,000; 2.7M / 930,000; 1.8M / 440,000.
    const weights = {
      bob: 100_000 * 3,
      carol: 330_000 * (2_700_000 / 930_000),
      dave: 40_000 * (1_800_000 / 440_000),
    };
    const total = weights.bob + weights.carol + weights.dave;
    const result = run({ mechanism: "riskAwareProRata" });
    expectCloses(result, {
      bob: (10 * weights.bob) / total,
      carol: (10 * weights.carol) / total,
      dave: (10 * weights.dave) / total,
    });
    expect(result.summary.adl.profitTaken).toBeCloseTo(100_983.91, 1);
  });

  it("budgeted takes the least profit: dave's 8 units (all his PnL), then 2 of bob's", () => {
    const result = run({ mechanism: "budgeted" });
    expectCloses(result, { dave: 8, bob: 2 });
    // Profit taken: dave's 40,000 (8 × 5,000 paid, more than the 16,000 his 8 units held),
    // bob's 2 × 10,000; overshoot 60,000 − 50,000.
    expect(result.summary.adl.profitTaken).toBeCloseTo(60_000, 6);
    expect(result.summary.adl.overshoot).toBeCloseTo(10_000, 6);
    expect(result.summary.adl.haircutBeyondProfit).toBe(0);
  });

  it("online with severity 0.6: winners pay 60 % of the shortfall, the fund the other 20,000", () => {
    const result = run(
      {
        mechanism: "online",
        online: {
          severityLearningRate: 0.5,
          weightLearningRate: 1,
          initialSeverity: 0.6,
          minSeverity: 0,
        },
      },
      20_000,
    );
    // Price 90,000 + 0.6 × 5,000 = 93,000; alice is 10 × 2,000 short of zero there.
    expect(result.summary.adl.haircut).toBeCloseTo(30_000, 6);
    expect(result.summary.badDebt).toBeCloseTo(20_000, 6);
    expect(result.summary.insuranceFundEnd).toBeCloseTo(0, 6);
    expect(result.summary.socializedLoss).toBe(0);
    expectCloses(result, { bob: 100 / 47, carol: 330 / 47, dave: 40 / 47 });
  });
});

describe("ADL price", () => {
  it("previousMark: everyone trades at the last step's 100,000; alice keeps her 50,000", () => {
    const result = run({ mechanism: "pnlProRata", price: "previousMark" });
    const events = result.events;
    for (let index = 0; index < events.length; index++) {
      if (eventTypes[events.type[index]].startsWith("adl")) {
        expect(events.price[index]).toBe(100_000);
      }
    }
    // Winners pay 10,000 per unit against the mark: 100,000 for a 50,000 shortfall.
    expect(result.summary.adl.haircut).toBeCloseTo(100_000, 6);
    expect(result.summary.badDebt).toBe(0);
    expect(Math.abs(result.summary.ledger.drift)).toBeLessThan(1e-6);
  });

  it("a previous mark beyond the bankruptcy price leaves the loser a deficit (worked numbers)", () => {
    // A long bankrupt at 95,000 closed at a previous mark of 94,000 with the mark at 90,000.
    expect(adlPrice("previousMark", 1, 95_000, 90_000, 94_000, 1)).toBe(94_000);
    expect(adlPrice("bankruptcy", 1, 95_000, 90_000, 94_000, 1)).toBe(95_000);
    // Severity 0.6 moves the bankruptcy price toward the mark: 90,000 + 0.6 × 5,000.
    expect(adlPrice("bankruptcy", 1, 95_000, 90_000, 94_000, 0.6)).toBeCloseTo(93_000, 9);
    // No haircut to scale when the mark is on the winners' wrong side of the price.
    expect(adlPrice("bankruptcy", 1, 85_000, 90_000, 94_000, 0.6)).toBe(85_000);
  });
});
