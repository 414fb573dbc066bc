import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/scenario/errors.ts";
import {
  parseKlinesCsv,
  resampleToSteps,
  selectKlines,
} from "../../../src/scenario/importers/klines.ts";

const minute = 60_000;
const start = Date.UTC(2025, 9, 10, 21, 0);

function issuesOf(text: string): string[] {
  try {
    parseKlinesCsv(text, "k.csv");
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

describe("parseKlinesCsv", () => {
  it("reads Binance rows without a header", () => {
    const text = `${start},100,110,90,105,0,${start + minute - 1},0,60,0,0,0\n${start + minute},105,106,95,96,0,${start + 2 * minute - 1},0,60,0,0,0\n`;
    const klines = parseKlinesCsv(text, "k.csv");
    expect(Array.from(klines.openTime)).toEqual([start, start + minute]);
    expect(Array.from(klines.open)).toEqual([100, 105]);
    expect(Array.from(klines.high)).toEqual([110, 106]);
    expect(Array.from(klines.low)).toEqual([90, 95]);
    expect(Array.from(klines.close)).toEqual([105, 96]);
  });

  it("uses the header's column names when there is one, and reads microsecond open times", () => {
    const text = `open_time,close,open,high,low\n${start * 1000},105,100,110,90\n`;
    const klines = parseKlinesCsv(text, "k.csv");
    expect(Array.from(klines.openTime)).toEqual([start]);
    expect(Array.from(klines.close)).toEqual([105]);
    expect(Array.from(klines.open)).toEqual([100]);
  });

  it("points at bad cells, short rows and rows out of time order", () => {
    const text = [
      "open_time,open,high,low,close",
      `${start},100,110,x,105`,
      `${start + minute},100,110,90`,
      `${start + minute},100,110,90,-3`,
      `${start},100,110,90,100`,
      `${start + minute},100,110,90,100`,
      `${start + minute},100,110,90,100`,
    ].join("\n");
    expect(issuesOf(text)).toEqual([
      "k.csv:2:23: low: the cell is not allowed; must be a price > 0 and at most 1e15",
      "k.csv:3:25: row: expected at least 5 cells (open_time,open,high,low,close), found 4",
      "k.csv:4:26: close: the cell is not allowed; must be a price > 0 and at most 1e15",
      `k.csv:7:1: open_time: the time is not allowed; must be later than the previous row's 2025-10-10T21:01:00.000Z`,
    ]);
  });

  it("names missing header columns", () => {
    expect(issuesOf("time,open,high,low,close\n1,2,3,4,5\n")).toEqual([
      "k.csv:1:1: header: missing column open_time; a kline header names open_time,open,high,low,close,...",
    ]);
  });
});

describe("selectKlines", () => {
  const klines = parseKlinesCsv(
    Array.from({ length: 5 }, (_, index) => `${start + index * minute},1,1,1,${index + 1}`).join(
      "\n",
    ),
    "k.csv",
  );

  it("keeps the bars from `from` to `to`, both inclusive", () => {
    const selected = selectKlines(klines, start + minute, start + 3 * minute);
    expect(Array.from(selected.close)).toEqual([2, 3, 4]);
  });

  it("treats a missing bound as open", () => {
    expect(Array.from(selectKlines(klines, start + 3 * minute).close)).toEqual([4, 5]);
    expect(Array.from(selectKlines(klines, undefined, start).close)).toEqual([1]);
    expect(selectKlines(klines, start + 10 * minute).close).toHaveLength(0);
  });
});

describe("resampleToSteps", () => {
  const times = Float64Array.from([0, 60_000, 120_000]);
  const values = Float64Array.from([100, 40, 70]);

  it("interpolates linearly between bars at every step", () => {
    expect(Array.from(resampleToSteps(times, values, 15, 1000))).toEqual([
      100, 85, 70, 55, 40, 47.5, 55, 62.5, 70,
    ]);
  });

  it("stops after `steps` prices", () => {
    expect(Array.from(resampleToSteps(times, values, 60, 2))).toEqual([100, 40]);
  });

  it("gives one price for one bar", () => {
    expect(Array.from(resampleToSteps(Float64Array.of(5), Float64Array.of(9), 1, 10))).toEqual([9]);
  });
});

describe("the 10 Oct 2025 BTC crash (../shared/data)", () => {
  const file = path.resolve(
    import.meta.dirname,
    "../../../../shared/data/oct-10-2025/binance-coinm-BTCUSD_PERP-1m-2025-10-10-index-or-mark.csv",
  );

  it.skipIf(!existsSync(file))("has its low near 102,497 around 21:20 UTC", () => {
    const klines = parseKlinesCsv(readFileSync(file, "utf8"), path.basename(file));
    expect(klines.openTime).toHaveLength(1440);
    let lowest = 0;
    for (let index = 1; index < klines.low.length; index++) {
      if (klines.low[index] < klines.low[lowest]) lowest = index;
    }
    expect(klines.low[lowest]).toBeCloseTo(102_497, 0);
    const lowTime = klines.openTime[lowest];
    expect(Math.abs(lowTime - Date.UTC(2025, 9, 10, 21, 20))).toBeLessThanOrEqual(5 * minute);

    const crash = selectKlines(klines, Date.UTC(2025, 9, 10, 21, 0), Date.UTC(2025, 9, 10, 21, 30));
    expect(crash.openTime).toHaveLength(31);
    expect(Math.min(...crash.low)).toBe(klines.low[lowest]);
  });
});
