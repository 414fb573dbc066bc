/**
 * report.html of a `model: lending` run: inline SVG only (no script), so it opens offline and
 * identical runs give identical bytes. The same chart style as every other page (plot.ts): time
 * in UTC for replays of timestamped data and since the start otherwise, $ on money axes. From
 * top to bottom, one function per section: the summary, where its numbers come from, the
 * auction and keeper story of a Maker venue, prices (whole run and cascade window), the
 * liquidation map, pools, each venue's liquidations, bad debt, TVL and health factors, the
 * crossing between venues, gas, the first events, and summary.json folded away.
 */
import { healthFactorEdges } from "../engine/lending/contracts.ts";
import type { LendingEngineScenario, LendingRun } from "../engine/lending/run.ts";
import { lendingEventTypes } from "../engine/lending/world.ts";
import { eventTypes } from "../engine/result.ts";
import { chartColors } from "./chartStyle.ts";
import { downsampleAligned } from "./downsample.ts";
import {
  formatCompact,
  formatCount,
  formatMoney,
  formatMoneyTick,
  formatPercent,
  formatPercentTick,
  formatReadable,
} from "./format.ts";
import { keeperStory } from "./keeperStory.ts";
import type { LendingSummary } from "./lending.ts";
import { lendingSummaryText, lendingTimeBase } from "./lending.ts";
import { type LiquidationPoints, liquidationMap } from "./liquidationMap.ts";
import { basePageCss, detailsCss, escapeHtml, htmlPage } from "./markup.ts";
import {
  coordinate,
  figureCss,
  figureSectionsHtml,
  type LineSeries,
  type PlotFrame,
  palette,
  plotSvg,
} from "./plot.ts";
import { lendingReconciliation, reconciliationCss, reconciliationTableHtml } from "./reconcile.ts";
import { timeAxis } from "./svg.ts";
import { type TimeBase, timeLabel } from "./timeAxis.ts";
import { barSteps, bucketSums, cascadeShare, cascadeWindow } from "./timeBuckets.ts";

/** A chart is drawn from at most this many points; min/max downsampling keeps every spike. */
const chartPoints = 2000;

interface Section {
  title: string;
  note: string;
  chart: string;
}

function column(run: LendingRun, name: string): Float64Array | undefined {
  const index = run.world.columns.indexOf(name);
  return index < 0 ? undefined : run.world.series[index];
}

interface Line {
  values: Float64Array;
  name: string;
  color?: string;
  dash?: string;
}

/** Lines over the run's steps (or the window given), min/max downsampled. */
function lineChart(
  time: TimeBase,
  steps: number,
  lines: readonly Line[],
  yTitle: string,
  format: (value: number) => string = formatMoneyTick,
  range: [number, number] = [0, steps],
  include: number[] = [],
): string {
  const first = range[0];
  const last = range[1];
  const x = Float64Array.from({ length: last - first + 1 }, (_, index) => first + index);
  const sampled = downsampleAligned(
    x,
    lines.map((line) => line.values.subarray(first, last + 1)),
    chartPoints,
  );
  return plotSvg({
    x: Array.from(sampled.x),
    xAxis: timeAxis(time, first, last),
    yAxis: { title: yTitle, format, include },
    series: lines.map(
      (line, index): LineSeries => ({
        kind: "line",
        label: line.name,
        color: line.color ?? palette[index % palette.length],
        values: Array.from(sampled.series[index], (value) =>
          Number.isFinite(value) ? value : null,
        ),
        dash: line.dash,
      }),
    ),
  });
}

/** A per-step flow as bars summed into round time buckets. */
function barsChart(
  time: TimeBase,
  values: Float64Array,
  label: string,
  yTitle: string,
  color: string,
): string {
  const steps = values.length - 1;
  const width = barSteps(time, steps);
  const { x, sums } = bucketSums(values, width);
  const per =
    width === 1 ? "per step" : `per ${timeLabel({ dt: time.dt, startTime: null }, width)}`;
  return plotSvg({
    x,
    xAxis: timeAxis(time, 0, steps),
    yAxis: { title: `${yTitle} ${per}`, format: formatMoneyTick, include: [0] },
    series: [{ kind: "bars", label, color, values: sums, width }],
  });
}

