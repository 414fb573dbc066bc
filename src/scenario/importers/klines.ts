/**
 * Price paths from Binance kline CSV dumps (data.binance.vision):
 * `open_time,open,high,low,close,volume,close_time,...`, with or without a header line.
 */

import { ScenarioError, type ScenarioIssue } from "../errors.ts";
import { maxMagnitude } from "../primitives.ts";

export interface Klines {
  /** Bar open time in milliseconds since the Unix epoch (UTC). */
  openTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

export type KlineColumn = "open" | "high" | "low" | "close";

const columns = ["open_time", "open", "high", "low", "close"] as const;

/** Past this many problems the file is probably in another format; more lines would only bury the first ones. */
const maxIssues = 20;

/**
 * Binance's spot dumps switched open_time from milliseconds to microseconds on 1 Jan 2025; no
 * millisecond timestamp reaches this value before the year 5000, so larger ones are microseconds.
 */
const firstMicrosecondTimestamp = 1e14;

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseKlinesCsv(text: string, fileName: string): Klines {
  const issues: ScenarioIssue[] = [];
  /** Records an issue; true once the cap is reached and parsing should stop. */
  const report = (line: number, column: number, path: string, message: string): boolean => {
    issues.push({ location: `${fileName}:${line}:${column}`, path, message });
    return issues.length >= maxIssues;
  };
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let firstDataIndex = lines.findIndex((line) => line.trim() !== "");
  // Positions of open_time..close; Binance's own order unless a header says otherwise.
  let columnIndex: number[] = [0, 1, 2, 3, 4];
  if (firstDataIndex >= 0 && !numberPattern.test(lines[firstDataIndex].split(",")[0].trim())) {
    const header = lines[firstDataIndex].split(",").map((name) => name.trim());
    columnIndex = columns.map((name) => header.indexOf(name));
    const missing = columns.filter((_, index) => columnIndex[index] < 0);
    if (missing.length > 0) {
      throw new ScenarioError([
        {
          location: `${fileName}:${firstDataIndex + 1}:1`,
          path: "header",
          message: `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; a kline header names ${columns.join(",")},...`,
        },
      ]);
    }
    firstDataIndex++;
  }
  const widestColumn = Math.max(...columnIndex);

  const openTime: number[] = [];
  const prices: Record<KlineColumn, number[]> = { open: [], high: [], low: [], close: [] };
  let previousTime = Number.NEGATIVE_INFINITY;
  for (let index = Math.max(firstDataIndex, 0); index < lines.length; index++) {
    const text = lines[index];
    if (text.trim() === "") continue;
    const line = index + 1;
    const cells: { text: string; column: number }[] = [];
    let start = 0;
    for (const cell of text.split(",")) {
      cells.push({ text: cell.trim(), column: start + 1 });
      start += cell.length + 1;
    }
    if (cells.length <= widestColumn) {
      if (
        report(
          line,
          text.length + 1,
          "row",
          `expected at least ${widestColumn + 1} cells (${columns.join(",")}), found ${cells.length}`,
        )
      )
        break;
      continue;
    }
    const values: number[] = [];
    let rowIsValid = true;
    let stop = false;
    columns.forEach((name, position) => {
      const cell = cells[columnIndex[position]];
      const value = numberPattern.test(cell.text) ? Number(cell.text) : Number.NaN;
      const allowed =
        name === "open_time"
          ? "must be a time in milliseconds since 1970"
          : "must be a price > 0 and at most 1e15";
      // Times are checked for order below; prices past 1e15 would overflow once rebased.
      const tooLarge = name !== "open_time" && value > maxMagnitude;
      if (!Number.isFinite(value) || value <= 0 || tooLarge) {
        rowIsValid = false;
        stop ||= report(line, cell.column, name, `the cell is not allowed; ${allowed}`);
      }
      values.push(value);
    });
    if (stop) break;
    if (!rowIsValid) continue;
    const time = values[0] >= firstMicrosecondTimestamp ? values[0] / 1000 : values[0];
    if (time <= previousTime) {
      const cell = cells[columnIndex[0]];
      if (
        report(
          line,
          cell.column,
          "open_time",
          `the time is not allowed; must be later than the previous row's ${new Date(previousTime).toISOString()}`,
        )
      )
        break;
      continue;
    }
    previousTime = time;
    openTime.push(time);
    prices.open.push(values[1]);
    prices.high.push(values[2]);
    prices.low.push(values[3]);
    prices.close.push(values[4]);
  }

  if (issues.length >= maxIssues) {
    issues.push({ location: fileName, path: "", message: `stopped after ${maxIssues} issues` });
  }
  if (issues.length > 0) throw new ScenarioError(issues);
  if (openTime.length === 0) {
    throw new ScenarioError([
      { location: fileName, path: "", message: "the file has no kline rows" },
    ]);
  }
  return {
    openTime: Float64Array.from(openTime),
    open: Float64Array.from(prices.open),
    high: Float64Array.from(prices.high),
    low: Float64Array.from(prices.low),
    close: Float64Array.from(prices.close),
  };
}

/** The bars whose open time lies in [from, to] (milliseconds, both inclusive, either open). */
export function selectKlines(klines: Klines, from?: number, to?: number): Klines {
  let first = 0;
  while (first < klines.openTime.length && from !== undefined && klines.openTime[first] < from) {
    first++;
  }
  let end = first;
  while (end < klines.openTime.length && (to === undefined || klines.openTime[end] <= to)) end++;
  return {
    openTime: klines.openTime.slice(first, end),
    open: klines.open.slice(first, end),
    high: klines.high.slice(first, end),
    low: klines.low.slice(first, end),
    close: klines.close.slice(first, end),
  };
}

/**
 * One price per simulation step: the series sampled every `dtSeconds` from its first time,
 * linearly interpolated between bars (holding each bar's price for a whole bar would turn a
 * smooth minute into one jump every 60 one-second steps). Stops at the series' end or after
 * `steps` prices, whichever comes first; the engine holds the last price afterwards.
 */
export function resampleToSteps(
  timesMs: Float64Array,
  values: Float64Array,
  dtSeconds: number,
  steps: number,
): Float64Array {
  const durationSeconds = (timesMs[timesMs.length - 1] - timesMs[0]) / 1000;
  const count = Math.min(steps, Math.floor(durationSeconds / dtSeconds + 1e-9) + 1);
  const prices = new Float64Array(count);
  let bar = 0;
  for (let step = 0; step < count; step++) {
    const time = timesMs[0] + step * dtSeconds * 1000;
    while (bar < timesMs.length - 2 && timesMs[bar + 1] <= time) bar++;
    if (bar === timesMs.length - 1) {
      prices[step] = values[bar];
      continue;
    }
    const weight = Math.min(1, (time - timesMs[bar]) / (timesMs[bar + 1] - timesMs[bar]));
    prices[step] = values[bar] + weight * (values[bar + 1] - values[bar]);
  }
  return prices;
}
