import { expect } from "vitest";

/**
 * |actual − expected| ≤ relative × |expected|: the check for a peer's own expected output. Exact
 * peers get 1e-9 or tighter; integer peers get the tolerance their rounding rule implies, named
 * where it is used.
 */
export function expectRelative(actual: number, expected: number, relative: number): void {
  const error = Math.abs(actual - expected);
  expect(
    error <= relative * Math.abs(expected),
    `${actual} differs from ${expected} by ${error} (allowed ${relative} relative)`,
  ).toBe(true);
}

/** |actual − expected| ≤ absolute. */
export function expectAbsolute(actual: number, expected: number, absolute: number): void {
  const error = Math.abs(actual - expected);
  expect(
    error <= absolute,
    `${actual} differs from ${expected} by ${error} (allowed ${absolute})`,
  ).toBe(true);
}
