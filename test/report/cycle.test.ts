import { describe, expect, it } from "vitest";
import type { FallDecomposition } from "../../src/engine/metrics/fallDecomposition.ts";
import { fallBars, reportChartData } from "../../src/report/chartData.ts";
import { reportHtml } from "../../src/report/html.ts";
import { summaryText } from "../../src/report/summary.ts";
import { reportSvgCharts } from "../../src/report/svg.ts";
import { makeRunResult, makeSummary } from "./fixtures.ts";

const split: FallDecomposition = {
  method: "Shapley over the three endogenous layers",
  layers: ["stopLosses", "liquidityWithdrawal", "liquidations"],
  referenceStep: 2,
  referencePrice: 100,
  totalFall: 0.25,
  exogenous: 0.1,
  stopLosses: 0.03,
  liquidityWithdrawal: 0.04,
  liquidations: 0.07,
  other: 0.01,
  counterfactualFalls: { none: 0.11 },
};

/** The fixture run with stops placed and fired, so the cycle layers count as used. */
function cycleRun() {
  const result = makeRunResult();
  result.summary.stopsPlaced = 40;
  result.summary.stopLossCount = 12;
  result.summary.stopLossNotional = 1_250_000;
  return result;
}

describe("the leverage-cycle part of the run report", () => {
  it("is absent from runs that used none of the layers", () => {
    const data = reportChartData(makeRunResult());
    expect(data.cycle).toBeUndefined();
    expect(reportSvgCharts(data, "run").map((chart) => chart.fileName)).not.toContain(
      "cycle-leverage.png",
    );
    expect(reportHtml(makeSummary(), makeRunResult())).not.toContain("<h2>Leverage cycle</h2>");
  });

  it("draws leverage, selling, book, policy and the fall split when they exist", () => {
    const data = reportChartData(cycleRun(), { decomposition: split });
    const names = reportSvgCharts(data, "run").map((chart) => chart.fileName);
    expect(names).toEqual(
      expect.arrayContaining([
        "cycle-open-interest.png",
        "cycle-leverage.png",
        "cycle-selling.png",
        "cycle-depth.png",
        "cycle-book.png",
        "cycle-policy.png",
        "cycle-fall.png",
      ]),
    );
    const html = reportHtml(makeSummary({ stopsPlaced: 40 }), cycleRun(), { chartData: data });
    expect(html).toContain("<h2>Leverage cycle</h2>");
    expect(html.match(/<img class="cycle"/g)).toHaveLength(7);
  });

  it("the fall bars are the split in percent and its parts add up to the total", () => {
    const bars = fallBars(split);
    const total = bars.find((bar) => bar.label === "total fall")?.value;
    const parts = bars.filter((bar) => bar.label !== "total fall");
    expect(total).toBe(25);
    expect(parts.reduce((sum, bar) => sum + bar.value, 0)).toBeCloseTo(25, 9);
  });

  it("the summary text has a stop-loss sentence when stops exist, and the split", () => {
    const text = summaryText(
      makeSummary({
        stopsPlaced: 40,
        stopLossCount: 12,
        stopLossNotional: 1_250_000,
        priceFallDecomposition: split,
      }),
    );
    expect(text).toContain(
      "Stop-losses sold $1.25M (12 of 40 resting stops), apart from liquidations.",
    );
    expect(text).toContain(
      "Measured from the top instead ($100, 2 s in), the price fell 25.0 %: 10.0 % exogenous, 7.0 % liquidations, 3.0 % stop-losses, 4.0 % liquidity withdrawal, 1.0 % other",
    );
    expect(summaryText(makeSummary())).not.toContain("Stop-losses");
  });
});
