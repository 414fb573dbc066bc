/**
 * The stress report's charts as SVG: a histogram and an exceedance curve per metric. The same
 * documents are inlined in stress-report.html and rasterised for `--png`, so the page needs no
 * script to show them and both outputs show identical pictures. Coordinates are written with
 * fixed decimals and depend on nothing but the data, which keeps the bytes reproducible.
 */
import {
  formatCompact,
  formatCount,
  formatMoney,
  formatMoneyTick,
  formatPercent,
} from "./format.ts";
import { escapeHtml } from "./markup.ts";
import { niceAxis, palette, plotColors, svgFontFamily } from "./plot.ts";
import type { MetricUnit, StressMetricData } from "./stressData.ts";

export const stressSvgWidth = 600;
export const stressSvgHeight = 340;

/**
 * Pixels per unit of the drawing: PNGs come out 1200 px wide, sharp enough for slides. The page
 * sizes the charts with CSS, so it is unaffected.
 */
const pixelRatio = 2;

export const margin = { top: 58, right: 22, bottom: 50, left: 72 };
export const box = {
  left: margin.left,
  top: margin.top,
  width: stressSvgWidth - margin.left - margin.right,
  height: stressSvgHeight - margin.top - margin.bottom,
};
export const bottom = box.top + box.height;

/** The palette and frame colours every static chart uses (plot.ts). */
export const colors = {
  bars: palette[0],
  curve: palette[1],
  p95: palette[4],
  p99: palette[3],
  grid: plotColors.grid,
  frame: plotColors.frame,
  ink: plotColors.ink,
  muted: plotColors.muted,
} as const;

/** Browsers without DejaVu fall back to their sans-serif; resvg has only DejaVu. */
const fontFamily = `${svgFontFamily}, sans-serif`;

export function coordinate(value: number): string {
  return value.toFixed(2);
}

/** Axis ticks: short, since a 600 px chart has room for about six. */
export function formatTick(unit: MetricUnit, value: number): string {
  if (unit === "money" || unit === "price") return formatMoneyTick(value);
  if (unit === "ratio") return `${Number(value.toPrecision(3))}x`;
  if (unit === "fraction") return `${Number((value * 100).toPrecision(3))} %`;
  return formatCompact(value);
}

/** A value in prose and tables, at the precision a reader compares. */
export function formatMetric(unit: MetricUnit, value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (unit === "money") return formatMoney(value);
  // Prices keep four significant digits: $96.72K, not $96.7K.
  if (unit === "price") return formatMoneyTick(value);
  if (unit === "ratio") return `${value.toFixed(2)}x`;
  if (unit === "fraction") return formatPercent(value);
  return formatCompact(value);
}

export function text(
  x: number,
  y: number,
  content: string,
  options: {
    size?: number;
    anchor?: "start" | "middle" | "end";
    fill?: string;
    bold?: boolean;
    vertical?: boolean;
  } = {},
): string {
  const weight = options.bold === true ? ` font-weight="bold"` : "";
  const rotate =
    options.vertical === true ? ` transform="rotate(-90 ${coordinate(x)} ${coordinate(y)})"` : "";
  return `<text x="${coordinate(x)}" y="${coordinate(y)}" font-size="${options.size ?? 12}" text-anchor="${options.anchor ?? "start"}" fill="${options.fill ?? colors.ink}"${weight}${rotate}>${escapeHtml(content)}</text>`;
}

export function documentSvg(height: number, title: string, subtitle: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${stressSvgWidth * pixelRatio}" height="${height * pixelRatio}" viewBox="0 0 ${stressSvgWidth} ${height}" font-family="${fontFamily}" role="img">\n` +
    `<title>${escapeHtml(title)}</title>\n` +
    `<rect width="${stressSvgWidth}" height="${height}" fill="#ffffff"/>\n` +
    `${text(box.left, 24, title, { size: 16, bold: true })}\n` +
    `${text(box.left, 44, subtitle, { size: 12, fill: colors.muted })}\n${body}\n</svg>\n`
  );
}

/** A short image that says why there is no chart, so a PNG set is always complete. */
export function noteSvg(title: string, subtitle: string, note: string): string {
  return documentSvg(
    120,
    title,
    subtitle,
    text(stressSvgWidth / 2, 90, note, { size: 14, anchor: "middle", fill: colors.muted }),
  );
}

