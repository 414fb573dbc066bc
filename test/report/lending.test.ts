import { describe, expect, it } from "vitest";
import { runLending } from "../../src/engine/lending/run.ts";
import {
  lendingEventsCsv,
  lendingSummary,
  lendingSummaryText,
  lendingTimeseriesCsv,
  percentile95,
} from "../../src/report/lending.ts";
import { lendingReportHtml } from "../../src/report/lendingHtml.ts";
import { lendingWorld } from "../engine/lending/fixtures.ts";

const provenance = { name: "test", seed: 5, runIndex: 0, scenarioHash: "hash", version: "0.0.0" };

describe("lending outputs", () => {
  it("percentile95 is the nearest rank: the 19th of 20 values, the 1st of 1", () => {
    const values = Array.from({ length: 20 }, (_, index) => 20 - index);
    expect(percentile95(values)).toBe(19);
    expect(percentile95([7])).toBe(7);
    expect(percentile95([])).toBeNaN();
  });

  it("summarises a run in one sentence and in summary fields that agree with the series", () => {
    const scenario = lendingWorld({ depth: 0.3 });
    const run = runLending(scenario, { seed: 5, runIndex: 0 });
    const summary = lendingSummary(run, scenario.symbols, provenance);
    expect(summary.assets[0].move).toBeCloseTo(-0.4, 9);
    expect(summary.liquidationCount).toBe(run.venues[0].liquidationCount);
    expect(summary.liquidationCount).toBeGreaterThan(0);
    expect(summary.venues[0].liquidationVolumeUsd).toBe(run.venues[0].liquidatedCollateralUsd);
    expect(lendingSummaryText(summary)).toMatch(
      /^ETH fell 40\.0 % from start to end \(low 40\.0 % below the start\); \$[\d.]+[KMB]? of collateral liquidated in [\d,]+ liquidation calls on [\d,]+ accounts; bad debt \$[\d.]+[KMB]?; TVL \$[\d.]+[KMB]? → \$[\d.]+[KMB]?\. The ETH\/DAI pool traded up to \d+\.\d % below the external price; arbitrageurs traded \$[\d.]+[KMB]? against it\. Ledger drift/,
    );
    const timeseries = lendingTimeseriesCsv(run).trim().split("\n");
    expect(timeseries).toHaveLength(scenario.steps + 2);
    expect(timeseries[0].split(",")).toEqual(run.world.columns);
    const events = lendingEventsCsv(run, scenario.symbols).trim().split("\n");
    expect(events).toHaveLength(run.world.events.length + 1);
    const html = lendingReportHtml(summary, run);
    expect(html).toContain("<h2>aave: health factors at the start and the end</h2>");
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(8);
  });
});
