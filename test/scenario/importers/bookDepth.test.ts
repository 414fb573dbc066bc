import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OrderBookMarket } from "../../../src/engine/market/orderBook.ts";
import {
  BOOK_DEPTH_HEADER,
  levelsFromBookDepth,
  parseBookDepthCsv,
  parseUtcTime,
  selectSnapshot,
} from "../../../src/scenario/importers/bookDepth.ts";

/** One snapshot of ten rows; cumulative depth 10, 30, 60, 100, 150 on each side. */
function snapshotRows(timestamp: string, bidAverage = 99.5, askAverage = 100.5): string[] {
  const cumulative = [10, 30, 60, 100, 150];
  const rows: string[] = [];
  for (let band = 5; band >= 1; band--) {
    const average = band === 1 ? bidAverage : 100 - band;
    rows.push(
      `${timestamp},-${band},${cumulative[band - 1]},${cumulative[band - 1] * average},${average}`,
    );
  }
  for (let band = 1; band <= 5; band++) {
    const average = band === 1 ? askAverage : 100 + band;
    rows.push(
      `${timestamp},${band},${cumulative[band - 1]},${cumulative[band - 1] * average},${average}`,
    );
  }
  return rows;
}

function csv(...rows: string[]): string {
  return `${[BOOK_DEPTH_HEADER, ...rows].join("\n")}\n`;
}

describe("parseBookDepthCsv", () => {
  it("groups rows by timestamp into snapshots of cumulative depth", () => {
    const text = csv(
      ...snapshotRows("2025-10-10 00:00:07"),
      ...snapshotRows(" 2025-10-10 00:00:37", 99.4, 100.8),
    ).replaceAll("\n", "\r\n");
    const snapshots = parseBookDepthCsv(text, "data.csv");
    expect(snapshots).toHaveLength(2);
    const [first, second] = snapshots;
    expect(first.timestamp).toBe("2025-10-10 00:00:07");
    expect(first.time).toBe(Date.UTC(2025, 9, 10, 0, 0, 7));
    expect(first.line).toBe(2);
    expect(first.bidDepth).toEqual([10, 30, 60, 100, 150]);
    expect(first.askDepth).toEqual([10, 30, 60, 100, 150]);
    expect(first.bidNotional[0]).toBe(995);
    expect(first.referencePrice).toBe(100);
    expect(second.timestamp).toBe("2025-10-10 00:00:37");
    expect(second.line).toBe(12);
    expect(second.referencePrice).toBeCloseTo(100.1, 12);
  });

  it("derives no reference price when the ±1 % rows contradict each other", () => {
    const crossed = parseBookDepthCsv(
      csv(...snapshotRows("2025-10-10 00:00:07", 101, 100.5)),
      "a.csv",
    );
    expect(crossed[0].referencePrice).toBeNull();
    // b = 99 and a = 101.1: R would need to be ≥ a / 1.01 ≈ 100.099 and ≤ b / 0.99 = 100.
    const apart = parseBookDepthCsv(
      csv(...snapshotRows("2025-10-10 00:00:07", 99, 101.1)),
      "a.csv",
    );
    expect(apart[0].referencePrice).toBeNull();
  });

  it("points at the line, column and field of a malformed value", () => {
    const rows = snapshotRows("2025-10-10 00:00:07");
    const badDepth = [...rows];
    badDepth[5] = "2025-10-10 00:00:07,1,abc,1,100.5";
    expect(() => parseBookDepthCsv(csv(...badDepth), "data.csv")).toThrow(
      "data.csv:7:23: depth: the cell is not a number; expected a non-negative number",
    );
    const negative = [...rows];
    negative[0] = "2025-10-10 00:00:07,-5,150,-1,95";
    expect(() => parseBookDepthCsv(csv(...negative), "data.csv")).toThrow(
      "data.csv:2:28: notional: the cell is not allowed; expected a non-negative finite number",
    );
    const badPercentage = [...rows];
    badPercentage[0] = "2025-10-10 00:00:07,-6,150,1,95";
    expect(() => parseBookDepthCsv(csv(...badPercentage), "data.csv")).toThrow(
      "data.csv:2:21: percentage: the cell is not a band; expected an integer from -5 to -1 or 1 to 5",
    );
    const badTime = [...rows];
    badTime[0] = "2025-10-32 00:00:07,-5,150,1,95";
    expect(() => parseBookDepthCsv(csv(...badTime), "data.csv")).toThrow(
      /^data\.csv:2:1: timestamp: the cell is not a time; expected a UTC time/,
    );
    const short = [...rows];
    short[3] = "2025-10-10 00:00:07,-2,30";
    expect(() => parseBookDepthCsv(csv(...short), "data.csv")).toThrow(
      /^data\.csv:5:1: row: has 3 columns; expected 5/,
    );
    const empty = [...rows];
    empty[9] = "2025-10-10 00:00:07,5,,1,105";
    expect(() => parseBookDepthCsv(csv(...empty), "data.csv")).toThrow(
      "data.csv:11:23: depth: the cell is not a number; expected a non-negative number",
    );
  });

  it("rejects a wrong header, duplicate or missing bands, shrinking depth and rows out of order", () => {
    expect(() => parseBookDepthCsv("time,depth\n", "d.csv")).toThrow(
      /^d\.csv:1:1: header: the first line is not a bookDepth header/,
    );
    expect(() => parseBookDepthCsv(`${BOOK_DEPTH_HEADER}\n`, "d.csv")).toThrow(
      "d.csv:2:1: rows: the file has no data rows; expected at least one snapshot",
    );
    const rows = snapshotRows("2025-10-10 00:00:07");
    const duplicate = [...rows.slice(0, 9), rows[8]];
    expect(() => parseBookDepthCsv(csv(...duplicate), "d.csv")).toThrow(
      'd.csv:11:21: percentage: "4" appears twice in snapshot 2025-10-10 00:00:07; expected one row per band',
    );
    expect(() => parseBookDepthCsv(csv(...rows.slice(0, 8)), "d.csv")).toThrow(
      "d.csv:2:1: percentage: snapshot 2025-10-10 00:00:07 has no row for 4, 5; " +
        "expected one row for each of -5..-1 and 1..5",
    );
    const shrinking = [...rows];
    shrinking[1] = "2025-10-10 00:00:07,-4,5,1,96";
    expect(() => parseBookDepthCsv(csv(...shrinking), "d.csv")).toThrow(
      'd.csv:3:24: depth: "5" at -4 % is below 60 at -3 %; ' +
        "expected cumulative depth that does not shrink away from the price",
    );
    const backwards = [...snapshotRows("2025-10-10 00:00:37"), ...rows];
    expect(() => parseBookDepthCsv(csv(...backwards), "d.csv")).toThrow(
      /^d\.csv:12:1: timestamp: "2025-10-10 00:00:07" is earlier than the previous snapshot/,
    );
  });
});

