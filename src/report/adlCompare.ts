/**
 * Outputs of `deleverage compare-adl`: one row per ADL mechanism (and per market when there are
 * several) as CSV, a terminal table, two bar charts as SVG (inlined in compare-adl.html and
 * rasterised for --png) and the page. Nothing depends on the clock or the machine, so the same
 * comparison gives the same bytes.
 */
import type { AdlComparison, AdlComparisonRow } from "../runner/compareAdl.ts";
import { csvField } from "./csv.ts";
import { formatCount, formatMoney, formatNumber, formatPercent } from "./format.ts";
import { basePageCss, escapeHtml, htmlPage } from "./markup.ts";
import { niceAxis, svgFontFamily } from "./plot.ts";
import { colors, coordinate, formatTick, stressSvgWidth, text } from "./stressSvg.ts";

const csvColumns = [
  "mechanism",
  "market",
  "adlNotional",
  "adlCount",
  "shortfall",
  "profitTaken",
  "overshoot",
  "haircut",
  "haircutBeyondProfit",
  "hitAccounts",
  "innocentAccounts",
  "topOnePercentShare",
  "topTenPercentShare",
  "haircutGini",
  "haircutToPnlGini",
  "rounds",
  "firstLiquidationToAdlSeconds",
  "liquidatedNotional",
  "badDebt",
  "badDebtLeft",
  "ledgerDrift",
] as const satisfies readonly (keyof AdlComparisonRow)[];

