import { describe, expect, it } from "vitest";
import {
  adlBreakdown,
  adlLeverageEdges,
  adlLeverageLabels,
  adlPnlLabels,
  adlPnlPercentEdges,
  adlTopAccountCount,
  bucketIndex,
  type PositionsAtStart,
} from "../../src/report/adl.ts";
import { adlTablesHtml } from "../../src/report/adlTables.ts";
import { type FixtureEvent, makeEventLog } from "./fixtures.ts";

/** Position 1: a short of 2 at 100 with a wallet of 20 (10x); position 0 is the bankrupt long. */
const positions: PositionsAtStart = {
  size: Float64Array.of(5, 2),
  entryPrice: Float64Array.of(100, 100),
  collateral: Float64Array.of(50, 20),
};

function adlClose(account: number, quantity: number, price: number): FixtureEvent {
  const entry = positions.entryPrice[account];
  return {
    step: 3,
    round: 1,
    type: "adl",
    account,
    side: -1,
    quantity,
    price,
    amount: -quantity * (price - entry),
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

describe("adlBreakdown", () => {
  // Two closes of the same short at 80. Before the first: unrealised 2 × 20 = 40 on a wallet of
  // 20, so PnL 200 % and effective leverage 160 / 60 = 2.67x. The first close realises 20 and
  // halves the position; before the second: PnL 20 / 40 = 50 %, leverage 80 / 60 = 1.33x.
  const events = makeEventLog(
    [adlClose(1, 1, 80), { ...adlClose(1, 1, 80), round: 2 }],
    ["bankrupt", "winner, short"],
  );

  it("replays each close with the position as the previous closes left it", () => {
    const breakdown = adlBreakdown(events, positions);
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

  it("has no grid without the positions at the start", () => {
    expect(adlBreakdown(events).grid).toBeNull();
    expect(adlBreakdown(events).closes).toBe(2);
  });
});

describe("adlTablesHtml", () => {
  it("shows the grid and the accounts with every name escaped", () => {
    const hostile = makeEventLog([adlClose(1, 1, 80)], ["x", "<script>alert(1)</script>"]);
    const html = adlTablesHtml(adlBreakdown(hostile, positions));
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain('<table class="adl-grid">');
    expect(html).toContain("1 ADL close, $80 of winning positions");
    expect(html).toMatch(
      /<td style="background: rgba\(142, 68, 173, 0\.680\)">\$80<br><small>1<\/small><\/td>/,
    );
    expect(html.indexOf("≥ 100x")).toBeLessThan(html.indexOf("&lt; 2x"));
  });

  it("says so when nobody was deleveraged, and when the grid cannot be built", () => {
    const none = makeEventLog([], []);
    expect(adlTablesHtml(adlBreakdown(none, positions))).toBe(
      `<p class="note">No position was auto-deleveraged.</p>`,
    );
    expect(adlTablesHtml(adlBreakdown(singleClose()))).toContain("need the positions");
  });
});

function singleClose() {
  return makeEventLog([adlClose(1, 1, 80)], ["bankrupt", "winner"]);
}
