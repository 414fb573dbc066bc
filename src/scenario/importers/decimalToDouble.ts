/**
 * A decimal of 16 or 17 significant digits as the double Number() reads it, without making its
 * text. Files written by `String(x)` hold such numbers in most cells, many past the fast path of
 * csvBytes.ts (an exact integer, 15 digits or 16 below 2^53, times an exact power of ten, one
 * rounding). Here the digits N = head·10^t + tail (head of 15 digits, t ≤ 2) are an exact sum of
 * two doubles s + low (Dekker's product, then an exact sum); for N·10^-k with k ≤ 22 the
 * quotient r = s / 10^k is checked against the exact value: the remainder s + low − r·10^k is
 * computed (again by Dekker's product) and measured in half ulps of r. Inside (−1, 1) by more
 * than 2^-30, r is the correctly rounded result, as Number() returns it; outside, r moves to its
 * neighbour and is checked again; anything closer to a tie is left to Number() on the text.
 */

const splitter = 134217729;
const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);
const highWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const lowWord = 1 - highWord;
const margin = 2 ** -30;

/** 10^k for k ≤ 22, by exact multiplications. */
const powersOfTen = [1];
for (let power = 1; power <= 22; power++) powersOfTen.push(powersOfTen[power - 1] * 10);
const inversePowersOfTen = powersOfTen.map((power) => 1 / power);

/** a·b − product exactly, where product = a·b rounded (Dekker), for |a·b| far from overflow. */
function productError(a: number, b: number, product: number): number {
  const aSplit = splitter * a;
  const aHigh = aSplit - (aSplit - a);
  const aLow = a - aHigh;
  const bSplit = splitter * b;
  const bHigh = bSplit - (bSplit - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

/** The adjacent double of a positive finite r, above (direction 1) or below (−1). */
function neighbour(r: number, direction: number): number {
  float[0] = r;
  const low = words[lowWord] + direction;
  if (low === 4294967296) {
    words[lowWord] = 0;
    words[highWord]++;
  } else if (low === -1) {
    words[lowWord] = 4294967295;
    words[highWord]--;
  } else {
    words[lowWord] = low;
  }
  return float[0];
}

/**
 * (head·10^tailDigits + tail)·10^exponent, rounded as Number() rounds it, or undefined when
 * that is left to Number(): head < 10^15 with 1 ≤ tailDigits ≤ 2 and tail < 10^tailDigits, and
 * only −22 ≤ exponent ≤ 0 is handled.
 */
export function decimalToDouble(
  head: number,
  tailDigits: number,
  tail: number,
  exponent: number,
): number | undefined {
  if (exponent > 0 || exponent < -22) return undefined;
  const scale = powersOfTen[tailDigits];
  const product = head * scale;
  const productLow = productError(head, scale, product);
  const sum = product + tail;
  // Both parts are integers below 2^57, so the error of the sum is exact too.
  const sumLow = tail - (sum - product);
  const low = productLow + sumLow;
  if (exponent === 0) return sum + low;
  if (sum === 0) return 0;
  const divisor = powersOfTen[-exponent];
  let r = sum / divisor;
  for (let attempt = 0; attempt < 3; attempt++) {
    const back = r * divisor;
    // sum − back is exact (the two are within a factor of 2), the rest is far below half an ulp.
    const remainder = sum - back - productError(r, divisor, back) + low;
    float[0] = r;
    const high = words[highWord];
    const powerOfTwo = (high & 0xfffff) === 0 && words[lowWord] === 0;
    // Half an ulp of r is 2^(E − 1076) for its biased exponent E, so its inverse is a double
    // of exponent bits 2099 − E and no mantissa bits: multiplications instead of divisions.
    words[lowWord] = 0;
    words[highWord] = (2099 - (high >>> 20)) << 20;
    // 1/10^k is rounded, off by far less than the margin.
    const halfUlps = remainder * inversePowersOfTen[-exponent] * float[0];
    if (Math.abs(halfUlps) < 1 - margin && !(powerOfTwo && halfUlps < 0)) return r;
    if (Math.abs(Math.abs(halfUlps) - 1) <= margin) return undefined;
    r = neighbour(r, halfUlps > 0 ? 1 : -1);
  }
  return undefined;
}
