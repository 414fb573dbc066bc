/**
 * Browser code: draws the report's charts with uPlot from `ReportChartData`. The HTML report and
 * the dashboard both bundle this file, so a run looks the same in both. uPlot itself is loaded as
 * a classic script (inlined in the report, served by the dashboard) and found on `globalThis`.
 * Time axes read UTC for replays and time since the start otherwise; money axes carry $.
 */
import type uPlot from "uplot";
import type { AlignedData, LiquidationMarkers, ReportChartData } from "../chartData.ts";
import {
  type ChartKind,
  chartColors,
  chartSections,
  isChartKind,
  mapCellOpacity,
  markerRadius,
} from "../chartStyle.ts";
import { formatCompact, formatMoney, formatMoneyTick, formatPercentTick } from "../format.ts";
import { timeAxisTitle, timeLabel, timeOfStep, timeTicks } from "../timeAxis.ts";

type UPlotClass = typeof uPlot;

function uPlotClass(): UPlotClass {
  const loaded = (globalThis as { uPlot?: UPlotClass }).uPlot;
  if (loaded === undefined) throw new Error("uPlot must be loaded before charts are drawn");
  return loaded;
}

const chartHeight = 280;
const compactHeight = 200;

export interface ChartOptions {
  /** A fixed range for the main y scale: two runs side by side then share one scale. */
  yRange?: [number, number];
}

/** A drawn chart; `destroy` releases it and its resize observer. */
export interface DrawnChart {
  destroy: () => void;
  /** The uPlot instance of a time chart, for zooming all of them together. */
  plot?: uPlot;
  kind: ChartKind;
}

/** Data columns each chart draws on its main (left) y scale. */
const mainScaleColumns: Record<ChartKind, readonly number[]> = {
  price: [1, 2],
  gap: [1],
  liquidations: [1],
  rounds: [1],
  liquidationMap: [2],
  heatmap: [1, 2],
  cumulative: [1, 2],
  funds: [1, 2],
  adl: [1],
  openInterest: [1, 2, 3],
  depth: [1, 2],
};

function alignedOf(data: ReportChartData, kind: ChartKind): AlignedData {
  return kind === "liquidationMap" ? data.price : data[kind];
}

/**
 * The smallest and largest value a chart shows on its main scale, liquidation circles
 * included; null when it has no finite value. The comparison view gives both runs the union.
 */
