/**
 * A CSV file read straight from its bytes, one line at a time into reusable cell bounds: no
 * string per line or per cell unless a message needs one. The dialect is the one the position
 * importer has always read, kept exactly: an optional UTF-8 byte-order mark; lines split at LF
 * or CRLF; cells split at commas; a cell that starts with a double quote runs to the closing
 * quote (`""` inside is one quote, quoted cells may not span lines) and keeps whatever follows up
 * to the next comma; every cell trimmed of white space; blank lines skipped.
 *
 * Plain cells (unquoted, ASCII at both ends after trimming) are compared and parsed as bytes; any
 * other cell is decoded and handled as text by the same rules, so both paths give the same values.
 */

import { grown } from "../../engine/typedArrays.ts";
import { decimalToDouble } from "./decimalToDouble.ts";

const comma = 0x2c;
const quote = 0x22;
const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** ASCII white space as String.prototype.trim removes it (tab, LF, VT, FF, CR, space). */
function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

const exactPowersOfTen = Array.from({ length: 23 }, (_, power) => 10 ** power);

/** The number grammar the importers accept, as a pattern for text cells. */
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell's text as a number, or NaN when it is not one (`[+-]digits[.digits][e[+-]digits]`). */
export function numberFromText(text: string): number {
  return numberPattern.test(text) ? Number(text) : Number.NaN;
}

/**
 * Where parseNumber leaves its value: a typed array slot hands a double over without the heap
 * number a returned one costs when the call is not inlined (parseNumber is too long for that).
 */
const parsed = new Float64Array(1);

/** Bytes [start, end) as a number, exactly as `numberFromText` would read their text, or NaN. */
export function numberFromBytes(bytes: Buffer, start: number, end: number): number {
  // Every byte of a valid number is an ASCII digit, sign, point or e, so latin1 is its text.
  return parseNumber(bytes, start, end) ? parsed[0] : Number(bytes.toString("latin1", start, end));
}

/** Every integer below this is a double, exactly. */
const exactIntegerLimit = 2 ** 53;

/**
 * Reads bytes [start, end) as a number into parsed[0], NaN when they are not one; false when they
 * are one but need Number() on their text. Clinger's fast path takes digits that form an exact
 * integer (up to 15 significant digits, or 16 below 2^53) with a decimal exponent within ±22:
 * the power of ten is an exact double too, so one multiplication or division is the correctly
 * rounded result, which is what Number() returns. The other 16- and 17-digit numbers go to
 * decimalToDouble.
 */
function parseNumber(bytes: Uint8Array, start: number, end: number): boolean {
  let index = start;
  let negative = false;
  if (index < end && (bytes[index] === 0x2b || bytes[index] === 0x2d)) {
    negative = bytes[index] === 0x2d;
    index++;
  }
  // The significant digits in integer parts: the 1st to 8th, the 9th to 15th, then the 16th
  // and 17th for decimalToDouble; any more leave the number to Number(). Integer arithmetic keeps
  // the digit loop off the latency of floating-point multiply-adds.
  let upper = 0;
  let lower = 0;
  let tail = 0;
  let significant = 0;
  const digitsStart = index;
  let point = -1;
  for (; index < end; index++) {
    const digit = bytes[index] - 0x30;
    if (digit >= 0 && digit <= 9) {
      if (significant === 0 && digit === 0) continue;
      if (significant < 8) upper = upper * 10 + digit;
      else if (significant < 15) lower = lower * 10 + digit;
      else if (significant < 17) tail = tail * 10 + digit;
      significant++;
    } else if (bytes[index] === 0x2e && point < 0) {
      point = index;
    } else {
      break;
    }
  }
  const digits = point < 0 ? index - digitsStart : index - digitsStart - 1;
  // Every digit after the point is a power of ten down while all are kept (17 or fewer).
  let exponent = point < 0 ? 0 : point + 1 - index;
  if (digits === 0) {
    parsed[0] = Number.NaN;
    return true;
  }
  if (index < end && (bytes[index] === 0x65 || bytes[index] === 0x45)) {
    index++;
    let exponentNegative = false;
    if (index < end && (bytes[index] === 0x2b || bytes[index] === 0x2d)) {
      exponentNegative = bytes[index] === 0x2d;
      index++;
    }
    let written = 0;
    let exponentDigits = 0;
    while (index < end) {
      const digit = bytes[index] - 0x30;
      if (digit < 0 || digit > 9) break;
      // Past a million the value is 0 or Infinity, and Number() has the last word anyway.
      if (written < 1e6) written = written * 10 + digit;
      index++;
      exponentDigits++;
    }
    if (exponentDigits === 0) {
      parsed[0] = Number.NaN;
      return true;
    }
    exponent += exponentNegative ? -written : written;
  }
  if (index !== end) {
    parsed[0] = Number.NaN;
    return true;
  }
  if (significant > 17) return false;
  const head =
    significant <= 8 ? upper : upper * exactPowersOfTen[Math.min(significant, 15) - 8] + lower;
  let mantissa = head;
  if (significant === 16 && head * 10 + tail < exactIntegerLimit) {
    mantissa = head * 10 + tail;
  } else if (significant > 15) {
    const value = decimalToDouble(head, significant - 15, tail, exponent);
    if (value === undefined) return false;
    parsed[0] = negative ? -value : value;
    return true;
  }
  if (exponent < -22 || exponent > 22) return false;
  let value = mantissa;
  if (mantissa !== 0) {
    value =
      exponent >= 0
        ? mantissa * exactPowersOfTen[exponent]
        : mantissa / exactPowersOfTen[-exponent];
  }
  parsed[0] = negative ? -value : value;
  return true;
}