/** Accounts per health-factor bucket at the start and the end, side by side. */
function healthChart(start: readonly number[], end: readonly number[]): string {
  const labels = start.map((_, index) => {
    const low = healthFactorEdges[index];
    const high = healthFactorEdges[index + 1];
    return Number.isFinite(high) ? `${low}–${high}` : `≥ ${low}`;
  });
  const bars = (frame: PlotFrame, values: readonly number[], offset: number, color: string) =>
    values
      .map((value, index) => {
        if (!(value > 0)) return "";
        const left = frame.x(index + offset);
        const right = frame.x(index + offset + 0.4);
        const top = frame.y(value);
        return `<rect x="${coordinate(left)}" y="${coordinate(top)}" width="${coordinate(right - left)}" height="${coordinate(frame.y(0) - top)}" fill="${color}" fill-opacity="0.85"/>`;
      })
      .join("");
  return plotSvg({
    x: [0, labels.length],
    xAxis: {
      title: "health factor (below 1 is liquidatable)",
      format: (value) => labels[Math.floor(value)] ?? "",
      ticks: () => labels.map((_, index) => index + 0.5),
    },
    yAxis: { title: "accounts with debt", format: formatCompact, include: [0, ...start, ...end] },
    series: [],
    overlay: (frame) => bars(frame, start, 0.1, palette[0]) + bars(frame, end, 0.5, palette[1]),
    legend: [
      { label: "start", color: palette[0], shape: "box" },
      { label: "end", color: palette[1], shape: "box" },
    ],
  });
}

/** The asset whose external price moved most: the one the map and the windows are about. */
function leadSymbol(summary: LendingSummary): string {
  return summary.assets.reduce((lead, asset) =>
    Math.abs(asset.move) > Math.abs(lead.move) ? asset : lead,
  ).symbol;
}

/** Liquidated USD per step over every venue: where the cascade window is. */
function liquidatedPerStep(summary: LendingSummary, run: LendingRun): Float64Array {
  const total = new Float64Array(run.world.steps + 1);
  for (const venue of summary.venues) {
    const values = column(run, `${venue.name}.liquidatedUsd`);
    if (values !== undefined)
      for (let step = 0; step < total.length; step++) total[step] += values[step];
  }
  return total;
}

/**
 * Every liquidation of the lead asset, lending and perp alike, at the price it happened at:
 * seized collateral at the oracle price (valueUsd / quantity), perp fills at their fill price.
 */
function liquidationPoints(
  run: LendingRun,
  symbols: readonly string[],
  lead: string,
): LiquidationPoints {
  const events = run.world.events;
  const asset = symbols.indexOf(lead);
  const liquidation = lendingEventTypes.indexOf("liquidation");
  const rows: { step: number[]; price: number[]; notional: number[] } = {
    step: [],
    price: [],
    notional: [],
  };
  for (let index = 0; index < events.length; index++) {
    if (events.type[index] !== liquidation || events.asset[index] !== asset) continue;
    if (!(events.quantity[index] > 0)) continue;
    rows.step.push(events.step[index]);
    rows.price.push(events.valueUsd[index] / events.quantity[index]);
    rows.notional.push(events.valueUsd[index]);
  }
  const fill = eventTypes.indexOf("liquidation");
  const partial = eventTypes.indexOf("partial_liquidation");
  for (const perp of run.perpEvents) {
    if (perp === undefined || perp.asset !== asset) continue;
    const log = perp.events;
    for (let index = 0; index < log.length; index++) {
      if (log.type[index] !== fill && log.type[index] !== partial) continue;
      rows.step.push(log.step[index]);
      rows.price.push(log.price[index]);
      rows.notional.push(log.notional[index]);
    }
  }
  return {
    length: rows.step.length,
    step: (index) => rows.step[index],
    price: (index) => rows.price[index],
    notional: (index) => rows.notional[index],
  };
}

