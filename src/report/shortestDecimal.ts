/**
 * `String(x)` for a double, written as ASCII bytes into a caller's buffer: the shortest decimal
 * that reads back as x (the closest one when several are as short), in the same notation. events.csv
 * prints millions of doubles, and `String(x)` (a new string per number, then concatenated and
 * encoded again) was most of its cost.
 *
 * Integers below 2^53 are printed digit by digit. Other values in [1e-6, 1e15), which is nearly
 * every price, size and amount an engine produces, take an exact fast path: x·10^k is computed
 * exactly as the sum of two doubles (x times 5^k by Dekker's product, then a power of two), scaled
 * so that its integer part has 15 digits; the 16th and 17th digits and x's rounding interval (half
 * an ulp either side) are then compared in units of those digits. Each comparison carries an error
 * below 2^-45 units, so a candidate within 2^-36 of the interval's edge or of a tie between two
 * candidates is left to `String(x)` rather than decided, as are powers of two (their interval is
 * not symmetric), numbers outside the range and non-finite values. The result equals `String(x)`
 * byte for byte (test/report/shortestDecimal.test.ts checks it over random doubles).
 */

const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);
const highWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const lowWord = 1 - highWord;

/** 5^k and 10^k for k ≤ 22, by exact multiplications (every one of them is a double). */
const powersOfFive = [1];
const powersOfTen = [1];
for (let power = 1; power <= 22; power++) {
  powersOfFive.push(powersOfFive[power - 1] * 5);
  powersOfTen.push(powersOfTen[power - 1] * 10);
}
/** 10^(n+1) for n = −7 … 15, the decades of x the exact path takes. */
const nextDecades = Array.from({ length: 23 }, (_, index) => Number(`1e${index - 6}`));
/** Multiples of the digit grid, coarsest first: 15, 16 and 17 significant digits. */
const grids = [100, 10, 1];
/** Doubt below which a comparison is not trusted (its error is below 2^-45). */
const margin = 2 ** -36;
/** Veltkamp's constant 2^27 + 1: splits a double into two halves of 26 bits. */
const splitter = 134217729;
const zero = 0x30;

/** The most bytes `writeShortestDecimal` writes ("-2.2250738585072014e-308"). */
export const maxDecimalBytes = 25;

/** Digits of the 17- or 18-digit integer being printed, reused from call to call. */
const digits = new Uint8Array(20);

/** "00" … "99" as byte pairs: digits are written two per division. */
const digitPairs = new Uint8Array(200);
for (let pair = 0; pair < 100; pair++) {
  digitPairs[2 * pair] = zero + Math.floor(pair / 10);
  digitPairs[2 * pair + 1] = zero + (pair % 10);
}

/** Writes the decimal digits of an integer 0 ≤ value < 2^31, `width` of them (zero-padded). */
function writeDigits(value: number, width: number, bytes: Uint8Array, at: number): void {
  let rest = value;
  let index = at + width;
  while (index - at >= 2) {
    const next = (rest / 100) | 0;
    const pair = 2 * (rest - 100 * next);
    bytes[--index] = digitPairs[pair + 1];
    bytes[--index] = digitPairs[pair];
    rest = next;
  }
  if (index > at) bytes[at] = zero + rest;
}

/** Number of decimal digits of an integer 1 ≤ value < 2^31. */
function digitCount(value: number): number {
  let count = 1;
  while (count < 10 && value >= powersOfTen[count]) count++;
  return count;
}

/** An integer 1 ≤ value < 2^53 in decimal; returns the end offset. */
function writeInteger(value: number, bytes: Uint8Array, at: number): number {
  if (value < 2147483648) {
    const width = digitCount(value);
    writeDigits(value, width, bytes, at);
    return at + width;
  }
  // value / 1e8 is not an integer by at least 1e-8, more than its rounding error, so the floor is exact.
  const head = Math.floor(value / 1e8);
  const width = digitCount(head);
  writeDigits(head, width, bytes, at);
  writeDigits(value - head * 1e8, 8, bytes, at + width);
  return at + width + 8;
}

/** Any text of ASCII characters; returns the end offset. */
function writeText(text: string, bytes: Uint8Array, at: number): number {
  for (let index = 0; index < text.length; index++) bytes[at + index] = text.charCodeAt(index);
  return at + text.length;
}

/**
 * A non-integer 1e-6 ≤ x < 1e15 by the exact path; returns the end offset, or −1 when the case
 * is left to `String(x)`.
 */
