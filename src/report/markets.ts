/**
 * The report's section for an exchange with several markets: which markets fell first and how
 * losses moved between them. A table of each market's figures, liquidations by market over time
 * (cumulative, so the order in which markets gave way reads off the curves), the contagion table
 * (liquidations in a market of accounts whose largest loss came from another) and each market's
 * pre-shock liquidation heatmap. Static SVG: the page stays one file that opens offline.
 */
import type { RunResult } from "../engine/result.ts";
import { formatCompact, formatCount, formatMoney, formatPercent } from "./format.ts";
import { escapeHtml } from "./markup.ts";
import type { Summary } from "./summary.ts";
import { type ChartLayout, chartFrame, niceTicks, svgElement } from "./svgFrame.ts";

/** One colour per market, repeating past ten (Tableau 10). */
const palette = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

/** Heatmaps drawn: the markets with the largest open interest, so 160 markets stay readable. */
const heatmapMarkets = 12;

const timeLayout: ChartLayout = {
  width: 960,
  height: 320,
  margin: { left: 84, right: 120, top: 16, bottom: 44 },
};
const heatmapLayout: ChartLayout = {
  width: 300,
  height: 170,
  margin: { left: 62, right: 10, top: 22, bottom: 36 },
};

/** A price with four significant digits, so 2.8 and 0.2463 read as such. */
function price(value: number): string {
  return `$${formatCompact(value)}`;
}

function minutes(step: number | null, dt: number): string {
  return step === null ? "none" : `${formatCount((step * dt) / 60)} min`;
}

function figuresTable(summary: Summary): string {
  const header = [
    "market",
    "start",
    "low (mark)",
    "exogenous fall",
    "total fall",
    "amplification",
    "liquidated",
    "positions",
    "ADL",
    "bad debt",
    "open interest at start",
    "first liquidation",
    "first ADL",
  ]
    .map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`)
    .join("");
  const rows = summary.markets.map((market) => {
    const cells = [
      market.symbol,
      price(market.startPrice),
      price(market.minPrice),
      formatPercent(market.exogenousMove),
      formatPercent(market.totalMove),
      Number.isFinite(market.amplification) ? `${market.amplification.toFixed(2)}x` : "n/a",
      formatMoney(market.liquidatedNotional),
      formatCount(market.liquidationCount),
      formatMoney(market.adlNotional),
      formatMoney(market.badDebt),
      formatMoney(market.openInterestStart),
      minutes(market.firstLiquidationStep, summary.dt),
      minutes(market.firstAdlStep, summary.dt),
    ];
    return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`;
  });
  return `<div class="scroll"><table class="markets">\n<thead><tr>${header}</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table></div>`;
}

/** Cumulative liquidated notional of each market, elapsed minutes on x (also a docs figure). */
export function timeChart(summary: Summary, result: RunResult): string {
  const rows = result.timeseries.step.length;
  const liquidated = result.marketSeries.liquidatedNotional;
  const times = result.timeseries.time;
  const curves = summary.markets.map((_, market) => {
    const cumulative = new Float64Array(rows);
    let total = 0;
    for (let step = 0; step < rows; step++) {
      total += liquidated[market * rows + step];
      cumulative[step] = total;
    }
    return cumulative;
  });
  const highest = Math.max(1, ...curves.map((curve) => curve[rows - 1]));
  const lastMinute = times[rows - 1] / 60 || 1;
  const frame = chartFrame(
    timeLayout,
    [0, lastMinute],
    [0, highest],
    { x: "minutes from the start", y: "liquidated so far ($)" },
    { x: (value) => formatCount(value), y: (value) => formatMoney(value) },
    niceTicks(0, highest, 5),
  );
  const content = [...frame.svg];
  curves.forEach((curve, market) => {
    const colour = palette[market % palette.length];
    const points: string[] = [];
    for (let step = 0; step < rows; step++) {
      points.push(`${frame.x(times[step] / 60).toFixed(1)},${frame.y(curve[step]).toFixed(1)}`);
    }
    content.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(" ")}"/>`,
    );
  });
  // The legend, in order of final size, beside the plot.
  const order = summary.markets
    .map((market, index) => ({ symbol: market.symbol, index, total: curves[index][rows - 1] }))
    .sort((left, right) => right.total - left.total);
  order.slice(0, 16).forEach((entry, rank) => {
    const x = timeLayout.width - timeLayout.margin.right + 12;
    const y = timeLayout.margin.top + 12 + rank * 16;
    content.push(
      `<rect x="${x}" y="${y - 8}" width="10" height="10" fill="${palette[entry.index % palette.length]}"/>`,
      `<text x="${x + 14}" y="${y}" dominant-baseline="middle">${escapeHtml(entry.symbol)}</text>`,
    );
  });
  return svgElement(timeLayout, content, "Liquidated notional by market over time");
}

