/**
 * `stress-report.html`: what a Monte Carlo batch says about tail risk, in one file that opens
 * offline. The charts are inline SVG (no script, nothing fetched) and every number comes from
 * the batch's stored runs and the summary computed from them, with no date or path, so the same
 * results give the same bytes whether or not the batch was interrupted on the way.
 */
import { randomnessText } from "../runner/randomness.ts";
import type { Proportion } from "../runner/statistics.ts";
import type { StoredRun } from "../runner/store.ts";
import type { StressSummary } from "../runner/stressSummary.ts";
import { type AdlStressPoint, adlStressSectionHtml } from "./adlStress.ts";
import { boundsNote, formatBounds, formatCount, formatMoney, formatPercent } from "./format.ts";
import type { FrontierChartData } from "./frontier.ts";
import { frontierSvg } from "./frontierSvg.ts";
import { basePageCss, escapeHtml, htmlPage, plural } from "./markup.ts";
import { type StressMetricData, stressChartData } from "./stressData.ts";
import { exceedanceSvg, flatMetricNote, formatMetric, histogramSvg } from "./stressSvg.ts";

function interval(proportion: Proportion): string {
  return formatBounds(proportion.low, proportion.high);
}

/**
 * The paragraph on top: VaR, LaR and the two probabilities in words a risk committee reads in
 * one go. A VaR or LaR of zero is said as such, since "more than $0" would read as a loss.
 */
export function stressSummaryText(summary: StressSummary): string {
  const { distributions } = summary;
  if (summary.completedRuns === 0) {
    return `None of the ${plural(summary.runs, "run")} of ${summary.scenario} (seed ${summary.seed}) finished; stress-summary.json lists why each failed.`;
  }
  const opening = `Over ${plural(summary.completedRuns, "run")} of ${summary.scenario} (seed ${summary.seed}): `;
  const uncovered = distributions.uncoveredBadDebt;
  const valueAtRisk =
    summary.valueAtRisk > 0
      ? `in 1 run in 20 the venue loses more than ${formatMoney(summary.valueAtRisk)} that neither the insurance fund nor the backstop could pay (VaR 95 %)`
      : `in at least 19 runs in 20 the insurance fund and the backstop paid all bad debt (VaR 95 % = $0${uncovered.max > 0 ? `; the worst run left ${formatMoney(uncovered.max)} uncovered` : ""})`;
  const liquidationsAtRisk =
    summary.liquidationsAtRisk > 0
      ? `liquidations exceed ${formatMoney(summary.liquidationsAtRisk)} in 5 % of runs (LaR)`
      : "at least 95 % of runs liquidated nothing (LaR $0)";
  const sentences = [
    `${opening}${valueAtRisk}; ${liquidationsAtRisk}; ` +
      `the insurance fund ran dry in ${formatPercent(summary.insuranceFundExhausted.probability)} of runs ` +
      `(${interval(summary.insuranceFundExhausted)}); ADL fired in ${formatPercent(summary.adlFired.probability)} ` +
      `(${interval(summary.adlFired)}).`,
    `The median run liquidated ${formatMoney(distributions.liquidatedNotional.p50)} and the price fell ` +
      `${formatPercent(distributions.totalMove.p50)}; the worst liquidated ${formatMoney(distributions.liquidatedNotional.max)} ` +
      `and the deepest fall was ${formatPercent(distributions.totalMove.max)}.`,
  ];
  if (summary.randomised !== undefined) sentences.splice(1, 0, randomnessText(summary.randomised));
  if (summary.failedRuns > 0) {
    sentences.push(
      `${plural(summary.failedRuns, "run")} of ${formatCount(summary.runs)} failed and ${summary.failedRuns === 1 ? "is" : "are"} left out; stress-summary.json lists them.`,
    );
  }
  return sentences.join(" ");
}

const tableStatistics = ["mean", "p50", "p90", "p95", "p99", "max"] as const;

function distributionTableHtml(
  summary: StressSummary,
  metrics: readonly StressMetricData[],
): string {
  const header = ["metric", "runs", ...tableStatistics, "runs at 0"]
    .map((title) => `<th scope="col">${title}</th>`)
    .join("");
  const rows = metrics.map((metric) => {
    const distribution = summary.distributions[metric.field];
    const cells = [
      formatCount(distribution.count),
      ...tableStatistics.map((statistic) => formatMetric(metric.unit, distribution[statistic])),
      formatCount(metric.zeros),
    ];
    return `<tr><th scope="row">${escapeHtml(metric.title)}</th>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`;
  });
  return `<div class="scroll-x"><table class="distribution">\n<thead><tr>${header}</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table></div>`;
}

function probabilityTableHtml(summary: StressSummary): string {
  const rows = [
    ["Insurance fund ran dry", summary.insuranceFundExhausted],
    ["ADL fired", summary.adlFired],
  ] as const;
  const body = rows
    .map(
      ([event, proportion]) =>
        `<tr><th scope="row">${event}</th><td>${formatCount(proportion.hits)} of ${formatCount(proportion.trials)}</td>` +
        `<td>${formatPercent(proportion.probability)}</td><td>${formatPercent(proportion.low)}–${formatPercent(proportion.high)}</td></tr>`,
    )
    .join("\n");
  return (
    `<table class="distribution">\n<thead><tr><th scope="col">event</th><th scope="col">runs</th>` +
    `<th scope="col">probability</th><th scope="col">95 % bounds</th></tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`
  );
}