/** compare-adl.csv: every figure exact (shortest round-trip text), null as an empty cell. */
export function adlComparisonCsv(comparison: AdlComparison): string {
  const lines = [csvColumns.join(",")];
  for (const row of comparison.rows) {
    lines.push(
      csvColumns
        .map((column) => {
          const value = row[column];
          if (typeof value === "string") return csvField(value);
          return value === null ? "" : formatNumber(value);
        })
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

export const adlTableColumns = [
  "mechanism",
  "market",
  "ADL notional",
  "shortfall",
  "profit taken",
  "overshoot",
  "beyond PnL",
  "accounts hit",
  "innocent",
  "top 1 %",
  "top 10 %",
  "Gini",
  "bad debt left",
] as const;

function share(value: number | null): string {
  return value === null ? "n/a" : formatPercent(value);
}

/** The table's cells, as the terminal and the page show them. */
export function adlTableRows(comparison: AdlComparison): string[][] {
  return comparison.rows.map((row) => [
    row.mechanism,
    row.market,
    formatMoney(row.adlNotional),
    formatMoney(row.shortfall),
    formatMoney(row.profitTaken),
    formatMoney(row.overshoot),
    formatMoney(row.haircutBeyondProfit),
    formatCount(row.hitAccounts),
    formatCount(row.innocentAccounts),
    share(row.topOnePercentShare),
    share(row.topTenPercentShare),
    row.haircutGini === null ? "n/a" : row.haircutGini.toFixed(3),
    formatMoney(row.badDebtLeft),
  ]);
}

interface Series {
  label: string;
  color: string;
  value: (row: AdlComparisonRow) => number | null;
}

const rowHeight = 22;
const chartTop = 84;
const labelWidth = 130;
const rightMargin = 24;

/** Horizontal grouped bars: one group per mechanism, one bar per series. */
function groupedBarsSvg(
  rows: readonly AdlComparisonRow[],
  series: readonly Series[],
  title: string,
  subtitle: string,
  unit: "money" | "fraction",
): string {
  const values = rows.flatMap((row) => series.map((item) => item.value(row) ?? 0));
  const axis = niceAxis(Math.min(0, ...values), Math.max(0, ...values), 5);
  const [low, high] = axis.domain;
  const left = labelWidth;
  const width = stressSvgWidth - left - rightMargin;
  const x = (value: number): number => left + ((value - low) / (high - low)) * width;
  const groupHeight = rowHeight * series.length + 10;
  const plotHeight = groupHeight * rows.length;
  const height = chartTop + plotHeight + 60;
  const parts: string[] = [];
  for (const tick of axis.ticks) {
    const position = x(tick);
    parts.push(
      `<line x1="${coordinate(position)}" x2="${coordinate(position)}" y1="${chartTop}" y2="${chartTop + plotHeight}" stroke="${tick === 0 ? colors.frame : colors.grid}"/>`,
      text(position, chartTop + plotHeight + 16, formatTick(unit, tick), {
        anchor: "middle",
        fill: colors.muted,
      }),
    );
  }
  rows.forEach((row, rowIndex) => {
    const top = chartTop + rowIndex * groupHeight + 5;
    parts.push(
      text(left - 8, top + (rowHeight * series.length) / 2 + 4, row.mechanism, { anchor: "end" }),
    );
    series.forEach((item, seriesIndex) => {
      const value = item.value(row);
      const y = top + seriesIndex * rowHeight;
      if (value === null) {
        parts.push(text(x(0) + 4, y + rowHeight - 7, "n/a", { size: 10, fill: colors.muted }));
        return;
      }
      const start = Math.min(x(0), x(value));
      parts.push(
        `<rect x="${coordinate(start)}" y="${coordinate(y + 2)}" width="${coordinate(Math.abs(x(value) - x(0)))}" height="${rowHeight - 4}" fill="${item.color}"/>`,
      );
    });
  });
  const legendY = chartTop + plotHeight + 40;
  let legendX = left;
  for (const item of series) {
    parts.push(
      `<rect x="${coordinate(legendX)}" y="${legendY - 10}" width="12" height="12" fill="${item.color}"/>`,
      text(legendX + 16, legendY, item.label, { size: 11 }),
    );
    legendX += 24 + item.label.length * 6.5;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${stressSvgWidth * 2}" height="${height * 2}" viewBox="0 0 ${stressSvgWidth} ${height}" font-family="${svgFontFamily}, sans-serif" role="img">\n` +
    `<title>${escapeHtml(title)}</title>\n<rect width="${stressSvgWidth}" height="${height}" fill="#ffffff"/>\n` +
    `${text(left, 24, title, { size: 16, bold: true })}\n${text(left, 44, subtitle, { size: 12, fill: colors.muted })}\n` +
    `${parts.join("\n")}\n</svg>\n`
  );
}

export interface AdlComparisonChart {
  fileName: string;
  title: string;
  svg: string;
}

export function adlComparisonSubtitle(comparison: AdlComparison): string {
  return `${comparison.scenario}, seed ${comparison.seed}, run ${comparison.runIndex}, ADL price ${comparison.price}`;
}

/** The exchange rows of mechanisms that do ADL: the chart of `none` would be empty. */
function chartedRows(comparison: AdlComparison): AdlComparisonRow[] {
  return comparison.rows.filter((row) => row.market === "all" && row.mechanism !== "none");
}

export function adlComparisonCharts(comparison: AdlComparison): AdlComparisonChart[] {
  const rows = chartedRows(comparison);
  const subtitle = adlComparisonSubtitle(comparison);
  const moneyTitle = "Shortfall covered, profit taken and overshoot";
  const fairnessTitle = "Concentration of the haircut";
  return [
    {
      fileName: "adl-overshoot.png",
      title: moneyTitle,
      svg: groupedBarsSvg(
        rows,
        [
          { label: "shortfall", color: "#7f8c8d", value: (row) => row.shortfall },
          { label: "profit taken", color: colors.bars, value: (row) => row.profitTaken },
          { label: "overshoot", color: colors.curve, value: (row) => row.overshoot },
        ],
        moneyTitle,
        subtitle,
        "money",
      ),
    },
    {
      fileName: "adl-concentration.png",
      title: fairnessTitle,
      svg: groupedBarsSvg(
        rows,
        [
          { label: "top 10 % share", color: colors.p99, value: (row) => row.topTenPercentShare },
          { label: "Gini of haircut", color: colors.p95, value: (row) => row.haircutGini },
          {
            label: "Gini of haircut / PnL",
            color: "#16a085",
            value: (row) => row.haircutToPnlGini,
          },
        ],
        fairnessTitle,
        subtitle,
        "fraction",
      ),
    },
  ];
}

const pageCss = `
h2 { margin: 28px 0 4px; }
table { font-size: 0.85rem; }
th[scope="row"] { text-align: left; font-weight: 500; }
thead th:first-child, thead th:nth-child(2) { text-align: left; }
td.label { text-align: left; }
.scroll-x { overflow-x: auto; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
@media (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
`;

/** The one-paragraph reading of the table: who covered the shortfall with the least overshoot. */
export function adlComparisonSummary(comparison: AdlComparison): string {
  const rows = chartedRows(comparison);
  const fired = rows.filter((row) => row.adlCount > 0);
  if (fired.length === 0) {
    return `ADL never closed a position in ${comparison.scenario} (seed ${comparison.seed}) under any mechanism: the book, the insurance fund and the backstop took every liquidation.`;
  }
  const least = fired.reduce((best, row) => (row.overshoot < best.overshoot ? row : best));
  const most = fired.reduce((worst, row) => (row.overshoot > worst.overshoot ? row : worst));
  return (
    `${comparison.scenario} (seed ${comparison.seed}): ${least.mechanism} covered ${formatMoney(least.shortfall)} of shortfall ` +
    `taking ${formatMoney(least.profitTaken)} of profit (overshoot ${formatMoney(least.overshoot)}); ` +
    `${most.mechanism} covered ${formatMoney(most.shortfall)} taking ${formatMoney(most.profitTaken)} (overshoot ${formatMoney(most.overshoot)}).`
  );
}

export function adlComparisonHtml(comparison: AdlComparison): string {
  const header = adlTableColumns
    .map((title) => `<th scope="col">${escapeHtml(title)}</th>`)
    .join("");
  const body = adlTableRows(comparison)
    .map(
      (cells) =>
        `<tr>${cells.map((cell, index) => (index < 2 ? `<td class="label">${escapeHtml(cell)}</td>` : `<td>${escapeHtml(cell)}</td>`)).join("")}</tr>`,
    )
    .join("\n");
  const charts = adlComparisonCharts(comparison)
    .map((chart) => `<figure>${chart.svg}</figure>`)
    .join("\n");
  return htmlPage(
    `deleverage ADL comparison: ${comparison.scenario}`,
    [basePageCss, pageCss],
    `<p class="lead">${escapeHtml(adlComparisonSummary(comparison))}</p>
<p class="note">The same scenario, seed and run index under every ADL mechanism (${escapeHtml(adlComparisonSubtitle(comparison))}). Shortfall: what the bankrupt positions' ADL'd units lacked at the mark. Profit taken: the open profit ADL's closes took out of winners' positions, or what a close cost when it realised a loss. Overshoot = profit taken − shortfall. Beyond PnL: what winners paid beyond their positive PnL. Innocent: hit accounts below the innocent leverage. Top shares and Gini are of the haircut over hit accounts. Bad debt left: socialised plus the exchange's own loss. Definitions: docs/models/waterfall.md.</p>
<div class="charts">
${charts}
</div>
<h2>Every mechanism</h2>
<div class="scroll-x"><table>
<thead><tr>${header}</tr></thead>
<tbody>
${body}
</tbody>
</table></div>`,
  );
}
