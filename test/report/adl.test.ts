import { describe, expect, it } from "vitest";
import type { PositionSpec } from "../../src/engine/config.ts";
import { eventTypes } from "../../src/engine/result.ts";
import { noAdlFigures } from "../../src/engine/risk/adlMetrics.ts";
import { runScenario } from "../../src/engine/sim.ts";
import {
  adlBreakdown,
  adlLeverageEdges,
  adlLeverageLabels,
  adlPnlLabels,
  adlPnlPercentEdges,
  adlTopAccountCount,
  bucketIndex,
} from "../../src/report/adl.ts";
import { adlTablesHtml } from "../../src/report/adlTables.ts";
import { bookMarket, scenario } from "../engine/fixtures.ts";
import { type FixtureEvent, makeEventLog } from "./fixtures.ts";

/** Position 1: a short of 2 at 100 with a wallet of 20 (10x); position 0 is the bankrupt long. */
const entryPrice = 100;

function adlClose(account: number, quantity: number, price: number): FixtureEvent {
  return {
    step: 3,
    round: 1,
    type: "adl",
    account,
    side: -1,
    quantity,
    price,
    amount: -quantity * (price - entryPrice),
    insuranceFund: 0,
  };
}

describe("bucketIndex", () => {
  it("puts a value in the bucket whose upper bound is above it", () => {
    expect(bucketIndex(1.99, adlLeverageEdges)).toBe(0);
    expect(bucketIndex(2, adlLeverageEdges)).toBe(1);
    expect(bucketIndex(99, adlLeverageEdges)).toBe(5);
    expect(bucketIndex(1000, adlLeverageEdges)).toBe(6);
    expect(bucketIndex(-40, adlPnlPercentEdges)).toBe(0);
    expect(adlLeverageLabels).toHaveLength(adlLeverageEdges.length + 1);
    expect(adlPnlLabels[0]).toBe("< 10 %");
    expect(adlPnlLabels.at(-1)).toBe("≥ 500 %");
  });
});

/** A log of `closes` with the (leverage, PnL %) pair the engine recorded before each. */
function withStanding(closes: FixtureEvent[], names: string[], standing: number[]) {
  return { ...makeEventLog(closes, names), adlStanding: Float64Array.from(standing) };
}

describe("adlBreakdown", () => {
  // Two closes of the same short at 80. Before the first: unrealised 2 × 20 = 40 on a wallet of
  // 20, so PnL 200 % and effective leverage 160 / 60 = 2.67x. The first close realises 20 and
  // halves the position; before the second: PnL 20 / 40 = 50 %, leverage 80 / 60 = 1.33x.
  const closes = [adlClose(1, 1, 80), { ...adlClose(1, 1, 80), round: 2 }];
  const events = withStanding(closes, ["bankrupt", "winner, short"], [160 / 60, 200, 80 / 60, 50]);

  it("buckets each close by the standing the engine recorded just before it", () => {
    const breakdown = adlBreakdown(events);
    expect(breakdown.closes).toBe(2);
    expect(breakdown.notional).toBe(160);
    expect(breakdown.profit).toBe(40);
    const grid = breakdown.grid;
    if (grid === null) throw new Error("expected a grid");
    expect(grid.count[1][bucketIndex(200, adlPnlPercentEdges)]).toBe(1);
    expect(grid.count[0][bucketIndex(50, adlPnlPercentEdges)]).toBe(1);
    expect(grid.notional[1][5]).toBe(80);
    expect(grid.count.flat().reduce((sum, count) => sum + count, 0)).toBe(2);
  });

  it("refuses a log whose standings do not match its adl events", () => {
    const short = withStanding(closes, ["bankrupt", "winner"], [160 / 60, 200]);
    expect(() => adlBreakdown(short)).toThrow("adlStanding has 1 pairs for 2 adl events");
  });

  it("names the accounts hit hardest, largest first, at most ten", () => {
    const many = makeEventLog(
      Array.from({ length: 12 }, (_, index) => ({
        ...adlClose(1, 1, 80),
        account: index,
        quantity: index + 1,
      })),
      Array.from({ length: 12 }, (_, index) => `account-${index}`),
    );
    const top = adlBreakdown(many).topAccounts;
    expect(top).toHaveLength(adlTopAccountCount);
    expect(top[0]).toEqual({
      account: "account-11",
      side: "short",
      closes: 1,
      notional: 960,
      profit: 20,
    });
    expect(top.map((account) => account.account)).not.toContain("account-0");
  });

  it("has no grid for a log without recorded standings", () => {
    const bare = makeEventLog(closes, ["bankrupt", "winner, short"]);
    expect(adlBreakdown(bare).grid).toBeNull();
    expect(adlBreakdown(bare).closes).toBe(2);
  });
});

