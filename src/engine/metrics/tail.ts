/**
 * Tail statistics of a price path: the stylised facts that Thurner, Farmer & Geanakoplos (2012)
 * use to show that leverage causes fat tails (excess kurtosis, Hill tail index of |r|) and
 * clustered volatility (autocorrelation of |r|), plus drawdown distributions. Moments and
 * quantiles come from simple-statistics; the estimators it lacks (Hill, autocorrelation,
 * Ljung–Box, drawdown episodes) are written here. Inputs are typed arrays so that 500,000-step
 * series are not copied into object arrays more than once.
 */
import { mean, quantileSorted, sampleKurtosis, sampleStandardDeviation } from "simple-statistics";

/** r_t = ln(p_t / p_{t-1}) for t = from+1 .. end; `from` skips a burn-in. */
export function logReturns(prices: ArrayLike<number>, from = 0): Float64Array {
  if (!Number.isInteger(from) || from < 0) {
    throw new RangeError(`from must be a non-negative integer, got ${from}`);
  }
  const count = Math.max(0, prices.length - from - 1);
  const returns = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    returns[index] = Math.log(prices[from + index + 1] / prices[from + index]);
  }
  return returns;
}

/**
 * Fisher's excess kurtosis with the unbiased moment estimators (the G2 of SAS, Excel and SciPy's
 * `kurtosis(bias=False)`): 0 for a normal sample, 6/(ν−4) for Student-t with ν > 4.
 */
export function excessKurtosis(values: Float64Array): number {
  return sampleKurtosis(Array.from(values));
}

export interface HillEstimate {
  /** α̂ = 1 / ((1/k) Σ_{i≤k} ln(X_(i) / X_(k+1))): the tail exponent of P(|X| > x) ~ x^−α. */
  index: number;
  /** k: how many of the largest |values| the estimate uses. */
  tailCount: number;
  /** X_(k+1): the largest |value| left out of the tail. */
  threshold: number;
}

/**
 * Hill (1975), "A simple general approach to inference about the tail of a distribution", Annals
 * of Statistics 3(5). Computed on |values| (both tails together, as TFG do for |r|), with the tail
 * given either as a count k or as a fraction of the sample (k = floor(fraction·n)).
 */
export function hillTailIndex(
  values: ArrayLike<number>,
  tail: { tailCount: number } | { tailFraction: number },
): HillEstimate {
  const count = values.length;
  const tailCount =
    "tailCount" in tail ? tail.tailCount : Math.floor(tail.tailFraction * values.length);
  if (!Number.isInteger(tailCount) || tailCount < 1 || tailCount >= count) {
    throw new RangeError(
      `the tail must hold between 1 and ${count - 1} of the ${count} values, got ${tailCount}`,
    );
  }
  const magnitudes = new Float64Array(count);
  for (let index = 0; index < count; index++) magnitudes[index] = Math.abs(values[index]);
  magnitudes.sort();
  const threshold = magnitudes[count - tailCount - 1];
  if (!(threshold > 0)) {
    throw new RangeError(
      `the ${tailCount + 1}th largest |value| is ${threshold}; Hill needs it > 0 (use a smaller tail)`,
    );
  }
  const logThreshold = Math.log(threshold);
  let logExcess = 0;
  for (let index = count - tailCount; index < count; index++) {
    logExcess += Math.log(magnitudes[index]) - logThreshold;
  }
  return { index: tailCount / logExcess, tailCount, threshold };
}

/**
 * Sample autocorrelation at lags 1..maxLag, the estimator of Box & Jenkins (and statsmodels'
 * `acf`): ρ̂(k) = Σ_{t<n−k} (x_t − x̄)(x_{t+k} − x̄) / Σ_t (x_t − x̄)². Element k−1 holds lag k.
 */
export function autocorrelation(values: ArrayLike<number>, maxLag: number): Float64Array {
  const count = values.length;
  if (!Number.isInteger(maxLag) || maxLag < 1 || maxLag >= count) {
    throw new RangeError(`maxLag must be an integer in 1..${count - 1}, got ${maxLag}`);
  }
  let sum = 0;
  for (let index = 0; index < count; index++) sum += values[index];
  const average = sum / count;
  const centred = new Float64Array(count);
  let sumOfSquares = 0;
  for (let index = 0; index < count; index++) {
    const deviation = values[index] - average;
    centred[index] = deviation;
    sumOfSquares += deviation * deviation;
  }
  if (!(sumOfSquares > 0)) {
    throw new RangeError("autocorrelation is undefined for a constant series");
  }
  const correlations = new Float64Array(maxLag);
  for (let lag = 1; lag <= maxLag; lag++) {
    let covariance = 0;
    for (let index = 0; index + lag < count; index++) {
      covariance += centred[index] * centred[index + lag];
    }
    correlations[lag - 1] = covariance / sumOfSquares;
  }
  return correlations;
}

