/**
 * `report.html`: one file that opens offline, years later, on any machine. uPlot, its CSS and
 * the chart script are inlined and the data travels as JSON inside the page. The output depends
 * only on the run (no dates, no local paths), so identical runs give byte-identical reports.
 */
import { eventTypes, type RunResult } from "../engine/result.ts";
import { adlTablesHtml } from "./adlTables.ts";
import { browserBundle, reportClientEntry, uplotAssets } from "./assets.ts";
import { type ReportChartData, reportChartData } from "./chartData.ts";
import { chartCss, chartSections } from "./chartStyle.ts";
import { eventColumns, sideName } from "./csv.ts";
import { formatCount, formatNumber, formatPercent, formatReadable } from "./format.ts";
import { marketsCss, marketsSectionHtml } from "./markets.ts";
import { basePageCss, detailsCss, escapeHtml, htmlPage } from "./markup.ts";
import { perpReconciliation, reconciliationCss, reconciliationTableHtml } from "./reconcile.ts";
import { type Summary, summaryJson, summaryText } from "./summary.ts";
import { cycleSvgCharts } from "./svg.ts";
import { timeLabel } from "./timeAxis.ts";
import { cascadeShare } from "./timeBuckets.ts";

/** Enough to see how the cascade starts; events.csv has the rest. */
export const eventTableRows = 200;

/**
 * JSON safe inside a <script> element: `\u003c` is the same string to JSON.parse but can never
 * form `</script>` or `<!--`.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

/** Inlined code that closes its own element early would break the page silently. */
function inlinable(code: string, element: "script" | "style"): string {
  if (new RegExp(`</${element}`, "i").test(code)) {
    throw new Error(`inlined ${element} contains a closing </${element}> tag`);
  }
  return code;
}

/** summary.json flattened to rows, so the table shows exactly what the file holds. */
function summaryRows(summary: Summary): [field: string, value: string][] {
  const rows: [string, string][] = [];
  const visit = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value))
        visit(prefix === "" ? key : `${prefix}.${key}`, child);
    } else if (typeof value === "number") {
      rows.push([prefix, formatNumber(value)]);
    } else {
      rows.push([prefix, value === null ? "n/a" : String(value)]);
    }
  };
  // Per-market figures have their own section; 160 markets would bury the rest here.
  const { markets: _markets, contagion: _contagion, ...rest } = JSON.parse(summaryJson(summary));
  visit("", rest);
  return rows;
}

