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

/** Bytes [start, end) as a number, exactly as `numberFromText` would read their text, or NaN. */
export function numberFromBytes(bytes: Buffer, start: number, end: number): number {
  // Every byte of a valid number is an ASCII digit, sign, point or e, so latin1 is its text.
  return exactNumber(bytes, start, end) ?? Number(bytes.toString("latin1", start, end));
}

/**
 * Bytes [start, end) as a number, NaN when they are not one, undefined when they are but need
 * Number() on their text. Up to 15 significant digits and a decimal exponent within ±22 take
 * Clinger's fast path: the digits are an exact integer and the power of ten an exact double, so
 * one multiplication or division is the correctly rounded result, which is what Number()
 * returns.
 */
function exactNumber(bytes: Uint8Array, start: number, end: number): number | undefined {
  let index = start;
  let negative = false;
  if (index < end && (bytes[index] === 0x2b || bytes[index] === 0x2d)) {
    negative = bytes[index] === 0x2d;
    index++;
  }
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let digits = 0;
  let exact = true;
  // The 16th and 17th significant digits, for decimalToDouble.
  let tail = 0;
  while (index < end && bytes[index] >= 0x30 && bytes[index] <= 0x39) {
    const digit = bytes[index++] - 0x30;
    digits++;
    if (mantissa === 0 && digit === 0) continue;
    if (significant < 15) {
      mantissa = mantissa * 10 + digit;
    } else if (significant < 17) {
      tail = tail * 10 + digit;
    } else {
      exact = false;
    }
    significant++;
  }
  if (index < end && bytes[index] === 0x2e) {
    index++;
    while (index < end && bytes[index] >= 0x30 && bytes[index] <= 0x39) {
      const digit = bytes[index++] - 0x30;
      digits++;
      if (mantissa === 0 && digit === 0) {
        exponent--;
        continue;
      }
      if (significant < 15) {
        mantissa = mantissa * 10 + digit;
        exponent--;
      } else if (significant < 17) {
        tail = tail * 10 + digit;
        exponent--;
      } else {
        exact = false;
      }
      significant++;
    }
  }
  if (digits === 0) return Number.NaN;
  if (index < end && (bytes[index] === 0x65 || bytes[index] === 0x45)) {
    index++;
    let exponentNegative = false;
    if (index < end && (bytes[index] === 0x2b || bytes[index] === 0x2d)) {
      exponentNegative = bytes[index] === 0x2d;
      index++;
    }
    let written = 0;
    let exponentDigits = 0;
    while (index < end && bytes[index] >= 0x30 && bytes[index] <= 0x39) {
      if (written < 1e6) written = written * 10 + (bytes[index] - 0x30);
      index++;
      exponentDigits++;
    }
    if (exponentDigits === 0) return Number.NaN;
    exponent += exponentNegative ? -written : written;
  }
  if (index !== end) return Number.NaN;
  if (!exact) return undefined;
  if (significant > 15) {
    const value = decimalToDouble(mantissa, significant - 15, tail, exponent);
    return value === undefined || !negative ? value : -value;
  }
  if (exponent < -22 || exponent > 22) return undefined;
  let value = mantissa;
  if (mantissa !== 0) {
    value =
      exponent >= 0
        ? mantissa * exactPowersOfTen[exponent]
        : mantissa / exactPowersOfTen[-exponent];
  }
  return negative ? -value : value;
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
    const grow = <T extends Int32Array | Uint8Array>(column: T, make: (n: number) => T): T => {
      const next = make(length);
      next.set(column);
      return next;
    };
    this.rawStart = grow(this.rawStart, (n) => new Int32Array(n));
    this.start = grow(this.start, (n) => new Int32Array(n));
    this.end = grow(this.end, (n) => new Int32Array(n));
    this.textual = grow(this.textual, (n) => new Uint8Array(n));
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
    const value = exactNumber(this.bytes, start, end);
    if (value !== undefined) return value;
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
