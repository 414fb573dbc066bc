/**
 * `report.html`: one file that opens offline, years later, on any machine. uPlot and its CSS
 * are inlined and the data travels as JSON inside the page. The output depends only on the
 * run (no dates, no local paths), so identical runs give byte-identical reports.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { eventTypes, type RunResult } from "../engine/result.ts";
import { eventColumns, sideName } from "./csv.ts";
import { downsampleAligned } from "./downsample.ts";
import { formatCount, formatNumber, formatReadable } from "./format.ts";
import { trimEmptyBuckets } from "./heatmap.ts";
import { type Summary, summaryJson, summaryText } from "./summary.ts";

/** Browsers draw 20,000 points per chart smoothly; long runs are downsampled to that. */
export const maxChartPoints = 20_000;
/** Enough to see how the cascade starts; events.csv has the rest. */
export const eventTableRows = 200;

interface UplotAssets {
  script: string;
  css: string;
}

let cachedAssets: UplotAssets | undefined;

function uplotAssets(): UplotAssets {
  if (cachedAssets === undefined) {
    const require = createRequire(import.meta.url);
    const script = readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
    const css = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
    // Inlined code ending the <script> element early would break the page silently.
    if (/<\/script/i.test(script) || /<\/style/i.test(css)) {
      throw new Error("uPlot assets contain a closing tag and cannot be inlined");
    }
    cachedAssets = { script, css };
  }
  return cachedAssets;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * JSON safe inside a <script> element: `\u003c` is the same string to JSON.parse but can never
 * form `</script>` or `<!--`.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

/** Chart values need no more than 7 significant digits; this halves the embedded JSON. */
function chartValue(value: number): number | null {
  return Number.isFinite(value) ? Number(value.toPrecision(7)) : null;
}

/** uPlot's aligned-data layout: [x, ...series], downsampled together. */
function alignedChartData(x: Float64Array, series: readonly Float64Array[]): (number | null)[][] {
  const sampled = downsampleAligned(x, series, maxChartPoints);
  return [Array.from(sampled.x), ...sampled.series.map((values) => Array.from(values, chartValue))];
}

/** Mark − index as a percentage of the index: the part of the move the cascade itself made. */
function endogenousGapPercent(result: RunResult): Float64Array {
  const index = result.timeseries.indexPrice;
  const mark = result.timeseries.markPrice;
  return Float64Array.from(index, (indexPrice, row) => (mark[row] / indexPrice - 1) * 100);
}

interface ChartData {
  startPrice: number;
  price: (number | null)[][];
  liquidations: (number | null)[][];
  funds: (number | null)[][];
  openInterest: (number | null)[][];
  depth: (number | null)[][];
  heatmap: (number | null)[][];
}

function chartData(summary: Summary, result: RunResult): ChartData {
  const series = result.timeseries;
  const steps = series.step;
  const buckets = trimEmptyBuckets(result.heatmap);
  return {
    startPrice: summary.startPrice,
    price: alignedChartData(steps, [
      series.indexPrice,
      series.markPrice,
      endogenousGapPercent(result),
    ]),
    liquidations: alignedChartData(steps, [series.liquidatedNotional, series.cascadeRounds]),
    funds: alignedChartData(steps, [series.insuranceFund, series.backstopCapital]),
    openInterest: alignedChartData(steps, [
      series.openInterest,
      series.longOpenInterest,
      series.shortOpenInterest,
    ]),
    depth: alignedChartData(steps, [series.bidDepth1pct, series.askDepth1pct]),
    // Shorts are drawn below the axis so the two sides never hide each other.
    heatmap: [
      buckets.map((bucket) => chartValue((bucket.priceLow + bucket.priceHigh) / 2)),
      buckets.map((bucket) => chartValue(bucket.longNotional)),
      buckets.map((bucket) => chartValue(-bucket.shortNotional)),
    ],
  };
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
  visit("", JSON.parse(summaryJson(summary)));
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
    ];
    rows.push(`<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`);
  }
  const header = eventColumns.map((column) => `<th scope="col">${column}</th>`).join("");
  return `<p class="note">${note}</p>\n<div class="scroll"><table class="events">\n<thead><tr>${header}</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table></div>`;
}

interface ChartSection {
  id: string;
  title: string;
  explanation: string;
}

