/**
 * Outputs of a `model: lending` stress batch: the text summary and `stress-report.html`, per venue.
 * Same rules as the perp stress report: inline SVG, numbers only from the stored runs, no date or
 * path, so a batch gives the same bytes whether or not it was interrupted.
 */

import type { LendingVenueMetrics } from "../runner/lendingRecord.ts";
import {
  type LendingDistributionField,
  type LendingStressSummary,
  lendingDistributionFields,
} from "../runner/lendingStressSummary.ts";
import { randomnessText } from "../runner/randomness.ts";
import { formatCount, formatMoney, formatProportion } from "./format.ts";
import { basePageCss, escapeHtml, htmlPage, plural } from "./markup.ts";
import { chartDataOfSorted, type StressMetric } from "./stressData.ts";
import { exceedanceSvg, flatMetricNote, histogramSvg } from "./stressSvg.ts";

const statistics = ["mean", "p50", "p90", "p95", "p99", "max"] as const;

const titles: Record<LendingDistributionField, string> = {
  liquidatedCollateralUsd: "liquidated collateral",
  insolventDebtUsd: "insolvent debt",
  badDebtUsd: "bad debt",
  tvlEndUsd: "TVL at the end",
  liquidationCount: "liquidations",
};

function formatField(field: LendingDistributionField, value: number): string {
  if (Number.isNaN(value)) return "n/a";
  return field === "liquidationCount" ? formatCount(Math.round(value)) : formatMoney(value);
}

/** One table per venue and its LaR, VaR and P(bad debt > 0), as plain text. */
export function lendingStressText(summary: LendingStressSummary): string {
  const width = Math.max(...Object.values(titles).map((title) => title.length));
  const lines = [
    `${summary.scenario}: ${formatCount(summary.completedRuns)} of ${formatCount(summary.runs)} runs finished, ${formatCount(summary.failedRuns)} failed (seed ${summary.seed}, batch ${summary.batchId})`,
    ...(summary.randomised === undefined ? [] : [randomnessText(summary.randomised)]),
  ];
  for (const venue of summary.venues) {
    lines.push("", `${venue.name} (${venue.kind})`);
    lines.push(
      ["".padEnd(width), ...statistics.map((statistic) => statistic.padStart(10))].join(" "),
    );
    for (const field of lendingDistributionFields) {
      const row = statistics.map((statistic) =>
        formatField(field, venue.distributions[field][statistic]).padStart(10),
      );
      lines.push([titles[field].padEnd(width), ...row].join(" "));
    }
    lines.push(
      `LaR (p95 liquidated collateral): ${formatMoney(venue.liquidationsAtRisk)}`,
      `VaR (p95 insolvent debt): ${formatMoney(venue.valueAtRisk)}`,
      `P(bad debt > 0): ${formatProportion(venue.badDebtPositive)}`,
    );
  }
  for (const failure of summary.failures.slice(0, 20)) {
    lines.push(`failed run ${failure.runIndex} (seed ${failure.seed}): ${failure.error}`);
  }
  return `${lines.join("\n")}\n`;
}

const charted: readonly (Omit<StressMetric, "field"> & { field: LendingDistributionField })[] = [
  {
    field: "liquidatedCollateralUsd",
    title: "Liquidated collateral",
    explanation: "Collateral seized in a run, USD at each liquidation's price. Its p95 is the LaR.",
    unit: "money",
    tail: true,
  },
  {
    field: "insolventDebtUsd",
    title: "Insolvent debt",
    explanation:
      "Debt above collateral at the end of a run (bad debt for non-Aave venues). Its p95 is the VaR.",
    unit: "money",
    tail: true,
  },
  {
    field: "badDebtUsd",
    title: "Bad debt",
    explanation: "Debt left with no collateral behind it in a run.",
    unit: "money",
    tail: true,
  },
];

/** stress-report.html of a lending batch: per venue, the table, the probabilities and the charts. */
export function lendingStressReportHtml(
  summary: LendingStressSummary,
  venueRows: readonly ({ venueIndex: number } & LendingVenueMetrics)[],
): string {
  const subtitle = `${summary.scenario} · ${plural(summary.completedRuns, "run")} · seed ${summary.seed}`;
  const sections = summary.venues.map((venue, venueIndex) => {
    const rows = venueRows.filter((row) => row.venueIndex === venueIndex);
    const header = ["metric", ...statistics].map((title) => `<th scope="col">${title}</th>`);
    const table = lendingDistributionFields.map((field) => {
      const cells = statistics.map((statistic) =>
        formatField(field, venue.distributions[field][statistic]),
      );
      return `<tr><th scope="row">${escapeHtml(titles[field])}</th>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`;
    });
    const charts = charted.map(({ field, ...metric }) => {
      const sorted = Float64Array.from(rows.map((row) => row[field])).sort();
      const data = chartDataOfSorted(
        { ...metric, title: `${venue.name}: ${metric.title}` },
        sorted,
        rows.length,
      );
      const note = flatMetricNote(data);
      const body =
        note === null
          ? `<div class="charts"><figure>${histogramSvg(data, subtitle)}</figure><figure>${exceedanceSvg(data, subtitle)}</figure></div>`
          : `<p class="flat">${escapeHtml(note)}</p>`;
      return `<h3>${escapeHtml(data.title)}</h3>\n<p class="note">${escapeHtml(metric.explanation)}</p>\n${body}`;
    });
    return `<section>
<h2>${escapeHtml(`${venue.name} (${venue.kind})`)}</h2>
<p class="lead">${escapeHtml(`LaR ${formatMoney(venue.liquidationsAtRisk)} (p95 liquidated collateral); VaR ${formatMoney(venue.valueAtRisk)} (p95 insolvent debt); P(bad debt > 0) ${formatProportion(venue.badDebtPositive)}.`)}</p>
<table class="distribution"><thead><tr>${header.join("")}</tr></thead><tbody>
${table.join("\n")}
</tbody></table>
${charts.join("\n")}
</section>`;
  });
  const meta = `Batch ${summary.batchId} · ${formatCount(summary.completedRuns)} of ${formatCount(summary.runs)} runs finished · seed ${summary.seed} · scenario hash ${summary.scenarioHash.slice(0, 12)} · deleverage ${summary.version}`;
  return htmlPage(
    `deleverage stress report: ${summary.scenario} (lending)`,
    [
      basePageCss,
      ".charts { display: flex; flex-wrap: wrap; gap: 12px; } .flat { padding: 8px 12px; }",
    ],
    `<p class="meta">${escapeHtml(meta)}</p>
<p class="note">${escapeHtml(`${summary.randomised === undefined ? "" : `${randomnessText(summary.randomised)} `}Percentiles: ${summary.quantiles}.`)}</p>
${sections.join("\n")}
<p class="note">Any single run can be replayed with its full report: deleverage run SCENARIO --seed ${summary.seed} --run-index I.</p>`,
  );
}