/** Autocorrelation of |r| at lags 1..maxLag: positive and slowly decaying when volatility clusters. */
export function absoluteAutocorrelation(returns: ArrayLike<number>, maxLag: number): Float64Array {
  const magnitudes = new Float64Array(returns.length);
  for (let index = 0; index < returns.length; index++) magnitudes[index] = Math.abs(returns[index]);
  return autocorrelation(magnitudes, maxLag);
}

export interface VolatilityClustering {
  /** Ljung–Box Q = n(n+2) Σ_{k≤m} ρ̂(k)²/(n−k) of |r|. */
  statistic: number;
  /** m: under independent returns Q is asymptotically χ² with m degrees of freedom (mean m). */
  degreesOfFreedom: number;
  /** Mean of ρ̂(k) of |r| over k = 1..m: how strong the clustering is, not only whether it exists. */
  meanAbsoluteAutocorrelation: number;
}

/**
 * Ljung & Box (1978), "On a measure of lack of fit in time series models", Biometrika 65(2),
 * applied to |r| (McLeod & Li 1983 use r²; |r| is what TFG plot). A single number that is ≈ m
 * for returns without volatility clustering and grows with n when volatility clusters.
 */
export function volatilityClustering(
  returns: ArrayLike<number>,
  maxLag: number,
): VolatilityClustering {
  return ljungBox(absoluteAutocorrelation(returns, maxLag), returns.length);
}

function ljungBox(correlations: Float64Array, count: number): VolatilityClustering {
  const maxLag = correlations.length;
  let weightedSum = 0;
  let sum = 0;
  for (let lag = 1; lag <= maxLag; lag++) {
    const correlation = correlations[lag - 1];
    weightedSum += (correlation * correlation) / (count - lag);
    sum += correlation;
  }
  return {
    statistic: count * (count + 2) * weightedSum,
    degreesOfFreedom: maxLag,
    meanAbsoluteAutocorrelation: sum / maxLag,
  };
}

export interface Drawdowns {
  /** Relative depth 1 − trough/peak of each episode, in the order they started. */
  depth: Float64Array;
  /** Steps from the episode's peak to its end (or to the end of the series). */
  duration: Int32Array;
  /** Index of the peak each episode fell from. */
  peakStep: Int32Array;
  /** 1 when the episode ended within the series, 0 when the series ended first. */
  recovered: Uint8Array;
}

/** Collects episodes into typed arrays; episodes are few next to the steps, so arrays grow freely. */
class EpisodeList {
  private readonly depths: number[] = [];
  private readonly durations: number[] = [];
  private readonly peaks: number[] = [];
  private readonly recoveries: number[] = [];

  add(peak: number, trough: number, peakStep: number, endStep: number, recovered: boolean): void {
    this.depths.push(1 - trough / peak);
    this.durations.push(endStep - peakStep);
    this.peaks.push(peakStep);
    this.recoveries.push(recovered ? 1 : 0);
  }

  toDrawdowns(): Drawdowns {
    return {
      depth: Float64Array.from(this.depths),
      duration: Int32Array.from(this.durations),
      peakStep: Int32Array.from(this.peaks),
      recovered: Uint8Array.from(this.recoveries),
    };
  }
}

function checkPrice(price: number, step: number): void {
  if (!(price > 0)) throw new RangeError(`prices must be > 0; step ${step} has ${price}`);
}

/**
 * Peak-to-trough episodes: an episode starts when the price falls below its running maximum and
 * ends when the price is back at or above that maximum; its depth is the deepest fall in between.
 * For a mean-reverting price one early spike can hold the maximum for the rest of the run, so
 * {@link lossRuns} is the more telling distribution there. Prices must be positive.
 */
export function drawdowns(prices: ArrayLike<number>): Drawdowns {
  const episodes = new EpisodeList();
  let peakStep = 0;
  let peak = prices.length > 0 ? prices[0] : Number.NaN;
  let trough = peak;
  for (let step = 1; step < prices.length; step++) {
    const price = prices[step];
    checkPrice(price, step);
    if (price >= peak) {
      if (trough < peak) episodes.add(peak, trough, peakStep, step, true);
      peak = price;
      peakStep = step;
      trough = price;
    } else if (price < trough) {
      trough = price;
    }
  }
  if (trough < peak) episodes.add(peak, trough, peakStep, prices.length - 1, false);
  return episodes.toDrawdowns();
}