/** Reads lines and cells of one CSV file. Cell bounds are reused from line to line. */
export class CsvBytes {
  /** 1-based number of the current line. */
  line = 0;
  cellCount = 0;
  private lineStart = 0;
  private lineEnd = 0;
  private next: number;
  /** Raw start of each cell (where its column is counted from), then its trimmed bounds. */
  private rawStart = new Int32Array(16);
  private start = new Int32Array(16);
  private end = new Int32Array(16);
  /** 1 when the cell must be read as text (quoted, or non-ASCII at an end). */
  private textual = new Uint8Array(16);

  readonly bytes: Buffer;

  constructor(
    bytes: Uint8Array,
    readonly fileName: string,
  ) {
    this.bytes = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const hasMark = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    this.next = hasMark ? 3 : 0;
  }

  /** Moves to the next line; false at the end of the file. */
  nextLine(): boolean {
    const bytes = this.bytes;
    if (this.next > bytes.length) return false;
    this.lineStart = this.next;
    const feed = bytes.indexOf(lineFeed, this.lineStart);
    let end = feed < 0 ? bytes.length : feed;
    this.next = end + 1;
    // CR belongs to the line ending only before LF, as split(/\r?\n/) reads it.
    if (feed >= 0 && end > this.lineStart && bytes[end - 1] === carriageReturn) end--;
    this.lineEnd = end;
    this.lineLatin1 = undefined;
    this.line++;
    return true;
  }

  /**
   * How many lines after the current one hold at least `minimumLength` bytes: when no row can be
   * shorter, the most rows still to come, so that columns are allocated once at their size.
   */
  linesAhead(minimumLength: number): number {
    const bytes = this.bytes;
    let count = 0;
    let start = this.next;
    while (start < bytes.length) {
      const feed = bytes.indexOf(lineFeed, start);
      const end = feed < 0 ? bytes.length : feed;
      if (end - start >= minimumLength) count++;
      if (feed < 0) break;
      start = feed + 1;
    }
    return count;
  }

  /** The line holds nothing but white space. */
  isBlank(): boolean {
    for (let index = this.lineStart; index < this.lineEnd; index++) {
      const byte = this.bytes[index];
      if (byte >= 0x80) return this.lineText().trim() === "";
      if (!isAsciiSpace(byte)) return false;
    }
    return true;
  }

  /** Splits the current line into cells. */
  splitCells(): void {
    const bytes = this.bytes;
    const lineEnd = this.lineEnd;
    let index = this.lineStart;
    let count = 0;
    for (;;) {
      if (count === this.start.length) this.growCells();
      const rawStart = index;
      let textual = 0;
      if (bytes[index] === quote && index < lineEnd) {
        textual = 1;
        index++;
        while (index < lineEnd) {
          if (bytes[index] === quote) {
            if (index + 1 < lineEnd && bytes[index + 1] === quote) {
              index += 2;
              continue;
            }
            index++;
            break;
          }
          index++;
        }
      }
      while (index < lineEnd && bytes[index] !== comma) index++;
      let start = rawStart;
      let end = index;
      if (textual === 0) {
        while (start < end && isAsciiSpace(bytes[start])) start++;
        while (end > start && isAsciiSpace(bytes[end - 1])) end--;
        if (start < end && (bytes[start] >= 0x80 || bytes[end - 1] >= 0x80)) textual = 1;
      }
      this.rawStart[count] = rawStart;
      this.start[count] = start;
      this.end[count] = end;
      this.textual[count] = textual;
      count++;
      if (index >= lineEnd) break;
      index++;
    }
    this.cellCount = count;
  }