function mapSection(
  summary: LendingSummary,
  run: LendingRun,
  symbols: readonly string[],
  time: TimeBase,
  window: [number, number] | null,
): Section[] {
  const lead = leadSymbol(summary);
  const range = window ?? [0, run.world.steps];
  const map = liquidationMap(liquidationPoints(run, symbols, lead), time, range);
  const sections: Section[] = [];
  const market = column(run, `${lead}.market`);
  if (map.largest > 0 && market !== undefined) {
    const prices = map.priceEdges;
    const steps = map.stepEdges;
    const xs = Array.from({ length: range[1] - range[0] + 1 }, (_, index) => range[0] + index);
    const cells = (frame: PlotFrame): string => {
      const parts: string[] = [];
      for (let row = 0; row < map.notional.length; row++) {
        for (let cell = 0; cell < map.notional[row].length; cell++) {
          const value = map.notional[row][cell];
          if (!(value > 0)) continue;
          const opacity = Math.min(0.9, 0.08 + 0.82 * Math.sqrt(value / map.largest));
          const left = frame.x(steps[cell]);
          const top = frame.y(prices[row + 1]);
          parts.push(
            `<rect x="${coordinate(left)}" y="${coordinate(top)}" width="${coordinate(Math.max(1, frame.x(steps[cell + 1]) - left))}" height="${coordinate(Math.max(1, frame.y(prices[row]) - top))}" fill="rgb(${chartColors.mapCell})" fill-opacity="${opacity.toFixed(3)}"/>`,
          );
        }
      }
      return parts.join("\n");
    };
    sections.push({
      title: `Liquidation map: where and when ${lead} was liquidated`,
      note:
        `Collateral seized (at the oracle price) and perp liquidation fills, summed by time and ${lead} price band ` +
        `over the ${window === null ? "whole run" : "cascade window"}: the darker a cell, the more was liquidated there. ` +
        `The line is the market (pool) price. ${formatMoney(map.mapped)} of ${formatMoney(map.total)} is in the map.`,
      chart: plotSvg({
        x: xs,
        xAxis: timeAxis(time, steps[0], steps[steps.length - 1]),
        yAxis: {
          title: `${lead} price (USD)`,
          format: formatMoneyTick,
          include: [prices[0], prices[prices.length - 1]],
        },
        series: [
          {
            kind: "line",
            label: `${lead} market price`,
            color: chartColors.mark,
            values: xs.map((step) => market[step]),
            width: 2,
            halo: true,
          },
        ],
        underlay: cells,
        legend: [
          {
            label: `liquidated in the cell (darkest ${formatMoney(map.largest)})`,
            color: `rgba(${chartColors.mapCell}, 0.7)`,
            shape: "box",
          },
        ],
      }),
    });
  }
  for (const heatmap of run.heatmaps) {
    sections.push({
      title: `${heatmap.venue}: if ${heatmap.asset} moves to X`,
      note: `Collateral (USD at start prices) of the accounts whose health factor falls below 1 if ${heatmap.asset} alone moves to each price, before any liquidation moves it further: the cumulative "if the price falls to X, $Y is liquidated" line.`,
      chart: plotSvg({
        x: heatmap.prices,
        xAxis: { title: `${heatmap.asset} price (USD)`, format: formatMoneyTick },
        yAxis: { title: "collateral liquidatable (USD)", format: formatMoneyTick, include: [0] },
        series: [
          {
            kind: "line",
            label: "liquidatable collateral",
            color: chartColors.long,
            values: heatmap.collateralUsd,
            width: 2.4,
          },
        ],
        overlay: (frame) =>
          `<line x1="${coordinate(frame.x(heatmap.startPrice))}" y1="${frame.box.top}" x2="${coordinate(frame.x(heatmap.startPrice))}" y2="${frame.box.top + frame.box.height}" stroke="${chartColors.startLine}" stroke-dasharray="4 4"/>`,
        legend: [{ label: "start price", color: chartColors.startLine, shape: "dash" }],
      }),
    });
  }
  return sections;
}

function priceSections(
  summary: LendingSummary,
  run: LendingRun,
  time: TimeBase,
  window: [number, number] | null,
): Section[] {
  const sections: Section[] = [];
  const steps = run.world.steps;
  for (const asset of summary.assets) {
    const external = column(run, `${asset.symbol}.external`);
    const oracle = column(run, `${asset.symbol}.oracle`);
    const market = column(run, `${asset.symbol}.market`);
    if (external === undefined || oracle === undefined || market === undefined) continue;
    if (asset.min === asset.start && asset.end === asset.start && asset.marketMin === asset.start) {
      continue;
    }
    const lines: Line[] = [
      { values: external, name: "external (exogenous)", color: chartColors.index },
      { values: oracle, name: "oracle", color: palette[3], dash: "6 4" },
      { values: market, name: "market (pool)", color: chartColors.mark },
    ];
    sections.push({
      title: `${asset.symbol}: external, oracle and market price`,
      note: "Liquidations act on the oracle price, trades get the market (pool) price; the external price is the exogenous path.",
      chart: lineChart(time, steps, lines, `${asset.symbol} price (USD)`),
    });
    if (window !== null && asset.symbol === leadSymbol(summary)) {
      sections.push({
        title: `${asset.symbol} in the cascade window, ${timeLabel(time, window[0])} – ${timeLabel(time, window[1])}${time.startTime === null ? "" : " UTC"}`,
        note: `The same prices over the shortest stretch holding ${formatPercent(cascadeShare)} of the liquidated collateral, widened a little either side.`,
        chart: lineChart(
          time,
          steps,
          lines,
          `${asset.symbol} price (USD)`,
          formatMoneyTick,
          window,
        ),
      });
    }
  }
  return sections;
}

