/**
 * The numbers behind the stress report's charts, built from every finished run stored for a
 * batch (never a sample). Stored rows are the only input, so a batch that was interrupted and
 * resumed gives exactly the same charts as one that ran straight through.
 */
import { quantileOfSorted } from "../runner/statistics.ts";
import type { StoredRun } from "../runner/store.ts";
import type { DistributionField } from "../runner/stressSummary.ts";
import { tickStep } from "./plot.ts";

export interface Histogram {
  /**
   * Bin edges on round numbers, one more than there are bins: bin i counts values in
   * [edges[i], edges[i + 1]). When every value is the same there is one closed bin [v, v].
   */
  edges: number[];
  counts: number[];
}

/** √n bins (the square-root rule), kept between a readable 5 and 40. */
export function defaultBinCount(values: number): number {
  return Math.min(40, Math.max(5, Math.ceil(Math.sqrt(values))));
}

/** Equal-width bins on a 1-2-5 step, so edges read as round amounts on the axis. */
export function histogram(
  sorted: ArrayLike<number>,
  targetBins = defaultBinCount(sorted.length),
): Histogram {
  const count = sorted.length;
  if (count === 0) return { edges: [], counts: [] };
  const low = sorted[0];
  const high = sorted[count - 1];
  if (low === high) return { edges: [low, high], counts: [count] };
  const step = tickStep(low, high, targetBins);
  const first = Math.floor(low / step);
  const last = Math.floor(high / step) + 1;
  const edges: number[] = [];
  // Multiplying (not adding) keeps edges such as 0.3 free of accumulated rounding.
  for (let index = first; index <= last; index++)
    edges.push(Number((index * step).toPrecision(12)));
  const counts = new Array<number>(edges.length - 1).fill(0);
  let bin = 0;
  // Values are sorted, so one pass moves the bin forward; comparing with the stored edges
  // (rather than dividing by the step) puts a value equal to an edge in the bin it opens.
  for (let index = 0; index < count; index++) {
    while (bin < counts.length - 1 && sorted[index] >= edges[bin + 1]) bin++;
    counts[bin]++;
  }
  return { edges, counts };
}

export interface Exceedance {
  /** Distinct values, ascending. */
  x: number[];
  /** P(X > x[i]), which holds for every x in [x[i], x[i + 1]): the curve is a step function. */
  probability: number[];
}

/** Points kept per curve: a chart is a few hundred pixels wide. */
export const maxExceedancePoints = 2_000;

/**
 * The empirical exceedance curve P(X > x) of sorted values. Beyond `maxPoints` distinct values,
 * the last half of the points (the tail a log axis spreads out) are all kept and the body keeps
 * every k-th; a step held to the next kept point can only overstate the probability there, by
 * less than one point's share of the runs.
 */
export function exceedance(sorted: ArrayLike<number>, maxPoints = maxExceedancePoints): Exceedance {
  const count = sorted.length;
  const x: number[] = [];
  const probability: number[] = [];
  for (let index = 0; index < count; index++) {
    if (index + 1 < count && sorted[index + 1] === sorted[index]) continue;
    x.push(sorted[index]);
    probability.push((count - index - 1) / count);
  }
  if (x.length <= maxPoints) return { x, probability };
  const tail = Math.floor(maxPoints / 2);
  const bodyEnd = x.length - tail;
  const stride = Math.ceil(bodyEnd / (maxPoints - tail));
  const kept: Exceedance = { x: [], probability: [] };
  for (let index = 0; index < x.length; index++) {
    if (index >= bodyEnd || index % stride === 0) {
      kept.x.push(x[index]);
      kept.probability.push(probability[index]);
    }
  }
  return kept;
}

/** What a metric measures, which decides how its numbers are written. */
export type MetricUnit = "money" | "ratio" | "fraction" | "price";

