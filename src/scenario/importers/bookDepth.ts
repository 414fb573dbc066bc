/**
 * Binance futures `bookDepth` dumps: about every 30 s, the cumulative base quantity (`depth`) and
 * quote notional resting within 1..5 % below (negative percentage) and above the exchange's
 * reference price, with their volume-weighted average price. Ten rows share each timestamp.
 *
 * The file is only a depth profile, so the book built from it is an approximation: each 1 % band's
 * quantity is spread evenly over levels at the centres of equal sub-bands. Known defects of the
 * real data (see ../shared/data/README.md): in the 10 Oct 2025 file the −1..−3 % (later −4 %) bid
 * bands freeze at 17.654 BTC against a stale reference from the afternoon on, and one row carries a
 * leading space in its timestamp; fields are therefore trimmed, and a snapshot whose ±1 % rows
 * contradict each other gets no derived reference price.
 */

import type { PriceLevel } from "../../engine/config.ts";
import { maxMagnitude } from "../primitives.ts";

export const BOOK_DEPTH_HEADER = "timestamp,percentage,depth,notional,weighted_avg_price";

/** Bands per side: 1 % to 5 %. */
const BAND_COUNT = 5;

export interface BookDepthSnapshot {
  /** As written in the file (trimmed), UTC, e.g. "2025-10-10 00:00:07". */
  timestamp: string;
  /** Milliseconds since the Unix epoch. */
  time: number;
  /** 1-based line of the snapshot's first row. */
  line: number;
  /** bidDepth[k − 1]: cumulative base quantity within k % below the reference price, k = 1..5. */
  bidDepth: number[];
  /** askDepth[k − 1]: cumulative base quantity within k % above the reference price. */
  askDepth: number[];
  /** Cumulative quote notional, indexed like bidDepth. */
  bidNotional: number[];
  askNotional: number[];
  /**
   * Binance does not publish the reference price the bands are measured from, so it is derived:
   * the −1 % band's average price b lies in [0.99 R, R] and the +1 % band's a in [R, 1.01 R], which
   * bounds R to [max(b, a / 1.01), min(b / 0.99, a)]. The midpoint (a + b) / 2 lies inside that
   * interval whenever it is non-empty and is exact when depth is distributed alike on both sides;
   * its error is at most half the interval, under 0.5 % of the price (about 0.4 % in practice).
   * null when the rows contradict each other (empty interval, or an empty ±1 % band), as happens
   * when a band is stale.
   */
  referencePrice: number | null;
}

type Fail = (line: number, column: number, message: string) => never;

interface Field {
  text: string;
  column: number;
}

/** Rows of the snapshot being read, by band slot: bids 0..4 (−1..−5 %), asks 5..9 (+1..+5 %). */
interface PendingSnapshot {
  timestamp: string;
  time: number;
  line: number;
  seen: boolean[];
  depth: number[];
  notional: number[];
  averagePrice: number[];
  depthLine: number[];
  depthColumn: number[];
  depthText: string[];
}

const NUMBER_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const UTC_TIME_EXPECTED =
  'expected a UTC time "YYYY-MM-DD HH:MM:SS" or ISO 8601 such as "2025-10-10T21:15:00Z"';

export function parseBookDepthCsv(text: string, fileName: string): BookDepthSnapshot[] {
  const lines = text.split("\n");
  const header = stripLineEnd(lines[0])
    .replace(/^\uFEFF/, "")
    .trim();
  if (header !== BOOK_DEPTH_HEADER) {
    throw new Error(
      `${fileName}:1:1: header: the first line is not a bookDepth header; expected "${BOOK_DEPTH_HEADER}"`,
    );
  }
  // Annotated as a type, not inferred, so the compiler treats each call as ending the path.
  const fail: Fail = (line, column, message) => {
    throw new Error(`${fileName}:${line}:${column}: ${message}`);
  };
  const snapshots: BookDepthSnapshot[] = [];
  let pending: PendingSnapshot | null = null;
  for (let index = 1; index < lines.length; index++) {
    const raw = stripLineEnd(lines[index]);
    if (raw.trim() === "") continue;
    const line = index + 1;
    const fields = splitFields(raw);
    if (fields.length !== 5) {
      fail(line, 1, `row: has ${fields.length} columns; expected 5 (${BOOK_DEPTH_HEADER})`);
    }
    const [timestampField, percentageField, depthField, notionalField, averagePriceField] = fields;

    const time = parseUtcTime(timestampField.text);
    if (time === null) {
      fail(line, timestampField.column, `timestamp: the cell is not a time; ${UTC_TIME_EXPECTED}`);
    }
    const percentage = Number(percentageField.text);
    if (
      !/^[+-]?\d+$/.test(percentageField.text) ||
      percentage === 0 ||
      Math.abs(percentage) > BAND_COUNT
    ) {
      fail(
        line,
        percentageField.column,
        `percentage: the cell is not a band; expected an integer from -5 to -1 or 1 to 5`,
      );
    }
    const depth = parseNonNegative(depthField, "depth", line, fail);
    const notional = parseNonNegative(notionalField, "notional", line, fail);
    const averagePrice = parseNonNegative(averagePriceField, "weighted_avg_price", line, fail);

    if (pending === null || time !== pending.time) {
      if (pending !== null) {
        if (time < pending.time) {
          fail(
            line,
            timestampField.column,
            `timestamp: "${timestampField.text}" is earlier than the previous snapshot ` +
              `"${pending.timestamp}"; expected rows in time order`,
          );
        }
        snapshots.push(finishSnapshot(pending, fail));
      }
      pending = newPendingSnapshot(timestampField.text, time, line);
    }
    const slot = percentage < 0 ? -percentage - 1 : BAND_COUNT + percentage - 1;
    if (pending.seen[slot]) {
      fail(
        line,
        percentageField.column,
        `percentage: "${percentageField.text}" appears twice in snapshot ${pending.timestamp}; ` +
          "expected one row per band",
      );
    }
    pending.seen[slot] = true;
    pending.depth[slot] = depth;
    pending.notional[slot] = notional;
    pending.averagePrice[slot] = averagePrice;
    pending.depthLine[slot] = line;
    pending.depthColumn[slot] = depthField.column;
    pending.depthText[slot] = depthField.text;
  }
  if (pending === null) {
    return fail(2, 1, "rows: the file has no data rows; expected at least one snapshot");
  }
  snapshots.push(finishSnapshot(pending, fail));
  return snapshots;
}