function summaryTableHtml(summary: Summary): string {
  const rows = summaryRows(summary)
    .map(
      ([field, value]) =>
        `<tr><th scope="row">${escapeHtml(field)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join("\n");
  return `<table class="fields">\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

function eventsTableHtml(result: RunResult): string {
  const events = result.events;
  if (events.length === 0) return `<p class="note">No events were logged.</p>`;
  const shown = Math.min(events.length, eventTableRows);
  const note =
    shown === events.length
      ? `All ${formatCount(events.length)} events.`
      : `The first ${formatCount(shown)} of ${formatCount(events.length)} events; events.csv lists all of them.`;
  const rows: string[] = [];
  for (let index = 0; index < shown; index++) {
    const account = events.account[index];
    const cells = [
      String(events.step[index]),
      String(events.round[index]),
      eventTypes[events.type[index]],
      account >= 0 ? events.accountName(account) : "",
      sideName(events.side[index]),
      formatReadable(events.quantity[index]),
      formatReadable(events.price[index]),
      formatReadable(events.notional[index]),
      formatReadable(events.amount[index]),
      formatReadable(events.insuranceFund[index]),
      events.markets[events.market[index]],
    ];
    rows.push(`<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`);
  }
  const header = eventColumns.map((column) => `<th scope="col">${column}</th>`).join("");
  return `<p class="note">${note}</p>\n<div class="scroll"><table class="events">\n<thead><tr>${header}</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table></div>`;
}

/** One section per chart of chartSections; the ADL section also gets its tables. */
function chartSectionsHtml(data: ReportChartData): string {
  return chartSections
    .map((section) => {
      const extra = section.kind === "adl" ? `\n${adlTablesHtml(data.adlBreakdown)}` : "";
      const compact = section.compact === true ? " compact" : "";
      return (
        `<section>\n<h2>${escapeHtml(section.title)}</h2>\n<p class="note">${escapeHtml(section.explanation)}</p>\n` +
        `<div class="chart${compact}" id="chart-${section.kind}" data-chart="${section.kind}"></div>${extra}\n</section>`
      );
    })
    .join("\n");
}

/** The bar that zooms every time chart to the cascade window and back (wired by the script). */
function zoomBarHtml(data: ReportChartData): string {
  const window = data.cascadeWindow;
  if (window === null) return "";
  const utc = data.time.startTime === null ? "" : " UTC";
  const from = timeLabel(data.time, window[0]);
  const to = `${timeLabel(data.time, window[1])}${utc}`;
  return (
    `<div class="zoom-bar" role="toolbar" aria-label="time range of the charts">` +
    `<span>Time charts:</span>` +
    `<button type="button" data-zoom="cascade" aria-pressed="true">Cascade window, ${escapeHtml(from)} – ${escapeHtml(to)}</button>` +
    `<button type="button" data-zoom="whole" aria-pressed="false">Whole run</button>` +
    `<span class="note">the window holds ${formatPercent(cascadeShare)} of the liquidated notional; drag across a chart to zoom, double-click for the whole run</span></div>`
  );
}

/** Each headline figure next to the same figure summed from the events, with the rule. */
function reconciliationSectionHtml(summary: Summary, result: RunResult): string {
  return (
    `<section>\n<h2>Where the numbers come from</h2>\n<p class="note">Each figure of the summary, summed again from ` +
    `the events (the same rows as events.csv). A liquidation counts a position once, however many rows its ` +
    `closing took; an ADL close is one adl row.</p>\n${reconciliationTableHtml(perpReconciliation(summary, result.events))}\n</section>`
  );
}

/**
 * The leverage-cycle charts, drawn here as static SVG images (data URIs, so the page stays one
 * file and the images' ids cannot clash): open interest and leverage, liquidation versus
 * stop-loss selling, book depth and imbalance, the venue's policy, and the price-fall split.
 */
function cycleSectionHtml(data: ReportChartData, subtitle: string): string {
  if (data.cycle === undefined) return "";
  const images = cycleSvgCharts(data.cycle, data.time, subtitle)
    .map((chart) => {
      const source = `data:image/svg+xml;base64,${Buffer.from(chart.svg).toString("base64")}`;
      const name = chart.fileName.replace(/\.png$/, "");
      return `<img class="cycle" alt="${escapeHtml(name)}" src="${source}">`;
    })
    .join("\n");
  return (
    `<section>\n<h2>Leverage cycle</h2>\n<p class="note">How the position population was built and ` +
    "unwound: open interest, traders' aggregate leverage, liquidations and stop-losses over time, " +
    "depth within 1 % of the mid, the order-book imbalance and the makers' quoted share, the " +
    "venue's margin multiplier, haircut and halts, and (when computed) the price fall split into its " +
    `sources by counterfactual re-runs.</p>\n${images}\n</section>`
  );
}

/** summary.json field by field, folded away: the paragraph and the table above come first. */
function summarySectionHtml(summary: Summary): string {
  return `<details>\n<summary><h2>summary.json</h2></summary>\n${summaryTableHtml(summary)}\n</details>`;
}

function eventsSectionHtml(result: RunResult): string {
  return `<h2>Events</h2>\n${eventsTableHtml(result)}`;
}

const reportCss = `
thead th { position: sticky; top: 0; }
/* Forty short rows read better as a grid of field/value pairs than as one long column. */
table.fields, table.fields tbody { display: block; }
table.fields tbody { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); column-gap: 28px; }
table.fields tr { display: flex; justify-content: space-between; gap: 12px; border-bottom: 1px solid var(--rule); }
table.fields th, table.fields td { border: 0; padding: 3px 0; }
table.fields th[scope="row"] { text-align: left; font-weight: 500; }
table.fields td { white-space: normal; word-break: break-all;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.scroll { overflow: auto; max-height: 70vh; border: 1px solid var(--rule); }
img.cycle { display: block; width: 100%; max-width: 1200px; height: auto; margin: 12px 0; }
${chartCss}
${reconciliationCss}
${detailsCss}
${marketsCss}`;

export interface ReportOptions {
  title?: string;
  /** The chart data, when the caller already has it (e.g. with the ADL breakdown filled in). */
  chartData?: ReportChartData;
}

/**
 * The whole report as one HTML document, one function per section (summary, zoom bar,
 * reconciliation, charts, leverage cycle, summary.json, events), so a section can be added
 * without touching the others.
 */
export function reportHtml(
  summary: Summary,
  result: RunResult,
  options: ReportOptions = {},
): string {
  const uplot = uplotAssets();
  const title = options.title ?? `deleverage report: ${summary.name} (${summary.symbol})`;
  const data = options.chartData ?? reportChartData(result);
  const subtitle = `${summary.name} (${summary.symbol}), seed ${summary.seed}`;
  const sections = [
    `<p class="lead">${escapeHtml(summaryText(summary))}</p>`,
    reconciliationSectionHtml(summary, result),
    marketsSectionHtml(summary, result, data.time),
    zoomBarHtml(data),
    chartSectionsHtml(data),
    cycleSectionHtml(data, subtitle),
    summarySectionHtml(summary),
    eventsSectionHtml(result),
  ];
  return htmlPage(
    title,
    [inlinable(uplot.css, "style"), basePageCss, reportCss],
    sections.filter((section) => section !== "").join("\n"),
    `<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${inlinable(uplot.script, "script")}</script>
<script>${inlinable(browserBundle(reportClientEntry), "script")}</script>
`,
  );
}
