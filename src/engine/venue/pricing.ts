/**
 * Exchange price rules that are pure arithmetic: the mark price and the funding rate.
 */
import type { FundingSpec, MarkPriceSpec } from "../config.ts";

/**
 * Mark price from the index and the venue's own book.
 * - book: the book mid (liquidations feed straight back into the mark: the cascade channel);
 * - index: the external index only (a counterfactual with no feedback);
 * - median: median(index, mid, last trade), a simplification of Binance's mark price
 *   (Binance USD-M "Mark Price": median of index × (1 + funding basis), index + moving-average
 *   basis, and the last price), with the book mid standing in for the basis terms;
 * - blend: weight × mid + (1 − weight) × index.
 */
export function markPrice(spec: MarkPriceSpec, index: number, mid: number, last: number): number {
  switch (spec.kind) {
    case "book":
      return mid;
    case "index":
      return index;
    case "blend":
      return spec.weight * mid + (1 - spec.weight) * index;
    case "median":
      return Math.max(Math.min(index, mid), Math.min(Math.max(index, mid), last));
  }
}

/** Binance USD-M: the interest-minus-premium term is clamped to ±0.05 % before it is added. */
const interestClamp = 0.0005;

/**
 * Funding rate for one interval. Binance USD-M "Introduction to Binance Futures Funding Rates":
 * F = P + clamp(I − P, −0.05 %, 0.05 %), P the average premium index over the interval, I the
 * interest rate (0.01 % per 8 h), then capped at ±cap. A position pays side × notional × F.
 */
export function fundingRate(spec: FundingSpec, averagePremium: number): number {
  if (spec.kind === "fixed") return spec.rate;
  const interestTerm = Math.max(
    -interestClamp,
    Math.min(interestClamp, spec.interestRate - averagePremium),
  );
  return Math.max(-spec.cap, Math.min(spec.cap, averagePremium + interestTerm));
}
