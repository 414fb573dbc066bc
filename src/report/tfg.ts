/**
 * Outputs of a Thurner–Farmer–Geanakoplos run (`model: tfg`): summary.json with the tail
 * statistics the paper is about, timeseries.csv with the price and the fund aggregates of every
 * step, and a report.html that needs no script at all (inline SVG), so it opens offline and is
 * byte-identical for identical runs.
 */
import { type DrawdownDistribution, logReturns, tailStatistics } from "../engine/metrics/tail.ts";
import type { TfgParameters, TfgRun, TfgSeries } from "../engine/models/tfg.ts";
import type { TfgScenario } from "../scenario/schema.ts";
import { downsampleAligned } from "./downsample.ts";
import { formatCompact, formatCount, formatNumber } from "./format.ts";
import { basePageCss, detailsCss, escapeHtml, htmlPage } from "./markup.ts";
import { coordinate, figureCss, figureSectionsHtml, plotSvg } from "./plot.ts";
import { reconciliationCss, reconciliationTableHtml, tfgReconciliation } from "./reconcile.ts";

export interface TfgSummary {
  name: string;
  model: "tfg";
  steps: number;
  burnIn: number;
  parameters: TfgParameters;
  /** Tail statistics of the log returns after the burn-in. */
  statistics: {
    returnCount: number;
    meanReturn: number;
    returnStandardDeviation: number;
    excessKurtosis: number;
    hillIndex: number;
    hillFraction: number;
    hillTailCount: number;
    /** ACF of |r| at lags 1..acfLags (element k−1 is lag k). */
    acfAbsoluteReturns: number[];
    acfReturnsLag1: number;
    volatilityClustering: { ljungBox: number; degreesOfFreedom: number; meanAcf: number };
    /** Peak-to-trough episodes from the running maximum of the price. */
    drawdowns: DrawdownDistribution;
    /** Runs of consecutive falls (Johansen–Sornette drawdowns): where crashes show. */
    lossRuns: DrawdownDistribution;
  };
  defaults: { total: number; byFund: { beta: number; defaults: number }[] };
  /** Over the whole run, step 0 included. */
  price: { start: number; min: number; max: number; end: number };
  /** Fund-sector leverage after the burn-in: the mean of Σ D·p / Σ W, and the largest single fund's. */
  leverage: { mean: number; max: number };
  seed: number;
  runIndex: number;
  scenarioHash: string;
  version: string;
}

export function tfgSummary(
  scenario: TfgScenario,
  run: TfgRun,
  provenance: { runIndex: number; scenarioHash: string; version: string },
): TfgSummary {
  const { burnIn, hillFraction, acfLags } = scenario.statistics;
  const series = run.series;
  const tail = tailStatistics(series.price, { burnIn, hillFraction, acfLags });
  let minPrice = Number.POSITIVE_INFINITY;
  let maxPrice = Number.NEGATIVE_INFINITY;
  for (const price of series.price) {
    minPrice = Math.min(minPrice, price);
    maxPrice = Math.max(maxPrice, price);
  }
  let leverageSum = 0;
  let leverageMax = 0;
  for (let step = burnIn + 1; step <= run.steps; step++) {
    leverageSum += series.leverage[step];
    leverageMax = Math.max(leverageMax, series.maxLeverage[step]);
  }
  const byFund = scenario.tfg.betas.map((beta, fund) => ({
    beta,
    defaults: run.defaultsByFund[fund],
  }));
  return {
    name: scenario.name,
    model: "tfg",
    steps: run.steps,
    burnIn,
    parameters: scenario.tfg,
    statistics: {
      returnCount: tail.returnCount,
      meanReturn: tail.meanReturn,
      returnStandardDeviation: tail.returnStandardDeviation,
      excessKurtosis: tail.excessKurtosis,
      hillIndex: tail.hill.index,
      hillFraction,
      hillTailCount: tail.hill.tailCount,
      acfAbsoluteReturns: Array.from(tail.absoluteReturnAutocorrelation),
      acfReturnsLag1: tail.returnAutocorrelationLag1,
      volatilityClustering: {
        ljungBox: tail.volatilityClustering.statistic,
        degreesOfFreedom: tail.volatilityClustering.degreesOfFreedom,
        meanAcf: tail.volatilityClustering.meanAbsoluteAutocorrelation,
      },
      drawdowns: tail.drawdowns,
      lossRuns: tail.lossRuns,
    },
    defaults: { total: byFund.reduce((sum, fund) => sum + fund.defaults, 0), byFund },
    price: {
      start: series.price[0],
      min: minPrice,
      max: maxPrice,
      end: series.price[run.steps],
    },
    leverage: { mean: leverageSum / (run.steps - burnIn), max: leverageMax },
    seed: scenario.seed,
    runIndex: provenance.runIndex,
    scenarioHash: provenance.scenarioHash,
    version: provenance.version,
  };
}