function metricSectionHtml(metric: StressMetricData, subtitle: string): string {
  const missing =
    metric.missing > 0
      ? ` ${plural(metric.missing, "finished run")} without a value ${metric.missing === 1 ? "is" : "are"} left out.`
      : "";
  const heading = `<section>\n<h2>${escapeHtml(metric.title)}</h2>\n<p class="note">${escapeHtml(metric.explanation + missing)}</p>`;
  const note = flatMetricNote(metric);
  if (note !== null) return `${heading}\n<p class="flat">${escapeHtml(note)}</p>\n</section>`;
  const charts = [histogramSvg(metric, subtitle)];
  if (metric.tail) charts.push(exceedanceSvg(metric, subtitle));
  return `${heading}\n<div class="charts">\n${charts.map((svg) => `<figure>${svg}</figure>`).join("\n")}\n</div>\n</section>`;
}

const stressCss = `
main { max-width: 1240px; }
h1 { margin: 0 0 4px; }
h2 { margin: 28px 0 4px; }
.meta { color: var(--muted); margin: 0 0 12px; font-size: 0.9rem; }
.lead { border-left-color: #c0392b; }
.flat { background: var(--panel); padding: 8px 12px; margin: 0; }
table { font-size: 0.9rem; }
th, td { padding: 4px 12px; }
th[scope="row"] { text-align: left; font-weight: 500; }
thead th:first-child { text-align: left; }
.scroll-x { overflow-x: auto; }
/* Histogram and exceedance curve of a metric side by side; stacked on a narrow screen. */
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
@media (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
figure { margin: 0; }
tr.recommended th, tr.recommended td { background: #e8f6ee; font-weight: 600; }
figure svg { width: 100%; height: auto; display: block; }
`;

/** The line under every chart's title, in the page and in the PNGs. */
export function stressSubtitle(summary: StressSummary): string {
  return `${summary.scenario}, seed ${summary.seed}, ${plural(summary.completedRuns, "run")}`;
}

/**
 * The sweep part of the page (a `stress` sweep or `recommend`): a paragraph, the sweep chart, a
 * table of the points (cells already formatted) and which point the rest of the page shows.
 */
export interface SweepReportSection {
  heading: string;
  lead: string;
  chart: FrontierChartData;
  /** With two cost objectives or more, the first against the second. */
  costChart?: FrontierChartData;
  table: { columns: string[]; rows: string[][]; highlight?: number };
  focus: string;
}

function sweepSectionHtml(section: SweepReportSection, subtitle: string): string {
  const header = section.table.columns.map((title) => `<th scope="col">${escapeHtml(title)}</th>`);
  const rows = section.table.rows.map(
    (row, index) =>
      `<tr${index === section.table.highlight ? ' class="recommended"' : ""}>${row.map((cell, column) => (column === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join("")}</tr>`,
  );
  return `<h2>${escapeHtml(section.heading)}</h2>
<p class="lead sweep">${escapeHtml(section.lead)}</p>
<div class="charts"><figure class="frontier">${frontierSvg(section.chart, subtitle)}</figure>${section.costChart === undefined ? "" : `<figure class="cost-frontier">${frontierSvg(section.costChart, subtitle)}</figure>`}</div>
<div class="scroll-x"><table class="distribution sweep-points">
<thead><tr>${header.join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table></div>
<p class="note">${escapeHtml(section.focus)}</p>`;
}

/** The whole stress report as one HTML document; with a sweep, the sweep comes first. */
export function stressReportHtml(
  summary: StressSummary,
  runs: readonly StoredRun[],
  sweep?: SweepReportSection,
  /** The ADL section's rows: every sweep point, or the batch itself. */
  adlPoints: readonly AdlStressPoint[] = [{ label: summary.scenario, summary }],
): string {
  const metrics = stressChartData(runs);
  const title = `deleverage stress report: ${summary.scenario}`;
  const subtitle = stressSubtitle(summary);
  const meta =
    `Batch ${summary.batchId} · ${formatCount(summary.completedRuns)} of ${formatCount(summary.runs)} runs finished` +
    ` · seed ${summary.seed} · scenario hash ${summary.scenarioHash.slice(0, 12)} · deleverage ${summary.version}`;
  return htmlPage(
    title,
    [basePageCss, stressCss],
    `<p class="meta">${escapeHtml(meta)}</p>
${sweep === undefined ? "" : `${sweepSectionHtml(sweep, subtitle)}\n`}<p class="lead">${escapeHtml(stressSummaryText(summary))}</p>
<h2>Distribution of each metric over the runs</h2>
<p class="note">Percentiles interpolate between the two nearest runs (type 7, as DuckDB's quantile_cont), so each figure can be checked with one SQL query on results.duckdb. VaR is the p95 of uncovered bad debt, LaR the p95 of liquidated notional.</p>
${distributionTableHtml(summary, metrics)}
<h2>How often the buffers gave way</h2>
<p class="note">${escapeHtml(boundsNote)}</p>
${probabilityTableHtml(summary)}
${adlStressSectionHtml(adlPoints)}
<p class="note">Each metric below has a histogram (how many runs fell in each range) and, where high values are the risk, an exceedance curve: the share of runs above each value, on a log scale so that 1 in 100 is as easy to read as 1 in 2. Dashed lines mark the p95 and p99.</p>
${metrics.map((metric) => metricSectionHtml(metric, subtitle)).join("\n")}
<p class="note">Any single run can be replayed with its full report: deleverage run SCENARIO --seed ${summary.seed} --run-index I.</p>`,
  );
}
