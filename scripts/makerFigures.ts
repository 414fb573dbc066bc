/**
 * Figures for docs/models/maker.md: the three Abacus price curves, and the black-thursday-2020
 * preset with keepers starved of gas against keepers with enough gas (needs ../shared/data).
 * Plain SVG built by hand with fixed rounding, so the same code and data give the same bytes.
 *
 *   node --import tsx scripts/makerFigures.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runLending } from "../src/engine/lending/run.ts";
import { abacusPrice } from "../src/engine/venue/maker.ts";
import { loadAnyScenario } from "../src/scenario/load.ts";

const root = path.resolve(import.meta.dirname, "..");
const outDirectory = path.join(root, "docs", "figures");
const width = 720;
const height = 360;
const margin = { left: 70, right: 20, top: 36, bottom: 46 };
const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

interface Line {
  name: string;
  x: readonly number[];
  y: readonly number[];
  dashed?: boolean;
}

const fixed = (value: number): string => value.toFixed(2).replace(/\.?0+$/, "");

function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  lines: readonly Line[],
  legendLeft = width - margin.right - 250,
): string {
  let xHigh = 0;
  let yHigh = 0;
  for (const line of lines) {
    for (const value of line.x) xHigh = Math.max(xHigh, value);
    for (const value of line.y) yHigh = Math.max(yHigh, value);
  }
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (value: number) => margin.left + (value / xHigh) * plotWidth;
  const y = (value: number) => margin.top + plotHeight - (value / yHigh) * plotHeight;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${margin.left}" y1="${y(0)}" x2="${width - margin.right}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${y(0)}" stroke="black"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">${xLabel}</text>`,
    `<text x="16" y="${margin.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 ${margin.top + plotHeight / 2})">${yLabel}</text>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const xValue = (xHigh * tick) / 4;
    const yValue = (yHigh * tick) / 4;
    svg.push(
      `<text x="${fixed(x(xValue))}" y="${fixed(y(0) + 16)}" text-anchor="middle">${fixed(xValue)}</text>`,
      `<text x="${margin.left - 6}" y="${fixed(y(yValue) + 4)}" text-anchor="end">${fixed(yValue)}</text>`,
      `<line x1="${margin.left}" y1="${fixed(y(yValue))}" x2="${width - margin.right}" y2="${fixed(y(yValue))}" stroke="#ddd"/>`,
    );
  }
  lines.forEach((line, index) => {
    const points = line.x.map((value, point) => `${fixed(x(value))},${fixed(y(line.y[point]))}`);
    const colour = palette[index % palette.length];
    const dash = line.dashed === true ? ' stroke-dasharray="5,4"' : "";
    svg.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.join(" ")}"/>`,
      `<rect x="${legendLeft}" y="${margin.top + 8 + index * 18}" width="12" height="3" fill="${colour}"/>`,
      `<text x="${legendLeft + 18}" y="${margin.top + 13 + index * 18}">${line.name}</text>`,
    );
  });
  svg.push("</svg>");
  return `${svg.join("\n")}\n`;
}

function abacusFigure(): string {
  const seconds = Array.from({ length: 281 }, (_, index) => index * 30);
  const minutes = seconds.map((value) => value / 60);
  const curve = (abacus: Parameters<typeof abacusPrice>[0]) =>
    seconds.map((elapsed) => abacusPrice(abacus, 1, elapsed));
  return lineChart(
    "Clipper price / top after the (re)start (dss abaci.sol)",
    "minutes",
    "price / top",
    [
      {
        name: "stairstep: step 90 s, cut 0.99",
        x: minutes,
        y: curve({ kind: "stairstep", step: 90, cut: 0.99 }),
      },
      {
        name: "exponential: cut 0.99989 per s",
        x: minutes,
        y: curve({ kind: "exponential", cut: 0.99989 }),
      },
      {
        name: "linear: tau 21,600 s (the preset)",
        x: minutes,
        y: curve({ kind: "linear", tau: 21_600 }),
      },
      { name: "cusp 0.4 (ETH-A)", x: [0, 140], y: [0.4, 0.4], dashed: true },
    ],
  );
}

async function blackThursdayFigure(): Promise<string | undefined> {
  const enoughGas = [1, 2, 3].map((keeper) => `venues.0.keepers.${keeper}.gasPriceLimitGwei=2000`);
  const series: Line[] = [];
  for (const [name, overrides] of [
    ["keepers starved of gas", []],
    ["keepers with enough gas", enoughGas],
  ] as const) {
    const loaded = await loadAnyScenario("black-thursday-2020", { overrides: [...overrides] });
    if (loaded.model !== "lending")
      throw new Error("black-thursday-2020 is not a lending scenario");
    const run = runLending(loaded.engine, { seed: loaded.scenario.seed, runIndex: 0 });
    const column = run.world.columns.indexOf("maker.badDebtUsd");
    const values = run.world.series[column];
    const hours = Array.from(values, (_, step) => (step * run.world.dt) / 3600);
    series.push({ name, x: hours, y: Array.from(values, (value) => value / 1e6) });
    process.stdout.write(
      `${name}: bad debt at the end $${(values[values.length - 1] / 1e6).toFixed(2)}M\n`,
    );
  }
  return lineChart(
    "black-thursday-2020: bad debt through the day",
    "hours (UTC)",
    "bad debt, $M",
    series,
    margin.left + 16,
  );
}

mkdirSync(outDirectory, { recursive: true });
writeFileSync(path.join(outDirectory, "maker-abacus.svg"), abacusFigure());
try {
  const figure = await blackThursdayFigure();
  if (figure !== undefined) writeFileSync(path.join(outDirectory, "black-thursday.svg"), figure);
} catch (error) {
  process.stderr.write(
    `black-thursday.svg not written (needs ../shared/data): ${(error as Error).message}\n`,
  );
}
