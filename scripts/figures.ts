/**
 * Figures for the model pages (docs/models/*.md): runs the engine in-process and writes plain SVG
 * charts to docs/figures/. The SVG is built by hand (axes, ticks, labels, legend) so the script
 * needs nothing beyond the engine, and every number in a file is printed with fixed rounding, so
 * the same code and data give the same bytes.
 *
 *   node --import tsx scripts/figures.ts
 *
 * It also prints the figures' key numbers, which the pages quote.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eventTypes, type RunResult } from "../src/engine/result.ts";
import { runScenario, Simulation } from "../src/engine/sim.ts";
import { bankruptcyPrice, MarginTiers } from "../src/engine/venue/marginTiers.ts";
import { type LoadedScenario, loadScenario } from "../src/scenario/load.ts";
import { defaultTiers } from "../src/scenario/schema.ts";

const root = path.resolve(import.meta.dirname, "..");
const outDirectory = path.join(root, "docs", "figures");

// ---------------------------------------------------------------------------------------------
// Number formatting (no locale: toLocaleString depends on the ICU build)

function trimNumber(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

function grouped(value: number): string {
  const sign = value < 0 ? "-" : "";
  const digits = String(Math.round(Math.abs(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function money(value: number): string {
  const magnitude = Math.abs(value);
  const sign = value < 0 ? "-" : "";
  if (magnitude >= 1e9) return `${sign}$${trimNumber((magnitude / 1e9).toFixed(2))}B`;
  if (magnitude >= 1e6) return `${sign}$${trimNumber((magnitude / 1e6).toFixed(2))}M`;
  if (magnitude >= 1e3) return `${sign}$${trimNumber((magnitude / 1e3).toFixed(1))}K`;
  return `${sign}$${trimNumber(magnitude.toFixed(0))}`;
}

function percent(value: number, digits = 1): string {
  return `${trimNumber((value * 100).toFixed(digits))} %`;
}

/** Coordinates with two decimals: enough for a screen, and stable text. */
function coordinate(value: number): string {
  return trimNumber(value.toFixed(2));
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

// ---------------------------------------------------------------------------------------------
// Charts

interface Axis {
  label: string;
  min: number;
  max: number;
  log?: boolean;
  ticks: number[];
  format: (value: number) => string;
}

interface LineSeries {
  kind: "line";
  name: string;
  color: string;
  points: [number, number][];
  dash?: string;
  width?: number;
  right?: boolean;
}

interface BarSeries {
  kind: "bars";
  name: string;
  color: string;
  /** x range and y range of each bar (y0 < y1 or the reverse for bars below zero). */
  bars: { x0: number; x1: number; y0: number; y1: number }[];
  right?: boolean;
}

interface MarkerLine {
  kind: "vline";
  name: string;
  color: string;
  x: number;
  dash?: string;
}

type Series = LineSeries | BarSeries | MarkerLine;

interface Panel {
  title: string;
  x: Axis;
  y: Axis;
  yRight?: Axis;
  series: Series[];
}

const font = "Helvetica, Arial, sans-serif";
const approximateCharWidth = 6.2;

/** Ticks at round numbers (1, 2, 2.5, 5 × a power of ten) spanning [min, max]. */
function linearTicks(min: number, max: number, count = 5): number[] {
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  const step = (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10) * power;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let index = first; index <= last; index++)
    ticks.push(Number((index * step).toPrecision(12)));
  return ticks;
}

/** The axis range widened to round numbers, and its ticks. */
function niceAxis(
  label: string,
  min: number,
  max: number,
  format: (value: number) => string,
  count = 5,
): Axis {
  const ticks = linearTicks(min, max, count);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(max - min) || 1;
  const low = Math.floor(min / step + 1e-9) * step;
  const high = Math.ceil(max / step - 1e-9) * step;
  return {
    label,
    min: low,
    max: high === low ? low + step : high,
    ticks: linearTicks(low, high, count),
    format,
  };
}

function logAxis(
  label: string,
  min: number,
  max: number,
  format: (value: number) => string,
  steps = [1],
): Axis {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
    for (const multiple of steps) {
      const tick = Number((multiple * 10 ** power).toPrecision(12));
      if (tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9)) ticks.push(tick);
    }
  }
  return { label, min, max, log: true, ticks, format };
}

function project(axis: Axis, value: number, from: number, to: number): number {
  const fraction = axis.log
    ? (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min))
    : (value - axis.min) / (axis.max - axis.min);
  return from + fraction * (to - from);
}

