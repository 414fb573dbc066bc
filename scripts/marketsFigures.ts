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
import { leadShock } from "../src/engine/prices.ts";
import { runScenario } from "../src/engine/sim.ts";
import { MarginTiers } from "../src/engine/venue/marginTiers.ts";
import { formatMoneyTick } from "../src/report/format.ts";
import { timeChart } from "../src/report/markets.ts";
import { plotSvg } from "../src/report/plot.ts";
import { summaryText } from "../src/report/summary.ts";
import { loadScenario } from "../src/scenario/load.ts";

const root = path.resolve(import.meta.dirname, "..");
const figures = path.join(root, "docs", "figures");
mkdirSync(figures, { recursive: true });

function crossAccountFigure(): void {
  const btc = new MarginTiers([{ maxNotional: null, maxLeverage: 40 }]);
  const eth = new MarginTiers([{ maxNotional: null, maxLeverage: 25 }]);
  const prices = Array.from({ length: 101 }, (_, index) => 3_000 + 10 * index);
  const crossLiquidation = eth.liquidationPrice(
    1,
    10,
    4_000,
    10_000 - btc.maintenanceMargin(100_000),
  );
  const isolatedLiquidation = eth.liquidationPrice(1, 10, 4_000, 3_000);
  const svg = plotSvg({
    title: "A cross account long 1 BTC and 10 ETH as ETH alone falls",
    subtitle: "wallet 10,000; BTC held at 100,000; beside the same ETH long isolated with 3,000",
    width: 960,
    height: 460,
    x: prices,
    xAxis: { title: "ETH price", format: formatMoneyTick },
    yAxis: { title: "equity and maintenance margin", format: formatMoneyTick, include: [0] },
    series: [
      {
        kind: "line",
        label: "cross account equity",
        color: "#4e79a7",
        values: prices.map((price) => 10_000 + 10 * (price - 4_000)),
      },
      {
        kind: "line",
        label: "cross maintenance (BTC 1,250 + ETH 10 P / 50)",
        color: "#e15759",
        values: prices.map(
          (price) => btc.maintenanceMargin(100_000) + eth.maintenanceMargin(10 * price),
        ),
      },
      {
        kind: "line",
        label: "isolated ETH equity (3,000)",
        color: "#4e79a7",
        dash: "6 4",
        values: prices.map((price) => 3_000 + 10 * (price - 4_000)),
      },
      {
        kind: "line",
        label: "isolated ETH maintenance",
        color: "#e15759",
        dash: "6 4",
        values: prices.map((price) => eth.maintenanceMargin(10 * price)),
      },
    ],
    overlay: (frame) =>
      [
        [crossLiquidation, "cross liquidated below", "#b22", "start", 4],
        [isolatedLiquidation, "isolated liquidated below", "#555", "end", -4],
      ]
        .map(([price, label, colour, anchor, shift]) => {
          const x = frame.x(price as number);
          return (
            `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${frame.box.top}" y2="${frame.box.top + frame.box.height}" stroke="${colour}" stroke-dasharray="4 3"/>` +
            `<text x="${(x + (shift as number)).toFixed(1)}" y="${frame.box.top + 16}" font-size="13" text-anchor="${anchor}" fill="${colour}">${label} ${(price as number).toFixed(2)}</text>`
          );
        })
        .join("\n"),
  });
  writeFileSync(path.join(figures, "markets-cross-account.svg"), svg);
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
  const shock = leadShock(loaded.engine);
  const startTime = shock?.kind === "path" ? (shock.startTime ?? null) : null;
  const time = { dt: loaded.engine.dt, startTime };
  writeFileSync(path.join(figures, "markets-liquidations.svg"), timeChart(summary, result, time));
  process.stdout.write(`${summaryText(summary)}\n`);
}

crossAccountFigure();
await presetFigure();
