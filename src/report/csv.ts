/**
 * `timeseries.csv` and `events.csv`. A big cascade logs over a million events (140 MB of text),
 * so event rows are written as bytes straight from the typed columns, with no object or string
 * per row, and handed out in pieces to be written as they come: the whole file never exists as
 * one string.
 */
import {
  eventTypes,
  marketSeriesColumns,
  type RunResult,
  timeseriesColumns,
} from "../engine/result.ts";
import { formatNumber } from "./format.ts";
import { maxDecimalBytes, writeShortestDecimal } from "./shortestDecimal.ts";

export const eventColumns = [
  "step",
  "round",
  "type",
  "account",
  "side",
  "quantity",
  "price",
  "notional",
  "amount",
  "insuranceFund",
  "market",
] as const;

/** RFC 4180 quoting, applied only where needed so ordinary names stay readable. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Event side code (+1, -1, 0) as a word; no side stays empty. */
export function sideName(side: number): string {
  if (side > 0) return "long";
  if (side < 0) return "short";
  return "";
}

/**
 * Collects rows into chunks of text joined once at the end. Appending builds a V8 rope of tiny
 * pieces; flattening each finished chunk (charCodeAt forces it) keeps millions of pieces away
 * from the final join, which measured about twice as fast on 500k events.
 */
class RowWriter {
  private static readonly rowsPerChunk = 1024;
  private readonly chunks: string[] = [];
  private chunk = "";
  private rowsInChunk = 0;

  add(row: string): void {
    this.chunk += `${row}\n`;
    if (++this.rowsInChunk === RowWriter.rowsPerChunk) {
      this.chunk.charCodeAt(0);
      this.chunks.push(this.chunk);
      this.chunk = "";
      this.rowsInChunk = 0;
    }
  }

  text(): string {
    this.chunks.push(this.chunk);
    return this.chunks.join("");
  }
}

/** One row per recorded step (row 0 is the state before the first step), trailing newline. */
export function timeseriesCsv(result: RunResult): string {
  const columns = timeseriesColumns.map((name) => result.timeseries[name]);
  const rowCount = result.timeseries.step.length;
  const writer = new RowWriter();
  writer.add(timeseriesColumns.join(","));
  for (let row = 0; row < rowCount; row++) {
    let line = formatNumber(columns[0][row]);
    for (let column = 1; column < columns.length; column++)
      line += `,${formatNumber(columns[column][row])}`;
    writer.add(line);
  }
  return writer.text();
}

/** Bytes per piece handed to `write` (whole rows; a longer row gets a piece of its own). */
const pieceBytes = 1 << 16;
/** Room a row needs besides its account and market cells: two integers, a type, five numbers. */
const rowBytes = 256;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes text at `bytes[at]` as UTF-8 (room for 3 bytes per character needed); returns the end. */
function writeUtf8(text: string, bytes: Uint8Array, at: number): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x80) return at + encoder.encodeInto(text, bytes.subarray(at)).written;
    bytes[at + index] = code;
  }
  return at + text.length;
}

const comma = 0x2c;
const sideBytes = [encoder.encode("short,"), encoder.encode(","), encoder.encode("long,")];
const typeBytes = eventTypes.map((name) => encoder.encode(`${name},`));

/**
 * A number column's cell: remembers the last value and its bytes, because the fund balance, the
 * price of an ADL round and zeros repeat from row to row. NaN (no value) is an empty cell.
 */
class NumberCell {
  private last = Number.NaN;
  private readonly text = new Uint8Array(maxDecimalBytes);
  private length = 0;

  write(value: number, bytes: Uint8Array, at: number): number {
    // NaN never equals itself, so it is looked at every time; it is rare.
    if (value !== this.last) {
      this.last = value;
      this.length = Number.isNaN(value) ? 0 : writeShortestDecimal(value, this.text, 0);
    }
    for (let index = 0; index < this.length; index++) bytes[at + index] = this.text[index];
    return at + this.length;
  }
}