  private growCells(): void {
    const length = 2 * this.start.length;
    this.rawStart = grown(this.rawStart, length);
    this.start = grown(this.start, length);
    this.end = grown(this.end, length);
    this.textual = grown(this.textual, length);
  }

  /** The cell's text: unquoted and unescaped, trimmed. */
  text(cell: number): string {
    if (this.textual[cell] === 0) {
      return decoder.decode(this.bytes.subarray(this.start[cell], this.end[cell]));
    }
    const raw = decoder.decode(this.bytes.subarray(this.rawStart[cell], this.end[cell]));
    if (raw[0] !== '"') return raw.trim();
    let text = "";
    let index = 1;
    while (index < raw.length) {
      if (raw[index] === '"') {
        if (raw[index + 1] === '"') {
          text += '"';
          index += 2;
          continue;
        }
        index++;
        break;
      }
      text += raw[index++];
    }
    // Anything between the closing quote and the next comma is kept rather than dropped silently.
    return (text + raw.slice(index)).trim();
  }

  isEmpty(cell: number): boolean {
    return this.textual[cell] === 0 ? this.start[cell] === this.end[cell] : this.text(cell) === "";
  }

  /** The cell read as a number (see numberFromBytes), NaN when it is not one. */
  number(cell: number): number {
    if (this.textual[cell] === 1) return numberFromText(this.text(cell));
    const start = this.start[cell];
    const end = this.end[cell];
    if (parseNumber(this.bytes, start, end)) return parsed[0];
    // One string per line rather than one per cell: long numbers cost a Number() each anyway.
    if (this.lineLatin1 === undefined) {
      this.lineLatin1 = this.bytes.toString("latin1", this.lineStart, this.lineEnd);
    }
    return Number(this.lineLatin1.slice(start - this.lineStart, end - this.lineStart));
  }

  /** The current line as latin1 text, made when a number needs it (byte offsets = indexes). */
  private lineLatin1: string | undefined;

  /** The cell equals `word` (given as its UTF-8 bytes). */
  equals(cell: number, word: Uint8Array): boolean {
    if (this.textual[cell] === 1) return this.text(cell) === decoder.decode(word);
    const start = this.start[cell];
    if (this.end[cell] - start !== word.length) return false;
    for (let offset = 0; offset < word.length; offset++) {
      if (this.bytes[start + offset] !== word[offset]) return false;
    }
    return true;
  }

  /**
   * The cell's bytes for interning: the file's own bytes for a plain cell, the encoded text
   * otherwise. Valid until the next call.
   */
  cellBytes(cell: number): { bytes: Uint8Array; start: number; end: number } {
    if (this.textual[cell] === 0) {
      this.view.bytes = this.bytes;
      this.view.start = this.start[cell];
      this.view.end = this.end[cell];
    } else {
      const encoded = encoder.encode(this.text(cell));
      this.view.bytes = encoded;
      this.view.start = 0;
      this.view.end = encoded.length;
    }
    return this.view;
  }

  private readonly view: { bytes: Uint8Array; start: number; end: number } = {
    bytes: new Uint8Array(0),
    start: 0,
    end: 0,
  };

  /** 1-based character column where the cell starts, as an editor counts it. */
  column(cell: number): number {
    return this.charactersBefore(this.rawStart[cell]) + 1;
  }

  /** 1-based column just past the end of the line. */
  endColumn(): number {
    return this.charactersBefore(this.lineEnd) + 1;
  }

  private charactersBefore(offset: number): number {
    for (let index = this.lineStart; index < offset; index++) {
      if (this.bytes[index] >= 0x80) {
        return decoder.decode(this.bytes.subarray(this.lineStart, offset)).length;
      }
    }
    return offset - this.lineStart;
  }

  private lineText(): string {
    return decoder.decode(this.bytes.subarray(this.lineStart, this.lineEnd));
  }

  /** `file:LINE:COL` of a cell of the current line. */
  location(cell: number): string {
    return `${this.fileName}:${this.line}:${this.column(cell)}`;
  }
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