function writeFraction(x: number, bytes: Uint8Array, at: number): number {
  float[0] = x;
  const high = words[highWord];
  const low = words[lowWord];
  const mantissaHigh = high & 0xfffff;
  if (mantissaHigh === 0 && low === 0) return -1;
  const mantissa = (mantissaHigh + 0x100000) * 4294967296 + low;
  // x / (2·mantissa) is a power of two, so the division is exact.
  const halfUlp = x / (2 * mantissa);
  const boundaryIncluded = (low & 1) === 0;

  // ⌊log10 x⌋ is ⌊e·log10 2⌋ or one more for x in [2^e, 2^(e+1)); the check against the next
  // power of ten is only a guess near it (10^n is rounded), and a miss costs one retry below.
  let decade = Math.floor(((high >>> 20) - 1023) * 0.3010299956639812);
  if (x >= nextDecades[decade + 7]) decade++;
  let scale = 14 - decade;
  let upper = 0;
  let lower = 0;
  for (let attempt = 0; ; attempt++) {
    if (attempt === 2 || scale < 0 || scale > 20) return -1;
    // upper + lower = x·5^scale exactly (Dekker's product), then ·2^scale exactly.
    const five = powersOfFive[scale];
    const product = x * five;
    const xSplit = splitter * x;
    const xHigh = xSplit - (xSplit - x);
    const xLow = x - xHigh;
    const fiveSplit = splitter * five;
    const fiveHigh = fiveSplit - (fiveSplit - five);
    const fiveLow = five - fiveHigh;
    const error = xHigh * fiveHigh - product + xHigh * fiveLow + xLow * fiveHigh + xLow * fiveLow;
    const twos = 1 << scale;
    upper = product * twos;
    lower = error * twos;
    if (upper < 1e14) scale++;
    else if (upper >= 1e15) scale--;
    else break;
  }
  let integer = Math.floor(upper);
  if (integer === upper && lower < 0) integer--;
  if (integer < 1e14) return -1;

  // x·10^(scale+2) − 100·integer = above + lowerHigh + lowerLow, the first two exact doubles
  // and the last below 2^-50: the position of x past `integer` in units of the 17th digit.
  const above = (upper - integer) * 100;
  const lowerHigh = lower * 100;
  // Dekker's product again; 100 has 7 bits, so only `lower` needs splitting.
  const lowerSplit = splitter * lower;
  const lowerHalf = lowerSplit - (lowerSplit - lower);
  const lowerLow = lowerHalf * 100 - lowerHigh + (lower - lowerHalf) * 100;
  const position = above + lowerHigh;
  const halfWidth = halfUlp * powersOfTen[scale + 2];

  let offset = 0;
  let found = false;
  for (const grid of grids) {
    offset = Math.round(position / grid) * grid;
    // offset − position, exact but for one rounding and the dropped lowerLow.
    const distance = Math.abs(offset - above - lowerHigh - lowerLow);
    if (Math.abs(distance - halfWidth) <= margin) return -1;
    if (Math.abs(distance - grid / 2) <= margin) return -1;
    if (distance < halfWidth || (boundaryIncluded && distance === halfWidth)) {
      found = true;
      break;
    }
  }
  if (!found) return -1;

  const carry = Math.floor(offset / 100);
  const head = integer + carry;
  const tail = offset - 100 * carry;
  if (head < 1e14) return -1;
  // head has 15 digits, or 16 when it rounded up to 1e15.
  const headTop = Math.floor(head / 1e8);
  const topWidth = digitCount(headTop);
  writeDigits(headTop, topWidth, digits, 0);
  writeDigits(head - headTop * 1e8, 8, digits, topWidth);
  writeDigits(tail, 2, digits, topWidth + 8);
  const total = topWidth + 10;
  let significant = total;
  while (digits[significant - 1] === zero) significant--;
  const point = total - (scale + 2);
  if (point >= significant || point < -5) return -1;

  let end = at;
  if (point > 0) {
    for (let index = 0; index < point; index++) bytes[end++] = digits[index];
    bytes[end++] = 0x2e;
    for (let index = point; index < significant; index++) bytes[end++] = digits[index];
  } else {
    bytes[end++] = zero;
    bytes[end++] = 0x2e;
    for (let index = point; index < 0; index++) bytes[end++] = zero;
    for (let index = 0; index < significant; index++) bytes[end++] = digits[index];
  }
  return end;
}

/**
 * Writes `String(value)` at `bytes[at]` (room for maxDecimalBytes needed); returns the end
 * offset.
 */
export function writeShortestDecimal(value: number, bytes: Uint8Array, at: number): number {
  if (value === 0) {
    bytes[at] = zero;
    return at + 1;
  }
  let x = value;
  let start = at;
  if (x < 0) {
    bytes[start++] = 0x2d;
    x = -x;
  }
  if (x < 9007199254740992 && Math.floor(x) === x) return writeInteger(x, bytes, start);
  if (x >= 1e-6 && x < 1e15) {
    const end = writeFraction(x, bytes, start);
    if (end >= 0) return end;
  }
  return writeText(String(value), bytes, at);
}

const scratch = new Uint8Array(maxDecimalBytes);
const decoder = new TextDecoder();

/** `String(value)` made through writeShortestDecimal (tests, small outputs). */
export function shortestDecimal(value: number): string {
  return decoder.decode(scratch.subarray(0, writeShortestDecimal(value, scratch, 0)));
}