export interface StressMetric {
  field: DistributionField;
  title: string;
  /** One sentence a reader needs to read the chart. */
  explanation: string;
  unit: MetricUnit;
  /** False where a high value is good news (the minimum price): no exceedance curve. */
  tail: boolean;
}

export const stressMetrics: readonly StressMetric[] = [
  {
    field: "liquidatedNotional",
    title: "Liquidated notional",
    explanation: "Notional of all positions force-closed in a run. Its 95th percentile is the LaR.",
    unit: "money",
    tail: true,
  },
  {
    field: "uncoveredBadDebt",
    title: "Uncovered bad debt",
    explanation:
      "Bad debt neither the insurance fund nor the backstop could pay: socialised to winning traders or " +
      "lost by the exchange. Its 95th percentile is the VaR.",
    unit: "money",
    tail: true,
  },
  {
    field: "badDebt",
    title: "Bad debt",
    explanation: "Losses beyond the liquidated positions' margin, whoever ended up paying them.",
    unit: "money",
    tail: true,
  },
  {
    field: "insuranceFundUsed",
    title: "Insurance fund used",
    explanation: "How much of the insurance fund a run drew down.",
    unit: "money",
    tail: true,
  },
  {
    field: "adlNotional",
    title: "ADL notional",
    explanation: "Notional of winning positions closed by auto-deleveraging.",
    unit: "money",
    tail: true,
  },
  {
    field: "amplification",
    title: "Amplification",
    explanation:
      "Total fall divided by the fall the shock alone caused: how much the cascade added. Runs without an " +
      "exogenous fall have none and are left out.",
    unit: "ratio",
    tail: true,
  },
  {
    field: "totalMove",
    title: "Total price move",
    explanation: "The deepest fall of the mark price below its start, as a fraction of the start.",
    unit: "fraction",
    tail: true,
  },
  {
    field: "minPrice",
    title: "Minimum mark price",
    explanation:
      "The lowest mark price of a run. Low is bad here, so there is no exceedance curve; the total move " +
      "above is its tail.",
    unit: "price",
    tail: false,
  },
];

export interface StressMetricData extends StressMetric {
  /** Runs with a finite value; failed runs and NaN (no amplification) are not counted. */
  count: number;
  /** Finished runs without a value for this metric. */
  missing: number;
  min: number;
  max: number;
  p95: number;
  p99: number;
  /** Runs where the metric is exactly zero: often most of them for losses. */
  zeros: number;
  histogram: Histogram;
  exceedance: Exceedance | null;
}

function sortedFiniteColumn(runs: readonly StoredRun[], field: DistributionField): Float64Array {
  const values: number[] = [];
  for (const run of runs) {
    const value = run.metrics?.[field];
    if (value !== undefined && Number.isFinite(value)) values.push(value);
  }
  return Float64Array.from(values).sort();
}

/** Chart data of every metric, over the finished runs. */
export function stressChartData(runs: readonly StoredRun[]): StressMetricData[] {
  const finished = runs.filter((run) => run.metrics !== null).length;
  return stressMetrics.map((metric) =>
    chartDataOfSorted(metric, sortedFiniteColumn(runs, metric.field), finished),
  );
}

/** Chart data of one metric from its finite values sorted ascending, over `finished` runs. */
export function chartDataOfSorted<Metric extends Omit<StressMetric, "field">>(
  metric: Metric,
  sorted: Float64Array,
  finished: number,
): Metric & Omit<StressMetricData, keyof StressMetric> {
  let zeros = 0;
  for (const value of sorted) if (value === 0) zeros++;
  return {
    ...metric,
    count: sorted.length,
    missing: finished - sorted.length,
    min: sorted.length === 0 ? Number.NaN : sorted[0],
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1],
    p95: quantileOfSorted(sorted, 0.95),
    p99: quantileOfSorted(sorted, 0.99),
    zeros,
    histogram: histogram(sorted),
    exceedance: metric.tail ? exceedance(sorted) : null,
  };
}