/**
 * Drawdowns as Johansen & Sornette (2001, "Large stock market price drawdowns are outliers",
 * Journal of Risk 4(2)) define them: each maximal run of consecutive price falls, with depth
 * 1 − (price at the end of the run)/(price before it) and duration the run's length in steps.
 * Independent returns give geometric run lengths; crashes driven by a feedback loop (forced
 * selling) show up as runs deeper than that distribution allows.
 */
export function lossRuns(prices: ArrayLike<number>): Drawdowns {
  const episodes = new EpisodeList();
  let startStep = 0;
  for (let step = 1; step < prices.length; step++) {
    checkPrice(prices[step], step);
    if (prices[step] < prices[step - 1]) continue;
    if (step - 1 > startStep) {
      episodes.add(prices[startStep], prices[step - 1], startStep, step - 1, true);
    }
    startStep = step;
  }
  const last = prices.length - 1;
  if (last > startStep) episodes.add(prices[startStep], prices[last], startStep, last, false);
  return episodes.toDrawdowns();
}

export interface DrawdownDistribution {
  count: number;
  /** The deepest episode (for peak-to-trough episodes: the maximum drawdown of the series). */
  maximum: number;
  mean: number;
  median: number;
  quantile90: number;
  quantile99: number;
  /** Mean steps from an episode's peak to its end (or to the end of the series). */
  meanDuration: number;
  longestDuration: number;
}

/** Summary of the depths and durations of a set of episodes ({@link drawdowns} or {@link lossRuns}). */
export function drawdownDistribution(episodes: Drawdowns): DrawdownDistribution {
  const count = episodes.depth.length;
  if (count === 0) {
    return {
      count: 0,
      maximum: 0,
      mean: 0,
      median: 0,
      quantile90: 0,
      quantile99: 0,
      meanDuration: 0,
      longestDuration: 0,
    };
  }
  const sorted = Array.from(episodes.depth).sort((left, right) => left - right);
  let longestDuration = 0;
  for (const duration of episodes.duration) longestDuration = Math.max(longestDuration, duration);
  return {
    count,
    maximum: sorted[count - 1],
    mean: mean(sorted),
    median: quantileSorted(sorted, 0.5),
    quantile90: quantileSorted(sorted, 0.9),
    quantile99: quantileSorted(sorted, 0.99),
    meanDuration: mean(Array.from(episodes.duration)),
    longestDuration,
  };
}

export interface TailStatistics {
  returnCount: number;
  meanReturn: number;
  returnStandardDeviation: number;
  excessKurtosis: number;
  hill: HillEstimate;
  /** ρ̂(k) of |r| for k = 1..acfLags (element k−1 is lag k). */
  absoluteReturnAutocorrelation: Float64Array;
  /** ρ̂(1) of r itself: near 0 in markets and in TFG, so |r| clustering is not plain momentum. */
  returnAutocorrelationLag1: number;
  volatilityClustering: VolatilityClustering;
  /** Peak-to-trough episodes from the running maximum. */
  drawdowns: DrawdownDistribution;
  /** Runs of consecutive falls (Johansen–Sornette drawdowns). */
  lossRuns: DrawdownDistribution;
}

export interface TailStatisticsOptions {
  /** Steps at the start of the price path left out (the model's transient). */
  burnIn: number;
  /** Share of |r| in the Hill tail (TFG's reference statistics use 0.01). */
  hillFraction: number;
  acfLags: number;
}

/** Every statistic above for one price path, after the burn-in. */
export function tailStatistics(
  prices: Float64Array,
  options: TailStatisticsOptions,
): TailStatistics {
  const returns = logReturns(prices, options.burnIn);
  if (returns.length < Math.max(4, options.acfLags + 1)) {
    throw new RangeError(
      `${returns.length} returns after a burn-in of ${options.burnIn} steps are too few for tail statistics`,
    );
  }
  const plain = Array.from(returns);
  const absoluteReturnAutocorrelation = absoluteAutocorrelation(returns, options.acfLags);
  return {
    returnCount: returns.length,
    meanReturn: mean(plain),
    returnStandardDeviation: sampleStandardDeviation(plain),
    excessKurtosis: sampleKurtosis(plain),
    hill: hillTailIndex(returns, { tailFraction: options.hillFraction }),
    absoluteReturnAutocorrelation,
    returnAutocorrelationLag1: autocorrelation(returns, 1)[0],
    volatilityClustering: ljungBox(absoluteReturnAutocorrelation, returns.length),
    drawdowns: drawdownDistribution(drawdowns(prices.subarray(options.burnIn))),
    lossRuns: drawdownDistribution(lossRuns(prices.subarray(options.burnIn))),
  };
}
