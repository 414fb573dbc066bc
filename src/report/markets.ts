/**
 * The report's section for an exchange with several markets: which markets fell first and how
 * losses moved between them. A table of each market's figures, liquidations by market over time
 * (cumulative, so the order in which markets gave way reads off the curves), the contagion table
 * (liquidations in a market of accounts whose largest loss came from another) and each market's
 * pre-shock liquidation heatmap. Static SVG: the page stays one file that opens offline.
 */
import type { RunResult } from "../engine/result.ts";
import {
  formatCompact,
  formatCount,
  formatMoney,
  formatMoneyTick,
  formatPercent,
} from "./format.ts";
import { escapeHtml } from "./markup.ts";
import { plotSvg } from "./plot.ts";
import type { Summary } from "./summary.ts";
import { timeAxis } from "./svg.ts";
import type { TimeBase } from "./timeAxis.ts";

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

/** Lines drawn in the time chart: the markets that liquidated most. */
const timeChartMarkets = 10;

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

/**
 * Cumulative liquidated notional of the markets that liquidated most, on the report's time axis
 * (UTC for replays, elapsed otherwise); also a docs figure.
 */
export function timeChart(summary: Summary, result: RunResult, time: TimeBase): string {
  const rows = result.timeseries.step.length;
  const liquidated = result.marketSeries.liquidatedNotional;
  const steps = Array.from({ length: rows }, (_, step) => step);
  const shown = summary.markets
    .map((market, index) => ({ market, index }))
    .sort((left, right) => right.market.liquidatedNotional - left.market.liquidatedNotional)
    .slice(0, timeChartMarkets);
  return plotSvg({
    width: 960,
    height: 380,
    x: steps,
    xAxis: timeAxis(time, 0, rows - 1),
    yAxis: { title: "liquidated so far", format: formatMoneyTick, include: [0] },
    series: shown.map(({ market, index }) => {
      let total = 0;
      const values = steps.map((step) => {
        total += liquidated[index * rows + step];
        return total;
      });
      return {
        kind: "line" as const,
        label: market.symbol,
        color: palette[index % palette.length],
        values,
      };
    }),
  });
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
      const percent = (price: number) => 100 * (price / start - 1);
      return plotSvg({
        title: market.symbol,
        width: 420,
        height: 300,
        x: buckets.map((bucket) => percent(bucket.priceLow)),
        xAxis: {
          title: "price vs start (%)",
          format: (value) => formatCount(value),
          include: [percent(buckets[buckets.length - 1].priceHigh)],
        },
        yAxis: { title: "liquidated there", format: formatMoneyTick, include: [0] },
        series: [
          {
            kind: "bars",
            label: "longs",
            color: "#e15759",
            values: buckets.map((bucket) => bucket.longNotional),
          },
          {
            kind: "bars",
            label: "shorts",
            color: "#4e79a7",
            values: buckets.map((bucket) => bucket.shortNotional),
          },
        ],
      });
    })
    .join("\n");
}

export const marketsCss = `
table.markets td, table.contagion td { text-align: right; }
table.contagion td.across { background: #fdecea; font-weight: 600; }
.heatmaps { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 8px; }
.heatmaps svg, section.markets > svg { width: 100%; height: auto; }
`;

/** The section, or "" for an exchange of one market. */
export function marketsSectionHtml(summary: Summary, result: RunResult, time: TimeBase): string {
  if (summary.markets.length < 2) return "";
  const shown = Math.min(heatmapMarkets, summary.markets.length);
  return `<section class="markets">
<h2>Markets</h2>
<p class="note">Each market's index fall (exogenous), mark fall (with the cascade), liquidations, ADL and bad debt; times are minutes from the start. ${formatCount(summary.crossAccountLiquidations)} of ${formatCount(summary.crossAccountCount)} cross accounts holding several markets were liquidated.</p>
${figuresTable(summary)}
<h3>Liquidations by market over time</h3>
<p class="note">Notional liquidated so far in each market (book, vault and ADL closes), so the market that gave way first rises first${summary.markets.length > timeChartMarkets ? `; the ${timeChartMarkets} markets that liquidated most` : ""}.</p>
${timeChart(summary, result, time)}
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