let clipCounter = 0;

/** One panel in the box (left, top, width, height); returns its SVG elements. */
function renderPanel(
  panel: Panel,
  left: number,
  top: number,
  width: number,
  height: number,
): string[] {
  const out: string[] = [];
  const named = panel.series.filter((series) => series.name !== "");
  const plotLeft = left + 74;
  const plotRight = left + width - (panel.yRight ? 74 : 18);
  // Legend: a swatch and a name per series, in rows under the title, wrapped at the plot's width.
  const legend: { series: Series; x: number; row: number }[] = [];
  let legendX = plotLeft;
  let row = 0;
  for (const series of named) {
    const itemWidth = 22 + series.name.length * approximateCharWidth;
    if (legendX > plotLeft && legendX + itemWidth > plotRight) {
      row++;
      legendX = plotLeft;
    }
    legend.push({ series, x: legendX, row });
    legendX += itemWidth + 16;
  }
  const legendRows = named.length > 0 ? row + 1 : 0;
  const plotTop = top + 26 + 16 * legendRows;
  const plotBottom = top + height - 40;
  const px = (value: number): number => project(panel.x, value, plotLeft, plotRight);
  const py = (value: number, right = false): number =>
    project(right && panel.yRight ? panel.yRight : panel.y, value, plotBottom, plotTop);
  const clip = `clip${++clipCounter}`;

  out.push(
    `<text x="${coordinate(left + 10)}" y="${coordinate(top + 16)}" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  for (const item of legend) {
    const series = item.series;
    const x = item.x;
    const y = top + 34 + 16 * item.row;
    if (series.kind === "bars") {
      out.push(
        `<rect x="${coordinate(x)}" y="${coordinate(y - 8)}" width="14" height="9" fill="${series.color}"/>`,
      );
    } else {
      const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : "";
      out.push(
        `<line x1="${coordinate(x)}" y1="${coordinate(y - 4)}" x2="${coordinate(x + 18)}" y2="${coordinate(y - 4)}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      );
    }
    out.push(
      `<text x="${coordinate(x + 22)}" y="${coordinate(y)}">${escapeXml(series.name)}</text>`,
    );
  }

  // Grid and tick labels.
  for (const tick of panel.y.ticks) {
    const y = py(tick);
    out.push(
      `<line x1="${coordinate(plotLeft)}" y1="${coordinate(y)}" x2="${coordinate(plotRight)}" y2="${coordinate(y)}" stroke="#e4e4e4"/>`,
      `<text x="${coordinate(plotLeft - 6)}" y="${coordinate(y + 4)}" text-anchor="end">${escapeXml(panel.y.format(tick))}</text>`,
    );
  }
  if (panel.yRight) {
    for (const tick of panel.yRight.ticks) {
      const y = py(tick, true);
      out.push(
        `<text x="${coordinate(plotRight + 6)}" y="${coordinate(y + 4)}">${escapeXml(panel.yRight.format(tick))}</text>`,
      );
    }
  }
  for (const tick of panel.x.ticks) {
    const x = px(tick);
    out.push(
      `<line x1="${coordinate(x)}" y1="${coordinate(plotBottom)}" x2="${coordinate(x)}" y2="${coordinate(plotBottom + 4)}" stroke="#333"/>`,
      `<text x="${coordinate(x)}" y="${coordinate(plotBottom + 16)}" text-anchor="middle">${escapeXml(panel.x.format(tick))}</text>`,
    );
  }

  // Data, clipped to the plot area.
  out.push(
    `<clipPath id="${clip}"><rect x="${coordinate(plotLeft)}" y="${coordinate(plotTop)}" width="${coordinate(plotRight - plotLeft)}" height="${coordinate(plotBottom - plotTop)}"/></clipPath>`,
    `<g clip-path="url(#${clip})">`,
  );
  for (const series of panel.series) {
    if (series.kind === "bars") {
      for (const bar of series.bars) {
        const x0 = px(bar.x0);
        // At least 2 px wide, so a single step stays visible on a long run.
        const barWidth = Math.max(2, px(bar.x1) - x0);
        const ya = py(bar.y0, series.right);
        const yb = py(bar.y1, series.right);
        out.push(
          `<rect x="${coordinate(x0)}" y="${coordinate(Math.min(ya, yb))}" width="${coordinate(barWidth)}" height="${coordinate(Math.abs(ya - yb))}" fill="${series.color}"/>`,
        );
      }
    } else if (series.kind === "line") {
      const points = series.points
        .map(([x, y]) => `${coordinate(px(x))},${coordinate(py(y, series.right))}`)
        .join(" ");
      const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : "";
      out.push(
        `<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="${series.width ?? 1.6}" stroke-linejoin="round"${dash}/>`,
      );
    } else {
      const x = px(series.x);
      const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : "";
      out.push(
        `<line x1="${coordinate(x)}" y1="${coordinate(plotTop)}" x2="${coordinate(x)}" y2="${coordinate(plotBottom)}" stroke="${series.color}" stroke-width="1.2"${dash}/>`,
      );
    }
  }
  out.push("</g>");

  // Frame and axis titles.
  out.push(
    `<line x1="${coordinate(plotLeft)}" y1="${coordinate(plotBottom)}" x2="${coordinate(plotRight)}" y2="${coordinate(plotBottom)}" stroke="#333"/>`,
    `<line x1="${coordinate(plotLeft)}" y1="${coordinate(plotTop)}" x2="${coordinate(plotLeft)}" y2="${coordinate(plotBottom)}" stroke="#333"/>`,
    `<text x="${coordinate((plotLeft + plotRight) / 2)}" y="${coordinate(plotBottom + 32)}" text-anchor="middle">${escapeXml(panel.x.label)}</text>`,
  );
  const yLabelX = left + 14;
  const yLabelY = (plotTop + plotBottom) / 2;
  out.push(
    `<text transform="translate(${coordinate(yLabelX)} ${coordinate(yLabelY)}) rotate(-90)" text-anchor="middle">${escapeXml(panel.y.label)}</text>`,
  );
  if (panel.yRight) {
    out.push(
      `<line x1="${coordinate(plotRight)}" y1="${coordinate(plotTop)}" x2="${coordinate(plotRight)}" y2="${coordinate(plotBottom)}" stroke="#333"/>`,
      `<text transform="translate(${coordinate(left + width - 10)} ${coordinate(yLabelY)}) rotate(90)" text-anchor="middle">${escapeXml(panel.yRight.label)}</text>`,
    );
  }
  return out;
}

