/**
 * report.html of a `model: lending` run: inline SVG only (no script), so it opens offline and
 * identical runs give identical bytes. Charts: external vs oracle vs market price, the AMM's price
 * gap and reserves, liquidations over time, bad debt and TVL, health factors at the start and the
 * end, liquidatable collateral by price.
 */
import { healthFactorEdges } from "../engine/lending/contracts.ts";
import type { LendingRun } from "../engine/lending/run.ts";
import { downsampleAligned } from "./downsample.ts";
import { formatCompact, formatCount } from "./format.ts";
import type { LendingSummary } from "./lending.ts";
import { lendingSummaryText } from "./lending.ts";
import { basePageCss, escapeHtml, htmlPage } from "./markup.ts";
import { type ChartLayout, chartFrame, chartSections, type Frame, svgElement } from "./svgFrame.ts";

const chartPoints = 2000;
const layout: ChartLayout = {
  width: 960,
  height: 280,
  margin: { left: 72, right: 24, top: 22, bottom: 36 },
};
const { height, margin } = layout;
const palette = ["#2f6fb0", "#c0392b", "#1e6b3c", "#8e44ad", "#d35400", "#7f8c8d"];

/** A flat range is widened by one either side so a constant series draws mid-chart. */
function frame(
  xRange: [number, number],
  yRange: [number, number],
  labels: { x: string; y: string },
  xLabel: (value: number) => string = formatCompact,
): Frame {
  let [yLow, yHigh] = yRange;
  if (!(yHigh > yLow)) {
    yLow -= 1;
    yHigh += 1;
  }
  return chartFrame(layout, xRange, [yLow, yHigh], labels, { x: xLabel, y: formatCompact });
}

function legend(chart: Frame, names: readonly string[]): void {
  names.forEach((name, index) => {
    chart.svg.push(
      `<text x="${margin.left + 8 + index * 190}" y="${margin.top - 6}" fill="${palette[index % palette.length]}">${escapeHtml(name)}</text>`,
    );
  });
}

interface Line {
  values: Float64Array;
  name: string;
}

/** Lines over hours since the start, min/max downsampled so every spike stays visible. */
function lineChart(
  hours: Float64Array,
  lines: readonly Line[],
  yLabel: string,
  title: string,
): string {
  const sampled = downsampleAligned(
    hours,
    lines.map((line) => line.values),
    chartPoints,
  );
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const values of sampled.series) {
    for (const value of values) {
      if (!Number.isFinite(value)) continue;
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
  }
  if (!Number.isFinite(low)) {
    low = 0;
    high = 1;
  }
  const chart = frame([hours[0], hours[hours.length - 1]], [low, high], { x: "hours", y: yLabel });
  sampled.series.forEach((values, index) => {
    const points: string[] = [];
    for (let point = 0; point < values.length; point++) {
      points.push(`${chart.x(sampled.x[point]).toFixed(1)},${chart.y(values[point]).toFixed(1)}`);
    }
    chart.svg.push(
      `<polyline fill="none" stroke="${palette[index % palette.length]}" stroke-width="1.2" points="${points.join(" ")}"/>`,
    );
  });
  legend(
    chart,
    lines.map((line) => line.name),
  );
  return svgElement(layout, chart.svg, title);
}

/** Grouped bars: one group per category, one bar per series. */
function barChart(
  categories: readonly string[],
  series: readonly { name: string; values: readonly number[] }[],
  yLabel: string,
  xLabel: string,
  title: string,
): string {
  let high = 0;
  for (const entry of series) for (const value of entry.values) high = Math.max(high, value);
  // Headroom above the tallest bar, and at most 12 category labels so they never overlap.
  const chart = frame(
    [0, categories.length],
    [0, (high || 1) * 1.08],
    { x: xLabel, y: yLabel },
    () => "",
  );
  const groupWidth = chart.x(1) - chart.x(0);
  const barWidth = (groupWidth * 0.8) / series.length;
  const labelEvery = Math.ceil(categories.length / 12);
  categories.forEach((category, index) => {
    const left = chart.x(index);
    if (index % labelEvery === 0) {
      chart.svg.push(
        `<text x="${(left + groupWidth / 2).toFixed(1)}" y="${height - margin.bottom + 16}" text-anchor="middle" font-size="10">${escapeHtml(category)}</text>`,
      );
    }
    series.forEach((entry, seriesIndex) => {
      const value = entry.values[index];
      if (!(value > 0)) return;
      const top = chart.y(value);
      chart.svg.push(
        `<rect x="${(left + groupWidth * 0.1 + seriesIndex * barWidth).toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(chart.y(0) - top).toFixed(1)}" fill="${palette[seriesIndex % palette.length]}"/>`,
      );
    });
  });
  legend(
    chart,
    series.map((entry) => entry.name),
  );
  return svgElement(layout, chart.svg, title);
}

