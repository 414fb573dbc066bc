/**
 * The perp report's charts as standalone SVG documents, drawn from the same `ReportChartData` as
 * the browser charts, for the PNG export and the leverage-cycle section of report.html. They go
 * through plot.ts, the chart style every static page shares: time in UTC or since the start, $ on
 * money axes, one axis per unit, bars summed into time buckets wide enough to see.
 */
import { adlCloseDefinition, adlLeverageLabels, adlPnlLabels } from "./adl.ts";
import type { AlignedData, CycleChartData, FallBar, ReportChartData } from "./chartData.ts";
import {
  adlGridSection,
  type ChartKind,
  chartColors,
  chartSections,
  mapCellOpacity,
  markerRadius,
} from "./chartStyle.ts";
import { formatCompact, formatMoney, formatMoneyTick, formatPercentTick } from "./format.ts";
import { plural } from "./markup.ts";
import {
  bandPath,
  coordinate,
  defaultPlotWidth,
  documentSvg,
  noteSvg,
  type PlotAxis,
  type PlotFrame,
  type PlotSpec,
  plotSvg,
  text,
  titleSvg,
} from "./plot.ts";
import { type TimeBase, timeAxisTitle, timeLabel, timeTicks } from "./timeAxis.ts";

function column(aligned: AlignedData, index: number): (number | null)[] {
  return aligned[index] ?? [];
}

function xColumn(aligned: AlignedData): number[] {
  return aligned[0].map((value) => value ?? Number.NaN);
}

/** A time x axis over [low, high] steps: UTC for replays, time since the start otherwise. */
export function timeAxis(time: TimeBase, low: number, high: number): PlotAxis {
  return {
    title: timeAxisTitle(time, low, high),
    format: (step) => timeLabel(time, step),
    ticks: (first, last) => timeTicks(time, first, last),
    domain: [low, high],
  };
}

function runAxis(data: ReportChartData, aligned: AlignedData = data.price): PlotAxis {
  const xs = xColumn(aligned);
  return timeAxis(data.time, xs[0] ?? 0, xs[xs.length - 1] ?? 0);
}

function moneyAxis(title: string, include: number[] = []): PlotAxis {
  return { title, format: formatMoneyTick, include };
}

/** "per 15 min" / "per step": the bucket of the bar charts. */
function perBucket(data: ReportChartData): string {
  if (data.barSteps === 1) return "per step";
  return `per ${timeLabel({ dt: data.time.dt, startTime: null }, data.barSteps)}`;
}

/** The price chart over `range` (the whole run, or the cascade window). */
function priceChart(
  data: ReportChartData,
  title: string,
  subtitle: string,
  range: [number, number],
): string {
  const xs = xColumn(data.price);
  const index = column(data.price, 1);
  const mark = column(data.price, 2);
  const markers = data.liquidationMarkers;
  const largest = Math.max(0, ...markers.notional);
  const start = xs.map(() => data.startPrice);
  const inRange = (step: number) => step >= range[0] && step <= range[1];
  const visible = (values: readonly (number | null)[]) =>
    values.flatMap((value, row) => (value !== null && inRange(xs[row]) ? [value] : []));
  return plotSvg({
    title,
    subtitle,
    x: xs,
    xAxis: timeAxis(data.time, range[0], range[1]),
    yAxis: {
      title: "price (USD)",
      format: formatMoneyTick,
      include: [
        ...visible(index),
        ...visible(mark),
        ...markers.price.filter((_, position) => inRange(markers.step[position])),
      ],
    },
    series: [
      {
        kind: "line",
        label: "index (exogenous)",
        color: chartColors.index,
        values: index.map((value, row) => (inRange(xs[row]) ? value : null)),
        width: 2.4,
        halo: true,
      },
      {
        kind: "line",
        label: "mark",
        color: chartColors.mark,
        values: mark.map((value, row) => (inRange(xs[row]) ? value : null)),
        width: 2,
        halo: true,
      },
    ],
    // Rings and shading go under the lines, which get a white casing: a cascade stacks many
    // rings right where the mark dips, and the dip is the point of the chart.
    underlay: (frame) =>
      `<path d="${bandPath(xs, start, index, frame)}" fill="${chartColors.exogenousShade}"/>\n` +
      `<path d="${bandPath(xs, index, mark, frame)}" fill="${chartColors.endogenousShade}"/>\n` +
      markers.step
        .map((step, position) =>
          inRange(step)
            ? `<circle cx="${coordinate(frame.x(step))}" cy="${coordinate(frame.y(markers.price[position]))}" r="${coordinate(markerRadius(markers.notional[position], largest))}" fill="${chartColors.marker}" stroke="${chartColors.markerStroke}" stroke-width="1.2"/>`
            : "",
        )
        .filter((circle) => circle !== "")
        .join("\n"),
    legend: [
      { label: "exogenous move", color: chartColors.exogenousShade, shape: "box" },
      { label: "endogenous move", color: chartColors.endogenousShade, shape: "box" },
      {
        label:
          markers.step.length === 0
            ? "no liquidations"
            : `liquidations filled in the book (largest ${formatMoney(largest)})`,
        color: chartColors.marker,
        stroke: chartColors.markerStroke,
        shape: "ring",
      },
    ],
  });
}