export function tfgSummaryJson(summary: TfgSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

export function tfgSummaryText(summary: TfgSummary): string {
  const statistics = summary.statistics;
  return (
    `TFG leverage model, lambda_max ${summary.parameters.lambdaMax}, ${formatCount(summary.steps)} steps ` +
    `(statistics after a burn-in of ${formatCount(summary.burnIn)}), seed ${summary.seed}: ` +
    `excess kurtosis ${fixed(statistics.excessKurtosis, 2)}, Hill tail index ` +
    `${fixed(statistics.hillIndex, 2)} (top ${fixed(statistics.hillFraction * 100, 1)} % of |r|), ` +
    `ACF of |r| at lag 1 ${fixed(statistics.acfAbsoluteReturns[0], 3)}; ` +
    `${formatCount(summary.defaults.total)} fund defaults. Price ${fixed(summary.price.min, 3)} to ` +
    `${fixed(summary.price.max, 3)}, mean fund leverage ${fixed(summary.leverage.mean, 2)}.`
  );
}

const timeseriesColumns: readonly (keyof TfgSeries)[] = [
  "price",
  "noiseDemand",
  "fundWealth",
  "fundHoldings",
  "leverage",
  "maxLeverage",
  "activeFunds",
  "defaults",
];

/** One row per step (row 0 is the initial state), trailing newline. */
export function tfgTimeseriesCsv(run: TfgRun): string {
  const columns = timeseriesColumns.map((name) => run.series[name]);
  const lines: string[] = [`step,${timeseriesColumns.join(",")}`];
  for (let step = 0; step <= run.steps; step++) {
    let line = String(step);
    for (const column of columns) line += `,${formatNumber(column[step])}`;
    lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}

/** A chart is drawn from at most this many points; the min/max downsampling keeps every crash. */
const chartPoints = 4000;

/** Four significant digits: enough for axis labels, short enough to fit. */
function label(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** The model has no clock: its step is one trading period (Thurner et al. 2012). */
const periodAxis = {
  title: "trading period (the model's time step; no calendar time)",
  format: formatCompact,
};

interface LineSeries {
  values: Float64Array;
  color: string;
  name: string;
}

function lineChart(steps: Float64Array, lines: LineSeries[], yTitle: string): string {
  const sampled = downsampleAligned(
    steps,
    lines.map((line) => line.values),
    chartPoints,
  );
  return plotSvg({
    x: Array.from(sampled.x),
    xAxis: { ...periodAxis, domain: [steps[0], steps[steps.length - 1]] },
    yAxis: { title: yTitle, format: label },
    series: lines.map((line, index) => ({
      kind: "line",
      label: line.name,
      color: line.color,
      values: Array.from(sampled.series[index]),
      width: 1.2,
    })),
  });
}

/**
 * Histogram of the standardised log returns on a log count axis, with the normal distribution of
 * the same mean and variance as a line: fat tails show as bars far above the parabola.
 */
function returnHistogram(summary: TfgSummary, series: TfgSeries): string {
  const { meanReturn, returnStandardDeviation: deviation } = summary.statistics;
  const binCount = 80;
  const standardised = logReturns(series.price, summary.burnIn).map(
    (value) => (value - meanReturn) / deviation,
  );
  let widest = 0;
  for (const value of standardised) widest = Math.max(widest, Math.abs(value));
  const half = Math.max(4, Math.ceil(widest));
  const binWidth = (2 * half) / binCount;
  const counts = new Float64Array(binCount);
  for (const value of standardised) {
    counts[Math.min(binCount - 1, Math.floor((value + half) / binWidth))]++;
  }
  const total = standardised.length;
  const lefts = Array.from({ length: binCount }, (_, bin) => -half + bin * binWidth);
  const normal: (number | null)[] = lefts.map((left) => {
    const z = left + binWidth / 2;
    const expected = (total * binWidth * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    // Below one count the log axis would run under the frame.
    return expected < 1 ? null : expected;
  });
  return plotSvg({
    x: lefts.map((left) => left + binWidth / 2),
    xAxis: {
      title: "standardised log return (r − mean) / sd",
      format: label,
      domain: [-half, half],
    },
    yAxis: { title: "count (log scale)", format: formatCount, log: true, include: [1] },
    series: [
      {
        kind: "line",
        label: "normal with the same mean and variance",
        color: "#c0392b",
        values: normal,
        width: 1.5,
      },
    ],
    underlay: (frame) =>
      lefts
        .map((left, bin) => {
          if (counts[bin] === 0) return "";
          const x0 = frame.x(left);
          const x1 = frame.x(left + binWidth);
          const top = frame.y(counts[bin]);
          // A bin with one count sits on the axis: draw it as a sliver so it stays visible.
          const height = Math.max(1.5, frame.y(1) - top);
          return `<rect x="${coordinate(x0)}" y="${coordinate(frame.y(1) - height)}" width="${coordinate(x1 - x0 - 0.5)}" height="${coordinate(height)}" fill="#2f6fb0" fill-opacity="0.65"/>`;
        })
        .join(""),
    legend: [{ label: "log returns after the burn-in", color: "#2f6fb0", shape: "box" }],
  });
}

function acfChart(summary: TfgSummary): string {
  const acf = summary.statistics.acfAbsoluteReturns;
  // ±1.96/√n: where the ACF of independent returns falls 95 % of the time.
  const band = 1.96 / Math.sqrt(summary.statistics.returnCount);
  return plotSvg({
    x: acf.map((_, index) => index + 1),
    xAxis: {
      title: "lag (trading periods)",
      format: label,
      domain: [0.5, acf.length + 0.5],
      ticks: () => acf.map((_, index) => index + 1),
    },
    yAxis: { title: "ACF of |r|", format: label, include: [0, 0.05, -band, band] },
    series: [],
    underlay: (frame) =>
      `<rect x="${frame.box.left}" y="${coordinate(frame.y(band))}" width="${frame.box.width}" height="${coordinate(frame.y(-band) - frame.y(band))}" fill="#c0392b" fill-opacity="0.13"/>` +
      acf
        .map((value, index) => {
          const left = frame.x(index + 1 - 0.35);
          const right = frame.x(index + 1 + 0.35);
          const top = frame.y(Math.max(0, value));
          return `<rect x="${coordinate(left)}" y="${coordinate(top)}" width="${coordinate(right - left)}" height="${coordinate(Math.abs(frame.y(value) - frame.y(0)))}" fill="#8e44ad"/>`;
        })
        .join(""),
    legend: [
      { label: "ACF of |log returns|", color: "#8e44ad", shape: "box" },
      { label: "95 % band of independent returns", color: "rgba(192, 57, 43, 0.3)", shape: "box" },
    ],
  });
}

function summaryTable(summary: TfgSummary): string {
  const rows: string[] = [];
  const visit = (prefix: string, value: unknown): void => {
    if (Array.isArray(value) && value.every((item) => typeof item === "number")) {
      rows.push(row(prefix, value.map((item) => label(item)).join(", ")));
    } else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        visit(prefix === "" ? key : `${prefix}.${key}`, child);
      }
    } else {
      rows.push(row(prefix, typeof value === "number" ? label(value) : String(value)));
    }
  };
  const row = (field: string, value: string): string =>
    `<tr><th scope="row">${escapeHtml(field)}</th><td>${escapeHtml(value)}</td></tr>`;
  visit("", summary);
  return `<table class="fields">\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`;
}

const reportCss = `
main { max-width: 1100px; }
th, td { padding: 2px 10px; text-align: left; }
table.fields td { font-family: ui-monospace, Menlo, Consolas, monospace; }
${figureCss}
${detailsCss}
${reconciliationCss}
`;

export function tfgReportHtml(summary: TfgSummary, run: TfgRun): string {
  const steps = Float64Array.from({ length: run.steps + 1 }, (_, step) => step);
  const series = run.series;
  const title = `deleverage report: ${summary.name} (Thurner–Farmer–Geanakoplos 2012)`;
  const sections = [
    {
      title: "Price",
      note: "The clearing price of every step. Crashes are margin spirals: funds at the leverage cap sell as the price falls.",
      chart: lineChart(
        steps,
        [{ values: series.price, color: "#2f6fb0", name: "price p(t)" }],
        "price (units of the fundamental value V)",
      ),
    },
    {
      title: "Fund leverage",
      note: "Leverage of the fund sector as a whole (Σ D·p / Σ W) and of the most levered fund, after investor flows.",
      chart: lineChart(
        steps,
        // The sector line goes last so the spikier maximum does not hide it.
        [
          { values: series.maxLeverage, color: "#c0392b", name: "most levered fund" },
          { values: series.leverage, color: "#27ae60", name: "fund sector" },
        ],
        "leverage (D·p / W)",
      ),
    },
    {
      title: "Distribution of log returns",
      note: `After the burn-in of ${formatCount(summary.burnIn)} steps. Excess kurtosis ${fixed(summary.statistics.excessKurtosis, 2)}, Hill tail index ${fixed(summary.statistics.hillIndex, 2)}.`,
      chart: returnHistogram(summary, series),
    },
    {
      title: "Autocorrelation of |log returns|",
      note: "Clustered volatility: large moves follow large moves. The shaded band is where independent returns would fall 95 % of the time.",
      chart: acfChart(summary),
    },
  ];
  return htmlPage(
    title,
    [basePageCss, reportCss],
    `<p class="lead">${escapeHtml(tfgSummaryText(summary))}</p>
<section>
<h2>Where the numbers come from</h2>
<p class="note">The model logs no events (a fund default is a count per period): each figure is recomputed from timeseries.csv.</p>
${reconciliationTableHtml(tfgReconciliation(summary, run), "timeseries.csv")}
</section>
${figureSectionsHtml(sections)}
<details>
<summary><h2>summary.json</h2></summary>
${summaryTable(summary)}
</details>`,
  );
}