/**
 * Order-book levels from a snapshot: band k's own quantity (cumulative depth at k % minus that at
 * (k − 1) %, 0 at 0 %) is split evenly over `levelsPerPercent` levels at the centres of equal
 * sub-bands, priced referencePrice × (1 ∓ percent / 100). Centres rather than edges keep the best
 * levels off the reference price itself and give each band the average price of an even spread.
 * Bands with no quantity of their own produce no levels.
 */
export function levelsFromBookDepth(
  snapshot: BookDepthSnapshot,
  referencePrice: number,
  levelsPerPercent: number,
): { bids: PriceLevel[]; asks: PriceLevel[] } {
  if (!(Number.isFinite(referencePrice) && referencePrice > 0)) {
    throw new Error(`referencePrice: ${referencePrice} is not allowed; expected a positive number`);
  }
  if (!(Number.isInteger(levelsPerPercent) && levelsPerPercent > 0)) {
    throw new Error(
      `levelsPerPercent: ${levelsPerPercent} is not allowed; expected a positive integer`,
    );
  }
  const bids = bandLevels(snapshot.bidDepth, -1, referencePrice, levelsPerPercent);
  const asks = bandLevels(snapshot.askDepth, 1, referencePrice, levelsPerPercent);
  for (const [name, levels] of [
    ["bids", bids],
    ["asks", asks],
  ] as const) {
    if (levels.length === 0) {
      throw new Error(
        `${snapshot.timestamp}: ${name}: the snapshot has no depth within 5 %; expected some on both sides`,
      );
    }
  }
  return { bids, asks };
}

/**
 * The latest snapshot at or before `at` (UTC "YYYY-MM-DD HH:MM:SS" or ISO 8601), or the first one
 * when `at` is absent. Snapshots must be in time order, as parseBookDepthCsv returns them.
 */
export function selectSnapshot(
  snapshots: readonly BookDepthSnapshot[],
  at?: string,
): BookDepthSnapshot {
  if (snapshots.length === 0) {
    throw new Error("snapshots: none to choose from; expected at least one");
  }
  if (at === undefined) return snapshots[0];
  const time = parseUtcTime(at.trim());
  if (time === null) throw new Error(`at: "${at}" is not a time; ${UTC_TIME_EXPECTED}`);
  if (time < snapshots[0].time) {
    throw new Error(
      `at: "${at}" is before the first snapshot (${snapshots[0].timestamp}); expected a time at or after it`,
    );
  }
  let low = 0;
  let high = snapshots.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (snapshots[middle].time <= time) low = middle;
    else high = middle - 1;
  }
  return snapshots[low];
}

/**
 * Milliseconds since the epoch, or null if the text is not a valid time. A time without a zone is
 * UTC: JavaScript's Date.parse would read "2025-10-10T21:15:00" as local time, which would make a
 * scenario's result depend on the machine running it.
 */
export function parseUtcTime(text: string): number | null {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text,
    );
  if (match === null) return null;
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", zone = "Z"] =
    match;
  const date = Date.UTC(Number(year), Number(month) - 1, Number(day));
  const calendar = new Date(date);
  if (
    calendar.getUTCFullYear() !== Number(year) ||
    calendar.getUTCMonth() !== Number(month) - 1 ||
    calendar.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59
  ) {
    return null;
  }
  let offsetMinutes = 0;
  if (zone !== "Z") {
    const digits = zone.replace(":", "");
    const zoneHours = Number(digits.slice(1, 3));
    const zoneMinutes = Number(digits.slice(3, 5));
    if (zoneHours > 23 || zoneMinutes > 59) return null;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  const milliseconds = Number(fraction.padEnd(3, "0").slice(0, 3));
  return (
    date +
    ((Number(hour) * 60 + Number(minute) - offsetMinutes) * 60 + Number(second)) * 1000 +
    milliseconds
  );
}