function gapChart(data: ReportChartData, title: string, subtitle: string): string {
  const xs = xColumn(data.gap);
  return plotSvg({
    title,
    subtitle,
    height: 340,
    x: xs,
    xAxis: runAxis(data, data.gap),
    yAxis: { title: "% of the index", format: formatPercentTick, include: [0] },
    series: [
      {
        kind: "line",
        label: "mark − index, % of the index",
        color: chartColors.gap,
        values: column(data.gap, 1),
        width: 1.6,
      },
    ],
    overlay: (frame) =>
      `<line x1="${frame.box.left}" y1="${coordinate(frame.y(0))}" x2="${frame.box.left + frame.box.width}" y2="${coordinate(frame.y(0))}" stroke="${chartColors.startLine}" stroke-dasharray="4 4"/>`,
  });
}

function barsChart(
  data: ReportChartData,
  aligned: AlignedData,
  title: string,
  subtitle: string,
  label: string,
  color: string,
  axisTitle: string,
): string {
  return plotSvg({
    title,
    subtitle,
    x: xColumn(aligned),
    xAxis: runAxis(data),
    yAxis: moneyAxis(`${axisTitle} (USD ${perBucket(data)})`, [0]),
    series: [{ kind: "bars", label, color, values: column(aligned, 1), width: data.barSteps }],
  });
}

function roundsChart(data: ReportChartData, title: string, subtitle: string): string {
  return plotSvg({
    title,
    subtitle,
    height: 340,
    x: xColumn(data.rounds),
    xAxis: runAxis(data, data.rounds),
    yAxis: { title: "rounds in the step", format: formatCompact, include: [0] },
    series: [
      {
        kind: "step",
        label: "cascade rounds",
        color: chartColors.rounds,
        values: column(data.rounds, 1),
      },
    ],
  });
}

/** The liquidation map's cells under the mark line, over the map's own window. */
function liquidationMapChart(data: ReportChartData, title: string, subtitle: string): string {
  const map = data.liquidationMap;
  if (map.largest === 0)
    return noteSvg(title, subtitle, "No liquidation order filled in the book.");
  const steps = map.stepEdges;
  const prices = map.priceEdges;
  const xs = xColumn(data.price);
  const mark = column(data.price, 2).map((value, row) =>
    xs[row] >= steps[0] && xs[row] <= steps[steps.length - 1] ? value : null,
  );
  const cells = (frame: PlotFrame): string => {
    const parts: string[] = [];
    for (let row = 0; row < map.notional.length; row++) {
      const top = frame.y(prices[row + 1]);
      const bottom = frame.y(prices[row]);
      for (let cell = 0; cell < map.notional[row].length; cell++) {
        const opacity = mapCellOpacity(map.notional[row][cell], map.largest);
        if (opacity === 0) continue;
        const left = frame.x(steps[cell]);
        const right = frame.x(steps[cell + 1]);
        parts.push(
          `<rect x="${coordinate(left)}" y="${coordinate(top)}" width="${coordinate(Math.max(1, right - left))}" height="${coordinate(Math.max(1, bottom - top))}" fill="rgb(${chartColors.mapCell})" fill-opacity="${opacity.toFixed(3)}"/>`,
        );
      }
    }
    return parts.join("\n");
  };
  const share = map.total > 0 ? map.mapped / map.total : 0;
  return plotSvg({
    title,
    subtitle,
    x: xs,
    xAxis: timeAxis(data.time, steps[0], steps[steps.length - 1]),
    yAxis: {
      title: "price (USD)",
      format: formatMoneyTick,
      include: [prices[0], prices[prices.length - 1]],
    },
    series: [
      { kind: "line", label: "mark", color: chartColors.mark, values: mark, width: 2, halo: true },
    ],
    underlay: cells,
    legend: [
      {
        label: `liquidated in the cell (darkest ${formatMoney(map.largest)}); ${formatMoney(map.mapped)} of book fills, ${(share * 100).toFixed(0)} % of them`,
        color: `rgba(${chartColors.mapCell}, 0.7)`,
        shape: "box",
      },
    ],
  });
}

