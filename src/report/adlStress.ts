/**
 * The ADL part of stress-report.html: over a batch's runs (or each point of a sweep, e.g. one per
 * `exchange.adl.mechanism`), how much shortfall ADL covered and how much profit it took beyond
 * it. Definitions: docs/models/waterfall.md, "ADL metrics".
 */
import type { Distribution } from "../runner/statistics.ts";
import type { StressSummary } from "../runner/stressSummary.ts";
import { formatMoney, formatPercent } from "./format.ts";
import { escapeHtml } from "./markup.ts";

export interface AdlStressPoint {
  /** What the point is: its parameters, or the scenario for a plain batch. */
  label: string;
  summary: StressSummary;
}

function cells(distribution: Distribution): string[] {
  return [distribution.mean, distribution.p50, distribution.p95, distribution.max].map((value) =>
    Number.isNaN(value) ? "n/a" : formatMoney(value),
  );
}

/** One row per point: P(ADL), the shortfall's mean and the overshoot's mean, p50, p95 and max. */
export function adlStressSectionHtml(points: readonly AdlStressPoint[]): string {
  const header = [
    "point",
    "P(ADL)",
    "mean shortfall",
    "mean profit taken",
    "overshoot mean",
    "p50",
    "p95",
    "max",
  ]
    .map((title) => `<th scope="col">${escapeHtml(title)}</th>`)
    .join("");
  const rows = points.map((point) => {
    const { distributions, adlFired } = point.summary;
    const values = [
      formatPercent(adlFired.probability),
      formatMoney(distributions.adlShortfall.mean),
      formatMoney(distributions.adlProfitTaken.mean),
      ...cells(distributions.adlOvershoot),
    ];
    return `<tr><th scope="row">${escapeHtml(point.label)}</th>${values.map((value) => `<td>${escapeHtml(value)}</td>`).join("")}</tr>`;
  });
  return `<h2>Auto-deleveraging: shortfall and overshoot</h2>
<p class="note">Shortfall: what the bankrupt positions' ADL'd units lacked at the mark. Profit taken: the open profit ADL's closes took out of winners' positions (or what a close cost when it realised a loss). Overshoot = profit taken − shortfall, per run; the columns are its distribution over the runs (runs without ADL count as 0).</p>
<div class="scroll-x"><table class="distribution adl-overshoot">
<thead><tr>${header}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table></div>`;
}