const chartSections: readonly ChartSection[] = [
  {
    id: "chart-price",
    title: "Index and mark price",
    explanation:
      "The index is the exogenous path: what the shock alone does to the price. The mark is what the venue " +
      "actually traded at. Their gap (dashed, right axis, in % of the index) is the cascade's own price impact.",
  },
  {
    id: "chart-liquidations",
    title: "Liquidations per step",
    explanation:
      "Bars: notional liquidated in each step. Line (right axis): cascade rounds in that step; every round " +
      "after the first was triggered by the price impact of the liquidations before it.",
  },
  {
    id: "chart-funds",
    title: "Insurance fund and backstop capital",
    explanation:
      "The insurance fund absorbs bad debt first and grows with liquidation fees; the backstop vault takes over " +
      "positions the book cannot absorb. Once both run dry, losses go to ADL and socialisation.",
  },
  {
    id: "chart-open-interest",
    title: "Open interest",
    explanation:
      "Total open interest and the long and short notional of trader positions, at the mark price. Falls show " +
      "positions being closed by liquidation and ADL.",
  },
  {
    id: "chart-depth",
    title: "Order book depth within 1 %",
    explanation:
      "Quote value of bids and asks within 1 % of the mid price. Thin bids are what let forced selling move the price.",
  },
  {
    id: "chart-heatmap",
    title: "Liquidation heatmap before the shock",
    explanation:
      "Notional that would be liquidated at each price level, from positions as they stood before the shock. " +
      "Longs above the axis, shorts below; the dashed line is the start price.",
  },
];

const reportCss = `
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6570; --rule: #d8dde3; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 12px; }
h2 { font-size: 1.15rem; margin: 32px 0 4px; }
.lead { font-size: 1.05rem; background: var(--panel); border-left: 4px solid #2f6fb0; padding: 12px 16px; margin: 0 0 16px; }
.note { color: var(--muted); margin: 0 0 8px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.85rem; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
thead th { background: var(--panel); position: sticky; top: 0; }
/* Forty short rows read better as a grid of field/value pairs than as one long column. */
table.fields, table.fields tbody { display: block; }
table.fields tbody { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); column-gap: 28px; }
table.fields tr { display: flex; justify-content: space-between; gap: 12px; border-bottom: 1px solid var(--rule); }
table.fields th, table.fields td { border: 0; padding: 3px 0; }
table.fields th[scope="row"] { text-align: left; font-weight: 500; }
table.fields td { white-space: normal; word-break: break-all;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.scroll { overflow: auto; max-height: 70vh; border: 1px solid var(--rule); }
.chart { min-height: 300px; }
.uplot { font-family: inherit; }
`;

/**
 * Runs in the browser. Plain ES2017 so it needs no build step; it reads the embedded JSON and
 * draws one uPlot chart per section.
 */
