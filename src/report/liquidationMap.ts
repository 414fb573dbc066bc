/**
 * The liquidation map a Coinglass reader looks for, in two parts:
 * - time-resolved: liquidated notional summed per (time bucket, price band) over the cascade
 *   window, from the run's own liquidation events (where and when positions were actually
 *   closed), drawn as shaded cells under the price line;
 * - cumulative: from the positions as they stood before the shock, "if the price falls to X,
 *   $Y of longs is liquidated" (and, for a rise, shorts), summed outward from the start price.
 * Perp and lending reports both build theirs here. No Node imports: the browser draws it too.
 */
import type { HeatmapBucket } from "../engine/result.ts";
import type { AlignedData } from "./chartData.ts";
import type { TimeBase } from "./timeAxis.ts";
import { barSteps } from "./timeBuckets.ts";

export interface LiquidationMap {
  /** Column edges in steps (columns + 1 values). */
  stepEdges: number[];
  /** Row edges in price, ascending (rows + 1 values). */
  priceEdges: number[];
  /** notional[row][column]; row 0 is the lowest price band. */
  notional: number[][];
  largest: number;
  /** Notional inside the map and all liquidated notional: the map covers the cascade window. */
  mapped: number;
  total: number;
}

/** Columns and rows at most: cells stay several pixels wide on a 1,200 px chart. */
export const mapColumns = 120;
export const mapRows = 48;

/** A round price band (1, 2, 2.5 or 5 × 10^k) giving at most `rows` bands over the range. */
function priceBand(low: number, high: number, rows: number): number {
  const rough = (high - low) / rows || Math.abs(high) * 0.001 || 1;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (factor * magnitude >= rough) return factor * magnitude;
  }
  return 10 * magnitude;
}

export interface LiquidationPoints {
  length: number;
  step: (index: number) => number;
  price: (index: number) => number;
  notional: (index: number) => number;
}

/**
 * Sums the points inside `window` (steps, inclusive; the whole run when null) into a grid of
 * round time buckets by round price bands. Points without a price or notional are skipped.
 */
export function liquidationMap(
  points: LiquidationPoints,
  time: TimeBase,
  window: readonly [number, number],
  columns = mapColumns,
  rows = mapRows,
): LiquidationMap {
  let total = 0;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < points.length; index++) {
    const notional = points.notional(index);
    const price = points.price(index);
    if (!(notional > 0) || !(price > 0) || !Number.isFinite(notional)) continue;
    total += notional;
    const step = points.step(index);
    if (step < window[0] || step > window[1]) continue;
    low = Math.min(low, price);
    high = Math.max(high, price);
  }
  const empty: LiquidationMap = {
    stepEdges: [],
    priceEdges: [],
    notional: [],
    largest: 0,
    mapped: 0,
    total,
  };
  if (!(high >= low)) return empty;
  const width = barSteps(time, window[1] - window[0] + 1, columns);
  const firstColumn = Math.floor(window[0] / width);
  const columnCount = Math.floor(window[1] / width) - firstColumn + 1;
  const band = priceBand(low, high, rows);
  // 99.4 / 0.1 is 993.9999…: a hair of slack keeps a price on a band edge in the band it opens.
  const bandOf = (price: number) => Math.floor(price / band + 1e-9);
  const firstRow = bandOf(low);
  const rowCount = bandOf(high) - firstRow + 1;
  const notional = Array.from({ length: rowCount }, () => new Array<number>(columnCount).fill(0));
  let mapped = 0;
  for (let index = 0; index < points.length; index++) {
    const value = points.notional(index);
    const price = points.price(index);
    const step = points.step(index);
    if (!(value > 0) || !(price > 0) || !Number.isFinite(value)) continue;
    if (step < window[0] || step > window[1]) continue;
    const row = Math.min(rowCount - 1, bandOf(price) - firstRow);
    const column = Math.min(columnCount - 1, Math.floor(step / width) - firstColumn);
    notional[row][column] += value;
    mapped += value;
  }
  let largest = 0;
  for (const row of notional) for (const value of row) largest = Math.max(largest, value);
  const round = (value: number) => Number(value.toPrecision(10));
  return {
    stepEdges: Array.from({ length: columnCount + 1 }, (_, index) => (firstColumn + index) * width),
    priceEdges: Array.from({ length: rowCount + 1 }, (_, index) =>
      round((firstRow + index) * band),
    ),
    notional: notional.map((row) => row.map((value) => Number(value.toPrecision(7)))),
    largest: Number(largest.toPrecision(7)),
    mapped,
    total,
  };
}

/**
 * "If the price falls to X, $Y of longs is liquidated; if it rises to X, $Y of shorts": the
 * pre-shock heatmap summed outward from the start price. Longs at the lower edge of each bucket
 * that starts below the start price (every long whose liquidation price is at or above it),
 * shorts at the upper edge of each bucket that ends above it; null on the other side. Columns:
 * price, longs, shorts.
 */
export function cumulativeLiquidations(
  buckets: readonly HeatmapBucket[],
  startPrice: number,
): AlignedData {
  const sorted = [...buckets].sort((first, second) => first.priceLow - second.priceLow);
  const prices: number[] = [];
  const longs: (number | null)[] = [];
  const shorts: (number | null)[] = [];
  let longAbove = 0;
  for (const bucket of sorted) longAbove += bucket.longNotional;
  let shortBelow = 0;
  for (const bucket of sorted) {
    if (bucket.priceLow < startPrice) {
      prices.push(bucket.priceLow);
      longs.push(Number(Math.max(0, longAbove).toPrecision(7)));
      shorts.push(null);
    }
    longAbove -= bucket.longNotional;
    shortBelow += bucket.shortNotional;
    if (bucket.priceHigh > startPrice) {
      prices.push(bucket.priceHigh);
      longs.push(null);
      shorts.push(Number(shortBelow.toPrecision(7)));
    }
  }
  return [prices, longs, shorts];
}