function poolSections(summary: LendingSummary, run: LendingRun, time: TimeBase): Section[] {
  const sections: Section[] = [];
  const steps = run.world.steps;
  for (const market of summary.markets) {
    const [base, quote] = market.market.split("/");
    const price = column(run, `${market.market}.price`);
    const externalBase = column(run, `${base}.external`);
    const externalQuote = column(run, `${quote}.external`);
    if (!price || !externalBase || !externalQuote) continue;
    const external = Float64Array.from(externalBase, (value, step) => value / externalQuote[step]);
    if (market.kind === "book") {
      sections.push({
        title: `${market.market} book: price vs the external price`,
        note: "Liquidation sales eat the bids; makers re-quote around the external price and eaten depth refills over the resilience half-life.",
        chart: lineChart(
          time,
          steps,
          [
            { values: external, name: "external", color: chartColors.index },
            { values: price, name: "book mid", color: chartColors.mark },
          ],
          `${base} price (${quote})`,
        ),
      });
      continue;
    }
    const reserveBase = column(run, `${market.market}.reserveBase`);
    const reserveQuote = column(run, `${market.market}.reserveQuote`);
    if (!reserveBase || !reserveQuote) continue;
    const gap = Float64Array.from(
      price,
      (value, step) => ((value - external[step]) / external[step]) * 100,
    );
    sections.push({
      title: `${market.market} pool: price gap to the external price`,
      note: `Liquidation sales push the pool below the external price; arbitrageurs with finite capital and speed pull it back. Largest gap ${(market.maxDiscount * 100).toFixed(2)} %.`,
      chart: lineChart(
        time,
        steps,
        [{ values: gap, name: "pool vs external", color: chartColors.gap }],
        "% of the external price",
        formatPercentTick,
        [0, steps],
        [0],
      ),
    });
    const quoteScaled = Float64Array.from(
      reserveQuote,
      (value) => value / (reserveQuote[0] / reserveBase[0]),
    );
    sections.push({
      title: `${market.market} pool reserves`,
      note: `${base} reserve, and the ${quote} reserve divided by the start price (the same units at the start).`,
      chart: lineChart(
        time,
        steps,
        [
          { values: reserveBase, name: `${base} reserve` },
          { values: quoteScaled, name: `${quote} reserve / start price` },
        ],
        `${base}`,
        formatCompact,
      ),
    });
  }
  return sections;
}