describe("levelsFromBookDepth", () => {
  const [snapshot] = parseBookDepthCsv(csv(...snapshotRows("2025-10-10 00:00:07")), "d.csv");

  it("spreads each band's own depth over levels at the centres of its sub-bands", () => {
    const { bids, asks } = levelsFromBookDepth(snapshot, 1000, 2);
    expect(bids.map((level) => level.price)).toEqual(
      [0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4.25, 4.75].map(
        (percent) => 1000 * (1 - percent / 100),
      ),
    );
    expect(asks[0].price).toBeCloseTo(1002.5, 9);
    // Band depths 10, 20, 30, 40, 50, two levels each.
    expect(bids.map((level) => level.size)).toEqual([5, 5, 10, 10, 15, 15, 20, 20, 25, 25]);
    expect(asks.reduce((sum, level) => sum + level.size, 0)).toBe(150);
    const market = new OrderBookMarket({ kind: "orderBook", bids, asks, resilienceHalfLife: null });
    expect(market.mid()).toBe(1000);
    expect(market.depthWithin(-1, 0.01)).toBe(10);
  });

  it("skips bands with no depth of their own and validates its arguments", () => {
    const stale = { ...snapshot, bidDepth: [17.654, 17.654, 17.654, 206.301, 597.602] };
    const { bids } = levelsFromBookDepth(stale, 100, 1);
    expect(bids).toHaveLength(3);
    for (const [index, price] of [99.5, 96.5, 95.5].entries()) {
      expect(bids[index].price).toBeCloseTo(price, 12);
    }
    expect(() => levelsFromBookDepth(snapshot, 0, 1)).toThrow(/^referencePrice: 0/);
    expect(() => levelsFromBookDepth(snapshot, 100, 0)).toThrow(/^levelsPerPercent: 0/);
    const noAsks = { ...snapshot, askDepth: [0, 0, 0, 0, 0] };
    expect(() => levelsFromBookDepth(noAsks, 100, 1)).toThrow(
      "2025-10-10 00:00:07: asks: the snapshot has no depth within 5 %",
    );
  });
});

