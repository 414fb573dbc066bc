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

/**
 * The one interval method of every stress batch, sweep and recommendation: each end is a
 * one-sided 95 % Clopper–Pearson bound. "P < 5 % with 95 % confidence" is read off `high`, the
 * same number `recommend` judges a target by, so a point shows the same figures on the frontier,
 * in its table row and in its batch's summary. Clopper–Pearson rather than Wilson because it never
 * claims more confidence than the runs give (coverage at least 95 % for every true probability).
 */
export const boundConfidence = 0.95;

export interface Proportion {
  /** Runs where the event happened, out of `trials`. */
  hits: number;
  trials: number;
  probability: number;
  /** One-sided 95 % Clopper–Pearson lower bound (0 when no run hit). */
  low: number;
  /** One-sided 95 % Clopper–Pearson upper bound (1 when every run hit). */
  high: number;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p), summed in log space from the k = 0 term by the ratio of
 * consecutive terms, so n in the tens of thousands neither underflows nor needs a log-gamma.
 */
export function binomialCdf(hits: number, trials: number, probability: number): number {
  if (hits >= trials || probability <= 0) return 1;
  if (probability >= 1) return 0;
  const logRatio = Math.log(probability) - Math.log1p(-probability);
  let logTerm = trials * Math.log1p(-probability);
  const logTerms = [logTerm];
  for (let index = 0; index < hits; index++) {
    logTerm += Math.log((trials - index) / (index + 1)) + logRatio;
    logTerms.push(logTerm);
  }
  const largest = Math.max(...logTerms);
  let sum = 0;
  for (const term of logTerms) sum += Math.exp(term - largest);
  return Math.min(1, Math.exp(largest) * sum);
}

/** The p in [0, 1] where the decreasing function `f(p)` crosses `level`, by bisection. */
function solveDecreasing(f: (p: number) => number, level: number): number {
  let low = 0;
  let high = 1;
  for (let iteration = 0; iteration < 200 && high - low > 1e-15; iteration++) {
    const middle = (low + high) / 2;
    if (f(middle) > level) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

export interface Bounds {
  hits: number;
  trials: number;
  estimate: number;
  /** One-sided lower and upper Clopper–Pearson bounds at `boundConfidence` each. */
  low: number;
  high: number;
}

/**
 * Clopper & Pearson (1934): the upper bound is the p at which k or fewer hits in n trials has
 * probability α = 5 %; the lower bound the p at which k or more hits has probability α. With no
 * hit the upper bound is 1 − α^(1/n) (20 runs: 13.9 %).
 */
export function clopperPearson(hits: number, trials: number): Bounds {
  if (!Number.isInteger(hits) || !Number.isInteger(trials) || hits < 0 || hits > trials) {
    throw new RangeError(`clopperPearson: ${hits} hits of ${trials} trials`);
  }
  if (trials === 0) {
    return { hits, trials, estimate: Number.NaN, low: 0, high: 1 };
  }
  const alpha = 1 - boundConfidence;
  const high = hits === trials ? 1 : solveDecreasing((p) => binomialCdf(hits, trials, p), alpha);
  const low = hits === 0 ? 0 : solveDecreasing((p) => binomialCdf(hits - 1, trials, p), 1 - alpha);
  return { hits, trials, estimate: hits / trials, low, high };
}

/** hits / trials with its bounds; NaN throughout without trials. */
export function proportion(hits: number, trials: number): Proportion {
  if (trials === 0) {
    return { hits, trials, probability: Number.NaN, low: Number.NaN, high: Number.NaN };
  }
  const bounds = clopperPearson(hits, trials);
  return { hits, trials, probability: bounds.estimate, low: bounds.low, high: bounds.high };
}