describe("adlTablesHtml", () => {
  it("shows the grid and the accounts with every name escaped", () => {
    const hostile = withStanding(
      [adlClose(1, 1, 80)],
      ["x", "<script>alert(1)</script>"],
      [160 / 60, 200],
    );
    const html = adlTablesHtml(adlBreakdown(hostile));
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain('<table class="adl-grid">');
    expect(html).toContain("1 ADL close of 1 winning position, $80 closed");
    expect(html).toMatch(
      /<td style="background: rgba\(142, 68, 173, 0\.680\)">\$80<br><small>1<\/small><\/td>/,
    );
    expect(html.indexOf("≥ 100x")).toBeLessThan(html.indexOf("&lt; 2x"));
  });

  it("lists the run's ADL figures first when it has them", () => {
    const html = adlTablesHtml(
      adlBreakdown(withStanding([adlClose(1, 1, 80)], ["x", "y"], [160 / 60, 200]), {
        mechanism: "budgeted",
        price: "bankruptcy",
        ...noAdlFigures(),
        shortfall: 50_000,
        profitTaken: 60_000,
        overshoot: 10_000,
        haircut: 50_000,
        hitAccounts: 2,
        topOnePercentShare: 0.8,
        topTenPercentShare: 0.8,
        haircutGini: 0.3,
        haircutToPnlGini: 0.25,
        rounds: 1,
        firstLiquidationToAdlSeconds: 0,
        innocentLeverage: 2,
      }),
    );
    expect(html.indexOf('<table class="adl-figures">')).toBeLessThan(html.indexOf("adl-grid"));
    expect(html).toContain("<td>budgeted, bankruptcy</td>");
    expect(html).toContain("<td>$10.0K</td>");
    expect(html).toContain("<td>80.0 % / 80.0 %</td>");
    expect(html).toContain("<td>0.300 / 0.250</td>");
  });

  it("says so when nobody was deleveraged, and when the grid cannot be built", () => {
    const none = withStanding([], [], []);
    expect(adlTablesHtml(adlBreakdown(none))).toBe(
      `<p class="note">No position was auto-deleveraged.</p>`,
    );
    expect(adlTablesHtml(adlBreakdown(singleClose()))).toContain(
      "need each winner’s leverage and PnL",
    );
  });
});

function singleClose() {
  return makeEventLog([adlClose(1, 1, 80)], ["bankrupt", "winner"]);
}

describe("the ADL grid of an engine run", () => {
  const alice: PositionSpec = {
    account: "alice",
    side: "long",
    size: 10,
    entryPrice: 100_000,
    collateral: 50_000,
  };
  const bob: PositionSpec = { ...alice, account: "bob", side: "short", collateral: 155_000 };

  it("buckets a winner by its wallet after funding, not by its wallet at the start", () => {
    // Funding at step 3 (fixed 1 %): alice pays 10 × 100,000 × 0.01 = 10,000 and bob, the only
    // short, receives it: his wallet is 165,000. The 5.2 % shock at step 4 leaves alice bankrupt
    // at 100,000 − 40,000 / 10 = 96,000 with no fund and no bids there, so ADL closes all 10 of
    // bob at 96,000. Bob's unrealised PnL then is 10 × 4,000 = 40,000:
    // PnL 40,000 / 165,000 = 24.2 % (10–25 %), leverage 960,000 / 205,000 = 4.68x (2–5x).
    // Replayed from his wallet at the start it would be 40,000 / 155,000 = 25.8 % (25–50 %).
    const result = runScenario(
      scenario({
        steps: 6,
        market: bookMarket(100_000, 300_000, { levels: 100, tick: 10 }),
        exchange: {
          ...scenario().exchange,
          insuranceFund: 0,
          adl: { ranking: "binance" },
          funding: { kind: "fixed", rate: 0.01, intervalSeconds: 3, interestRate: 0, cap: 1 },
        },
        positions: { explicit: [alice, bob] },
        shock: { kind: "instant", drop: 0.052, at: 4 },
      }),
      { seed: 1 },
    );
    const events = result.events;
    const adl = eventTypes.indexOf("adl");
    const funding = eventTypes.indexOf("funding");
    const firstAdl = events.type.indexOf(adl);
    expect(events.type.indexOf(funding)).toBeLessThan(firstAdl);
    expect(events.amount[events.type.indexOf(funding)]).toBeCloseTo(10_000, 6);
    expect(events.price[firstAdl]).toBeCloseTo(96_000, 6);
    expect(events.quantity[firstAdl]).toBeCloseTo(10, 9);

    const standing = events.adlStanding;
    if (standing === undefined) throw new Error("an engine run records ADL standings");
    expect(standing).toHaveLength(2);
    expect(standing[0]).toBeCloseTo(960_000 / 205_000, 9);
    expect(standing[1]).toBeCloseTo((100 * 40_000) / 165_000, 9);

    const grid = adlBreakdown(events).grid;
    if (grid === null) throw new Error("expected a grid");
    const leverageRow = bucketIndex(4.68, adlLeverageEdges);
    expect(adlLeverageLabels[leverageRow]).toBe("2–5x");
    expect(adlPnlLabels[bucketIndex(24.2, adlPnlPercentEdges)]).toBe("10–25 %");
    expect(grid.count[leverageRow][bucketIndex(24.2, adlPnlPercentEdges)]).toBe(1);
    expect(grid.count[leverageRow][bucketIndex(25.8, adlPnlPercentEdges)]).toBe(0);
    expect(grid.notional[leverageRow][bucketIndex(24.2, adlPnlPercentEdges)]).toBeCloseTo(
      960_000,
      6,
    );
  });
});
