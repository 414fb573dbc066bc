/**
 * The report's charts as standalone SVG documents, drawn from the same `ReportChartData` as the
 * browser charts, for the PNG export. Hand-built rather than through a DOM-based plotting
 * library: every coordinate is written with fixed decimals and nothing depends on a clock, a
 * counter or the machine, so the same data always gives the same bytes.
 */
import { adlLeverageLabels, adlPnlLabels } from "./adl.ts";
import type { AlignedData, CycleChartData, FallBar, ReportChartData } from "./chartData.ts";
import {
  adlGridSection,
  type ChartKind,
  chartColors,
  chartSections,
  markerRadius,
} from "./chartStyle.ts";
import { formatCompact, formatMoney } from "./format.ts";
import { escapeHtml, plural } from "./markup.ts";

export const svgWidth = 1200;
export const svgHeight = 560;
/** Every chart names this family; the PNG renderer supplies the font file. */
export const svgFontFamily = "DejaVu Sans";

const margin = { top: 78, right: 96, bottom: 112, left: 100 };

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

const plotBox: Box = {
  left: margin.left,
  top: margin.top,
  width: svgWidth - margin.left - margin.right,
  height: svgHeight - margin.top - margin.bottom,
};

/** Two decimals are far below a pixel and keep the files small. */
function coordinate(value: number): string {
  return value.toFixed(2);
}

type Scale = (value: number) => number;

function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** A round step (1, 2 or 5 times a power of ten) giving about `count` ticks over the span. */
export function tickStep(low: number, high: number, count: number): number {
  const rough = Math.abs(high - low) / Math.max(1, count);
  let step = 10 ** Math.floor(Math.log10(rough));
  const error = rough / step;
  if (error >= Math.sqrt(50)) step *= 10;
  else if (error >= Math.sqrt(10)) step *= 5;
  else if (error >= Math.sqrt(2)) step *= 2;
  return step;
}

export interface Axis {
  domain: [number, number];
  ticks: number[];
}

/**
 * A domain widened to whole tick steps around the values, with the ticks inside it. A flat
 * series gets a small band around its value so it is drawn mid-height instead of failing.
 */
