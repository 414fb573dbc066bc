/**
 * CoinAPI OHLCV JSON (as in ../shared/data/*\/eth-usd-10min-*.json): an array of bars with
 * `time_period_start`, `time_period_end`, `price_open`, `price_high`, `price_low`, `price_close`.
 * Each bar's open is stamped at its start, high/low/close at its end; `resampleToSteps` then
 * interpolates linearly between stamps onto the scenario's step grid.
 */
import { maxMagnitude } from "../primitives.ts";
import { parseUtcTime } from "./bookDepth.ts";
import { parseJsonText } from "./jsonText.ts";
import { resampleToSteps } from "./klines.ts";

export type CoinApiColumn = "open" | "high" | "low" | "close";

export interface CoinApiSeries {
  /** Stamp of each value, milliseconds since the epoch (UTC). */
  timeMs: Float64Array;
  values: Float64Array;
}

function positiveNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= maxMagnitude;
}

export function parseCoinApi(text: string, fileName: string, column: CoinApiColumn): CoinApiSeries {
  const data = parseJsonText(text, fileName, "a CoinAPI OHLCV array");
  if (!Array.isArray(data) || data.length < 2) {
    throw new Error(`${fileName}: expected a JSON array of at least 2 CoinAPI OHLCV bars`);
  }
  const stampField = column === "open" ? "time_period_start" : "time_period_end";
  const priceField = `price_${column}`;
  const timeMs = new Float64Array(data.length);
  const values = new Float64Array(data.length);
  data.forEach((bar: Record<string, unknown>, index) => {
    const stamp =
      typeof bar?.[stampField] === "string" ? parseUtcTime(bar[stampField] as string) : null;
    if (stamp === null || stamp === undefined) {
      throw new Error(
        `${fileName}: bar ${index}: ${stampField} is missing or not an ISO time in UTC; expected one such as 2021-05-19T00:10:00.0000000Z`,
      );
    }
    const price = bar[priceField];
    if (!positiveNumber(price)) {
      throw new Error(
        `${fileName}: bar ${index}: ${priceField} is missing or not allowed; expected a positive finite number`,
      );
    }
    if (index > 0 && stamp <= timeMs[index - 1]) {
      throw new Error(
        `${fileName}: bar ${index}: ${stampField} is not after the previous bar's; bars must be in time order`,
      );
    }
    timeMs[index] = stamp;
    values[index] = price;
  });
  return { timeMs, values };
}

/** The series on the step grid: steps + 1 prices, the last value held once the data ends. */
export function coinApiPath(series: CoinApiSeries, dtSeconds: number, steps: number): Float64Array {
  const sampled = resampleToSteps(series.timeMs, series.values, dtSeconds, steps + 1);
  const path = new Float64Array(steps + 1);
  path.set(sampled);
  path.fill(sampled[sampled.length - 1], sampled.length);
  return path;
}