/** Why a metric has no distribution to draw, or null when it has one. */
/** What a metric's charts read: everything but the stored field it came from. */
export type ChartMetric = Omit<StressMetricData, "field">;

export function flatMetricNote(metric: ChartMetric): string | null {
  if (metric.count === 0) return "No finished run has a value for this metric.";
  if (metric.min === metric.max) {
    return `Every run gave ${formatMetric(metric.unit, metric.min)}: there is no spread to draw.`;
  }
  return null;
}

export function linear(
  domain: [number, number],
  range: [number, number],
): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

function xAxis(
  domain: [number, number],
  unit: MetricUnit,
  x: (value: number) => number,
  label: string,
): string {
  const parts: string[] = [];
  for (const tick of niceAxis(domain[0], domain[1], 6).ticks) {
    if (tick < domain[0] || tick > domain[1]) continue;
    parts.push(
      `<line x1="${coordinate(x(tick))}" y1="${bottom}" x2="${coordinate(x(tick))}" y2="${bottom + 5}" stroke="${colors.muted}"/>`,
      text(x(tick), bottom + 19, formatTick(unit, tick), { anchor: "middle" }),
    );
  }
  parts.push(
    text(box.left + box.width / 2, bottom + 40, label, { anchor: "middle", fill: colors.muted }),
  );
  return parts.join("\n");
}

/** Dashed vertical lines at the 95th and 99th percentiles, labelled at the top of the plot. */
function percentileMarkers(metric: ChartMetric, x: (value: number) => number): string {
  const parts: string[] = [];
  const markers = [
    { name: "p95", value: metric.p95, color: colors.p95, row: 0 },
    { name: "p99", value: metric.p99, color: colors.p99, row: 1 },
  ];
  for (const marker of markers) {
    const px = x(marker.value);
    // Labels go left of the line near the right edge so they stay inside the frame.
    const anchor = px > box.left + box.width * 0.7 ? "end" : "start";
    const offset = anchor === "end" ? -4 : 4;
    parts.push(
      `<line x1="${coordinate(px)}" y1="${box.top}" x2="${coordinate(px)}" y2="${bottom}" stroke="${marker.color}" stroke-width="1.6" stroke-dasharray="5 3"/>`,
      text(
        px + offset,
        box.top + 14 + marker.row * 15,
        `${marker.name} ${formatMetric(metric.unit, marker.value)}`,
        { anchor, fill: marker.color, bold: true },
      ),
    );
  }
  return parts.join("\n");
}

export function frame(): string {
  return `<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="none" stroke="${colors.frame}"/>`;
}

/** How many runs fell in each range of the metric, with the p95 and p99 of a risk metric marked. */
export function histogramSvg(metric: ChartMetric, subtitle: string): string {
  const title = `${metric.title}: distribution`;
  const note = flatMetricNote(metric);
  if (note !== null) return noteSvg(title, subtitle, note);
  const { edges, counts } = metric.histogram;
  const domain: [number, number] = [edges[0], edges[edges.length - 1]];
  const x = linear(domain, [box.left, box.left + box.width]);
  const yAxis = niceAxis(0, Math.max(...counts), 5);
  const y = linear(yAxis.domain, [bottom, box.top]);
  const parts: string[] = [];
  for (const tick of yAxis.ticks) {
    parts.push(
      `<line x1="${box.left}" y1="${coordinate(y(tick))}" x2="${box.left + box.width}" y2="${coordinate(y(tick))}" stroke="${colors.grid}"/>`,
      text(box.left - 8, y(tick) + 4, formatCount(tick), { anchor: "end" }),
    );
  }
  for (let bin = 0; bin < counts.length; bin++) {
    if (counts[bin] === 0) continue;
    const left = x(edges[bin]);
    const width = Math.max(1, x(edges[bin + 1]) - left - 1);
    const share = formatPercent(counts[bin] / metric.count);
    const range = `${formatMetric(metric.unit, edges[bin])} to ${formatMetric(metric.unit, edges[bin + 1])}`;
    parts.push(
      `<rect x="${coordinate(left)}" y="${coordinate(y(counts[bin]))}" width="${coordinate(width)}" height="${coordinate(bottom - y(counts[bin]))}" fill="${colors.bars}" fill-opacity="0.8"><title>${escapeHtml(`${range}: ${formatCount(counts[bin])} runs (${share})`)}</title></rect>`,
    );
  }
  // The p95 and p99 are the tail only where high values are the risk.
  if (metric.tail) parts.push(percentileMarkers(metric, x));
  parts.push(
    frame(),
    xAxis(domain, metric.unit, x, metric.title.toLowerCase()),
    text(16, box.top + box.height / 2, "runs", {
      anchor: "middle",
      fill: colors.muted,
      vertical: true,
    }),
  );
  return documentSvg(stressSvgHeight, title, subtitle, parts.join("\n"));
}

