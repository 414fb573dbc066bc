/**
 * The one static chart style of every report page and PNG: a standalone SVG document with a
 * title and subtitle, one value axis per unit (a right axis only where the two units cannot be
 * confused), lines, steps and bars, shading under or marks over them, and a legend underneath.
 * Perp PNGs, the lending and TFG pages and the stress pages all draw through here, so they share
 * fonts, colours, tick labels ($ with K/M/B, UTC or elapsed time) and layout. Every coordinate is
 * written with fixed decimals and nothing depends on a clock or the machine, so the same data
 * gives the same bytes; the PNG renderer (resvg) supplies the DejaVu Sans font.
 */
import { escapeHtml } from "./markup.ts";

/** Every chart names this family; browsers without it fall back to their sans-serif. */
export const svgFontFamily = "DejaVu Sans";

export const plotColors = {
  ink: "#1d232a",
  muted: "#5b6570",
  grid: "#e6e9ed",
  frame: "#9aa3ad",
  background: "#ffffff",
} as const;

/** Lines in a chart without colours of their own meaning, in this order. */
export const palette = ["#2f6fb0", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#7f8c8d"];

export const defaultPlotWidth = 1200;
export const defaultPlotHeight = 520;

/** Two decimals are far below a pixel and keep the files small. */
export function coordinate(value: number): string {
  return value.toFixed(2);
}

export type Scale = (value: number) => number;

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
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
  // Flat within rounding counts as flat: values a few ulps apart would give a step so small
  // that the tick index passes 2^53, where index++ no longer moves it.
  if (max - min <= 1e-9 * Math.max(Math.abs(min), Math.abs(max))) {
    const center = min / 2 + max / 2;
    const half = Math.abs(center) * 0.05 || 1;
    min = center - half;
    max = center + half;
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

export function text(
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
  const fill = attributes.fill ?? plotColors.ink;
  const weight = attributes.weight === undefined ? "" : ` font-weight="${attributes.weight}"`;
  const rotate =
    attributes.rotate === undefined
      ? ""
      : ` transform="rotate(${attributes.rotate} ${coordinate(x)} ${coordinate(y)})"`;
  return `<text x="${coordinate(x)}" y="${coordinate(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}"${weight}${rotate}>${escapeHtml(content)}</text>`;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface PlotAxis {
  title: string;
  format: (value: number) => string;
  /** Tick positions for the drawn domain; default: round 1-2-5 ticks. */
  ticks?: (low: number, high: number) => number[];
  /** Values the axis must span besides the data (zero under bars, a start price). */
  include?: readonly number[];
  /** A fixed domain instead of one fitted to the data. */
  domain?: [number, number];
  /** Powers of ten, for counts and probabilities spanning decades (values ≤ 0 are left out). */
  log?: boolean;
}

export interface LineSeries {
  kind: "line" | "step";
  label: string;
  color: string;
  values: readonly (number | null)[];
  /** The right axis, for a second unit that cannot be mistaken for the first. */
  axis?: "left" | "right";
  width?: number;
  dash?: string;
  /** A white casing under the line, so marks drawn beneath never hide it. */
  halo?: boolean;
}

export interface BarSeries {
  kind: "bars";
  label: string;
  color: string;
  values: readonly (number | null)[];
  /** Width of each bar in x units, the bar spanning [x, x + width); default: the x spacing. */
  width?: number;
}

export type PlotSeries = LineSeries | BarSeries;

export interface LegendItem {
  label: string;
  color: string;
  shape: "line" | "dash" | "box" | "circle" | "ring";
  stroke?: string;
}

export interface PlotFrame {
  box: Box;
  x: Scale;
  y: Scale;
  right: Scale | null;
}

export interface PlotSpec {
  /** Title and subtitle inside the image (PNGs); a page section may show its own heading instead. */
  title?: string;
  subtitle?: string;
  width?: number;
  height?: number;
  x: readonly number[];
  xAxis: PlotAxis;
  yAxis: PlotAxis;
  rightAxis?: PlotAxis;
  series: PlotSeries[];
  /** Drawn inside the plot area before the series (shading, circles). */
  underlay?: (frame: PlotFrame) => string;
  /** Drawn inside the plot area after the series (markers, reference lines). */
  overlay?: (frame: PlotFrame) => string;
  /** Entries after the series' own (shading, circles, reference lines). */
  legend?: LegendItem[];
  /** Leave the series out of the legend (a chart whose only series the title names). */
  hideSeriesLegend?: boolean;
}

function finiteExtent(
  columns: readonly (readonly (number | null)[])[],
  extra: readonly number[] = [],
  positiveOnly = false,
): { low: number; high: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  const visit = (value: number | null): void => {
    if (value === null || !Number.isFinite(value) || (positiveOnly && value <= 0)) return;
    if (value < low) low = value;
    if (value > high) high = value;
  };
  for (const column of columns) for (const value of column) visit(value);
  for (const value of extra) visit(value);
  return { low, high };
}

/** The drawn domain and ticks of a value axis over the values it carries. */
function valueAxis(axis: PlotAxis, columns: readonly (readonly (number | null)[])[]): Axis {
  if (axis.log === true) {
    const extent = finiteExtent(columns, axis.include, true);
    const low = Number.isFinite(extent.low) ? Math.floor(Math.log10(extent.low)) : 0;
    const high = Number.isFinite(extent.high)
      ? Math.max(low + 1, Math.ceil(Math.log10(extent.high)))
      : 1;
    const domain: [number, number] = axis.domain ?? [10 ** low, 10 ** high];
    const ticks: number[] = [];
    for (
      let power = Math.round(Math.log10(domain[0]));
      power <= Math.log10(domain[1]) + 1e-9;
      power++
    )
      ticks.push(10 ** power);
    return { domain, ticks };
  }
  const fixed = axis.domain;
  if (fixed !== undefined) {
    const ticks = axis.ticks?.(fixed[0], fixed[1]) ?? niceAxis(fixed[0], fixed[1]).ticks;
    return { domain: fixed, ticks: ticks.filter((tick) => tick >= fixed[0] && tick <= fixed[1]) };
  }
  const extent = finiteExtent(columns, axis.include);
  const nice = niceAxis(extent.low, extent.high);
  return {
    domain: nice.domain,
    ticks: axis.ticks?.(nice.domain[0], nice.domain[1]) ?? nice.ticks,
  };
}

function axisScale(axis: PlotAxis, drawn: Axis, range: [number, number]): Scale {
  if (axis.log !== true) return linearScale(drawn.domain, range);
  const scale = linearScale([Math.log10(drawn.domain[0]), Math.log10(drawn.domain[1])], range);
  return (value) => scale(Math.log10(Math.max(value, drawn.domain[0])));
}

/** Path through the points, lifting the pen at missing values. */
export function linePath(
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

/** Bars from zero; each spans [x, x + width) and is at least 2 px wide so none vanishes. */
function barsPath(
  xs: readonly number[],
  values: readonly (number | null)[],
  frame: PlotFrame,
  width: number,
): string {
  const zero = frame.y(0);
  let path = "";
  for (let index = 0; index < xs.length; index++) {
    const value = values[index];
    if (value === null || value === 0 || !Number.isFinite(value)) continue;
    const left = frame.x(xs[index]);
    const pixels = Math.max(2, frame.x(xs[index] + width) - left - 1);
    const top = Math.min(zero, frame.y(value));
    const height = Math.max(1, Math.abs(frame.y(value) - zero));
    path += `M${coordinate(left)} ${coordinate(top)}h${coordinate(pixels)}v${coordinate(height)}h${coordinate(-pixels)}Z`;
  }
  return path;
}

/** Legend entries laid out left to right from `left`, wrapping at `right`. Returns its height. */
export function legendSvg(
  items: readonly LegendItem[],
  left: number,
  right: number,
  top: number,
): { svg: string; height: number } {
  const parts: string[] = [];
  let x = left;
  let y = top;
  for (const item of items) {
    // DejaVu Sans averages about 0.6 em per character at this size.
    const width = 30 + item.label.length * 7.8 + 26;
    if (x + width > right && x > left) {
      x = left;
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
      const fill = item.shape === "ring" ? "none" : item.color;
      parts.push(
        `<circle cx="${coordinate(x + 12)}" cy="${coordinate(middle)}" r="7" fill="${fill}" stroke="${item.stroke ?? item.color}" stroke-width="1.5"/>`,
      );
    }
    parts.push(text(x + 30, y, item.label, { size: 14 }));
    x += width;
  }
  return { svg: parts.join("\n"), height: y - top + 22 };
}

export function documentSvg(width: number, height: number, body: string, label = ""): string {
  const aria = label === "" ? "" : ` role="img" aria-label="${escapeHtml(label)}"`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${svgFontFamily}, sans-serif"${aria}>\n` +
    `<rect width="${width}" height="${height}" fill="${plotColors.background}"/>\n${body}\n</svg>\n`
  );
}

export function titleSvg(left: number, title: string, subtitle?: string): string {
  const parts = [text(left, 34, title, { size: 22, weight: "bold" })];
  if (subtitle !== undefined)
    parts.push(text(left, 58, subtitle, { size: 14, fill: plotColors.muted }));
  return parts.join("\n");
}

/** A short image that says why there is no chart, so a set of charts is always complete. */
export function noteSvg(
  title: string,
  subtitle: string | undefined,
  note: string,
  width = defaultPlotWidth,
): string {
  return documentSvg(
    width,
    200,
    `${titleSvg(100, title, subtitle)}\n${text(width / 2, 140, note, { size: 18, anchor: "middle", fill: plotColors.muted })}`,
    title,
  );
}

const margin = { right: 40, rightWithAxis: 96, bottom: 92, left: 100 };

function legendItems(spec: PlotSpec): LegendItem[] {
  const own = spec.hideSeriesLegend
    ? []
    : spec.series.map(
        (series): LegendItem => ({
          label: series.label,
          color: series.color,
          shape:
            series.kind === "bars"
              ? "box"
              : series.kind === "line" && series.dash !== undefined
                ? "dash"
                : series.kind === "step" && series.dash !== undefined
                  ? "dash"
                  : "line",
        }),
      );
  return [...own, ...(spec.legend ?? [])];
}

/** One chart as a standalone SVG document. */
export function plotSvg(spec: PlotSpec): string {
  const width = spec.width ?? defaultPlotWidth;
  const height = spec.height ?? defaultPlotHeight;
  const top = spec.title === undefined ? 24 : spec.subtitle === undefined ? 56 : 78;
  const right = spec.rightAxis === undefined ? margin.right : margin.rightWithAxis;
  const legend = legendItems(spec);
  const legendRows = legendSvg(legend, margin.left, width - 20, 0).height;
  const bottom = margin.bottom - 22 + (legend.length === 0 ? 0 : legendRows);
  const box: Box = {
    left: margin.left,
    top,
    width: width - margin.left - right,
    height: height - top - bottom,
  };
  const xValues = [spec.x, spec.xAxis.include ?? []];
  const xExtent =
    spec.xAxis.domain ??
    (() => {
      const extent = finiteExtent(xValues);
      return extent.low < extent.high
        ? ([extent.low, extent.high] as [number, number])
        : ([extent.low - 1, extent.low + 1] as [number, number]);
    })();
  const xTicks = (
    spec.xAxis.ticks?.(xExtent[0], xExtent[1]) ?? niceAxis(xExtent[0], xExtent[1], 8).ticks
  ).filter((tick) => tick >= xExtent[0] - 1e-9 && tick <= xExtent[1] + 1e-9);
  const x = linearScale(xExtent, [box.left, box.left + box.width]);
  const leftColumns = spec.series
    .filter((series) => series.kind === "bars" || series.axis !== "right")
    .map((series) => series.values);
  const leftDrawn = valueAxis(spec.yAxis, leftColumns);
  const y = axisScale(spec.yAxis, leftDrawn, [box.top + box.height, box.top]);
  const rightColumns = spec.series
    .filter((series): series is LineSeries => series.kind !== "bars" && series.axis === "right")
    .map((series) => series.values);
  const rightDrawn = spec.rightAxis === undefined ? null : valueAxis(spec.rightAxis, rightColumns);
  const rightScale =
    spec.rightAxis === undefined || rightDrawn === null
      ? null
      : axisScale(spec.rightAxis, rightDrawn, [box.top + box.height, box.top]);
  const frame: PlotFrame = { box, x, y, right: rightScale };

  const parts: string[] = [];
  if (spec.title !== undefined) parts.push(titleSvg(box.left, spec.title, spec.subtitle));
  const clip = `plot-${Math.round(box.width)}-${Math.round(box.height)}`;
  parts.push(
    `<defs><clipPath id="${clip}"><rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}"/></clipPath></defs>`,
  );
  for (const tick of leftDrawn.ticks) {
    const py = coordinate(y(tick));
    parts.push(
      `<line x1="${box.left}" y1="${py}" x2="${box.left + box.width}" y2="${py}" stroke="${plotColors.grid}"/>`,
      text(box.left - 10, y(tick) + 4.5, spec.yAxis.format(tick), { anchor: "end" }),
    );
  }
  if (spec.rightAxis !== undefined && rightDrawn !== null && rightScale !== null) {
    for (const tick of rightDrawn.ticks) {
      parts.push(
        text(box.left + box.width + 10, rightScale(tick) + 4.5, spec.rightAxis.format(tick)),
      );
    }
  }
  for (const tick of xTicks) {
    const px = coordinate(x(tick));
    parts.push(
      `<line x1="${px}" y1="${box.top + box.height}" x2="${px}" y2="${box.top + box.height + 6}" stroke="${plotColors.muted}"/>`,
      text(x(tick), box.top + box.height + 24, spec.xAxis.format(tick), { anchor: "middle" }),
    );
  }
  parts.push(`<g clip-path="url(#${clip})">`, spec.underlay?.(frame) ?? "");
  for (const series of spec.series) {
    if (series.kind === "bars") {
      const spacing = spec.x.length > 1 ? Math.abs(spec.x[1] - spec.x[0]) : 1;
      parts.push(
        `<path d="${barsPath(spec.x, series.values, frame, series.width ?? spacing)}" fill="${series.color}" fill-opacity="0.85"/>`,
      );
      continue;
    }
    const scale = series.axis === "right" && rightScale !== null ? rightScale : y;
    const path = linePath(spec.x, series.values, x, scale, series.kind === "step");
    const dash = series.dash === undefined ? "" : ` stroke-dasharray="${series.dash}"`;
    const stroke = series.width ?? 1.8;
    if (series.halo === true) {
      parts.push(
        `<path d="${path}" fill="none" stroke="#ffffff" stroke-width="${coordinate(stroke + 3)}" stroke-linejoin="round" stroke-opacity="0.9"/>`,
      );
    }
    parts.push(
      `<path d="${path}" fill="none" stroke="${series.color}" stroke-width="${stroke}" stroke-linejoin="round"${dash}/>`,
    );
  }
  parts.push(spec.overlay?.(frame) ?? "", "</g>");
  parts.push(
    `<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="none" stroke="${plotColors.frame}"/>`,
    text(box.left + box.width / 2, box.top + box.height + 48, spec.xAxis.title, {
      size: 14,
      anchor: "middle",
      fill: plotColors.muted,
    }),
    text(30, box.top + box.height / 2, spec.yAxis.title, {
      size: 14,
      anchor: "middle",
      fill: plotColors.muted,
      rotate: -90,
    }),
  );
  if (spec.rightAxis !== undefined) {
    parts.push(
      text(width - 24, box.top + box.height / 2, spec.rightAxis.title, {
        size: 14,
        anchor: "middle",
        fill: plotColors.muted,
        rotate: 90,
      }),
    );
  }
  if (legend.length > 0) {
    parts.push(legendSvg(legend, box.left, width - 20, box.top + box.height + 80).svg);
  }
  return documentSvg(
    width,
    height,
    parts.filter((part) => part !== "").join("\n"),
    spec.title ?? spec.yAxis.title,
  );
}

/** Polygon between two curves over the shared x column, broken where either is missing. */
export function bandPath(
  xs: readonly number[],
  upper: readonly (number | null)[],
  lower: readonly (number | null)[],
  frame: PlotFrame,
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
        path += `${index === start ? "M" : "L"}${coordinate(frame.x(xs[index]))} ${coordinate(frame.y(upper[index] as number))}`;
      }
      for (let index = end - 1; index >= start; index--) {
        path += `L${coordinate(frame.x(xs[index]))} ${coordinate(frame.y(lower[index] as number))}`;
      }
      path += "Z";
    }
    start = end;
  }
  return path;
}

/** Titled sections of a static page, each a heading, a note and its chart. */
export function figureSectionsHtml(
  sections: readonly { title: string; note: string; chart: string }[],
): string {
  return sections
    .map(
      (section) =>
        `<section>\n<h2>${escapeHtml(section.title)}</h2>\n<p class="note">${escapeHtml(section.note)}</p>\n<figure class="plot">${section.chart}</figure>\n</section>`,
    )
    .join("\n");
}

/** Figures of a static page: each SVG sized by CSS to the column, drawn at full resolution. */
export const figureCss = `
figure.plot { margin: 8px 0 0; }
figure.plot svg { display: block; width: 100%; height: auto; }
`;