function column(run: LendingRun, name: string): Float64Array | undefined {
  const index = run.world.columns.indexOf(name);
  return index < 0 ? undefined : run.world.series[index];
}

function cumulative(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let total = 0;
  for (let index = 0; index < values.length; index++) {
    total += values[index];
    out[index] = total;
  }
  return out;
}

function bucketLabel(index: number): string {
  const low = healthFactorEdges[index];
  const high = healthFactorEdges[index + 1];
  return Number.isFinite(high) ? `${low}–${high}` : `≥ ${low}`;
}

/**
 * With a perp venue next to the lending venues: the prices the venues share (external, pool,
 * perp mark) and each venue's liquidations over time on one axis, so the order in which the
 * cascade reached them shows.
 */
function crossVenueSections(
  summary: LendingSummary,
  run: LendingRun,
  hours: Float64Array,
): { title: string; note: string; chart: string }[] {
  const perps = summary.venues.filter((venue) => venue.kind === "perp");
  if (perps.length === 0 || summary.venues.length < 2) return [];
  const prices: Line[] = [];
  for (const perp of perps) {
    const index = column(run, `${perp.name}.index`);
    const mark = column(run, `${perp.name}.mark`);
    if (index === undefined || mark === undefined) continue;
    // The external price of the perp's asset: the one the index started at.
    const asset = summary.assets.find((candidate) => candidate.start === index[0]);
    const external = asset === undefined ? undefined : column(run, `${asset.symbol}.external`);
    if (external !== undefined)
      prices.push({ values: external, name: `${asset?.symbol} external` });
    prices.push(
      { values: index, name: `${perp.name} index` },
      { values: mark, name: `${perp.name} mark` },
    );
  }
  const liquidations: Line[] = [];
  for (const venue of summary.venues) {
    const perSeized = column(run, `${venue.name}.liquidatedUsd`);
    const openInterest = column(run, `${venue.name}.openInterestUsd`);
    if (perSeized !== undefined) {
      liquidations.push({
        values: cumulative(perSeized),
        name: `${venue.name}: collateral seized`,
      });
    } else if (openInterest !== undefined) {
      const closed = Float64Array.from(openInterest, (value) => openInterest[0] - value);
      liquidations.push({ values: closed, name: `${venue.name}: open interest closed` });
    }
  }
  return [
    {
      title: "Across venues: the shared price",
      note: "The perp's index is computed by the world (the pool's price by default): on-chain liquidation sales that push the pool below the external price reach the perp through it.",
      chart: lineChart(hours, prices, "USD", "Shared price"),
    },
    {
      title: "Across venues: liquidations over time",
      note: "Cumulative collateral seized by each lending venue and open interest closed on the perp (USD): where the cascade started and when it crossed.",
      chart: lineChart(hours, liquidations, "USD", "Liquidations by venue"),
    },
  ];
}

/**
 * "How the cascade crossed venues": liquidation volume per step of every venue on one time axis,
 * the external, pool and perp prices, and which venue liquidated first and when the others followed.
 */
