import { describe, expect, it } from "vitest";
import type { HeatmapBucket } from "../../src/engine/result.ts";
import { heatmapCsv, heatmapTable, trimEmptyBuckets } from "../../src/report/heatmap.ts";
import { fixtureHeatmap } from "./fixtures.ts";

describe("trimEmptyBuckets", () => {
  it("drops empty buckets at the ends and keeps gaps between clusters", () => {
    const trimmed = trimEmptyBuckets(fixtureHeatmap);
    expect(trimmed.map((bucket) => bucket.priceLow)).toEqual([75, 80, 85, 110]);
  });

  it("returns nothing when every bucket is empty", () => {
    const empty: HeatmapBucket = {
      priceLow: 1,
      priceHigh: 2,
      longNotional: 0,
      shortNotional: 0,
      longCount: 0,
      shortCount: 0,
    };
    expect(trimEmptyBuckets([empty, { ...empty }])).toEqual([]);
  });
});

describe("heatmapTable", () => {
  it("prints an aligned fixed-width table of the non-empty range", () => {
    expect(heatmapTable(fixtureHeatmap)).toBe(
      [
        "price from  price to  long notional  short notional  longs  shorts",
        "----------  --------  -------------  --------------  -----  ------",
        "      75.0      80.0         $2.50M              $0     25       0",
        "      80.0      85.0             $0              $0      0       0",
        "      85.0      90.0         $1.00M              $0     10       0",
        "     110.0     115.0             $0           $750K      0       7",
        "",
      ].join("\n"),
    );
  });

  it("uses enough decimals for narrow buckets", () => {
    const table = heatmapTable([
      {
        priceLow: 0.995,
        priceHigh: 1,
        longNotional: 10,
        shortNotional: 0,
        longCount: 1,
        shortCount: 0,
      },
    ]);
    expect(table).toContain("0.9950");
    expect(table).toContain("1.0000");
  });

  it("says so when no position is in range", () => {
    expect(heatmapTable([])).toBe(
      "No open position has a liquidation price inside the heatmap range.\n",
    );
  });
});

describe("heatmapCsv", () => {
  it("writes every bucket with exact values", () => {
    const lines = heatmapCsv(fixtureHeatmap).split("\n");
    expect(lines[0]).toBe("priceLow,priceHigh,longNotional,shortNotional,longCount,shortCount");
    expect(lines).toHaveLength(fixtureHeatmap.length + 2);
    expect(lines[2]).toBe("75,80,2500000,0,25,0");
    expect(lines[5]).toBe("110,115,0,750000,0,7");
  });
});
