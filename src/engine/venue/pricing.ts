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

/** Binance USD-M and Hyperliquid: the interest-minus-premium term is clamped to ±0.05 % per 8 h. */
const interestClamp = 0.0005;

/** The period the premium formula is stated for by both venues: 8 hours. */
export const fundingReferenceSeconds = 28_800;

/**
 * Funding rate paid for one interval of `spec.intervalSeconds`.
 *
 * The premium formula gives an 8-hour rate, Binance USD-M "Introduction to Binance Futures
 * Funding Rates" and Hyperliquid "Funding" alike: F8 = P + clamp(I − P, −0.05 %, 0.05 %), P the
 * average premium index over the interval, I the interest rate per 8 h (0.01 %). An interval pays
 * F8 × intervalSeconds / 8 h, capped at ±cap (a cap per interval): at 8 h that is Binance's rate
 * itself; at 1 h it is Hyperliquid's "funding is paid every hour at one eighth of the computed
 * rate", capped at 4 %/hour. Premium 1 %: F8 = 1 % − 0.05 % = 0.95 %, 0.11875 % per hour.
 * A fixed rate is already per interval. A position pays side × notional × rate.
 */
export function fundingRate(spec: FundingSpec, averagePremium: number): number {
  if (spec.kind === "fixed") return spec.rate;
  const interestTerm = Math.max(
    -interestClamp,
    Math.min(interestClamp, spec.interestRate - averagePremium),
  );
  const rate = (averagePremium + interestTerm) * (spec.intervalSeconds / fundingReferenceSeconds);
  return Math.max(-spec.cap, Math.min(spec.cap, rate));
}