function bandLevels(
  cumulativeDepth: readonly number[],
  sign: 1 | -1,
  referencePrice: number,
  levelsPerPercent: number,
): PriceLevel[] {
  const levels: PriceLevel[] = [];
  for (let band = 1; band <= BAND_COUNT; band++) {
    const bandDepth = cumulativeDepth[band - 1] - (band > 1 ? cumulativeDepth[band - 2] : 0);
    if (!(bandDepth > 0)) continue;
    const size = bandDepth / levelsPerPercent;
    for (let level = 0; level < levelsPerPercent; level++) {
      const percent = band - 1 + (level + 0.5) / levelsPerPercent;
      levels.push({ price: referencePrice * (1 + (sign * percent) / 100), size });
    }
  }
  return levels;
}

function newPendingSnapshot(timestamp: string, time: number, line: number): PendingSnapshot {
  const slots = 2 * BAND_COUNT;
  return {
    timestamp,
    time,
    line,
    seen: new Array<boolean>(slots).fill(false),
    depth: new Array<number>(slots).fill(0),
    notional: new Array<number>(slots).fill(0),
    averagePrice: new Array<number>(slots).fill(0),
    depthLine: new Array<number>(slots).fill(0),
    depthColumn: new Array<number>(slots).fill(0),
    depthText: new Array<string>(slots).fill(""),
  };
}

function finishSnapshot(pending: PendingSnapshot, fail: Fail): BookDepthSnapshot {
  const missing: string[] = [];
  for (let slot = 0; slot < 2 * BAND_COUNT; slot++) {
    if (!pending.seen[slot]) missing.push(String(slotPercentage(slot)));
  }
  if (missing.length > 0) {
    fail(
      pending.line,
      1,
      `percentage: snapshot ${pending.timestamp} has no row for ${missing.join(", ")}; ` +
        "expected one row for each of -5..-1 and 1..5",
    );
  }
  for (const firstSlot of [0, BAND_COUNT]) {
    for (let band = 1; band < BAND_COUNT; band++) {
      const slot = firstSlot + band;
      if (pending.depth[slot] < pending.depth[slot - 1]) {
        fail(
          pending.depthLine[slot],
          pending.depthColumn[slot],
          `depth: "${pending.depthText[slot]}" at ${slotPercentage(slot)} % is below ` +
            `${pending.depth[slot - 1]} at ${slotPercentage(slot - 1)} %; ` +
            "expected cumulative depth that does not shrink away from the price",
        );
      }
    }
  }
  return {
    timestamp: pending.timestamp,
    time: pending.time,
    line: pending.line,
    bidDepth: pending.depth.slice(0, BAND_COUNT),
    askDepth: pending.depth.slice(BAND_COUNT),
    bidNotional: pending.notional.slice(0, BAND_COUNT),
    askNotional: pending.notional.slice(BAND_COUNT),
    referencePrice: derivedReferencePrice(pending),
  };
}

/** See BookDepthSnapshot.referencePrice. */
function derivedReferencePrice(pending: PendingSnapshot): number | null {
  const bidAverage = pending.averagePrice[0];
  const askAverage = pending.averagePrice[BAND_COUNT];
  const consistent =
    pending.depth[0] > 0 &&
    pending.depth[BAND_COUNT] > 0 &&
    bidAverage > 0 &&
    bidAverage <= askAverage &&
    askAverage * 0.99 <= bidAverage * 1.01;
  return consistent ? (bidAverage + askAverage) / 2 : null;
}

function slotPercentage(slot: number): number {
  return slot < BAND_COUNT ? -(slot + 1) : slot - BAND_COUNT + 1;
}

function parseNonNegative(field: Field, name: string, line: number, fail: Fail): number {
  if (!NUMBER_PATTERN.test(field.text)) {
    fail(line, field.column, `${name}: the cell is not a number; expected a non-negative number`);
  }
  const value = Number(field.text);
  if (!(Number.isFinite(value) && value >= 0 && value <= maxMagnitude)) {
    fail(
      line,
      field.column,
      `${name}: the cell is not allowed; expected a non-negative finite number`,
    );
  }
  return value;
}

/** Comma-separated fields, trimmed, each with the 1-based column of its first non-blank character. */
function splitFields(raw: string): Field[] {
  const fields: Field[] = [];
  let start = 0;
  for (;;) {
    const comma = raw.indexOf(",", start);
    const end = comma === -1 ? raw.length : comma;
    const piece = raw.slice(start, end);
    const leading = piece.length - piece.trimStart().length;
    fields.push({ text: piece.trim(), column: start + leading + 1 });
    if (comma === -1) return fields;
    start = comma + 1;
  }
}

function stripLineEnd(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
