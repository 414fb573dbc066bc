/**
 * Distribution statistics of a Monte Carlo batch. Quantiles interpolate linearly between the two
 * closest order statistics (Hyndman & Fan type 7): the definition of numpy's default
 * `percentile`, Excel's PERCENTILE.INC and DuckDB's `quantile_cont`, so a risk team can check
 * every figure against the store with one SQL query.
 */

export interface Distribution {
  /** Runs that gave a number; NaN (e.g. amplification without an exogenous move) is left out. */
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Type-7 quantile of values already sorted ascending: with h = (n − 1)·p, the value at
 * ⌊h⌋ plus the fraction h − ⌊h⌋ of the gap to the next one.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, probability: number): number {
  if (!(probability >= 0 && probability <= 1)) {
    throw new RangeError(`quantile: probability ${probability} is outside [0, 1]`);
  }
  const count = sorted.length;
  if (count === 0) return Number.NaN;
  const position = (count - 1) * probability;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, count - 1);
  const fraction = position - lower;
  const low = sorted[lower];
  // Written as low + f·(high − low) so equal neighbours give exactly that value.
  return fraction === 0 ? low : low + fraction * (sorted[upper] - low);
}

function sortedFinite(values: ArrayLike<number>): Float64Array {
  const kept: number[] = [];
  for (let index = 0; index < values.length; index++) {
    if (!Number.isNaN(values[index])) kept.push(values[index]);
  }
  return Float64Array.from(kept).sort();
}

export function distribution(values: ArrayLike<number>): Distribution {
  const sorted = sortedFinite(values);
  const count = sorted.length;
  let sum = 0;
  for (let index = 0; index < count; index++) sum += sorted[index];
  return {
    count,
    mean: count === 0 ? Number.NaN : sum / count,
    p50: quantileOfSorted(sorted, 0.5),
    p90: quantileOfSorted(sorted, 0.9),
    p95: quantileOfSorted(sorted, 0.95),
    p99: quantileOfSorted(sorted, 0.99),
    max: count === 0 ? Number.NaN : sorted[count - 1],
  };
}

export interface Proportion {
  /** Runs where the event happened, out of `trials`. */
  hits: number;
  trials: number;
  probability: number;
  /**
   * Wilson score interval at 95 %: how far the estimate could be from the true probability with
   * this many runs. Unlike the normal approximation it stays inside [0, 1] and is not zero-width
   * when no run (or every run) hit.
   */
  low: number;
  high: number;
}

const z95 = 1.959963984540054;

export function proportion(hits: number, trials: number): Proportion {
  if (trials === 0) {
    return { hits, trials, probability: Number.NaN, low: Number.NaN, high: Number.NaN };
  }
  const estimate = hits / trials;
  const zSquared = z95 * z95;
  const denominator = 1 + zSquared / trials;
  const centre = (estimate + zSquared / (2 * trials)) / denominator;
  const halfWidth =
    (z95 / denominator) *
    Math.sqrt((estimate * (1 - estimate)) / trials + zSquared / (4 * trials * trials));
  return {
    hits,
    trials,
    probability: estimate,
    // At 0 or `trials` hits the bound is exactly 0 or 1; the formula leaves rounding dust there.
    low: hits === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: hits === trials ? 1 : Math.min(1, centre + halfWidth),
  };
}