export function mainScaleExtent(data: ReportChartData, kind: ChartKind): [number, number] | null {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  const aligned = alignedOf(data, kind);
  for (const column of mainScaleColumns[kind]) {
    for (const value of aligned[column] ?? []) {
      if (value === null) continue;
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
  }
  if (kind === "price") {
    for (const price of data.liquidationMarkers.price) {
      low = Math.min(low, price);
      high = Math.max(high, price);
    }
  }
  return low <= high ? [low, high] : null;
}

/** The union of two extents, padded by 3 % so lines do not touch the frame. */
export function sharedRange(
  first: [number, number] | null,
  second: [number, number] | null,
): [number, number] | undefined {
  const extents = [first, second].filter((extent) => extent !== null);
  if (extents.length === 0) return undefined;
  const low = Math.min(...extents.map((extent) => extent[0]));
  const high = Math.max(...extents.map((extent) => extent[1]));
  const padding = high > low ? (high - low) * 0.03 : Math.abs(high) * 0.03 || 1;
  return [low - padding, high + padding];
}

function uplotData(aligned: AlignedData): uPlot.AlignedData {
  // The x column is steps or bucket prices, never missing.
  return [aligned[0] as number[], ...aligned.slice(1)];
}

function moneyValue(_plot: uPlot, value: number | null): string {
  return value === null ? "-" : formatMoney(value);
}

function priceValue(_plot: uPlot, value: number | null): string {
  return value === null ? "-" : `$${Number(value.toPrecision(7))}`;
}

function moneyTicks(_plot: uPlot, splits: number[]): string[] {
  return splits.map(formatMoneyTick);
}

function line(label: string, stroke: string, extra: Partial<uPlot.Series> = {}): uPlot.Series {
  return {
    label,
    stroke,
    width: 1.5,
    value: moneyValue,
    spanGaps: true,
    points: { show: false },
    ...extra,
  };
}

/** Bars that span their bucket [x, x + width): aligned left, never thinner than 2 px. */
function barSeries(label: string, color: string, extra: Partial<uPlot.Series> = {}): uPlot.Series {
  return line(label, color, {
    fill: `${color}cc`,
    width: 0,
    paths: uPlotClass().paths.bars?.({ size: [1, Number.POSITIVE_INFINITY, 2], align: 1 }),
    points: { show: false },
    ...extra,
  });
}

/** The x axis and cursor legend of a time chart: UTC clock or time since the start. */
function timeAxis(data: ReportChartData): uPlot.Axis {
  const last = (data.price[0].at(-1) as number | undefined) ?? 0;
  return {
    label: timeAxisTitle(data.time, 0, last),
    space: 70,
    splits: (_plot, _axis, low, high) => timeTicks(data.time, low, high),
    values: (_plot, splits) => splits.map((step) => timeLabel(data.time, step)),
  };
}

function timeSeries(data: ReportChartData): uPlot.Series {
  return {
    label: "time",
    value: (_plot, step) => (step === null ? "-" : timeOfStep(data.time, step)),
  };
}

function valueAxis(label: string, values: uPlot.Axis["values"] = moneyTicks): uPlot.Axis {
  return { label, size: 78, values };
}

/** Keeps the scale's own range, widened to include `extra`, with 3 % padding. */
function rangeIncluding(extra: [number, number] | null): uPlot.Range.Function {
  return (_plot, dataMin, dataMax) => {
    const low = extra === null ? dataMin : Math.min(dataMin, extra[0]);
    const high = extra === null ? dataMax : Math.max(dataMax, extra[1]);
    const padding = high > low ? (high - low) * 0.03 : Math.abs(high) * 0.03 || 1;
    return [low - padding, high + padding];
  };
}

/** Runs `paint` clipped to the plotting area, so shading never covers the axes. */
function inPlotArea(plot: uPlot, paint: (context: CanvasRenderingContext2D) => void): void {
  const context = plot.ctx;
  const box = plot.bbox;
  context.save();
  context.beginPath();
  context.rect(box.left, box.top, box.width, box.height);
  context.clip();
  paint(context);
  context.restore();
}

/**
 * Fills the area between two curves over the x column, one polygon per run of points where
 * both have a value (a gap in either ends the polygon).
 */
function fillBetween(
  plot: uPlot,
  context: CanvasRenderingContext2D,
  upper: (index: number) => number | null | undefined,
  lower: (index: number) => number | null | undefined,
  color: string,
): void {
  const xs = plot.data[0];
  context.fillStyle = color;
  let start = 0;
  while (start < xs.length) {
    while (start < xs.length && (upper(start) == null || lower(start) == null)) start++;
    let end = start;
    while (end < xs.length && upper(end) != null && lower(end) != null) end++;
    if (end - start >= 2) {
      context.beginPath();
      for (let index = start; index < end; index++) {
        const x = plot.valToPos(xs[index], "x", true);
        const y = plot.valToPos(upper(index) as number, "y", true);
        if (index === start) context.moveTo(x, y);
        else context.lineTo(x, y);
      }
      for (let index = end - 1; index >= start; index--) {
        context.lineTo(
          plot.valToPos(xs[index], "x", true),
          plot.valToPos(lower(index) as number, "y", true),
        );
      }
      context.closePath();
      context.fill();
    }
    start = end;
  }
}

function shadeMoves(startPrice: number): (plot: uPlot) => void {
  return (plot) => {
    const index = plot.data[1];
    const mark = plot.data[2];
    inPlotArea(plot, (context) => {
      fillBetween(
        plot,
        context,
        () => startPrice,
        (row) => index[row],
        chartColors.exogenousShade,
      );
      fillBetween(
        plot,
        context,
        (row) => index[row],
        (row) => mark[row],
        chartColors.endogenousShade,
      );
    });
  };
}

/** Liquidations as rings (outline, faint fill) under the lines, so the mark stays visible. */
function drawMarkers(markers: LiquidationMarkers): (plot: uPlot) => void {
  const largest = Math.max(0, ...markers.notional);
  return (plot) => {
    // valToPos(..., true) answers in canvas pixels, which are CSS pixels times this ratio.
    const pixelRatio = globalThis.devicePixelRatio || 1;
    inPlotArea(plot, (context) => {
      context.fillStyle = chartColors.marker;
      context.strokeStyle = chartColors.markerStroke;
      context.lineWidth = pixelRatio;
      for (let index = 0; index < markers.step.length; index++) {
        const x = plot.valToPos(markers.step[index], "x", true);
        const y = plot.valToPos(markers.price[index], "y", true);
        const radius = markerRadius(markers.notional[index], largest) * pixelRatio;
        context.beginPath();
        context.arc(x, y, radius, 0, 2 * Math.PI);
        context.fill();
        context.stroke();
      }
    });
  };
}

/** A white casing under a series' path, so rings and shading never hide the line. */
function halo(seriesIndex: number): (plot: uPlot) => void {
  return (plot) => {
    const xs = plot.data[0];
    const ys = plot.data[seriesIndex];
    const pixelRatio = globalThis.devicePixelRatio || 1;
    inPlotArea(plot, (context) => {
      context.strokeStyle = "rgba(255, 255, 255, 0.9)";
      context.lineWidth = 4.5 * pixelRatio;
      context.lineJoin = "round";
      context.beginPath();
      let penDown = false;
      for (let index = 0; index < xs.length; index++) {
        const value = ys[index];
        if (value == null) {
          penDown = false;
          continue;
        }
        const x = plot.valToPos(xs[index], "x", true);
        const y = plot.valToPos(value, "y", true);
        if (penDown) context.lineTo(x, y);
        else context.moveTo(x, y);
        penDown = true;
      }
      context.stroke();
    });
  };
}

function verticalLine(value: number, color: string): (plot: uPlot) => void {
  return (plot) => {
    inPlotArea(plot, (context) => {
      const x = plot.valToPos(value, "x", true);
      context.strokeStyle = color;
      context.setLineDash([4, 4]);
      context.beginPath();
      context.moveTo(x, plot.bbox.top);
      context.lineTo(x, plot.bbox.top + plot.bbox.height);
      context.stroke();
    });
  };
}

function horizontalLine(value: number, color: string): (plot: uPlot) => void {
  return (plot) => {
    inPlotArea(plot, (context) => {
      const y = plot.valToPos(value, "y", true);
      context.strokeStyle = color;
      context.setLineDash([4, 4]);
      context.beginPath();
      context.moveTo(plot.bbox.left, y);
      context.lineTo(plot.bbox.left + plot.bbox.width, y);
      context.stroke();
    });
  };
}

/** The liquidation map's cells, shaded by notional, under the mark line. */
function drawMapCells(data: ReportChartData): (plot: uPlot) => void {
  const map = data.liquidationMap;
  return (plot) => {
    inPlotArea(plot, (context) => {
      for (let row = 0; row < map.notional.length; row++) {
        const top = plot.valToPos(map.priceEdges[row + 1], "y", true);
        const bottom = plot.valToPos(map.priceEdges[row], "y", true);
        for (let column = 0; column < map.notional[row].length; column++) {
          const opacity = mapCellOpacity(map.notional[row][column], map.largest);
          if (opacity === 0) continue;
          const left = plot.valToPos(map.stepEdges[column], "x", true);
          const right = plot.valToPos(map.stepEdges[column + 1], "x", true);
          context.fillStyle = `rgba(${chartColors.mapCell}, ${opacity.toFixed(3)})`;
          context.fillRect(left, top, Math.max(1, right - left), Math.max(1, bottom - top));
        }
      }
    });
  };
}

interface KeyItem {
  label: string;
  color: string;
  shape: "box" | "circle";
}

/** A line of swatches under a chart for what uPlot's legend cannot show (shading, circles). */
function chartKey(items: readonly KeyItem[]): HTMLElement {
  const key = document.createElement("div");
  key.className = "chart-key";
  for (const item of items) {
    const entry = document.createElement("span");
    const swatch = document.createElement("span");
    swatch.className = `swatch ${item.shape}`;
    swatch.style.background = item.color;
    entry.append(swatch, item.label);
    key.append(entry);
  }
  return key;
}

interface ChartSpec {
  options: Omit<uPlot.Options, "width" | "height">;
  data: AlignedData;
  key?: readonly KeyItem[];
}

function mainScale(yRange: [number, number] | undefined, fallback?: uPlot.Range.Function) {
  if (yRange !== undefined) return { range: yRange };
  return fallback === undefined ? {} : { range: fallback };
}

const timeScale = { time: false } as const;

function priceSpec(data: ReportChartData, yRange?: [number, number]): ChartSpec {
  const markers = data.liquidationMarkers;
  const largest = Math.max(0, ...markers.notional);
  const markerExtent: [number, number] | null =
    markers.price.length === 0 ? null : [Math.min(...markers.price), Math.max(...markers.price)];
  return {
    data: data.price,
    options: {
      scales: { x: timeScale, y: mainScale(yRange, rangeIncluding(markerExtent)) },
      series: [
        timeSeries(data),
        line("index (exogenous)", chartColors.index, { width: 2, value: priceValue }),
        line("mark", chartColors.mark, { width: 1.8, value: priceValue }),
      ],
      axes: [timeAxis(data), valueAxis("price (USD)")],
      // Rings and shading go under the lines (drawClear runs before the series are drawn), and
      // each line gets a white casing first: a cascade stacks many rings where the mark dips,
      // and the dip is the point of the chart.
      hooks: {
        drawClear: [shadeMoves(data.startPrice), drawMarkers(markers), halo(1), halo(2)],
      },
    },
    key: [
      { label: "exogenous move (start → index)", color: chartColors.exogenousShade, shape: "box" },
      { label: "endogenous move (index → mark)", color: chartColors.endogenousShade, shape: "box" },
      {
        label:
          markers.step.length === 0
            ? "no liquidations"
            : `liquidations filled in the book (largest ring ${formatMoney(largest)})`,
        color: chartColors.marker,
        shape: "circle",
      },
    ],
  };
}

function gapSpec(data: ReportChartData, yRange?: [number, number]): ChartSpec {
  return {
    data: data.gap,
    options: {
      scales: { x: timeScale, y: mainScale(yRange) },
      series: [
        timeSeries(data),
        line("mark − index", chartColors.gap, {
          value: (_plot, value) => (value === null ? "-" : `${value.toFixed(2)} %`),
        }),
      ],
      axes: [
        timeAxis(data),
        valueAxis("% of index", (_plot, splits) => splits.map(formatPercentTick)),
      ],
      hooks: { draw: [horizontalLine(0, chartColors.startLine)] },
    },
  };
}

/** "per 15 min" / "per step" for the y axis of bucketed bars. */
function perBucket(data: ReportChartData): string {
  if (data.barSteps === 1) return "per step";
  const label = timeLabel({ dt: data.time.dt, startTime: null }, data.barSteps);
  return `per ${label}`;
}

function liquidationsSpec(data: ReportChartData, yRange?: [number, number]): ChartSpec {
  return {
    data: data.liquidations,
    options: {
      scales: { x: timeScale, y: mainScale(yRange) },
      series: [timeSeries(data), barSeries("liquidated notional", chartColors.bars)],
      axes: [timeAxis(data), valueAxis(`liquidated (USD ${perBucket(data)})`)],
    },
  };
}

function roundsSpec(data: ReportChartData, yRange?: [number, number]): ChartSpec {
  return {
    data: data.rounds,
    options: {
      scales: { x: timeScale, y: mainScale(yRange) },
      series: [
        timeSeries(data),
        line("cascade rounds", chartColors.rounds, {
          paths: uPlotClass().paths.stepped?.({ align: 1 }),
          value: (_plot, value) => (value === null ? "-" : String(value)),
        }),
      ],
      axes: [timeAxis(data), valueAxis("rounds", (_plot, splits) => splits.map(formatCompact))],
    },
  };
}

function liquidationMapSpec(data: ReportChartData): ChartSpec {
  const map = data.liquidationMap;
  const steps = map.stepEdges;
  const prices = map.priceEdges;
  return {
    data: [data.price[0], data.price[2]],
    options: {
      scales: {
        x: { time: false, range: [steps[0], steps[steps.length - 1]] },
        y: { range: rangeIncluding([prices[0], prices[prices.length - 1]]) },
      },
      series: [timeSeries(data), line("mark", chartColors.mark, { width: 1.8, value: priceValue })],
      axes: [timeAxis(data), valueAxis("price (USD)")],
      hooks: { drawClear: [drawMapCells(data), halo(1)] },
    },
    key: [
      {
        label: `liquidated in the cell (darkest ${formatMoney(map.largest)})`,
        color: `rgba(${chartColors.mapCell}, 0.7)`,
        shape: "box",
      },
    ],
  };
}

function heatmapSpec(data: ReportChartData, yRange?: [number, number]): ChartSpec {
  return {
    data: data.heatmap,
    options: {
      scales: { x: { time: false }, y: mainScale(yRange) },
      series: [
        { label: "price", value: priceValue },
        barSeries("long liquidations", chartColors.long, {
          paths: uPlotClass().paths.bars?.({ size: [0.9, 40], align: 0 }),
        }),
        barSeries("short liquidations (shown negative)", chartColors.short, {
          paths: uPlotClass().paths.bars?.({ size: [0.9, 40], align: 0 }),
        }),
      ],
      axes: [{ label: "liquidation price (USD)", values: moneyTicks }, valueAxis("notional (USD)")],
      hooks: { draw: [verticalLine(data.startPrice, chartColors.startLine)] },
    },
  };
}

function cumulativeSpec(data: ReportChartData, yRange?: [number, number]): ChartSpec {
  return {
    data: data.cumulative,
    options: {
      scales: { x: { time: false }, y: mainScale(yRange) },
      series: [
        { label: "price", value: priceValue },
        line("longs liquidated if the price falls to here", chartColors.long, { width: 2 }),
        line("shorts liquidated if the price rises to here", chartColors.short, { width: 2 }),
      ],
      axes: [{ label: "price (USD)", values: moneyTicks }, valueAxis("notional (USD)")],
      hooks: { draw: [verticalLine(data.startPrice, chartColors.startLine)] },
    },
  };
}

function simpleSpec(
  data: ReportChartData,
  aligned: AlignedData,
  axisLabel: string,
  series: uPlot.Series[],
  yRange?: [number, number],
): ChartSpec {
  return {
    data: aligned,
    options: {
      scales: { x: timeScale, y: mainScale(yRange) },
      series: [timeSeries(data), ...series],
      axes: [timeAxis(data), valueAxis(axisLabel)],
    },
  };
}

/** Why a chart is empty, or null when it has something to draw. */
function emptyNote(data: ReportChartData, kind: ChartKind): string | null {
  if ((kind === "heatmap" || kind === "cumulative") && data.heatmap[0].length === 0) {
    return "No position had a liquidation price inside the heatmap range.";
  }
  if (kind === "adl" && data.adlBreakdown.closes === 0) {
    return "No position was auto-deleveraged.";
  }
  if (kind === "liquidationMap" && data.liquidationMap.largest === 0) {
    return "No liquidation order filled in the book.";
  }
  return null;
}

function chartSpec(data: ReportChartData, kind: ChartKind, yRange?: [number, number]): ChartSpec {
  switch (kind) {
    case "price":
      return priceSpec(data, yRange);
    case "gap":
      return gapSpec(data, yRange);
    case "liquidations":
      return liquidationsSpec(data, yRange);
    case "rounds":
      return roundsSpec(data, yRange);
    case "liquidationMap":
      return liquidationMapSpec(data);
    case "heatmap":
      return heatmapSpec(data, yRange);
    case "cumulative":
      return cumulativeSpec(data, yRange);
    case "funds":
      return simpleSpec(
        data,
        data.funds,
        "capital (USD)",
        [line("insurance fund", chartColors.fund), line("backstop capital", chartColors.backstop)],
        yRange,
      );
    case "adl":
      return {
        data: data.adl,
        options: {
          scales: { x: timeScale, y: mainScale(yRange) },
          series: [timeSeries(data), barSeries("ADL notional", chartColors.adl)],
          axes: [timeAxis(data), valueAxis(`closed by ADL (USD ${perBucket(data)})`)],
        },
      };
    case "openInterest":
      return simpleSpec(
        data,
        data.openInterest,
        "notional (USD)",
        [
          line("total", chartColors.total, { dash: [5, 4] }),
          line("long (traders)", chartColors.long),
          line("short (traders)", chartColors.short),
        ],
        yRange,
      );
    case "depth":
      return simpleSpec(
        data,
        data.depth,
        "quote value (USD)",
        [line("bid depth", chartColors.bid), line("ask depth", chartColors.ask)],
        yRange,
      );
  }
}

function widthOf(element: HTMLElement): number {
  return Math.max(320, element.clientWidth);
}

function heightOf(kind: ChartKind): number {
  return chartSections.find((section) => section.kind === kind)?.compact === true
    ? compactHeight
    : chartHeight;
}

/**
 * Draws one chart into `element` (emptied first) and keeps it as wide as the element; a chart
 * with nothing to draw becomes a one-line note.
 */
export function drawChart(
  kind: ChartKind,
  element: HTMLElement,
  data: ReportChartData,
  options: ChartOptions = {},
): DrawnChart {
  element.replaceChildren();
  const note = emptyNote(data, kind);
  if (note !== null) {
    const paragraph = document.createElement("p");
    paragraph.className = "note";
    paragraph.textContent = note;
    element.append(paragraph);
    // A sentence needs no chart-sized box.
    element.style.minHeight = "0";
    element.dataset.points = "0";
    return { kind, destroy: () => element.replaceChildren() };
  }
  const spec = chartSpec(data, kind, options.yRange);
  const UPlot = uPlotClass();
  const height = heightOf(kind);
  const plot = new UPlot(
    { ...spec.options, width: widthOf(element), height },
    uplotData(spec.data),
    element,
  );
  if (spec.key !== undefined) element.append(chartKey(spec.key));
  // How many points the chart holds and what its axes say (uPlot draws them on the canvas),
  // for tests and for anyone inspecting the page.
  element.dataset.points = String(spec.data[0].length);
  element.dataset.axes = (spec.options.axes ?? []).map((axis) => axis.label ?? "").join(" | ");
  // The tick labels of the last draw (uPlot keeps them on each axis as `_values`).
  plot.hooks.draw = [
    ...(plot.hooks.draw ?? []),
    (drawn: uPlot) => {
      const ticks = drawn.axes.map((axis) =>
        ((axis as { _values?: unknown[] })._values ?? []).map(String).join(" | "),
      );
      element.dataset.xTicks = ticks[0] ?? "";
      element.dataset.yTicks = ticks[1] ?? "";
    },
  ];
  plot.redraw(false);
  let width = widthOf(element);
  const observer = new ResizeObserver(() => {
    const next = widthOf(element);
    if (next === width) return;
    width = next;
    plot.setSize({ width, height });
  });
  observer.observe(element);
  return {
    kind,
    plot,
    destroy: () => {
      observer.disconnect();
      plot.destroy();
      element.replaceChildren();
    },
  };
}

/** Draws every element marked `data-chart="kind"` under `root`. */
export function drawCharts(root: ParentNode, data: ReportChartData): DrawnChart[] {
  const drawn: DrawnChart[] = [];
  for (const element of root.querySelectorAll<HTMLElement>("[data-chart]")) {
    const kind = element.dataset.chart;
    if (isChartKind(kind)) drawn.push(drawChart(kind, element, data));
  }
  return drawn;
}