interface Placed {
  panel: Panel;
  left: number;
  top: number;
  width: number;
  height: number;
}

function svgDocument(width: number, height: number, placed: Placed[]): string {
  clipCounter = 0;
  const body = placed.flatMap((item) =>
    renderPanel(item.panel, item.left, item.top, item.width, item.height),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}" font-size="11" fill="#222">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

/** Panels stacked top to bottom, full width. */
function stacked(width: number, panels: { panel: Panel; height: number }[]): string {
  let top = 0;
  const placed = panels.map(({ panel, height }) => {
    const item = { panel, left: 0, top, width, height };
    top += height;
    return item;
  });
  return svgDocument(width, top, placed);
}

/** Panels in a grid, row by row. */
function grid(columns: number, cellWidth: number, cellHeight: number, panels: Panel[]): string {
  const rows = Math.ceil(panels.length / columns);
  const placed = panels.map((panel, index) => ({
    panel,
    left: (index % columns) * cellWidth,
    top: Math.floor(index / columns) * cellHeight,
    width: cellWidth,
    height: cellHeight,
  }));
  return svgDocument(columns * cellWidth, rows * cellHeight, placed);
}

const color = {
  index: "#888888",
  mark: "#1f77b4",
  book: "#1f77b4",
  adl: "#ff7f0e",
  fund: "#2ca02c",
  long: "#1f77b4",
  short: "#d62728",
  third: "#9467bd",
};

function write(name: string, svg: string): void {
  writeFileSync(path.join(outDirectory, name), svg);
  console.log(`wrote docs/figures/${name}`);
}

// ---------------------------------------------------------------------------------------------
// Runs

async function load(source: string, overrides: string[] = []): Promise<LoadedScenario> {
  return loadScenario(source, { overrides, cwd: root });
}

function run(loaded: LoadedScenario, seed = loaded.scenario.seed): RunResult {
  return runScenario(loaded.engine, { seed });
}

function series(result: RunResult, column: keyof RunResult["timeseries"]): [number, number][] {
  const values = result.timeseries[column];
  return Array.from(values, (value, step) => [step, value] as [number, number]);
}

/** Liquidated notional = book fills + backstop takeovers + ADL closes; checks the event log adds up. */
const liquidatedTypes = new Set(["liquidation", "partial_liquidation", "backstop_takeover", "adl"]);

function checkEventTotals(result: RunResult, label: string): void {
  const events = result.events;
  let total = 0;
  for (let index = 0; index < events.length; index++) {
    if (liquidatedTypes.has(eventTypes[events.type[index]])) total += events.notional[index];
  }
  const expected = result.summary.liquidatedNotional;
  if (Math.abs(total - expected) > 1e-6 * Math.max(1, expected)) {
    throw new Error(`${label}: events add up to ${total}, summary says ${expected}`);
  }
}

function priceAxis(label: string, values: number[]): Axis {
  return niceAxis(label, Math.min(...values), Math.max(...values), grouped);
}

function stepAxis(steps: number, label = "step (1 s each)"): Axis {
  return niceAxis(label, 0, steps, (value) => grouped(value), 6);
}

// ---------------------------------------------------------------------------------------------
// Figures

function marginFigures(): void {
  const tiers = new MarginTiers(defaultTiers);
  // Maintenance margin / notional, the bracket rate, and the initial margin 1 / max leverage.
  const effective: [number, number][] = [];
  for (let index = 0; index <= 480; index++) {
    const notional = 10 ** (3 + (6 * index) / 480);
    effective.push([notional, tiers.maintenanceMargin(notional) / notional]);
  }
  const rateSteps: [number, number][] = [];
  const initialSteps: [number, number][] = [];
  let lower = 1e3;
  for (let tier = 0; tier < tiers.count; tier++) {
    const upper = Math.min(tiers.upperNotional[tier], 1e9);
    rateSteps.push([lower, tiers.rate[tier]], [upper, tiers.rate[tier]]);
    initialSteps.push([lower, 1 / tiers.maxLeverage[tier]], [upper, 1 / tiers.maxLeverage[tier]]);
    lower = upper;
  }
  const notionalFormat = (value: number): string => money(value).replace(".0K", "K");
  write(
    "margin-brackets.svg",
    stacked(720, [
      {
        height: 360,
        panel: {
          title: "Default brackets (Binance BTCUSDT): margin rates by position notional",
          x: logAxis("position notional (USD, log scale)", 1e3, 1e9, notionalFormat),
          y: logAxis("rate (log scale)", 0.001, 1, (value) => percent(value, 1), [1, 2, 5]),
          series: [
            {
              kind: "line",
              name: "initial margin 1 / max leverage",
              color: color.third,
              points: initialSteps,
              dash: "5 3",
            },
            {
              kind: "line",
              name: "bracket rate MMR",
              color: color.index,
              points: rateSteps,
              dash: "2 2",
            },
            {
              kind: "line",
              name: "maintenance margin / notional",
              color: color.mark,
              points: effective,
              width: 2,
            },
          ],
        },
      },
    ]),
  );

  // Distances from entry to the liquidation and bankruptcy prices by leverage, 0.1 BTC at 100,000
  // (10,000 notional: bracket 1 whatever the leverage).
  const entry = 100_000;
  const size = 0.1;
  const lines = { longLp: [], shortLp: [], bankrupt: [], buffer: [] } as Record<
    string,
    [number, number][]
  >;
  for (let index = 0; index <= 400; index++) {
    const leverage = 125 ** (index / 400);
    const wallet = (size * entry) / leverage;
    const longLp = tiers.liquidationPrice(1, size, entry, wallet);
    const longBankrupt = bankruptcyPrice(1, size, entry, wallet);
    lines.longLp.push([leverage, 1 - longLp / entry]);
    lines.shortLp.push([leverage, tiers.liquidationPrice(-1, size, entry, wallet) / entry - 1]);
    lines.bankrupt.push([leverage, 1 - longBankrupt / entry]);
    if (longLp > 0) lines.buffer.push([leverage, (longLp - longBankrupt) / entry]);
  }
  write(
    "liquidation-distance.svg",
    stacked(720, [
      {
        height: 380,
        panel: {
          title: "Room before liquidation by leverage: 0.1 BTC at 100,000 (bracket 1, MMR 0.4 %)",
          x: logAxis(
            "initial leverage = notional / wallet (log scale)",
            1,
            125,
            (value) => `${value}x`,
            [1, 2, 5],
          ),
          y: logAxis(
            "% of entry price (log scale)",
            0.001,
            1,
            (value) => percent(value, 1),
            [1, 2, 5],
          ),
          series: [
            {
              kind: "line",
              name: "entry → bankruptcy (1 / leverage)",
              color: color.index,
              points: lines.bankrupt,
              dash: "5 3",
            },
            {
              kind: "line",
              name: "long: entry → liquidation price",
              color: color.long,
              points: lines.longLp,
              width: 2,
            },
            {
              kind: "line",
              name: "short: entry → liquidation price",
              color: color.short,
              points: lines.shortLp,
              width: 1.4,
              dash: "2 2",
            },
            {
              kind: "line",
              name: "long: liquidation → bankruptcy (the maintenance buffer)",
              color: color.fund,
              points: lines.buffer,
              width: 2,
            },
          ],
        },
      },
    ]),
  );
  const at20 = tiers.liquidationPrice(1, 1, 100_000, 5_000);
  console.log(`margin: long 1 BTC at 100,000 with 5,000 → LP ${at20}`);
  console.log(
    `margin: 125x long 0.1 BTC → LP ${tiers.liquidationPrice(1, 0.1, 100_000, 80)}, short ${tiers.liquidationPrice(-1, 0.1, 100_000, 80)}`,
  );
}

async function cascadeFigures(): Promise<void> {
  const loaded = await load("example");
  const result = run(loaded);
  checkEventTotals(result, "example");
  const steps = loaded.engine.steps;
  const t = result.timeseries;
  const liquidated: BarSeries = {
    kind: "bars",
    name: "through the book",
    color: color.book,
    bars: [],
  };
  const adl: BarSeries = { kind: "bars", name: "ADL", color: color.adl, bars: [] };
  let peak = 0;
  for (let step = 1; step <= steps; step++) {
    const total = t.liquidatedNotional[step];
    if (total <= 0) continue;
    const book = total - t.adlNotional[step];
    liquidated.bars.push({ x0: step - 0.5, x1: step + 0.5, y0: 0, y1: book });
    adl.bars.push({ x0: step - 0.5, x1: step + 0.5, y0: book, y1: total });
    peak = Math.max(peak, total);
    console.log(
      `example: step ${step}: ${money(total)} liquidated (ADL ${money(t.adlNotional[step])}), ${t.liquidationCount[step]} positions, ${t.cascadeRounds[step]} rounds, mark ${grouped(t.markPrice[step])}, best bid ${grouped(t.bestBid[step])}`,
    );
  }
  const prices = [...t.indexPrice, ...t.markPrice];
  write(
    "cascade-example.svg",
    stacked(720, [
      {
        height: 300,
        panel: {
          title: "Example scenario: index and mark price",
          x: stepAxis(steps),
          y: priceAxis("price (USD)", prices),
          series: [
            {
              kind: "line",
              name: "index (the shock alone)",
              color: color.index,
              points: series(result, "indexPrice"),
              dash: "5 3",
            },
            {
              kind: "line",
              name: "mark (book mid)",
              color: color.mark,
              points: series(result, "markPrice"),
              width: 2,
            },
          ],
        },
      },
      {
        height: 240,
        panel: {
          title: "Liquidated notional per step",
          x: stepAxis(steps),
          y: niceAxis("notional (USD)", 0, peak, money),
          series: [liquidated, adl],
        },
      },
    ]),
  );

  // Inside the first cascade step: notional and the lowest fill per round.
  const events = result.events;
  let firstStep = 0;
  for (let step = 1; step <= steps && firstStep === 0; step++)
    if (t.liquidatedNotional[step] > 0) firstStep = step;
  const rounds = t.cascadeRounds[firstStep];
  const bookByRound = new Float64Array(rounds + 1);
  const adlByRound = new Float64Array(rounds + 1);
  const lowestFill = new Float64Array(rounds + 1).fill(Number.POSITIVE_INFINITY);
  for (let index = 0; index < events.length; index++) {
    if (events.step[index] !== firstStep) continue;
    const type = eventTypes[events.type[index]];
    const round = events.round[index];
    if (type === "liquidation" || type === "partial_liquidation" || type === "backstop_takeover") {
      bookByRound[round] += events.notional[index];
      lowestFill[round] = Math.min(lowestFill[round], events.price[index]);
    } else if (type === "adl") {
      adlByRound[round] += events.notional[index];
    }
  }
  const roundBook: BarSeries = {
    kind: "bars",
    name: "through the book",
    color: color.book,
    bars: [],
  };
  const roundAdl: BarSeries = { kind: "bars", name: "ADL", color: color.adl, bars: [] };
  const fills: [number, number][] = [];
  let roundPeak = 0;
  for (let round = 1; round <= rounds; round++) {
    roundBook.bars.push({ x0: round - 0.4, x1: round + 0.4, y0: 0, y1: bookByRound[round] });
    roundAdl.bars.push({
      x0: round - 0.4,
      x1: round + 0.4,
      y0: bookByRound[round],
      y1: bookByRound[round] + adlByRound[round],
    });
    roundPeak = Math.max(roundPeak, bookByRound[round] + adlByRound[round]);
    if (Number.isFinite(lowestFill[round])) fills.push([round, lowestFill[round]]);
  }
  const roundAxis = niceAxis(`cascade round within step ${firstStep}`, 0, rounds + 1, grouped, 10);
  const anyAdl = adlByRound.some((value) => value > 0);
  write(
    "cascade-rounds.svg",
    stacked(720, [
      {
        height: 240,
        panel: {
          title: `Example scenario, step ${firstStep}: liquidated notional per cascade round`,
          x: roundAxis,
          y: niceAxis("notional (USD)", 0, roundPeak, money),
          series: anyAdl ? [roundBook, roundAdl] : [roundBook],
        },
      },
      {
        height: 240,
        panel: {
          title: "Lowest average fill price of the round's liquidation orders",
          x: roundAxis,
          y: priceAxis("price (USD)", [
            ...fills.map(([, price]) => price),
            t.indexPrice[firstStep],
          ]),
          series: [
            {
              kind: "line",
              name: `index at step ${firstStep}`,
              color: color.index,
              points: [
                [roundAxis.min, t.indexPrice[firstStep]],
                [roundAxis.max, t.indexPrice[firstStep]],
              ],
              dash: "5 3",
            },
            { kind: "line", name: "lowest fill", color: color.mark, points: fills, width: 2 },
          ],
        },
      },
    ]),
  );
  console.log(
    `example: step ${firstStep}: ${rounds} rounds; round 1 ${money(bookByRound[1])}, lowest fill in round 1 ${grouped(fills[0][1])}, in the last round ${grouped(fills[fills.length - 1][1])}`,
  );

  // Pre-shock liquidation heatmap: longs above the axis, shorts below.
  const buckets = result.heatmap;
  let first = buckets.findIndex((bucket) => bucket.longNotional + bucket.shortNotional > 0);
  let last = buckets.length - 1;
  while (last > first && buckets[last].longNotional + buckets[last].shortNotional === 0) last--;
  first = Math.max(0, first);
  const longs: BarSeries = {
    kind: "bars",
    name: "longs (liquidated if the price falls here)",
    color: color.long,
    bars: [],
  };
  const shorts: BarSeries = {
    kind: "bars",
    name: "shorts (if it rises here)",
    color: color.short,
    bars: [],
  };
  let highest = 0;
  let lowest = 0;
  for (let index = first; index <= last; index++) {
    const bucket = buckets[index];
    longs.bars.push({ x0: bucket.priceLow, x1: bucket.priceHigh, y0: 0, y1: bucket.longNotional });
    shorts.bars.push({
      x0: bucket.priceLow,
      x1: bucket.priceHigh,
      y0: 0,
      y1: -bucket.shortNotional,
    });
    highest = Math.max(highest, bucket.longNotional);
    lowest = Math.min(lowest, -bucket.shortNotional);
  }
  const start = result.summary.startPrice;
  write(
    "population-heatmap.svg",
    stacked(720, [
      {
        height: 360,
        panel: {
          title: "Example population: notional by liquidation price before the shock",
          x: priceAxis(
            `liquidation price (USD), buckets of ${grouped(buckets[0].priceHigh - buckets[0].priceLow)}`,
            [buckets[first].priceLow, buckets[last].priceHigh],
          ),
          y: niceAxis("notional at the liquidation price (USD)", lowest, highest, (value) =>
            money(Math.abs(value)),
          ),
          series: [
            longs,
            shorts,
            {
              kind: "vline",
              name: `start price ${grouped(start)}`,
              color: "#222",
              x: start,
              dash: "4 3",
            },
          ],
        },
      },
    ]),
  );
  let inRange = 0;
  for (const bucket of buckets) inRange += bucket.longNotional + bucket.shortNotional;
  const peakBucket = buckets.reduce((best, bucket) =>
    bucket.longNotional > best.longNotional ? bucket : best,
  );
  console.log(
    `example heatmap: ${money(inRange)} within ±30 %; largest long bucket ${grouped(peakBucket.priceLow)}-${grouped(peakBucket.priceHigh)}: ${money(peakBucket.longNotional)} (${peakBucket.longCount} positions)`,
  );
}

async function waterfallFigure(): Promise<void> {
  // The example with a smaller fund, a deeper (3,000-level) book and a slower, deeper slide, so
  // the fund runs dry part-way and ADL takes over.
  const overrides = [
    "exchange.insuranceFund=5e5",
    "market.orderBook.shape.levels=3000",
    "shock={kind: linear, drop: 0.2, from: 10, to: 250}",
  ];
  const loaded = await load("example", overrides);
  const result = run(loaded);
  checkEventTotals(result, "waterfall");
  const t = result.timeseries;
  const steps = loaded.engine.steps;
  const adl: BarSeries = { kind: "bars", name: "ADL notional", color: color.adl, bars: [] };
  const badDebt: BarSeries = { kind: "bars", name: "bad debt", color: color.short, bars: [] };
  let peak = 0;
  let firstAdl = -1;
  let firstEmpty = -1;
  for (let step = 1; step <= steps; step++) {
    if (t.adlNotional[step] > 0) {
      adl.bars.push({ x0: step - 0.5, x1: step + 0.5, y0: 0, y1: t.adlNotional[step] });
      if (firstAdl < 0) firstAdl = step;
    }
    if (t.badDebt[step] > 0)
      badDebt.bars.push({ x0: step - 0.5, x1: step + 0.5, y0: 0, y1: t.badDebt[step] });
    peak = Math.max(peak, t.adlNotional[step], t.badDebt[step]);
    if (firstEmpty < 0 && t.insuranceFund[step] < 1_000) firstEmpty = step;
  }
  write(
    "waterfall-fund-adl.svg",
    stacked(720, [
      {
        height: 240,
        panel: {
          title: "Index and mark price",
          x: stepAxis(steps),
          y: priceAxis("price (USD)", [...t.indexPrice, ...t.markPrice]),
          series: [
            {
              kind: "line",
              name: "index",
              color: color.index,
              points: series(result, "indexPrice"),
              dash: "5 3",
            },
            {
              kind: "line",
              name: "mark",
              color: color.mark,
              points: series(result, "markPrice"),
              width: 2,
            },
          ],
        },
      },
      {
        height: 220,
        panel: {
          title: "Insurance fund",
          x: stepAxis(steps),
          y: niceAxis("balance (USD)", 0, Math.max(...t.insuranceFund), money),
          series: [
            {
              kind: "line",
              name: "",
              color: color.fund,
              points: series(result, "insuranceFund"),
              width: 2,
            },
          ],
        },
      },
      {
        height: 240,
        panel: {
          title: "Bad debt and ADL per step",
          x: stepAxis(steps),
          y: niceAxis("USD", 0, peak, money),
          series: [adl, badDebt],
        },
      },
    ]),
  );
  const s = result.summary;
  console.log(
    `waterfall (example + ${overrides.join(" + ")}): fund below $1K from step ${firstEmpty}, first ADL at step ${firstAdl}; bad debt ${money(s.badDebt)}, fund ${money(s.insuranceFundStart)} → ${money(s.insuranceFundEnd)}, fees ${money(s.liquidationFees)}, ADL ${money(s.adlNotional)} in ${s.adlCount} closes, socialised ${money(s.socializedLoss)}, drift ${s.ledger.drift}`,
  );
}

async function shockFigure(): Promise<void> {
  // Only the index path matters here, so a small population keeps the runs quick.
  const base = ["steps=150", "dt=60", "positions.population.count=200"];
  const kinds: { title: string; shock?: string; source?: string; seeds: number[] }[] = [
    {
      title: "instant: drop 10 % at step 30",
      shock: "{kind: instant, drop: 0.1, at: 30}",
      seeds: [42],
    },
    {
      title: "linear: 10 % from step 30 to 90",
      shock: "{kind: linear, drop: 0.1, from: 30, to: 90}",
      seeds: [42],
    },
    {
      title: "steps: 3 %, 7 %, 12 %, then 8 %",
      shock:
        "{kind: steps, points: [{at: 20, drop: 0.03}, {at: 50, drop: 0.07}, {at: 80, drop: 0.12}, {at: 110, drop: 0.08}]}",
      seeds: [42],
    },
    {
      title: "path: 10 Oct 2025, 20:00-22:29 UTC closes",
      source: "oct-10-2025",
      seeds: [20251010],
    },
    {
      title: "gbm: sigmaDaily 0.04 (3 seeds)",
      shock: "{kind: gbm, sigmaDaily: 0.04}",
      seeds: [1, 2, 3],
    },
    {
      title: "jump: 24/day, mean -2 %, sd 1 % (3 seeds)",
      shock: "{kind: jump, sigmaDaily: 0.03, jumpsPerDay: 24, jumpMean: -0.02, jumpSigma: 0.01}",
      seeds: [1, 2, 3],
    },
  ];
  const seedColors = [color.mark, color.adl, color.third];
  const panels: Panel[] = [];
  for (const kind of kinds) {
    const loaded =
      kind.source !== undefined
        ? await load(kind.source, ["positions.population.count=200"])
        : await load("example", [...base, `shock=${kind.shock}`]);
    const lines: LineSeries[] = kind.seeds.map((seed, index) => {
      const result = run(loaded, seed);
      const index0 = result.timeseries.indexPrice[0];
      return {
        kind: "line",
        name: "",
        color: seedColors[index],
        points: Array.from(
          result.timeseries.indexPrice,
          (price, step) => [step, price / index0] as [number, number],
        ),
        width: 1.6,
      };
    });
    const values = lines.flatMap((line) => line.points.map(([, value]) => value));
    if (kind.source !== undefined) {
      console.log(
        `shock path: ${loaded.engine.steps} steps of ${loaded.engine.dt} s, lowest index ${percent(Math.min(...values), 2)} of start`,
      );
    }
    panels.push({
      title: kind.title,
      x: niceAxis("step (60 s each)", 0, loaded.engine.steps, grouped, 5),
      y: niceAxis(
        "index, % of start",
        Math.min(0.85, ...values),
        Math.max(1.02, ...values),
        (value) => percent(value, 0),
        6,
      ),
      series: lines,
    });
  }
  write("shocks.svg", grid(2, 380, 230, panels));
}

/** Facts about the example's generated population that population.md quotes (no figure). */
async function populationStats(): Promise<void> {
  const loaded = await load("example");
  const store = new Simulation(loaded.engine, { seed: loaded.scenario.seed }).store;
  const start = loaded.engine.asset.price;
  const byLeverage = new Map<number, number>();
  let longs = 0;
  let longNotional = 0;
  let shortNotional = 0;
  let nearLongs = 0;
  let nearNotional = 0;
  let capped = 0;
  // The heatmap's spike at 77,000-77,500 (population.md explains it).
  let spike = { notional: 0, leverage: 0 };
  for (let id = 0; id < store.count; id++) {
    const notional = store.size[id] * store.entryPrice[id];
    if (id === store.counterpartyId) {
      console.log(
        `population: counterparty ${store.side[id] > 0 ? "long" : "short"} ${store.size[id].toFixed(2)} BTC (${money(notional)}), liquidation price ${grouped(store.liquidationPrice[id])}`,
      );
      continue;
    }
    const leverage = Math.round(notional / store.collateral[id]);
    byLeverage.set(leverage, (byLeverage.get(leverage) ?? 0) + 1);
    if (notional >= 0.999 * 250_000 && leverage === 100) capped++;
    const liquidationPrice = store.liquidationPrice[id];
    if (liquidationPrice >= 77_000 && liquidationPrice < 77_500 && notional > spike.notional) {
      spike = { notional, leverage };
    }
    if (store.side[id] > 0) {
      longs++;
      longNotional += notional;
      if (store.liquidationPrice[id] >= 0.99 * start) {
        nearLongs++;
        nearNotional += store.size[id] * store.liquidationPrice[id];
      }
    } else {
      shortNotional += notional;
    }
  }
  const mix = [...byLeverage.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([lev, n]) => `${lev}x ${n}`);
  console.log(
    `population: ${store.count - 1} generated, ${longs} long; entry notional long ${money(longNotional)}, short ${money(shortNotional)}; leverage ${mix.join(", ")}; 100x at the 250K cap ${capped}`,
  );
  console.log(
    `population: largest position liquidated at 77,000-77,500: ${spike.leverage}x, ${money(spike.notional)}`,
  );
  console.log(
    `population: ${nearLongs} longs (${money(nearNotional)}) have a liquidation price within 1 % below ${grouped(start)}`,
  );
}

mkdirSync(outDirectory, { recursive: true });
marginFigures();
await cascadeFigures();
await waterfallFigure();
await shockFigure();
await populationStats();
