import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvBytes, numberFromBytes } from "../../../src/scenario/importers/csvBytes.ts";
import { decimalToDouble } from "../../../src/scenario/importers/decimalToDouble.ts";

/** A cell's number as the importer reads it from bytes. */
function read(text: string): number {
  const bytes = Buffer.from(text);
  return numberFromBytes(bytes, 0, bytes.length);
}

describe("decimalToDouble", () => {
  it("reads 16- and 17-digit decimals bit for bit as Number() (property, fast-check seed 4242)", () => {
    const decimal = fc
      .tuple(
        fc.constantFrom("", "-", "+"),
        fc.stringMatching(/^0{0,3}[1-9][0-9]{14,17}$/),
        fc.integer({ min: 0, max: 19 }),
        fc.constantFrom("", "e0", "e-3", "e+2", "E-5"),
      )
      .map(([sign, digits, point, exponent]) => {
        const at = Math.min(point, digits.length);
        return `${sign}${digits.slice(0, at)}.${digits.slice(at)}${exponent}`;
      });
    const written = fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .chain((value) =>
        fc.constantFrom(String(value), value.toPrecision(16), value.toPrecision(17)),
      );
    fc.assert(
      fc.property(fc.oneof(decimal, written), (text) => Object.is(read(text), Number(text))),
      { seed: 4242, numRuns: 100_000 },
    );
  });

  it("reads every decimal bit for bit as Number(), alone and as a cell (property, fast-check seeds 1212 and 3434)", () => {
    // Up to 18 significant digits: each side of 15 (integer mantissa), 16 below and above 2^53
    // (integer or decimalToDouble) and 17, past which Number() reads the text.
    const decimal = fc
      .tuple(
        fc.constantFrom("", "-", "+"),
        fc.stringMatching(/^0{0,4}[0-9]{1,18}$/),
        fc.integer({ min: -1, max: 22 }),
        fc.oneof(
          fc.constant(""),
          fc
            .tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "-", "+"), fc.nat(30))
            .map(([letter, sign, power]) => `${letter}${sign}${power}`),
        ),
      )
      .map(([sign, digits, point, exponent]) => {
        if (point < 0) return `${sign}${digits}${exponent}`;
        const at = Math.min(point, digits.length);
        return `${sign}${digits.slice(0, at)}.${digits.slice(at)}${exponent}`;
      });
    const nearLimit = fc
      .bigInt({ min: 2n ** 53n - 10n ** 6n, max: 2n ** 53n + 10n ** 6n })
      .chain((integer) =>
        fc.nat(16).map((point) => {
          const digits = String(integer);
          return `${digits.slice(0, point)}.${digits.slice(point)}`;
        }),
      );
    const written = fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .chain((value) =>
        fc.constantFrom(
          String(value),
          value.toPrecision(15),
          value.toPrecision(16),
          value.toPrecision(17),
          value.toExponential(),
        ),
      );
    const readsAsNumber = (text: string): boolean => {
      const line = new CsvBytes(Buffer.from(`x,${text}\n`), "p.csv");
      line.nextLine();
      line.splitCells();
      return Object.is(read(text), Number(text)) && Object.is(line.number(1), Number(text));
    };
    for (const seed of [1212, 3434]) {
      fc.assert(fc.property(fc.oneof(decimal, nearLimit, written), readsAsNumber), {
        seed,
        numRuns: 20_000,
      });
    }
  });

  it("leaves positive exponents and far negative ones to Number()", () => {
    expect(decimalToDouble(123456789012345, 2, 67, 1)).toBeUndefined();
    expect(decimalToDouble(123456789012345, 2, 67, -23)).toBeUndefined();
    expect(decimalToDouble(123456789012345, 2, 67, -2)).toBe(123456789012345.67);
    expect(decimalToDouble(900719925474099, 1, 3, 0)).toBe(Number("9007199254740993"));
  });
});