function venueSections(summary: LendingSummary, run: LendingRun, time: TimeBase): Section[] {
  const sections: Section[] = [];
  const steps = run.world.steps;
  for (const venue of summary.venues) {
    const liquidated = column(run, `${venue.name}.liquidatedUsd`);
    const badDebt = column(run, `${venue.name}.badDebtUsd`);
    const tvl = column(run, `${venue.name}.tvlUsd`);
    const debt = column(run, `${venue.name}.debtUsd`);
    if (liquidated !== undefined) {
      sections.push({
        title: `${venue.name}: liquidations over time`,
        note: `${formatMoney(venue.liquidatedCollateralUsd)} of collateral in ${formatCount(venue.liquidationCount)} liquidations (USD at the oracle price), summed per time bucket.`,
        chart: barsChart(time, liquidated, "collateral seized", "USD", chartColors.bars),
      });
    }
    if (badDebt !== undefined && venue.kind === "aave") {
      const peak = venue.underwaterPeak;
      sections.push({
        title: `${venue.name}: underwater debt over time, and the bad debt left at the end`,
        note:
          "Debt above the collateral value behind it, summed over accounts, at oracle prices (as of the last health-factor scan). " +
          "It is a state, not a loss: when the price recovers, accounts come back above water. What is left at the end " +
          `is the bad debt of the summary, ${formatMoney(venue.badDebtUsd)}` +
          (peak === undefined || !(peak.usd > 0)
            ? "."
            : `; it peaked at ${formatMoney(peak.usd)} at ${timeLabel(time, peak.step)}${time.startTime === null ? "" : " UTC"}, at the trough of the price.`),
        chart: lineChart(
          time,
          steps,
          [{ values: badDebt, name: "debt above collateral value", color: chartColors.short }],
          "USD",
          formatMoneyTick,
          [0, steps],
          [0],
        ),
      });
    } else if (badDebt !== undefined) {
      sections.push({
        title: `${venue.name}: bad debt`,
        note:
          venue.kind === "maker"
            ? "Shortfalls of auctions that closed below the debt they had to cover, plus what live auctions and unbarked vaults could not cover at the current price."
            : "Bad debt so far: losses beyond the bankruptcy price.",
        chart: lineChart(
          time,
          steps,
          [{ values: badDebt, name: "bad debt", color: chartColors.short }],
          "USD",
          formatMoneyTick,
          [0, steps],
          [0],
        ),
      });
    }
    if (tvl !== undefined && debt !== undefined) {
      sections.push({
        title: `${venue.name}: TVL and debt`,
        note: "Supplied value (collateral and lenders' deposits) and outstanding debt, at oracle prices.",
        chart: lineChart(
          time,
          steps,
          [
            { values: tvl, name: "TVL" },
            { values: debt, name: "debt" },
          ],
          "USD",
          formatMoneyTick,
          [0, steps],
          [0],
        ),
      });
    }
    // A perp venue's positions have margin ratios, not health factors: its histogram is empty.
    if (venue.kind === "perp") continue;
    sections.push({
      title: `${venue.name}: health factors at the start and the end`,
      note: "Accounts with debt per health-factor bucket; below 1 is liquidatable.",
      chart: healthChart(venue.healthFactorStart.counts, venue.healthFactorEnd.counts),
    });
  }
  return sections;
}

/**
 * With a perp venue next to the lending venues: the prices the venues share and each venue's
 * liquidations over time on one axis, so the order in which the cascade reached them shows.
 */
function crossVenueSections(summary: LendingSummary, run: LendingRun, time: TimeBase): Section[] {
  const crossing = summary.crossing;
  const perps = summary.venues.filter((venue) => venue.kind === "perp");
  if (crossing === undefined || perps.length === 0) return [];
  const steps = run.world.steps;
  const prices: Line[] = [];
  for (const perp of perps) {
    const mark = column(run, `${perp.name}.mark`);
    const index = column(run, `${perp.name}.index`);
    const asset = summary.assets.find((candidate) => candidate.start === index?.[0]);
    const external = asset && column(run, `${asset.symbol}.external`);
    const pool = asset && column(run, `${asset.symbol}.market`);
    if (asset !== undefined && external !== undefined && pool !== undefined) {
      prices.push(
        { values: external, name: `${asset.symbol} external`, color: chartColors.index },
        { values: pool, name: `${asset.symbol} pool`, color: chartColors.mark },
      );
    }
    if (index !== undefined)
      prices.push({ values: index, name: `${perp.name} index`, dash: "6 4", color: palette[3] });
    if (mark !== undefined)
      prices.push({ values: mark, name: `${perp.name} mark`, color: palette[4] });
  }
  const cumulative: Line[] = [];
  for (const venue of summary.venues) {
    const liquidated = column(run, `${venue.name}.liquidatedUsd`);
    if (liquidated === undefined) continue;
    let total = 0;
    cumulative.push({
      values: Float64Array.from(liquidated, (value) => {
        total += value;
        return total;
      }),
      name: `${venue.name}: liquidated so far`,
    });
  }
  return [
    {
      title: "How the cascade crossed venues",
      note: `${crossing.sentence} The perp's index is computed by the world (the pool's price by default): on-chain liquidation sales that push the pool below the external price reach the perp through it.`,
      chart: lineChart(time, steps, prices, "price (USD)"),
    },
    {
      title: "Across venues: liquidations over time",
      note: "Cumulative liquidated collateral of each lending venue and notional of the perp (USD): where the cascade started and when it crossed.",
      chart: lineChart(time, steps, cumulative, "USD", formatMoneyTick, [0, steps], [0]),
    },
  ];
}

