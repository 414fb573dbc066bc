/**
 * Figures of docs/models/markets.md, written to docs/figures/:
 * - markets-cross-account.svg: the page's worked example, a cross account long 1 BTC and long
 *   10 ETH with a 10,000 wallet, its equity and maintenance margin as ETH alone falls, beside the
 *   same ETH position isolated with 3,000;
 * - markets-liquidations.svg: liquidations by market over time in the oct-10-2025-markets
 *   preset (needs ../shared/data; skipped with a note without it).
 *
 *   node --import tsx scripts/marketsFigures.ts
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runScenario } from "../src/engine/sim.ts";
import { MarginTiers } from "../src/engine/venue/marginTiers.ts";
import { formatMoney } from "../src/report/format.ts";
import { timeChart } from "../src/report/markets.ts";
import { summaryText } from "../src/report/summary.ts";
import { chartFrame, niceTicks, svgElement } from "../src/report/svgFrame.ts";
import { loadScenario } from "../src/scenario/load.ts";

const root = path.resolve(import.meta.dirname, "..");
const figures = path.join(root, "docs", "figures");
mkdirSync(figures, { recursive: true });

/** A standalone SVG file: the report's inline element with its namespace and a white ground. */
function standalone(svg: string): string {
  return `${svg
    .replace(
      "<svg ",
      '<svg xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif" font-size="12" ',
    )
    .replace(/(<svg[^>]*>)/, '$1\n<rect width="100%" height="100%" fill="#fff"/>')}\n`;
}

function crossAccountFigure(): void {
  const btc = new MarginTiers([{ maxNotional: null, maxLeverage: 40 }]);
  const eth = new MarginTiers([{ maxNotional: null, maxLeverage: 25 }]);
  const layout = {
    width: 720,
    height: 340,
    margin: { left: 80, right: 24, top: 24, bottom: 48 },
  };
  const prices = Array.from({ length: 101 }, (_, index) => 4_000 - 10 * index);
  const equity = prices.map((price) => 10_000 + 10 * (price - 4_000));
  const maintenance = prices.map(
    (price) => btc.maintenanceMargin(100_000) + eth.maintenanceMargin(10 * price),
  );
  const isolatedEquity = prices.map((price) => 3_000 + 10 * (price - 4_000));
  const isolatedMaintenance = prices.map((price) => eth.maintenanceMargin(10 * price));
  const crossLiquidation = eth.liquidationPrice(
    1,
    10,
    4_000,
    10_000 - btc.maintenanceMargin(100_000),
  );
  const isolatedLiquidation = eth.liquidationPrice(1, 10, 4_000, 3_000);
  const frame = chartFrame(
    layout,
    [3_000, 4_000],
    [-8_000, 11_000],
    { x: "ETH price (BTC held at 100,000)", y: "USD" },
    { x: (value) => formatMoney(value), y: (value) => formatMoney(value) },
    niceTicks(-8_000, 11_000, 6),
  );
  const line = (values: number[], colour: string, dash = "") =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${prices
      .map((price, index) => `${frame.x(price).toFixed(1)},${frame.y(values[index]).toFixed(1)}`)
      .join(" ")}"/>`;
  const marker = (price: number, label: string, colour: string) =>
    `<line x1="${frame.x(price).toFixed(1)}" x2="${frame.x(price).toFixed(1)}" y1="${layout.margin.top}" y2="${layout.height - layout.margin.bottom}" stroke="${colour}" stroke-dasharray="4 3"/>` +
    `<text x="${(frame.x(price) + 4).toFixed(1)}" y="${layout.margin.top + 14}" fill="${colour}">${label}</text>`;
  const legend = [
    ["cross account equity", "#4e79a7", ""],
    ["cross maintenance (BTC 1,250 + ETH P/5)", "#e15759", ""],
    ["isolated ETH equity (3,000)", "#4e79a7", ' stroke-dasharray="6 4"'],
    ["isolated ETH maintenance", "#e15759", ' stroke-dasharray="6 4"'],
  ].map(
    ([label, colour, dash], row) =>
      `<line x1="${layout.margin.left + 12}" x2="${layout.margin.left + 36}" y1="${layout.margin.top + 34 + 16 * row}" y2="${layout.margin.top + 34 + 16 * row}" stroke="${colour}" stroke-width="2"${dash}/>` +
      `<text x="${layout.margin.left + 42}" y="${layout.margin.top + 38 + 16 * row}">${label}</text>`,
  );
  const svg = svgElement(
    layout,
    [
      ...frame.svg,
      line(equity, "#4e79a7"),
      line(maintenance, "#e15759"),
      line(isolatedEquity, "#4e79a7", ' stroke-dasharray="6 4"'),
      line(isolatedMaintenance, "#e15759", ' stroke-dasharray="6 4"'),
      marker(crossLiquidation, `cross: ${crossLiquidation.toFixed(2)}`, "#b22"),
      marker(isolatedLiquidation, `isolated: ${isolatedLiquidation.toFixed(2)}`, "#666"),
      ...legend,
    ],
    "A cross account long BTC and ETH as ETH alone falls",
  );
  writeFileSync(path.join(figures, "markets-cross-account.svg"), standalone(svg));
  process.stdout.write(
    `cross liquidation at ETH ${crossLiquidation.toFixed(2)}; isolated at ${isolatedLiquidation.toFixed(2)}\n`,
  );
}

async function presetFigure(): Promise<void> {
  if (!existsSync(path.join(root, "..", "shared", "data"))) {
    process.stdout.write("../shared/data is absent: markets-liquidations.svg not redrawn\n");
    return;
  }
  const loaded = await loadScenario("oct-10-2025-markets");
  const result = runScenario(loaded.engine, { seed: loaded.scenario.seed });
  const summary = {
    ...result.summary,
    seed: loaded.scenario.seed,
    scenarioHash: loaded.hash,
    version: "",
  };
  writeFileSync(
    path.join(figures, "markets-liquidations.svg"),
    standalone(timeChart(summary, result)),
  );
  process.stdout.write(`${summaryText(summary)}\n`);
}

crossAccountFigure();
await presetFigure();