export function niceAxis(low: number, high: number, count = 6): Axis {
  let min = low;
  let max = high;
  if (!(Number.isFinite(min) && Number.isFinite(max))) {
    min = 0;
    max = 1;
  }
  if (min === max) {
    const half = Math.abs(min) * 0.05 || 1;
    min -= half;
    max += half;
  }
  const step = tickStep(min, max, count);
  const first = Math.floor(min / step);
  const last = Math.ceil(max / step);
  const ticks: number[] = [];
  // Multiplying (not adding) keeps 0.1-steps free of accumulated rounding.
  for (let index = first; index <= last; index++)
    ticks.push(Number((index * step).toPrecision(12)));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

function finiteExtent(
  columns: readonly (readonly (number | null)[])[],
  extra: readonly number[] = [],
) {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const column of columns) {
    for (const value of column) {
      if (value === null || !Number.isFinite(value)) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  for (const value of extra) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return { low, high };
}

function text(
  x: number,
  y: number,
  content: string,
  attributes: {
    size?: number;
    anchor?: "start" | "middle" | "end";
    weight?: string;
    fill?: string;
    rotate?: number;
  } = {},
): string {
  const size = attributes.size ?? 13;
  const anchor = attributes.anchor ?? "start";
  const fill = attributes.fill ?? "#1d232a";
  const weight = attributes.weight === undefined ? "" : ` font-weight="${attributes.weight}"`;
  const rotate =
    attributes.rotate === undefined
      ? ""
      : ` transform="rotate(${attributes.rotate} ${coordinate(x)} ${coordinate(y)})"`;
  return `<text x="${coordinate(x)}" y="${coordinate(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}"${weight}${rotate}>${escapeHtml(content)}</text>`;
}

interface LineSeries {
  kind: "line" | "step";
  label: string;
  color: string;
  values: readonly (number | null)[];
  axis: "left" | "right";
  width?: number;
  dash?: string;
}

interface BarSeries {
  kind: "bars";
  label: string;
  color: string;
  values: readonly (number | null)[];
}

type PlotSeries = LineSeries | BarSeries;

interface LegendItem {
  label: string;
  color: string;
  shape: "line" | "dash" | "box" | "circle";
}

interface Frame {
  box: Box;
  x: Scale;
  left: Scale;
}

interface PlotSpec {
  title: string;
  subtitle: string;
  x: readonly number[];
  xLabel: string;
  leftLabel: string;
  rightLabel?: string;
  rightFormat?: (value: number) => string;
  series: PlotSeries[];
  /** Values the left axis must include besides the series (zero under bars, circle prices). */
  leftInclude?: number[];
  underlay?: (frame: Frame) => string;
  overlay?: (frame: Frame) => string;
  legend?: LegendItem[];
}

/** Path through the points, lifting the pen at missing values. */
function linePath(
  xs: readonly number[],
  values: readonly (number | null)[],
  x: Scale,
  y: Scale,
  stepped: boolean,
): string {
  let path = "";
  let penDown = false;
  for (let index = 0; index < xs.length; index++) {
    const value = values[index];
    if (value === null || !Number.isFinite(value)) {
      penDown = false;
      continue;
    }
    const px = coordinate(x(xs[index]));
    const py = coordinate(y(value));
    if (!penDown) path += `M${px} ${py}`;
    else if (stepped) path += `H${px}V${py}`;
    else path += `L${px} ${py}`;
    penDown = true;
  }
  return path;
}

/**
 * Bars from zero, one per point; when there are more points than pixels they are merged per
 * pixel column keeping the largest and smallest value, so spikes survive as they do on screen.
 */
function barsPath(
  xs: readonly number[],
  values: readonly (number | null)[],
  x: Scale,
  y: Scale,
  box: Box,
): string {
  const zero = y(0);
  const rectangle = (left: number, width: number, value: number): string => {
    const top = Math.min(zero, y(value));
    const height = Math.abs(y(value) - zero);
    return `M${coordinate(left)} ${coordinate(top)}h${coordinate(width)}v${coordinate(height)}h${coordinate(-width)}Z`;
  };
  const spacing = xs.length > 1 ? box.width / (xs.length - 1) : box.width;
  if (spacing >= 1) {
    const width = Math.max(1, Math.min(40, spacing * 0.9));
    let path = "";
    for (let index = 0; index < xs.length; index++) {
      const value = values[index];
      if (value === null || value === 0 || !Number.isFinite(value)) continue;
      path += rectangle(x(xs[index]) - width / 2, width, value);
    }
    return path;
  }
  const columns = new Map<number, { high: number; low: number }>();
  for (let index = 0; index < xs.length; index++) {
    const value = values[index];
    if (value === null || value === 0 || !Number.isFinite(value)) continue;
    const column = Math.floor(x(xs[index]));
    const extremes = columns.get(column) ?? { high: 0, low: 0 };
    extremes.high = Math.max(extremes.high, value);
    extremes.low = Math.min(extremes.low, value);
    columns.set(column, extremes);
  }
  let path = "";
  for (const [column, extremes] of [...columns.entries()].sort((a, b) => a[0] - b[0])) {
    if (extremes.high > 0) path += rectangle(column, 1, extremes.high);
    if (extremes.low < 0) path += rectangle(column, 1, extremes.low);
  }
  return path;
}

/** Legend entries laid out left to right, wrapping onto a second line when needed. */
function legendSvg(items: readonly LegendItem[], top: number): string {
  const parts: string[] = [];
  let x = plotBox.left;
  let y = top;
  for (const item of items) {
    // DejaVu Sans averages about 0.6 em per character at this size.
    const width = 30 + item.label.length * 7.8 + 26;
    if (x + width > svgWidth - 20 && x > plotBox.left) {
      x = plotBox.left;
      y += 22;
    }
    const middle = y - 5;
    if (item.shape === "line" || item.shape === "dash") {
      const dash = item.shape === "dash" ? ` stroke-dasharray="5 4"` : "";
      parts.push(
        `<line x1="${coordinate(x)}" y1="${coordinate(middle)}" x2="${coordinate(x + 24)}" y2="${coordinate(middle)}" stroke="${item.color}" stroke-width="2.5"${dash}/>`,
      );
    } else if (item.shape === "box") {
      parts.push(
        `<rect x="${coordinate(x)}" y="${coordinate(middle - 7)}" width="24" height="14" fill="${item.color}" stroke="rgba(0, 0, 0, 0.2)"/>`,
      );
    } else {
      parts.push(
        `<circle cx="${coordinate(x + 12)}" cy="${coordinate(middle)}" r="7" fill="${chartColors.marker}" stroke="${chartColors.markerStroke}"/>`,
      );
    }
    parts.push(text(x + 30, y, item.label, { size: 14 }));
    x += width;
  }
  return parts.join("\n");
}

function documentSvg(height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${svgWidth}" height="${height}" viewBox="0 0 ${svgWidth} ${height}" font-family="${svgFontFamily}">\n` +
    `<rect width="${svgWidth}" height="${height}" fill="#ffffff"/>\n${body}\n</svg>\n`
  );
}

function titleSvg(title: string, subtitle: string): string {
  return `${text(plotBox.left, 34, title, { size: 22, weight: "bold" })}\n${text(plotBox.left, 58, subtitle, { size: 14, fill: "#5b6570" })}`;
}

function emptyChartSvg(title: string, subtitle: string, note: string): string {
  return documentSvg(
    240,
    `${titleSvg(title, subtitle)}\n${text(svgWidth / 2, 150, note, { size: 18, anchor: "middle", fill: "#5b6570" })}`,
  );
}

function plotSvg(spec: PlotSpec): string {
  const box = plotBox;
  const xExtent = finiteExtent([spec.x]);
  const xDomain: [number, number] =
    xExtent.low < xExtent.high ? [xExtent.low, xExtent.high] : [xExtent.low - 1, xExtent.low + 1];
  const xTicks = niceAxis(xDomain[0], xDomain[1], 8).ticks.filter(
    (tick) => tick >= xDomain[0] && tick <= xDomain[1],
  );
  const x = linearScale(xDomain, [box.left, box.left + box.width]);
  const leftValues = spec.series
    .filter((series) => series.kind === "bars" || series.axis === "left")
    .map((series) => series.values);
  const leftExtent = finiteExtent(leftValues, spec.leftInclude);
  const leftAxis = niceAxis(leftExtent.low, leftExtent.high);
  const left = linearScale(leftAxis.domain, [box.top + box.height, box.top]);
  const rightSeries = spec.series.filter(
    (series): series is LineSeries => series.kind !== "bars" && series.axis === "right",
  );
  const rightExtent = finiteExtent(rightSeries.map((series) => series.values));
  const rightAxis = rightSeries.length > 0 ? niceAxis(rightExtent.low, rightExtent.high) : null;
  const right =
    rightAxis === null ? null : linearScale(rightAxis.domain, [box.top + box.height, box.top]);
  const frame: Frame = { box, x, left };

  const parts: string[] = [titleSvg(spec.title, spec.subtitle)];
  parts.push(
    `<defs><clipPath id="plot-area"><rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}"/></clipPath></defs>`,
  );
  for (const tick of leftAxis.ticks) {
    const y = coordinate(left(tick));
    parts.push(
      `<line x1="${box.left}" y1="${y}" x2="${box.left + box.width}" y2="${y}" stroke="#e6e9ed"/>`,
      text(box.left - 10, left(tick) + 4.5, formatCompact(tick), { anchor: "end" }),
    );
  }
  if (rightAxis !== null && right !== null) {
    const format = spec.rightFormat ?? formatCompact;
    for (const tick of rightAxis.ticks) {
      parts.push(text(box.left + box.width + 10, right(tick) + 4.5, format(tick)));
    }
  }
  for (const tick of xTicks) {
    const px = coordinate(x(tick));
    parts.push(
      `<line x1="${px}" y1="${box.top + box.height}" x2="${px}" y2="${box.top + box.height + 6}" stroke="#5b6570"/>`,
      text(x(tick), box.top + box.height + 24, formatCompact(tick), { anchor: "middle" }),
    );
  }
  parts.push(`<g clip-path="url(#plot-area)">`, spec.underlay?.(frame) ?? "");
  for (const series of spec.series) {
    if (series.kind === "bars") {
      parts.push(
        `<path d="${barsPath(spec.x, series.values, x, left, box)}" fill="${series.color}" fill-opacity="0.8"/>`,
      );
    } else {
      const scale = series.axis === "right" && right !== null ? right : left;
      const dash = series.dash === undefined ? "" : ` stroke-dasharray="${series.dash}"`;
      parts.push(
        `<path d="${linePath(spec.x, series.values, x, scale, series.kind === "step")}" fill="none" stroke="${series.color}" stroke-width="${series.width ?? 1.8}" stroke-linejoin="round"${dash}/>`,
      );
    }
  }
  parts.push(spec.overlay?.(frame) ?? "", "</g>");
  parts.push(
    `<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="none" stroke="#9aa3ad"/>`,
    text(box.left + box.width / 2, box.top + box.height + 50, spec.xLabel, {
      size: 14,
      anchor: "middle",
      fill: "#5b6570",
    }),
    text(30, box.top + box.height / 2, spec.leftLabel, {
      size: 14,
      anchor: "middle",
      fill: "#5b6570",
      rotate: -90,
    }),
  );
  if (spec.rightLabel !== undefined && rightAxis !== null) {
    parts.push(
      text(svgWidth - 24, box.top + box.height / 2, spec.rightLabel, {
        size: 14,
        anchor: "middle",
        fill: "#5b6570",
        rotate: 90,
      }),
    );
  }
  const legend: LegendItem[] = [
    ...spec.series.map(
      (series): LegendItem => ({
        label: series.label,
        color: series.color,
        shape: series.kind === "bars" ? "box" : series.dash === undefined ? "line" : "dash",
      }),
    ),
    ...(spec.legend ?? []),
  ];
  parts.push(legendSvg(legend, svgHeight - 32));
  return documentSvg(svgHeight, parts.filter((part) => part !== "").join("\n"));
}

/** Polygon between two curves over the shared x column, broken where either is missing. */
function bandPath(
  xs: readonly number[],
  upper: readonly (number | null)[],
  lower: readonly (number | null)[],
  frame: Frame,
): string {
  let path = "";
  let start = 0;
  const present = (index: number) => upper[index] !== null && lower[index] !== null;
  while (start < xs.length) {
    while (start < xs.length && !present(start)) start++;
    let end = start;
    while (end < xs.length && present(end)) end++;
    if (end - start >= 2) {
      for (let index = start; index < end; index++) {
        path += `${index === start ? "M" : "L"}${coordinate(frame.x(xs[index]))} ${coordinate(frame.left(upper[index] as number))}`;
      }
      for (let index = end - 1; index >= start; index--) {
        path += `L${coordinate(frame.x(xs[index]))} ${coordinate(frame.left(lower[index] as number))}`;
      }
      path += "Z";
    }
    start = end;
  }
  return path;
}

function column(aligned: AlignedData, index: number): (number | null)[] {
  return aligned[index] ?? [];
}

function xColumn(aligned: AlignedData): number[] {
  return aligned[0].map((value) => value ?? Number.NaN);
}

function priceChart(data: ReportChartData, title: string, subtitle: string): string {
  const xs = xColumn(data.price);
  const index = column(data.price, 1);
  const mark = column(data.price, 2);
  const markers = data.liquidationMarkers;
  const largest = Math.max(0, ...markers.notional);
  const start = xs.map(() => data.startPrice);
  return plotSvg({
    title,
    subtitle,
    x: xs,
    xLabel: "step",
    leftLabel: "price",
    rightLabel: "gap %",
    rightFormat: (value) => `${Number(value.toPrecision(4))} %`,
    series: [
      {
        kind: "line",
        label: "index (exogenous)",
        color: chartColors.index,
        values: index,
        axis: "left",
        width: 2.4,
      },
      { kind: "line", label: "mark", color: chartColors.mark, values: mark, axis: "left" },
      {
        kind: "line",
        label: "mark − index (%)",
        color: chartColors.gap,
        values: column(data.price, 3),
        axis: "right",
        dash: "6 4",
        width: 1.4,
      },
    ],
    leftInclude: [data.startPrice, ...markers.price],
    // Circles go under the lines: a cascade stacks many of them on one step, right where the
    // mark dips, and the dip is the point of the chart.
    underlay: (frame) =>
      `<path d="${bandPath(xs, start, index, frame)}" fill="${chartColors.exogenousShade}"/>\n` +
      `<path d="${bandPath(xs, index, mark, frame)}" fill="${chartColors.endogenousShade}"/>\n` +
      markers.step
        .map(
          (step, position) =>
            `<circle cx="${coordinate(frame.x(step))}" cy="${coordinate(frame.left(markers.price[position]))}" r="${coordinate(markerRadius(markers.notional[position], largest))}" fill="${chartColors.marker}" stroke="${chartColors.markerStroke}"/>`,
        )
        .join("\n"),
    legend: [
      { label: "exogenous move", color: chartColors.exogenousShade, shape: "box" },
      { label: "endogenous move", color: chartColors.endogenousShade, shape: "box" },
      {
        label:
          markers.step.length === 0
            ? "no liquidations"
            : `liquidations (largest ${formatMoney(largest)})`,
        color: chartColors.marker,
        shape: "circle",
      },
    ],
  });
}

function heatmapChart(data: ReportChartData, title: string, subtitle: string): string {
  const xs = xColumn(data.heatmap);
  const spacing = xs.length > 1 ? xs[1] - xs[0] : 1;
  const long = column(data.heatmap, 1);
  const short = column(data.heatmap, 2);
  // Buckets are drawn as rectangles one bucket wide, which the generic bars cannot know.
  const bars = (frame: Frame, values: readonly (number | null)[], color: string): string => {
    const width = Math.max(1, (frame.x(xs[0] + spacing) - frame.x(xs[0])) * 0.9);
    let path = "";
    for (let index = 0; index < xs.length; index++) {
      const value = values[index];
      if (value === null || value === 0) continue;
      const top = Math.min(frame.left(0), frame.left(value));
      path += `M${coordinate(frame.x(xs[index]) - width / 2)} ${coordinate(top)}h${coordinate(width)}v${coordinate(Math.abs(frame.left(value) - frame.left(0)))}h${coordinate(-width)}Z`;
    }
    return `<path d="${path}" fill="${color}" fill-opacity="0.8"/>`;
  };
  const domainX = [xs[0] - spacing / 2, xs[xs.length - 1] + spacing / 2, data.startPrice];
  return plotSvg({
    title,
    subtitle,
    x: [Math.min(...domainX), Math.max(...domainX)],
    xLabel: "liquidation price",
    leftLabel: "notional",
    series: [],
    leftInclude: [
      0,
      ...long.filter((value) => value !== null),
      ...short.filter((value) => value !== null),
    ],
    overlay: (frame) =>
      `${bars(frame, long, chartColors.long)}\n${bars(frame, short, chartColors.short)}\n` +
      `<line x1="${coordinate(frame.x(data.startPrice))}" y1="${frame.box.top}" x2="${coordinate(frame.x(data.startPrice))}" y2="${frame.box.top + frame.box.height}" stroke="${chartColors.startLine}" stroke-dasharray="4 4"/>`,
    legend: [
      { label: "long liquidations", color: chartColors.long, shape: "box" },
      { label: "short liquidations (shown negative)", color: chartColors.short, shape: "box" },
      { label: "start price", color: chartColors.startLine, shape: "dash" },
    ],
  });
}

function lineChart(
  aligned: AlignedData,
  title: string,
  subtitle: string,
  axisLabel: string,
  series: { label: string; color: string; dash?: string }[],
): string {
  return plotSvg({
    title,
    subtitle,
    x: xColumn(aligned),
    xLabel: "step",
    leftLabel: axisLabel,
    series: series.map((entry, position) => ({
      kind: "line",
      label: entry.label,
      color: entry.color,
      values: column(aligned, position + 1),
      axis: "left",
      dash: entry.dash,
    })),
  });
}

/** The ADL grid as a shaded table: leverage buckets down, PnL buckets across. */
function adlGridSvg(data: ReportChartData, subtitle: string): string {
  const grid = data.adlBreakdown.grid;
  if (grid === null || data.adlBreakdown.closes === 0) {
    const note =
      data.adlBreakdown.closes === 0
        ? "No position was auto-deleveraged."
        : "Leverage buckets need the positions at the start of the run.";
    return emptyChartSvg(adlGridSection.title, subtitle, note);
  }
  const rowHeight = 52;
  const headerHeight = 40;
  const labelWidth = 150;
  const top = 96;
  const cellWidth = (svgWidth - plotBox.left - labelWidth - 40) / adlPnlLabels.length;
  const height = top + headerHeight + rowHeight * adlLeverageLabels.length + 70;
  const largest = Math.max(...grid.notional.flat());
  const parts = [titleSvg(adlGridSection.title, subtitle)];
  const gridLeft = plotBox.left + labelWidth;
  parts.push(
    text(
      gridLeft + (cellWidth * adlPnlLabels.length) / 2,
      top - 12,
      "PnL (unrealised PnL / wallet) at the ADL price",
      { size: 14, anchor: "middle", fill: "#5b6570" },
    ),
  );
  adlPnlLabels.forEach((label, position) => {
    parts.push(
      text(gridLeft + cellWidth * (position + 0.5), top + 26, label, {
        size: 14,
        anchor: "middle",
        weight: "bold",
      }),
    );
  });
  parts.push(text(plotBox.left, top + 26, "effective leverage", { size: 14, weight: "bold" }));
  for (let display = 0; display < adlLeverageLabels.length; display++) {
    // Most levered on top, as in the HTML table.
    const row = adlLeverageLabels.length - 1 - display;
    const y = top + headerHeight + display * rowHeight;
    parts.push(text(plotBox.left, y + rowHeight / 2 + 5, adlLeverageLabels[row], { size: 14 }));
    adlPnlLabels.forEach((_, position) => {
      const notional = grid.notional[row][position];
      const count = grid.count[row][position];
      const x = gridLeft + cellWidth * position;
      const alpha = notional > 0 && largest > 0 ? 0.08 + 0.6 * (notional / largest) : 0;
      parts.push(
        `<rect x="${coordinate(x)}" y="${coordinate(y)}" width="${coordinate(cellWidth)}" height="${rowHeight}" fill="rgba(142, 68, 173, ${alpha.toFixed(3)})" stroke="#d8dde3"/>`,
      );
      if (count > 0) {
        parts.push(
          text(x + cellWidth / 2, y + 22, formatMoney(notional), { size: 14, anchor: "middle" }),
          text(x + cellWidth / 2, y + 40, plural(count, "close"), {
            size: 12,
            anchor: "middle",
            fill: "#5b6570",
          }),
        );
      }
    });
  }
  const footer = top + headerHeight + rowHeight * adlLeverageLabels.length + 36;
  parts.push(
    text(
      plotBox.left,
      footer,
      `${plural(data.adlBreakdown.closes, "close")}, ${formatMoney(data.adlBreakdown.notional)} of winning positions, ${formatMoney(data.adlBreakdown.profit)} of profit realised.`,
      { size: 14, fill: "#5b6570" },
    ),
  );
  return documentSvg(height, parts.join("\n"));
}

export interface SvgChart {
  fileName: string;
  svg: string;
}

function chartSvg(data: ReportChartData, kind: ChartKind, title: string, subtitle: string): string {
  switch (kind) {
    case "price":
      return priceChart(data, title, subtitle);
    case "liquidations":
      return plotSvg({
        title,
        subtitle,
        x: xColumn(data.liquidations),
        xLabel: "step",
        leftLabel: "notional",
        rightLabel: "cascade rounds",
        series: [
          {
            kind: "bars",
            label: "liquidated notional",
            color: chartColors.bars,
            values: column(data.liquidations, 1),
          },
          {
            kind: "step",
            label: "cascade rounds",
            color: chartColors.rounds,
            values: column(data.liquidations, 2),
            axis: "right",
          },
        ],
        leftInclude: [0],
      });
    case "heatmap":
      return data.heatmap[0].length === 0
        ? emptyChartSvg(
            title,
            subtitle,
            "No position had a liquidation price inside the heatmap range.",
          )
        : heatmapChart(data, title, subtitle);
    case "funds":
      return lineChart(data.funds, title, subtitle, "capital", [
        { label: "insurance fund", color: chartColors.fund },
        { label: "backstop capital", color: chartColors.backstop },
      ]);
    case "adl":
      return data.adlBreakdown.closes === 0
        ? emptyChartSvg(title, subtitle, "No position was auto-deleveraged.")
        : plotSvg({
            title,
            subtitle,
            x: xColumn(data.adl),
            xLabel: "step",
            leftLabel: "notional",
            rightLabel: "ADL so far",
            series: [
              {
                kind: "bars",
                label: "ADL notional",
                color: chartColors.adl,
                values: column(data.adl, 1),
              },
              {
                kind: "line",
                label: "ADL so far",
                color: chartColors.adlTotal,
                values: column(data.adl, 2),
                axis: "right",
              },
            ],
            leftInclude: [0],
          });
    case "openInterest":
      return lineChart(data.openInterest, title, subtitle, "notional", [
        { label: "total", color: chartColors.total, dash: "6 4" },
        { label: "long (traders)", color: chartColors.long },
        { label: "short (traders)", color: chartColors.short },
      ]);
    case "depth":
      return lineChart(data.depth, title, subtitle, "quote value", [
        { label: "bid depth", color: chartColors.bid },
        { label: "ask depth", color: chartColors.ask },
      ]);
  }
}

/** Colours of the leverage-cycle charts. */
const cycleColors = {
  openInterest: "#2f6fb0",
  leverage: "#c0392b",
  liquidations: "#e67e22",
  stopLosses: "#8e44ad",
  depth: "#27ae60",
  imbalance: "#34495e",
  makers: "#7f8c8d",
  multiplier: "#c0392b",
  haircut: "#2980b9",
  halt: "#7f8c8d",
  exogenous: "#2f6fb0",
  endogenous: "#c0392b",
  total: "#34495e",
} as const;

/** Horizontal bars, one per part of the price fall, labelled with their value. */
function fallBarsSvg(bars: readonly FallBar[], title: string, subtitle: string): string {
  const rowHeight = 44;
  const top = 90;
  const labelWidth = 230;
  const left = plotBox.left + labelWidth;
  const width = svgWidth - left - 140;
  const largest = Math.max(...bars.map((bar) => Math.abs(bar.value)), 1e-9);
  const low = Math.min(0, ...bars.map((bar) => bar.value));
  const scale = width / (largest - low);
  const zero = left - low * scale;
  const parts = [titleSvg(title, subtitle)];
  bars.forEach((bar, row) => {
    const y = top + row * rowHeight;
    const start = bar.value >= 0 ? zero : zero + bar.value * scale;
    const color =
      bar.label === "total fall"
        ? cycleColors.total
        : bar.label.startsWith("exogenous")
          ? cycleColors.exogenous
          : cycleColors.endogenous;
    parts.push(
      text(plotBox.left, y + 21, bar.label, { size: 15 }),
      `<rect x="${coordinate(start)}" y="${y + 6}" width="${coordinate(Math.abs(bar.value) * scale)}" height="${rowHeight - 14}" fill="${color}" fill-opacity="0.85"/>`,
      text(
        Math.max(start + Math.abs(bar.value) * scale, zero) + 8,
        y + 21,
        `${bar.value.toFixed(1)} %`,
        {
          size: 14,
        },
      ),
    );
  });
  parts.push(
    `<line x1="${coordinate(zero)}" y1="${top}" x2="${coordinate(zero)}" y2="${top + bars.length * rowHeight}" stroke="#5b6570"/>`,
  );
  return documentSvg(top + bars.length * rowHeight + 40, parts.join("\n"));
}

/** The leverage-cycle charts, in report order. */
export function cycleSvgCharts(cycle: CycleChartData, subtitle: string): SvgChart[] {
  const charts: SvgChart[] = [
    {
      fileName: "cycle-leverage.png",
      svg: plotSvg({
        title: "Open interest and aggregate leverage",
        subtitle,
        x: xColumn(cycle.leverage),
        xLabel: "step",
        leftLabel: "open interest",
        rightLabel: "traders' notional / equity",
        rightFormat: (value) => `${formatCompact(value)}x`,
        series: [
          {
            kind: "line",
            label: "open interest",
            color: cycleColors.openInterest,
            values: column(cycle.leverage, 1),
            axis: "left",
          },
          {
            kind: "line",
            label: "aggregate leverage",
            color: cycleColors.leverage,
            values: column(cycle.leverage, 2),
            axis: "right",
          },
        ],
        leftInclude: [0],
      }),
    },
    {
      fileName: "cycle-selling.png",
      svg: plotSvg({
        title: "Forced and stop-loss selling per step",
        subtitle,
        x: xColumn(cycle.selling),
        xLabel: "step",
        leftLabel: "notional",
        series: [
          {
            kind: "bars",
            label: "liquidations",
            color: cycleColors.liquidations,
            values: column(cycle.selling, 1),
          },
          {
            kind: "bars",
            label: "stop-losses",
            color: cycleColors.stopLosses,
            values: column(cycle.selling, 2),
          },
        ],
        leftInclude: [0],
      }),
    },
    {
      fileName: "cycle-book.png",
      svg: plotSvg({
        title: "Book depth and imbalance",
        subtitle,
        x: xColumn(cycle.book),
        xLabel: "step",
        leftLabel: "depth within 1 % (bid + ask)",
        rightLabel: "imbalance, makers' depth share",
        series: [
          {
            kind: "line",
            label: "depth within 1 %",
            color: cycleColors.depth,
            values: column(cycle.book, 1),
            axis: "left",
          },
          {
            kind: "line",
            label: "imbalance (bid − ask) / (bid + ask)",
            color: cycleColors.imbalance,
            values: column(cycle.book, 2),
            axis: "right",
            width: 1.2,
          },
          {
            kind: "step",
            label: "makers' depth share",
            color: cycleColors.makers,
            values: column(cycle.book, 3),
            axis: "right",
            dash: "6 4",
          },
        ],
        leftInclude: [0],
      }),
    },
    {
      fileName: "cycle-policy.png",
      svg: plotSvg({
        title: "Venue policy: margin multiplier, haircut, halts",
        subtitle,
        x: xColumn(cycle.policy),
        xLabel: "step",
        leftLabel: "maintenance-margin multiplier",
        rightLabel: "haircut, halt (1 = halted)",
        series: [
          {
            kind: "step",
            label: "margin multiplier",
            color: cycleColors.multiplier,
            values: column(cycle.policy, 1),
            axis: "left",
          },
          {
            kind: "step",
            label: "collateral haircut",
            color: cycleColors.haircut,
            values: column(cycle.policy, 2),
            axis: "right",
          },
          {
            kind: "step",
            label: "circuit breaker halt",
            color: cycleColors.halt,
            values: column(cycle.policy, 3),
            axis: "right",
            dash: "4 3",
          },
        ],
        leftInclude: [1],
      }),
    },
  ];
  if (cycle.fall !== null) {
    charts.push({
      fileName: "cycle-fall.png",
      svg: fallBarsSvg(
        cycle.fall,
        "Where the price fall came from (% of the top price)",
        `${subtitle}; Shapley split over counterfactual re-runs`,
      ),
    });
  }
  return charts;
}

/** One SVG per report chart, plus the ADL grid; `subtitle` names the run on every image. */
export function reportSvgCharts(data: ReportChartData, subtitle: string): SvgChart[] {
  const charts = chartSections.map((section) => ({
    fileName: section.fileName,
    svg: chartSvg(data, section.kind, section.title, subtitle),
  }));
  charts.push({ fileName: adlGridSection.fileName, svg: adlGridSvg(data, subtitle) });
  if (data.cycle !== undefined) charts.push(...cycleSvgCharts(data.cycle, subtitle));
  return charts;
}
