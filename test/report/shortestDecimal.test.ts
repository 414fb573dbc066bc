import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shortestDecimal } from "../../src/report/shortestDecimal.ts";

/** Decimal text a CSV or an engine produces: sign, leading zeros, up to 17 digits, exponents. */
const decimalText = fc
  .tuple(
    fc.constantFrom("", "-"),
    fc.stringMatching(/^0{0,3}[0-9]{1,17}$/),
    fc.stringMatching(/^[0-9]{0,17}$/),
    fc.integer({ min: -30, max: 30 }),
  )
  .map(([sign, whole, fraction, exponent]) => `${sign}${whole}.${fraction}e${exponent}`);

describe("shortestDecimal", () => {
  it("equals String(x) for every kind of double (property, fast-check seed 1212)", () => {
    const doubles = fc.oneof(
      fc.double(),
      fc.double({ min: 1e-7, max: 1e16, noNaN: true }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      decimalText.map(Number),
      fc.integer().map((value) => value / 1024),
      fc.maxSafeInteger(),
      fc.constantFrom(0, -0, 1e-6, 1e-7, 1e15, 1e21, 2 ** 53, 5e-324, Number.MAX_VALUE),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    );
    fc.assert(
      fc.property(doubles, (value) => shortestDecimal(value) === String(value)),
      { seed: 1212, numRuns: 200_000 },
    );
  });

  it("prints the engine's everyday values as String(x) does", () => {
    for (const value of [
      89995.5,
      0.1,
      1 / 3,
      49999600.1505879,
      933.267078859464,
      -484.51509940494407,
    ]) {
      expect(shortestDecimal(value)).toBe(String(value));
    }
    expect(shortestDecimal(-0)).toBe("0");
    expect(shortestDecimal(123456789012)).toBe("123456789012");
  });
});