function contagionTable(summary: Summary): string {
  const { markets, liquidatedNotional } = summary.contagion;
  const header = `<th scope="col">largest loss in ↓ / liquidated in →</th>${markets
    .map((symbol) => `<th scope="col">${escapeHtml(symbol)}</th>`)
    .join("")}`;
  const rows = liquidatedNotional.map((row, source) => {
    const cells = row
      .map((value, market) => {
        const across = market !== source && value > 0 ? ' class="across"' : "";
        return `<td${across}>${escapeHtml(value > 0 ? formatMoney(value) : "")}</td>`;
      })
      .join("");
    return `<tr><th scope="row">${escapeHtml(markets[source])}</th>${cells}</tr>`;
  });
  return `<div class="scroll"><table class="contagion">\n<thead><tr>${header}</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table></div>`;
}

/** Pre-shock liquidation notional by price, longs below and shorts above the start price. */
function heatmaps(summary: Summary, result: RunResult): string {
  const chosen = summary.markets
    .map((market, index) => ({ market, index }))
    .sort((left, right) => right.market.openInterestStart - left.market.openInterestStart)
    .slice(0, heatmapMarkets);
  return chosen
    .map(({ market, index }) => {
      const buckets = result.marketHeatmaps[index];
      const start = market.startPrice;
      const highest = Math.max(
        1,
        ...buckets.map((bucket) => Math.max(bucket.longNotional, bucket.shortNotional)),
      );
      const low = buckets[0].priceLow / start - 1;
      const high = buckets[buckets.length - 1].priceHigh / start - 1;
      const frame = chartFrame(
        heatmapLayout,
        [100 * low, 100 * high],
        [0, highest],
        { x: `${market.symbol} price vs start (%)`, y: "" },
        { x: (value) => `${formatCount(value)}`, y: (value) => formatMoney(value) },
        niceTicks(0, highest, 3),
      );
      const content = [
        ...frame.svg,
        `<text x="${heatmapLayout.margin.left}" y="14">${escapeHtml(market.symbol)}</text>`,
      ];
      for (const bucket of buckets) {
        const left = frame.x(100 * (bucket.priceLow / start - 1));
        const right = frame.x(100 * (bucket.priceHigh / start - 1));
        // A bar of at least one pixel, so a thin bucket still shows.
        const width = Math.max(1, right - left).toFixed(1);
        for (const [notional, colour] of [
          [bucket.longNotional, "#e15759"],
          [bucket.shortNotional, "#4e79a7"],
        ] as const) {
          if (notional <= 0) continue;
          const top = frame.y(notional);
          content.push(
            `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${width}" height="${(frame.y(0) - top).toFixed(1)}" fill="${colour}" fill-opacity="0.8"/>`,
          );
        }
      }
      return svgElement(heatmapLayout, content, `${market.symbol} liquidation heatmap`);
    })
    .join("\n");
}

export const marketsCss = `
table.markets td, table.contagion td { text-align: right; }
table.contagion td.across { background: #fdecea; font-weight: 600; }
.heatmaps { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 8px; }
.heatmaps svg, section.markets > svg { width: 100%; height: auto; }
`;

/** The section, or "" for an exchange of one market. */
export function marketsSectionHtml(summary: Summary, result: RunResult): string {
  if (summary.markets.length < 2) return "";
  const shown = Math.min(heatmapMarkets, summary.markets.length);
  return `<section class="markets">
<h2>Markets</h2>
<p class="note">Each market's index fall (exogenous), mark fall (with the cascade), liquidations, ADL and bad debt; times are minutes from the start. ${formatCount(summary.crossAccountLiquidations)} of ${formatCount(summary.crossAccountCount)} cross accounts holding several markets were liquidated.</p>
${figuresTable(summary)}
<h3>Liquidations by market over time</h3>
<p class="note">Notional liquidated so far in each market (book, vault and ADL closes), so the market that gave way first rises first.</p>
${timeChart(summary, result)}
<h3>Contagion between markets</h3>
<p class="note">Liquidated notional in the column's market of accounts whose largest loss (since the start, when they were liquidated) came from the row's market. The diagonal is liquidations caused within a market; shaded cells are losses carried across markets by cross margin.</p>
${contagionTable(summary)}
<h3>Liquidation heatmaps before the shock</h3>
<p class="note">Notional that would be liquidated at each price with nothing else moving (longs red, shorts blue); a cross position counts at its price with the account's other markets held${summary.markets.length > shown ? `; the ${shown} markets with the most open interest` : ""}.</p>
<div class="heatmaps">
${heatmaps(summary, result)}
</div>
</section>`;
}