/**
 * Every logged event in order, trailing newline, passed to `write` as UTF-8 pieces of whole
 * rows. A piece is a view of a buffer that the next row overwrites: use it before returning.
 *
 * Rows are written as bytes straight from the typed columns (numbers by writeShortestDecimal,
 * which prints exactly what `String(x)` does), so no string is made per row or per number; an
 * account's quoted name is made once for its run of consecutive rows.
 */
export function writeEventsCsv(result: RunResult, write: (piece: Uint8Array) => void): void {
  const events = result.events;
  const { step, round, type, account, side, quantity, price, notional, amount, insuranceFund } =
    events;
  const marketBytes = events.markets.map((symbol) => encoder.encode(`${csvField(symbol)}\n`));
  const longestMarket = Math.max(0, ...marketBytes.map((field) => field.length));
  const quantityCell = new NumberCell();
  const priceCell = new NumberCell();
  const notionalCell = new NumberCell();
  const amountCell = new NumberCell();
  const fundCell = new NumberCell();
  let lastAccount = -2;
  let accountText = "";
  let bytes = new Uint8Array(pieceBytes);
  let at = writeUtf8(`${eventColumns.join(",")}\n`, bytes, 0);
  for (let index = 0; index < events.length; index++) {
    if (account[index] !== lastAccount) {
      lastAccount = account[index];
      accountText = lastAccount < 0 ? "" : csvField(events.accountName(lastAccount));
    }
    const need = rowBytes + 3 * accountText.length + longestMarket;
    if (at + need > bytes.length) {
      if (at > 0) write(bytes.subarray(0, at));
      at = 0;
      if (need > bytes.length) bytes = new Uint8Array(need);
    }
    at = writeShortestDecimal(step[index], bytes, at);
    bytes[at++] = comma;
    at = writeShortestDecimal(round[index], bytes, at);
    bytes[at++] = comma;
    const typeField = typeBytes[type[index]];
    bytes.set(typeField, at);
    at += typeField.length;
    at = writeUtf8(accountText, bytes, at);
    bytes[at++] = comma;
    const sideField = sideBytes[Math.sign(side[index]) + 1];
    for (let offset = 0; offset < sideField.length; offset++) bytes[at++] = sideField[offset];
    at = quantityCell.write(quantity[index], bytes, at);
    bytes[at++] = comma;
    at = priceCell.write(price[index], bytes, at);
    bytes[at++] = comma;
    at = notionalCell.write(notional[index], bytes, at);
    bytes[at++] = comma;
    at = amountCell.write(amount[index], bytes, at);
    bytes[at++] = comma;
    at = fundCell.write(insuranceFund[index], bytes, at);
    bytes[at++] = comma;
    const marketField = marketBytes[events.market[index]];
    bytes.set(marketField, at);
    at += marketField.length;
  }
  write(bytes.subarray(0, at));
}

/** Every logged event in order, trailing newline, as one string (small logs, tests). */
export function eventsCsv(result: RunResult): string {
  const pieces: string[] = [];
  writeEventsCsv(result, (piece) => pieces.push(decoder.decode(piece, { stream: true })));
  pieces.push(decoder.decode());
  return pieces.join("");
}

/** One row per market and recorded step (market by market), trailing newline. */
export function marketTimeseriesCsv(result: RunResult): string {
  const rows = result.timeseries.step.length;
  const columns = marketSeriesColumns.map((name) => result.marketSeries[name]);
  const writer = new RowWriter();
  writer.add(["market", "step", "time", ...marketSeriesColumns].join(","));
  result.events.markets.forEach((symbol, market) => {
    const field = csvField(symbol);
    for (let step = 0; step < rows; step++) {
      const row = market * rows + step;
      let line = `${field},${step},${formatNumber(result.timeseries.time[step])}`;
      for (const column of columns) line += `,${formatNumber(column[row])}`;
      writer.add(line);
    }
  });
  return writer.text();
}