function gasSection(summary: LendingSummary, run: LendingRun, time: TimeBase): Section[] {
  const gas = column(run, "gasGwei");
  if (gas === undefined || !(summary.maxGasGwei > 0)) return [];
  return [
    {
      title: "Gas price",
      note: "What a liquidation costs liquidators and keepers: gas units × gwei × ETH price.",
      chart: lineChart(
        time,
        run.world.steps,
        [{ values: gas, name: "gas price", color: palette[4] }],
        "gwei",
        formatCompact,
        [0, run.world.steps],
        [0],
      ),
    },
  ];
}

/** Enough to see how the run starts; events.csv has the rest. */
export const lendingEventTableRows = 200;

/** The first rows of events.csv as a table, with the total count. */
function eventsTableHtml(eventsCsv: string): string {
  const lines = eventsCsv.trimEnd().split("\n");
  const header = lines[0].split(",");
  const rows = lines.slice(1);
  if (rows.length === 0) return `<p class="note">No events were logged.</p>`;
  const shown = rows.slice(0, lendingEventTableRows);
  const note =
    shown.length === rows.length
      ? `All ${formatCount(rows.length)} events.`
      : `The first ${formatCount(shown.length)} of ${formatCount(rows.length)} events; events.csv lists all of them.`;
  const numeric = new Set(["quantity", "valueUsd"]);
  const body = shown
    .map((line) => {
      // Venue names are the only quoted fields; none of the preset ones needs quoting.
      const cells = line.split(",");
      return `<tr>${cells
        .map((cell, index) => {
          const value =
            numeric.has(header[index]) && cell !== "" ? formatReadable(Number(cell)) : cell;
          return `<td>${escapeHtml(value)}</td>`;
        })
        .join("")}</tr>`;
    })
    .join("\n");
  return `<p class="note">${note}</p>\n<div class="scroll"><table class="events">\n<thead><tr>${header.map((title) => `<th scope="col">${escapeHtml(title)}</th>`).join("")}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

const reportCss = `
main { max-width: 1100px; }
thead th { position: sticky; top: 0; }
.scroll { overflow: auto; max-height: 70vh; border: 1px solid var(--rule); }
.scroll-x { overflow-x: auto; }
pre { white-space: pre-wrap; word-break: break-all; font-size: 0.8rem; background: var(--panel); padding: 12px; }
.story p { margin: 0 0 8px; }
${figureCss}
${reconciliationCss}
${detailsCss}
`;

export interface LendingReportOptions {
  /** The engine scenario, for what the run itself does not record (keepers' gas limits). */
  engine?: LendingEngineScenario;
  /** The events.csv text, so the table shows exactly the file's first rows. */
  eventsCsv?: string;
}

export function lendingReportHtml(
  summary: LendingSummary,
  run: LendingRun,
  options: LendingReportOptions = {},
): string {
  const time = lendingTimeBase(summary);
  const symbols = summary.assets.map((asset) => asset.symbol);
  const window = cascadeWindow(liquidatedPerStep(summary, run));
  const story = keeperStory(summary, run, time, options.engine);
  const sections: Section[] = [
    ...priceSections(summary, run, time, window),
    ...mapSection(summary, run, symbols, time, window),
    ...poolSections(summary, run, time),
    ...venueSections(summary, run, time),
    ...crossVenueSections(summary, run, time),
    ...gasSection(summary, run, time),
  ];
  const storyText = story.paragraphs
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join("\n");
  const parts = [
    `<p class="lead">${escapeHtml(lendingSummaryText(summary))}</p>`,
    `<section>\n<h2>Where the numbers come from</h2>\n<p class="note">Each figure of the summary, summed again from the events (the same rows as events.csv). A lending "liquidation" is one liquidation call (Aave) or one bark (Maker): an account can be liquidated several times.</p>\n${reconciliationTableHtml(lendingReconciliation(summary, run))}\n</section>`,
    storyText === ""
      ? ""
      : `<section class="story">\n<h2>The auctions and the keepers</h2>\n${storyText}\n</section>\n${figureSectionsHtml(story.sections)}`,
    figureSectionsHtml(sections),
    options.eventsCsv === undefined ? "" : `<h2>Events</h2>\n${eventsTableHtml(options.eventsCsv)}`,
    `<details>\n<summary><h2>summary.json</h2></summary>\n<pre>${escapeHtml(JSON.stringify(summary, null, 2))}</pre>\n</details>`,
  ];
  return htmlPage(
    `deleverage report: ${summary.name} (lending)`,
    [basePageCss, reportCss],
    parts.filter((part) => part !== "").join("\n"),
  );
}