function cascadeCrossingSection(
  summary: LendingSummary,
  run: LendingRun,
  hours: Float64Array,
): { title: string; note: string; chart: string }[] {
  const crossing = summary.crossing;
  if (crossing === undefined) return [];
  const volumes: Line[] = [];
  for (const venue of summary.venues) {
    const liquidated = column(run, `${venue.name}.liquidatedUsd`);
    if (liquidated !== undefined) volumes.push({ values: liquidated, name: venue.name });
  }
  const prices: Line[] = [];
  for (const perp of summary.venues.filter((venue) => venue.kind === "perp")) {
    const mark = column(run, `${perp.name}.mark`);
    const index = column(run, `${perp.name}.index`);
    const asset = summary.assets.find((candidate) => candidate.start === index?.[0]);
    const external = asset && column(run, `${asset.symbol}.external`);
    const pool = asset && column(run, `${asset.symbol}.market`);
    if (asset !== undefined && external !== undefined && pool !== undefined) {
      prices.push(
        { values: external, name: `${asset.symbol} external` },
        { values: pool, name: `${asset.symbol} pool` },
      );
    }
    if (mark !== undefined) prices.push({ values: mark, name: `${perp.name} mark` });
  }
  return [
    {
      title: "How the cascade crossed venues",
      note: crossing.sentence,
      chart:
        lineChart(hours, volumes, "USD per step", "Liquidation volume per step by venue") +
        lineChart(hours, prices, "USD", "External, pool and perp prices"),
    },
  ];
}

const reportCss = `
main { max-width: 1000px; }
svg { width: 100%; height: auto; font-size: 12px; fill: var(--ink); }
td { font-family: ui-monospace, Menlo, Consolas, monospace; }
`;

