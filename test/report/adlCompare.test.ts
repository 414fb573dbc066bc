import { describe, expect, it } from "vitest";
import { noAdlFigures } from "../../src/engine/risk/adlMetrics.ts";
import {
  adlComparisonCharts,
  adlComparisonCsv,
  adlComparisonHtml,
  adlComparisonSummary,
  adlTableRows,
} from "../../src/report/adlCompare.ts";
import type { AdlComparison, AdlComparisonRow } from "../../src/runner/compareAdl.ts";

function row(mechanism: AdlComparisonRow["mechanism"], overshoot: number): AdlComparisonRow {
  return {
    ...noAdlFigures(),
    mechanism,
    market: "all",
    adlNotional: mechanism === "none" ? 0 : 1_000_000,
    adlCount: mechanism === "none" ? 0 : 10,
    liquidatedNotional: 2_000_000,
    badDebt: 60_000,
    badDebtLeft: mechanism === "none" ? 50_000 : 0,
    ledgerDrift: 0,
    shortfall: mechanism === "none" ? 0 : 50_000,
    profitTaken: mechanism === "none" ? 0 : 50_000 + overshoot,
    overshoot,
    haircutGini: mechanism === "none" ? null : 0.5,
  };
}

const comparison: AdlComparison = {
  scenario: "worked <case>",
  seed: 1,
  runIndex: 0,
  price: "bankruptcy",
  markets: ["BTC"],
  rows: [row("binance", 60_000), row("budgeted", 10_000), row("none", 0)],
};

describe("ADL comparison outputs", () => {
  it("CSV: one line per row, exact numbers, null as an empty cell", () => {
    const lines = adlComparisonCsv(comparison).trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0].startsWith("mechanism,market,adlNotional,adlCount,shortfall")).toBe(true);
    expect(lines[2].startsWith("budgeted,all,1000000,10,50000,60000,10000,")).toBe(true);
    expect(lines[3]).toContain(",,");
  });

  it("names the least and the most overshoot among the mechanisms that did ADL", () => {
    expect(adlComparisonSummary(comparison)).toBe(
      "worked <case> (seed 1): budgeted covered $50.0K of shortfall taking $60.0K of profit (overshoot $10.0K); binance covered $50.0K taking $110K (overshoot $60.0K).",
    );
    expect(adlTableRows(comparison)[2].at(-1)).toBe("$50.0K");
  });

  it("the page has both charts (without the no-ADL row) and escapes the scenario's name", () => {
    const charts = adlComparisonCharts(comparison);
    expect(charts.map((chart) => chart.fileName)).toEqual([
      "adl-overshoot.png",
      "adl-concentration.png",
    ]);
    expect(charts[0].svg).toContain(">budgeted</text>");
    expect(charts[0].svg).not.toContain(">none</text>");
    const html = adlComparisonHtml(comparison);
    expect(html).toContain("worked &lt;case&gt;");
    expect(html).not.toContain("<case>");
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(adlComparisonHtml(comparison)).toBe(html);
  });
});
