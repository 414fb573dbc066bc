/**
 * `timeseries.csv` and `events.csv`. A big cascade logs over a million events (140 MB of text),
 * so event rows are built straight from the typed columns, with no object per row, and handed
 * out in pieces of a thousand rows to be written as they come: the whole file never exists as
 * one string.
 */
import {
  eventTypes,
  marketSeriesColumns,
  type RunResult,
  timeseriesColumns,
} from "../engine/result.ts";
import { formatNumber } from "./format.ts";

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

/** Rows per piece handed to `write`: about 100 KB of text. */
const rowsPerPiece = 1024;

/**
 * Every logged event in order, trailing newline, passed to `write` piece by piece.
 *
 * Two caches keep the cost per row down without changing a byte: each number column remembers
 * its last value and text (the fund balance, the price of an ADL round and zeros repeat from row
 * to row, and `String(x)`, the shortest round-trip text, is the expensive part), and each
 * account's quoted name is made once.
 */
export function writeEventsCsv(result: RunResult, write: (text: string) => void): void {
  const events = result.events;
  const accountFields = new Map<number, string>();
  const accountField = (position: number): string => {
    if (position < 0) return "";
    let field = accountFields.get(position);
    if (field === undefined) {
      field = csvField(events.accountName(position));
      accountFields.set(position, field);
    }
    return field;
  };
  const { step, round, type, account, side, quantity, price, notional, amount, insuranceFund } =
    events;
  const marketFields = events.markets.map(csvField);
  let lastQuantity = Number.NaN;
  let quantityText = "";
  let lastPrice = Number.NaN;
  let priceText = "";
  let lastNotional = Number.NaN;
  let notionalText = "";
  let lastAmount = Number.NaN;
  let amountText = "";
  let lastFund = Number.NaN;
  let fundText = "";
  let lastAccount = -2;
  let accountText = "";
  let piece = `${eventColumns.join(",")}\n`;
  let rows = 0;
  for (let index = 0; index < events.length; index++) {
    // NaN never equals itself, so a NaN is formatted (as "") every time; it is rare.
    if (quantity[index] !== lastQuantity) {
      lastQuantity = quantity[index];
      quantityText = formatNumber(lastQuantity);
    }
    if (price[index] !== lastPrice) {
      lastPrice = price[index];
      priceText = formatNumber(lastPrice);
    }
    if (notional[index] !== lastNotional) {
      lastNotional = notional[index];
      notionalText = formatNumber(lastNotional);
    }
    if (amount[index] !== lastAmount) {
      lastAmount = amount[index];
      amountText = formatNumber(lastAmount);
    }
    if (insuranceFund[index] !== lastFund) {
      lastFund = insuranceFund[index];
      fundText = formatNumber(lastFund);
    }
    if (account[index] !== lastAccount) {
      lastAccount = account[index];
      accountText = accountField(lastAccount);
    }
    piece +=
      `${step[index]},${round[index]},${eventTypes[type[index]]},${accountText},` +
      `${side[index] > 0 ? "long" : side[index] < 0 ? "short" : ""},${quantityText},${priceText},${notionalText},${amountText},${fundText},${marketFields[events.market[index]]}\n`;
    if (++rows === rowsPerPiece) {
      write(piece);
      piece = "";
      rows = 0;
    }
  }
  write(piece);
}

/** Every logged event in order, trailing newline, as one string (small logs, tests). */
export function eventsCsv(result: RunResult): string {
  const pieces: string[] = [];
  writeEventsCsv(result, (piece) => pieces.push(piece));
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