describe("selectSnapshot", () => {
  const snapshots = parseBookDepthCsv(
    csv(
      ...snapshotRows("2025-10-10 00:00:07"),
      ...snapshotRows("2025-10-10 00:00:37"),
      ...snapshotRows("2025-10-10 00:01:07"),
    ),
    "d.csv",
  );

  it("takes the latest snapshot at or before the time, or the first", () => {
    expect(selectSnapshot(snapshots).timestamp).toBe("2025-10-10 00:00:07");
    expect(selectSnapshot(snapshots, "2025-10-10 00:00:07").timestamp).toBe("2025-10-10 00:00:07");
    expect(selectSnapshot(snapshots, "2025-10-10 00:00:36").timestamp).toBe("2025-10-10 00:00:07");
    expect(selectSnapshot(snapshots, "2025-10-10T00:00:37Z").timestamp).toBe("2025-10-10 00:00:37");
    expect(selectSnapshot(snapshots, "2025-10-10T02:00:40+02:00").timestamp).toBe(
      "2025-10-10 00:00:37",
    );
    expect(selectSnapshot(snapshots, "2025-10-11").timestamp).toBe("2025-10-10 00:01:07");
  });

  it("says why it cannot choose", () => {
    expect(() => selectSnapshot([])).toThrow("snapshots: none to choose from");
    expect(() => selectSnapshot(snapshots, "2025-10-10 00:00:06")).toThrow(
      'at: "2025-10-10 00:00:06" is before the first snapshot (2025-10-10 00:00:07)',
    );
    expect(() => selectSnapshot(snapshots, "yesterday")).toThrow(/^at: "yesterday" is not a time/);
  });
});

describe("parseUtcTime", () => {
  it("reads times without a zone as UTC and rejects impossible dates", () => {
    expect(parseUtcTime("2025-10-10 21:15:00")).toBe(Date.UTC(2025, 9, 10, 21, 15));
    expect(parseUtcTime("2025-10-10T21:15:00")).toBe(Date.UTC(2025, 9, 10, 21, 15));
    expect(parseUtcTime("2025-10-10T21:15:00.25Z")).toBe(Date.UTC(2025, 9, 10, 21, 15, 0, 250));
    expect(parseUtcTime("2025-10-10T23:15-0130")).toBe(Date.UTC(2025, 9, 11, 0, 45));
    expect(parseUtcTime("2025-02-29 00:00:00")).toBeNull();
    expect(parseUtcTime("2025-10-10 24:00:00")).toBeNull();
    expect(parseUtcTime("10/10/2025")).toBeNull();
  });
});

const realFile = path.resolve(
  import.meta.dirname,
  "../../../../shared/data/oct-10-2025/binance-BTCUSDT-bookDepth-2025-10-10.csv",
);

describe("the Binance BTCUSDT bookDepth dump of 10 Oct 2025", () => {
  it.skipIf(!existsSync(realFile))(
    `parses into consistent books (skipped when ${realFile} is absent: ../shared/data is not part of the repository)`,
    () => {
      const snapshots = parseBookDepthCsv(readFileSync(realFile, "utf8"), path.basename(realFile));
      expect(snapshots).toHaveLength(2879);
      const first = snapshots[0];
      expect(first.timestamp).toBe("2025-10-10 00:00:07");
      expect(first.bidDepth[0]).toBe(1496.75);
      expect(first.bidDepth[4]).toBe(8243.012);
      expect(first.askDepth[0]).toBe(1964.845);
      // Midpoint of the ±1 % averages 121,106.41 and 122,099.67.
      expect(first.referencePrice).toBeCloseTo(121_603.04, 2);

      const { bids, asks } = levelsFromBookDepth(first, first.referencePrice ?? Number.NaN, 10);
      expect(bids.reduce((sum, level) => sum + level.size, 0)).toBeCloseTo(8243.012, 6);
      expect(asks.reduce((sum, level) => sum + level.size, 0)).toBeCloseTo(6182.925, 6);
      const market = new OrderBookMarket({ kind: "orderBook", bids, asks, resilienceHalfLife: 60 });
      expect(market.depthWithin(-1, 0.01)).toBeCloseTo(1496.75, 6);

      // The row with a leading space in its timestamp belongs to its snapshot.
      const spaced = selectSnapshot(snapshots, "2025-10-10 21:34:32");
      expect(spaced.timestamp).toBe("2025-10-10 21:34:32");
      expect(spaced.bidDepth[4]).toBe(256.471);

      // During the crash the −1..−3 % bids are frozen against a stale reference (data README).
      const crash = selectSnapshot(snapshots, "2025-10-10T21:15:00Z");
      expect(crash.bidDepth.slice(0, 3)).toEqual([17.654, 17.654, 17.654]);
      expect(crash.referencePrice).toBeNull();
    },
  );
});