export function lendingReportHtml(summary: LendingSummary, run: LendingRun): string {
  const steps = run.world.steps;
  const hours = Float64Array.from({ length: steps + 1 }, (_, step) => (step * run.world.dt) / 3600);
  const sections: { title: string; note: string; chart: string }[] = [];
  for (const asset of summary.assets) {
    const external = column(run, `${asset.symbol}.external`);
    const oracle = column(run, `${asset.symbol}.oracle`);
    const market = column(run, `${asset.symbol}.market`);
    if (external === undefined || oracle === undefined || market === undefined) continue;
    if (asset.min === asset.start && asset.end === asset.start && asset.marketMin === asset.start) {
      continue;
    }
    sections.push({
      title: `${asset.symbol}: market vs oracle price`,
      note: "Liquidations act on the oracle price, trades get the market (pool) price; the external price is the exogenous path.",
      chart: lineChart(
        hours,
        [
          { values: external, name: "external" },
          { values: oracle, name: "oracle" },
          { values: market, name: "market (pool)" },
        ],
        "USD",
        `${asset.symbol} prices`,
      ),
    });
  }
  for (const market of summary.markets) {
    const [base, quote] = market.market.split("/");
    const price = column(run, `${market.market}.price`);
    const externalBase = column(run, `${base}.external`);
    const externalQuote = column(run, `${quote}.external`);
    if (!price || !externalBase || !externalQuote) continue;
    if (market.kind === "book") {
      sections.push({
        title: `${market.market} book: price vs the external price`,
        note: "Liquidation sales eat the bids; makers re-quote around the external price and eaten depth refills over the resilience half-life.",
        chart: lineChart(
          hours,
          [
            {
              values: Float64Array.from(externalBase, (value, step) => value / externalQuote[step]),
              name: "external",
            },
            { values: price, name: "book mid" },
          ],
          quote,
          "Book price",
        ),
      });
      continue;
    }
    const reserveBase = column(run, `${market.market}.reserveBase`);
    const reserveQuote = column(run, `${market.market}.reserveQuote`);
    if (!reserveBase || !reserveQuote) continue;
    const gap = Float64Array.from(price, (value, step) => {
      const external = externalBase[step] / externalQuote[step];
      return ((value - external) / external) * 100;
    });
    sections.push({
      title: `${market.market} pool: price gap to the external price`,
      note: `Liquidation sales push the pool below the external price; arbitrageurs with finite capital and speed pull it back. Largest gap ${(market.maxDiscount * 100).toFixed(2)} %.`,
      chart: lineChart(hours, [{ values: gap, name: "pool vs external, %" }], "%", "AMM gap"),
    });
    const quoteScaled = Float64Array.from(
      reserveQuote,
      (value, _step) => value / (reserveQuote[0] / reserveBase[0]),
    );
    sections.push({
      title: `${market.market} pool reserves`,
      note: `${base} reserve, and the ${quote} reserve divided by the start price (same units at the start).`,
      chart: lineChart(
        hours,
        [
          { values: reserveBase, name: `${base} reserve` },
          { values: quoteScaled, name: `${quote} reserve / start price` },
        ],
        base,
        "AMM reserves",
      ),
    });
  }
  for (const venue of summary.venues) {
    const liquidated = column(run, `${venue.name}.liquidatedUsd`);
    const badDebt = column(run, `${venue.name}.badDebtUsd`);
    const tvl = column(run, `${venue.name}.tvlUsd`);
    const debt = column(run, `${venue.name}.debtUsd`);
    if (liquidated !== undefined) {
      sections.push({
        title: `${venue.name}: liquidations over time`,
        note: `${formatCount(venue.liquidationCount)} liquidations. Collateral seized per step and in total (USD at the oracle price).`,
        chart: lineChart(
          hours,
          [
            { values: liquidated, name: "per step" },
            { values: cumulative(liquidated), name: "cumulative" },
          ],
          "USD",
          "Liquidations",
        ),
      });
    }
    if (badDebt !== undefined) {
      sections.push({
        title: `${venue.name}: bad debt`,
        note: "Debt above the collateral value behind it, summed over accounts, at oracle prices (as of the last health-factor scan).",
        chart: lineChart(hours, [{ values: badDebt, name: "bad debt" }], "USD", "Bad debt"),
      });
    }
    if (tvl !== undefined && debt !== undefined) {
      sections.push({
        title: `${venue.name}: TVL and debt`,
        note: "Supplied value (collateral and lenders' deposits) and outstanding debt, at oracle prices.",
        chart: lineChart(
          hours,
          [
            { values: tvl, name: "TVL" },
            { values: debt, name: "debt" },
          ],
          "USD",
          "TVL",
        ),
      });
    }
    // A perp venue's positions have margin ratios, not health factors: its histogram is empty.
    if (venue.kind === "perp") continue;
    const categories = venue.healthFactorStart.counts.map((_, index) => bucketLabel(index));
    sections.push({
      title: `${venue.name}: health factors at the start and the end`,
      note: "Accounts with debt per health-factor bucket; below 1 is liquidatable.",
      chart: barChart(
        categories,
        [
          { name: "start", values: venue.healthFactorStart.counts },
          { name: "end", values: venue.healthFactorEnd.counts },
        ],
        "accounts",
        "health factor",
        "Health factors",
      ),
    });
  }
  for (const heatmap of run.heatmaps) {
    sections.push({
      title: `${heatmap.venue}: liquidatable collateral by ${heatmap.asset} price`,
      note: `Collateral (USD at start prices) of accounts whose health factor is below 1 if ${heatmap.asset} alone moves to each price, before any move.`,
      chart: barChart(
        heatmap.prices.map((price) => formatCompact(price)),
        [{ name: "liquidatable collateral", values: heatmap.collateralUsd }],
        "USD",
        `${heatmap.asset} price`,
        "Liquidatable collateral by price",
      ),
    });
  }
  sections.push(...crossVenueSections(summary, run, hours));
  sections.push(...cascadeCrossingSection(summary, run, hours));
  const gas = column(run, "gasGwei");
  if (gas !== undefined && summary.maxGasGwei > 0) {
    sections.push({
      title: "Gas price",
      note: "What a liquidation costs liquidators: gas units × gwei × ETH price.",
      chart: lineChart(hours, [{ values: gas, name: "gwei" }], "gwei", "Gas"),
    });
  }
  return htmlPage(
    `deleverage report: ${summary.name} (lending)`,
    [basePageCss, reportCss],
    `<p class="lead">${escapeHtml(lendingSummaryText(summary))}</p>
${chartSections(sections)}
<h2>summary.json</h2>
<pre>${escapeHtml(JSON.stringify(summary, null, 2))}</pre>`,
  );
}