/**
 * P(metric > x) against x on a log scale, down to one run's share: the tail where a committee
 * reads "1 in 100" is as tall as the body.
 */
export function exceedanceSvg(metric: ChartMetric, subtitle: string): string {
  const title = `${metric.title}: P(value > x)`;
  const note = flatMetricNote(metric);
  if (note !== null || metric.exceedance === null) {
    return noteSvg(title, subtitle, note ?? "No exceedance curve for this metric.");
  }
  const curve = metric.exceedance;
  const xAxisRange = niceAxis(metric.min, metric.max, 6);
  const domain = xAxisRange.domain;
  const x = linear(domain, [box.left, box.left + box.width]);
  const lowestDecade = Math.floor(Math.log10(1 / metric.count));
  const y = (probability: number): number =>
    bottom - ((Math.log10(probability) - lowestDecade) / -lowestDecade) * box.height;
  const parts: string[] = [];
  for (let decade = lowestDecade; decade <= 0; decade++) {
    const py = coordinate(y(10 ** decade));
    parts.push(
      `<line x1="${box.left}" y1="${py}" x2="${box.left + box.width}" y2="${py}" stroke="${colors.grid}"/>`,
      text(box.left - 8, y(10 ** decade) + 4, `${Number((100 * 10 ** decade).toPrecision(1))} %`, {
        anchor: "end",
      }),
    );
  }
  for (const level of [0.05, 0.01]) {
    if (level * metric.count < 1) continue;
    const py = coordinate(y(level));
    parts.push(
      `<line x1="${box.left}" y1="${py}" x2="${box.left + box.width}" y2="${py}" stroke="${colors.muted}" stroke-dasharray="2 3"/>`,
    );
  }
  // A step function: P(X > x) is 1 left of the smallest value and drops at each run's value.
  let path = `M${coordinate(box.left)} ${coordinate(y(1))}`;
  for (let index = 0; index < curve.x.length; index++) {
    const probability = curve.probability[index];
    path += `H${coordinate(x(curve.x[index]))}V${coordinate(probability > 0 ? y(probability) : bottom)}`;
  }
  parts.push(
    `<path d="${path}" fill="none" stroke="${colors.curve}" stroke-width="2" stroke-linejoin="round"/>`,
    percentileMarkers(metric, x),
    frame(),
    xAxis(domain, metric.unit, x, `x (${metric.title.toLowerCase()})`),
    text(16, box.top + box.height / 2, "P(value > x), log scale", {
      anchor: "middle",
      fill: colors.muted,
      vertical: true,
    }),
  );
  return documentSvg(stressSvgHeight, title, subtitle, parts.join("\n"));
}

export interface StressSvgChart {
  fileName: string;
  svg: string;
}

function fileStem(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Every chart of the report, named for `--png`: `liquidated-notional-histogram.png`, ... */
export function stressSvgCharts(
  metrics: readonly StressMetricData[],
  subtitle: string,
): StressSvgChart[] {
  const charts: StressSvgChart[] = [];
  for (const metric of metrics) {
    const stem = fileStem(metric.field);
    charts.push({ fileName: `${stem}-histogram.png`, svg: histogramSvg(metric, subtitle) });
    if (metric.tail) {
      charts.push({ fileName: `${stem}-exceedance.png`, svg: exceedanceSvg(metric, subtitle) });
    }
  }
  return charts;
}
