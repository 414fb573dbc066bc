/**
 * The liquidation heatmap as a fixed-width terminal table: where, before the shock, long and
 * short positions would be liquidated.
 */
import type { HeatmapBucket } from "../engine/result.ts";
import { csvField } from "./csv.ts";
import { formatCount, formatMoney, formatNumber } from "./format.ts";

function isEmpty(bucket: HeatmapBucket): boolean {
  return (
    bucket.longCount === 0 &&
    bucket.shortCount === 0 &&
    bucket.longNotional === 0 &&
    bucket.shortNotional === 0
  );
}

/**
 * Drops empty buckets at both ends (the heatmap window is usually wider than where positions
 * sit) but keeps empty buckets between clusters, because the gaps are part of the picture.
 */
export function trimEmptyBuckets(buckets: readonly HeatmapBucket[]): HeatmapBucket[] {
  let first = 0;
  while (first < buckets.length && isEmpty(buckets[first])) first++;
  let last = buckets.length - 1;
  while (last >= first && isEmpty(buckets[last])) last--;
  return buckets.slice(first, last + 1);
}

/** Enough decimals to tell neighbouring bucket edges apart, plus one. */
function priceDecimals(buckets: readonly HeatmapBucket[]): number {
  let width = Number.POSITIVE_INFINITY;
  for (const bucket of buckets) width = Math.min(width, bucket.priceHigh - bucket.priceLow);
  if (!(width > 0) || !Number.isFinite(width)) return 2;
  return Math.min(8, Math.max(0, Math.ceil(-Math.log10(width)) + 1));
}

const headers = [
  "price from",
  "price to",
  "long notional",
  "short notional",
  "longs",
  "shorts",
] as const;

/** Text table, one line per bucket from the lowest price up, trailing newline. */
export function heatmapTable(buckets: readonly HeatmapBucket[]): string {
  const trimmed = trimEmptyBuckets(buckets);
  if (trimmed.length === 0)
    return "No open position has a liquidation price inside the heatmap range.\n";
  const decimals = priceDecimals(trimmed);
  const rows = trimmed.map((bucket) => [
    bucket.priceLow.toFixed(decimals),
    bucket.priceHigh.toFixed(decimals),
    formatMoney(bucket.longNotional),
    formatMoney(bucket.shortNotional),
    formatCount(bucket.longCount),
    formatCount(bucket.shortCount),
  ]);
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column].length)),
  );
  // Every column is numeric, so right-aligning keeps digits of equal weight under each other.
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => cell.padStart(widths[column])).join("  ");
  const separator = widths.map((width) => "-".repeat(width)).join("  ");
  return `${[line(headers), separator, ...rows.map(line)].join("\n")}\n`;
}

export const heatmapColumns = [
  "priceLow",
  "priceHigh",
  "longNotional",
  "shortNotional",
  "longCount",
  "shortCount",
] as const;

/** Every bucket, empty ones included, with exact values; trailing newline. */
export function heatmapCsv(buckets: readonly HeatmapBucket[]): string {
  const rows = buckets.map((bucket) =>
    heatmapColumns.map((column) => formatNumber(bucket[column])).join(","),
  );
  return `${[heatmapColumns.join(","), ...rows].join("\n")}\n`;
}

/** Several markets: each market's table under its symbol. */
export function marketHeatmapTables(
  symbols: readonly string[],
  heatmaps: readonly (readonly HeatmapBucket[])[],
): string {
  return symbols.map((symbol, market) => `${symbol}\n${heatmapTable(heatmaps[market])}`).join("\n");
}

/** Several markets: heatmapCsv's rows with the market's symbol in a first column. */
export function marketHeatmapsCsv(
  symbols: readonly string[],
  heatmaps: readonly (readonly HeatmapBucket[])[],
): string {
  const rows = symbols.flatMap((symbol, market) =>
    heatmaps[market].map(
      (bucket) =>
        `${csvField(symbol)},${heatmapColumns.map((column) => formatNumber(bucket[column])).join(",")}`,
    ),
  );
  return `${["market", ...heatmapColumns].join(",")}\n${rows.map((row) => `${row}\n`).join("")}`;
}