function heatmapChart(data: ReportChartData, title: string, subtitle: string): string {
  const xs = xColumn(data.heatmap);
  const spacing = xs.length > 1 ? xs[1] - xs[0] : 1;
  const long = column(data.heatmap, 1);
  const short = column(data.heatmap, 2);
  // Buckets are drawn as rectangles one bucket wide around their mid price.
  const bars = (frame: PlotFrame, values: readonly (number | null)[], color: string): string => {
    const width = Math.max(1, (frame.x(xs[0] + spacing) - frame.x(xs[0])) * 0.9);
    let path = "";
    for (let index = 0; index < xs.length; index++) {
      const value = values[index];
      if (value === null || value === 0) continue;
      const top = Math.min(frame.y(0), frame.y(value));
      path += `M${coordinate(frame.x(xs[index]) - width / 2)} ${coordinate(top)}h${coordinate(width)}v${coordinate(Math.abs(frame.y(value) - frame.y(0)))}h${coordinate(-width)}Z`;
    }
    return `<path d="${path}" fill="${color}" fill-opacity="0.8"/>`;
  };
  const domainX = [xs[0] - spacing / 2, xs[xs.length - 1] + spacing / 2, data.startPrice];
  return plotSvg({
    title,
    subtitle,
    x: [Math.min(...domainX), Math.max(...domainX)],
    xAxis: { title: "liquidation price (USD)", format: formatMoneyTick },
    yAxis: moneyAxis("notional (USD)", [
      0,
      ...long.filter((value) => value !== null),
      ...short.filter((value) => value !== null),
    ]),
    series: [],
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

function cumulativeChart(data: ReportChartData, title: string, subtitle: string): string {
  const xs = xColumn(data.cumulative);
  return plotSvg({
    title,
    subtitle,
    x: xs,
    xAxis: { title: "price (USD)", format: formatMoneyTick, include: [data.startPrice] },
    yAxis: moneyAxis("cumulative notional liquidated (USD)", [0]),
    series: [
      {
        kind: "line",
        label: "longs, if the price falls to X",
        color: chartColors.long,
        values: column(data.cumulative, 1),
        width: 2.4,
      },
      {
        kind: "line",
        label: "shorts, if the price rises to X",
        color: chartColors.short,
        values: column(data.cumulative, 2),
        width: 2.4,
      },
    ],
    overlay: (frame) =>
      `<line x1="${coordinate(frame.x(data.startPrice))}" y1="${frame.box.top}" x2="${coordinate(frame.x(data.startPrice))}" y2="${frame.box.top + frame.box.height}" stroke="${chartColors.startLine}" stroke-dasharray="4 4"/>`,
    legend: [{ label: "start price", color: chartColors.startLine, shape: "dash" }],
  });
}

function lineChart(
  data: ReportChartData,
  aligned: AlignedData,
  title: string,
  subtitle: string,
  axisTitle: string,
  series: { label: string; color: string; dash?: string }[],
): string {
  return plotSvg({
    title,
    subtitle,
    x: xColumn(aligned),
    xAxis: runAxis(data, aligned),
    yAxis: moneyAxis(axisTitle),
    series: series.map((entry, position) => ({
      kind: "line",
      label: entry.label,
      color: entry.color,
      values: column(aligned, position + 1),
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
    return noteSvg(adlGridSection.title, subtitle, note);
  }
  const left = 100;
  const width = defaultPlotWidth;
  const rowHeight = 52;
  const headerHeight = 40;
  const labelWidth = 150;
  const top = 96;
  const cellWidth = (width - left - labelWidth - 40) / adlPnlLabels.length;
  const height = top + headerHeight + rowHeight * adlLeverageLabels.length + 90;
  const largest = Math.max(...grid.notional.flat());
  const parts = [titleSvg(left, adlGridSection.title, subtitle)];
  const gridLeft = left + labelWidth;
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
  parts.push(text(left, top + 26, "effective leverage", { size: 14, weight: "bold" }));
  for (let display = 0; display < adlLeverageLabels.length; display++) {
    // Most levered on top, as in the HTML table.
    const row = adlLeverageLabels.length - 1 - display;
    const y = top + headerHeight + display * rowHeight;
    parts.push(text(left, y + rowHeight / 2 + 5, adlLeverageLabels[row], { size: 14 }));
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
      left,
      footer,
      `${plural(data.adlBreakdown.closes, "close")} of ${plural(data.adlBreakdown.accounts, "winning position")}, ${formatMoney(data.adlBreakdown.notional)} closed, ${formatMoney(data.adlBreakdown.profit)} of profit realised.`,
      { size: 14, fill: "#5b6570" },
    ),
    text(left, footer + 22, adlCloseDefinition, { size: 13, fill: "#5b6570" }),
  );
  return documentSvg(width, height, parts.join("\n"), adlGridSection.title);
}

export interface SvgChart {
  fileName: string;
  svg: string;
}

function chartSvg(data: ReportChartData, kind: ChartKind, title: string, subtitle: string): string {
  const steps = xColumn(data.price);
  switch (kind) {
    case "price":
      return priceChart(data, title, subtitle, [steps[0] ?? 0, steps[steps.length - 1] ?? 0]);
    case "gap":
      return gapChart(data, title, subtitle);
    case "liquidations":
      return barsChart(
        data,
        data.liquidations,
        title,
        subtitle,
        "liquidated notional",
        chartColors.bars,
        "liquidated",
      );
    case "rounds":
      return roundsChart(data, title, subtitle);
    case "liquidationMap":
      return liquidationMapChart(data, title, subtitle);
    case "heatmap":
      return data.heatmap[0].length === 0
        ? noteSvg(title, subtitle, "No position had a liquidation price inside the heatmap range.")
        : heatmapChart(data, title, subtitle);
    case "cumulative":
      return data.cumulative[0].length === 0
        ? noteSvg(title, subtitle, "No position had a liquidation price inside the heatmap range.")
        : cumulativeChart(data, title, subtitle);
    case "funds":
      return lineChart(data, data.funds, title, subtitle, "capital (USD)", [
        { label: "insurance fund", color: chartColors.fund },
        { label: "backstop capital", color: chartColors.backstop },
      ]);
    case "adl":
      return data.adlBreakdown.closes === 0
        ? noteSvg(title, subtitle, "No position was auto-deleveraged.")
        : barsChart(
            data,
            data.adl,
            title,
            subtitle,
            "ADL notional",
            chartColors.adl,
            "closed by ADL",
          );
    case "openInterest":
      return lineChart(data, data.openInterest, title, subtitle, "notional (USD)", [
        { label: "total", color: chartColors.total, dash: "6 4" },
        { label: "long (traders)", color: chartColors.long },
        { label: "short (traders)", color: chartColors.short },
      ]);
    case "depth":
      return lineChart(data, data.depth, title, subtitle, "quote value (USD)", [
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
  const left = 100;
  const rowHeight = 44;
  const top = 90;
  const labelWidth = 230;
  const barsLeft = left + labelWidth;
  const width = defaultPlotWidth - barsLeft - 140;
  const largest = Math.max(...bars.map((bar) => Math.abs(bar.value)), 1e-9);
  const low = Math.min(0, ...bars.map((bar) => bar.value));
  const scale = width / (largest - low);
  const zero = barsLeft - low * scale;
  const parts = [titleSvg(left, title, subtitle)];
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
      text(left, y + 21, bar.label, { size: 15 }),
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
  return documentSvg(defaultPlotWidth, top + bars.length * rowHeight + 40, parts.join("\n"), title);
}

/** A cycle chart: one quantity per chart, so no two units share a frame. */
function cyclePlot(
  time: TimeBase,
  aligned: AlignedData,
  title: string,
  subtitle: string,
  yAxis: PlotAxis,
  series: PlotSpec["series"],
  height = 380,
): string {
  const xs = xColumn(aligned);
  return plotSvg({
    title,
    subtitle,
    height,
    x: xs,
    xAxis: timeAxis(time, xs[0] ?? 0, xs[xs.length - 1] ?? 0),
    yAxis,
    series,
  });
}

/** The leverage-cycle charts, in report order. */
export function cycleSvgCharts(
  cycle: CycleChartData,
  time: TimeBase,
  subtitle: string,
): SvgChart[] {
  const ratio = (value: number) => `${formatCompact(value)}x`;
  const charts: SvgChart[] = [
    {
      fileName: "cycle-open-interest.png",
      svg: cyclePlot(
        time,
        cycle.leverage,
        "Open interest",
        subtitle,
        moneyAxis("open interest (USD)", [0]),
        [
          {
            kind: "line",
            label: "open interest",
            color: cycleColors.openInterest,
            values: column(cycle.leverage, 1),
          },
        ],
      ),
    },
    {
      fileName: "cycle-leverage.png",
      svg: cyclePlot(
        time,
        cycle.leverage,
        "Traders' aggregate leverage",
        subtitle,
        { title: "traders' notional / equity", format: ratio, include: [0] },
        [
          {
            kind: "line",
            label: "aggregate leverage",
            color: cycleColors.leverage,
            values: column(cycle.leverage, 2),
          },
        ],
      ),
    },
    {
      fileName: "cycle-selling.png",
      svg: cyclePlot(
        time,
        cycle.selling,
        "Forced and stop-loss selling",
        subtitle,
        moneyAxis(
          `sold (USD ${cycle.sellingBarSteps === 1 ? "per step" : `per ${timeLabel({ dt: time.dt, startTime: null }, cycle.sellingBarSteps)}`})`,
          [0],
        ),
        [
          {
            kind: "bars",
            label: "liquidations",
            color: cycleColors.liquidations,
            values: column(cycle.selling, 1),
            width: cycle.sellingBarSteps,
          },
          {
            kind: "line",
            label: "stop-losses",
            color: cycleColors.stopLosses,
            values: column(cycle.selling, 2),
            width: 1.6,
          },
        ],
      ),
    },
    {
      fileName: "cycle-depth.png",
      svg: cyclePlot(
        time,
        cycle.book,
        "Book depth within 1 %",
        subtitle,
        moneyAxis("bid + ask within 1 % (USD)", [0]),
        [
          {
            kind: "line",
            label: "depth within 1 %",
            color: cycleColors.depth,
            values: column(cycle.book, 1),
          },
        ],
      ),
    },
    {
      fileName: "cycle-book.png",
      svg: cyclePlot(
        time,
        cycle.book,
        "Order-book imbalance and the makers' depth share",
        subtitle,
        { title: "share (−1 to 1)", format: formatCompact, include: [0, 1] },
        [
          {
            kind: "line",
            label: "imbalance (bid − ask) / (bid + ask)",
            color: cycleColors.imbalance,
            values: column(cycle.book, 2),
            width: 1.2,
          },
          {
            kind: "step",
            label: "makers' depth share",
            color: cycleColors.makers,
            values: column(cycle.book, 3),
            dash: "6 4",
          },
        ],
      ),
    },
    {
      fileName: "cycle-policy.png",
      svg: cyclePlot(
        time,
        cycle.policy,
        "Venue policy: margin multiplier, haircut, halts",
        subtitle,
        { title: "multiplier; haircut and halt as shares", format: formatCompact, include: [0, 1] },
        [
          {
            kind: "step",
            label: "maintenance-margin multiplier",
            color: cycleColors.multiplier,
            values: column(cycle.policy, 1),
          },
          {
            kind: "step",
            label: "collateral haircut",
            color: cycleColors.haircut,
            values: column(cycle.policy, 2),
          },
          {
            kind: "step",
            label: "circuit breaker halt (1 = halted)",
            color: cycleColors.halt,
            values: column(cycle.policy, 3),
            dash: "4 3",
          },
        ],
      ),
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

/**
 * One SVG per report chart, the price chart again over the cascade window when there is one,
 * and the ADL grid; `subtitle` names the run on every image.
 */
export function reportSvgCharts(data: ReportChartData, subtitle: string): SvgChart[] {
  const charts = chartSections.map((section) => ({
    fileName: section.fileName,
    svg: chartSvg(data, section.kind, section.title, subtitle),
  }));
  if (data.cascadeWindow !== null) {
    charts.splice(1, 0, {
      fileName: "price-cascade.png",
      svg: priceChart(
        data,
        "Index and mark price: the cascade window",
        subtitle,
        data.cascadeWindow,
      ),
    });
  }
  charts.push({ fileName: adlGridSection.fileName, svg: adlGridSvg(data, subtitle) });
  if (data.cycle !== undefined) charts.push(...cycleSvgCharts(data.cycle, data.time, subtitle));
  return charts;
}