const clientScript = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var height = 280;
  var colors = { index: "#2f6fb0", mark: "#c0392b", gap: "#8e44ad", bars: "#e67e22", rounds: "#34495e",
    fund: "#27ae60", backstop: "#2980b9", total: "#7f8c8d", long: "#27ae60", short: "#c0392b",
    bid: "#27ae60", ask: "#c0392b" };

  function compact(value) {
    if (value == null) return "";
    var magnitude = Math.abs(value);
    var units = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
    for (var i = 0; i < units.length; i++) {
      // Four digits keep neighbouring ticks such as 99.75K and 100.0K apart.
      if (magnitude >= units[i][0]) return +(value / units[i][0]).toPrecision(4) + units[i][1];
    }
    return String(+value.toPrecision(4));
  }
  function compactValues(u, splits) { return splits.map(compact); }
  function legendValue(u, value) { return value == null ? "-" : compact(value); }
  function priceValue(u, value) { return value == null ? "-" : String(+value.toPrecision(7)); }

  var stepAxis = { label: "step" };
  var bars = uPlot.paths.bars({ size: [0.9, 40], align: 0 });
  var stepped = uPlot.paths.stepped({ align: 1 });
  var charts = [];

  function widthOf(element) { return Math.max(320, element.clientWidth); }

  function draw(id, options, aligned) {
    var element = document.getElementById(id);
    options.width = widthOf(element);
    options.height = height;
    charts.push({ element: element, plot: new uPlot(options, aligned, element) });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.plot.setSize({ width: widthOf(chart.element), height: height }); });
  });

  function line(label, color, extra) {
    var series = { label: label, stroke: color, width: 1.5, value: legendValue, spanGaps: true };
    for (var key in extra) series[key] = extra[key];
    return series;
  }

  draw("chart-price", {
    scales: { x: { time: false } },
    series: [
      { label: "step" },
      line("index (exogenous)", colors.index, { width: 2, value: priceValue }),
      line("mark", colors.mark, { value: priceValue }),
      line("mark − index (%)", colors.gap, { scale: "gap", dash: [5, 4],
        value: function (u, value) { return value == null ? "-" : value.toFixed(2) + " %"; } })
    ],
    axes: [stepAxis, { label: "price", size: 70, values: compactValues },
      { scale: "gap", side: 1, label: "gap %", grid: { show: false } }]
  }, data.price);

  draw("chart-liquidations", {
    scales: { x: { time: false } },
    series: [
      { label: "step" },
      line("liquidated notional", colors.bars, { fill: colors.bars + "aa", paths: bars, points: { show: false } }),
      line("cascade rounds", colors.rounds, { scale: "rounds", paths: stepped,
        value: function (u, value) { return value == null ? "-" : String(value); } })
    ],
    axes: [stepAxis, { label: "notional", size: 70, values: compactValues },
      { scale: "rounds", side: 1, label: "rounds", grid: { show: false } }]
  }, data.liquidations);

  draw("chart-funds", {
    scales: { x: { time: false } },
    series: [{ label: "step" }, line("insurance fund", colors.fund), line("backstop capital", colors.backstop)],
    axes: [stepAxis, { label: "capital", size: 70, values: compactValues }]
  }, data.funds);

  draw("chart-open-interest", {
    scales: { x: { time: false } },
    series: [{ label: "step" }, line("total", colors.total, { dash: [5, 4] }), line("long (traders)", colors.long),
      line("short (traders)", colors.short)],
    axes: [stepAxis, { label: "notional", size: 70, values: compactValues }]
  }, data.openInterest);

  draw("chart-depth", {
    scales: { x: { time: false } },
    series: [{ label: "step" }, line("bid depth", colors.bid), line("ask depth", colors.ask)],
    axes: [stepAxis, { label: "quote value", size: 70, values: compactValues }]
  }, data.depth);

  function startPriceLine(u) {
    var x = u.valToPos(data.startPrice, "x", true);
    var context = u.ctx;
    context.save();
    context.strokeStyle = "#555";
    context.setLineDash([4, 4]);
    context.beginPath();
    context.moveTo(x, u.bbox.top);
    context.lineTo(x, u.bbox.top + u.bbox.height);
    context.stroke();
    context.restore();
  }

  if (data.heatmap[0].length === 0) {
    document.getElementById("chart-heatmap").textContent =
      "No position had a liquidation price inside the heatmap range.";
    return;
  }

  draw("chart-heatmap", {
    scales: { x: { time: false } },
    series: [
      { label: "price", value: priceValue },
      line("long liquidations", colors.long, { fill: colors.long + "aa", paths: bars, points: { show: false } }),
      line("short liquidations (shown negative)", colors.short,
        { fill: colors.short + "aa", paths: bars, points: { show: false } })
    ],
    axes: [{ label: "liquidation price", values: compactValues },
      { label: "notional", size: 70, values: compactValues }],
    hooks: { draw: [startPriceLine] }
  }, data.heatmap);
})();
`;

/** The whole report as one HTML document. */
export function reportHtml(
  summary: Summary,
  result: RunResult,
  options: { title?: string } = {},
): string {
  const assets = uplotAssets();
  const title = options.title ?? `deleverage report: ${summary.name} (${summary.symbol})`;
  const sections = chartSections
    .map(
      (section) =>
        `<section>\n<h2>${escapeHtml(section.title)}</h2>\n<p class="note">${escapeHtml(section.explanation)}</p>\n` +
        `<div class="chart" id="${section.id}"></div>\n</section>`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${assets.css}</style>
<style>${reportCss}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(summaryText(summary))}</p>
<h2>summary.json</h2>
${summaryTableHtml(summary)}
${sections}
<h2>Events</h2>
${eventsTableHtml(result)}
</main>
<script type="application/json" id="report-data">${jsonForScript(chartData(summary, result))}</script>
<script>${assets.script}</script>
<script>${clientScript}</script>
</body>
</html>
`;
}
