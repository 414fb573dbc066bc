/**
 * Gas-price series in pandas "table" JSON (as in ../shared/data/*\/eth-gas-10min-*.json):
 * `{ schema: { fields: [{ name, type }] }, data: [{ timestamp, "90.0 Perc", ... }] }`, prices in
 * wei. One column (a percentile) becomes gwei per step, linear between rows, the last row held.
 */
import { maxMagnitude } from "../primitives.ts";
import { parseUtcTime } from "./bookDepth.ts";
import { parseJsonText } from "./jsonText.ts";
import { resampleToSteps } from "./klines.ts";

export function parseGasSeries(
  text: string,
  fileName: string,
  column: string,
): { timeMs: Float64Array; gwei: Float64Array } {
  const table = parseJsonText(text, fileName, 'a pandas "table" JSON');
  const record = table as { schema?: { fields?: { name?: unknown }[] }; data?: unknown };
  const fields = record?.schema?.fields;
  if (!Array.isArray(fields) || !Array.isArray(record.data) || record.data.length < 2) {
    throw new Error(
      `${fileName}: expected a pandas "table" JSON with schema.fields and at least 2 data rows`,
    );
  }
  const names = fields.map((field) => String(field.name));
  if (!names.includes(column)) {
    throw new Error(
      `gas.column: ${JSON.stringify(column)} is not a column of ${fileName} (its schema.fields names ${names.length}); expected one of its percentile columns, e.g. "90.0 Perc"`,
    );
  }
  const rows = record.data as Record<string, unknown>[];
  const timeMs = new Float64Array(rows.length);
  const gwei = new Float64Array(rows.length);
  rows.forEach((row, index) => {
    const stamp = typeof row?.timestamp === "string" ? parseUtcTime(row.timestamp) : null;
    if (stamp === null || stamp === undefined || (index > 0 && stamp <= timeMs[index - 1])) {
      throw new Error(
        `${fileName}: row ${index}: timestamp is missing, not an ISO time or not after the previous row's`,
      );
    }
    const wei = row[column];
    if (typeof wei !== "number" || !Number.isFinite(wei) || wei < 0 || wei > maxMagnitude) {
      throw new Error(
        `${fileName}: row ${index}: ${column} is missing or not allowed; expected a non-negative number of wei`,
      );
    }
    timeMs[index] = stamp;
    gwei[index] = wei / 1e9;
  });
  return { timeMs, gwei };
}

export function gasPath(
  series: { timeMs: Float64Array; gwei: Float64Array },
  dtSeconds: number,
  steps: number,
): Float64Array {
  const sampled = resampleToSteps(series.timeMs, series.gwei, dtSeconds, steps + 1);
  const path = new Float64Array(steps + 1);
  path.set(sampled);
  path.fill(sampled[sampled.length - 1], sampled.length);
  return path;
}
