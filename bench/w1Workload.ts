/**
 * Workload W1 (issue 12, the FLOX comparison): N isolated longs at P0 = 100, leverage
 * {5, 10, 25, 50, 100}[i mod 5], entry 90 + 10·u2, notional 1000 + 99000·u1 with
 * u1 = ((i·2654435761) mod 2^32) / 2^32 and u2 = ((i·2246822519 + 374761393) mod 2^32) / 2^32,
 * Binance tiers, a 10 % drop, and bids of (long open interest in base units) / 10 at every 1.0 of
 * price below P0. Written as what a risk team would hand the CLI: a positions CSV
 * (account,side,size,entryPrice,collateral) and a scenario file naming it, so the whole path from
 * file to outputs is measured. Also `node --import tsx bench/w1Workload.ts DIR [COUNT]`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const leverages = [5, 10, 25, 50, 100];
const startPrice = 100;

/** (i · multiplier + offset) mod 2^32 / 2^32, exactly (the product stays below 2^53 for i < 2^20). */
function unit(index: number, multiplier: number, offset: number): number {
  const product = BigInt(index) * BigInt(multiplier) + BigInt(offset);
  return Number(product % 4294967296n) / 4294967296;
}

export interface W1Files {
  scenario: string;
  positions: string;
  /** Sum of the longs' sizes (base units), which sizes the bids. */
  longQuantity: number;
}

/** Writes DIR/w1-positions.csv and DIR/w1.yaml for `count` positions. */
export function writeW1(folder: string, count = 1_000_000): W1Files {
  mkdirSync(folder, { recursive: true });
  const rows: string[] = ["account,side,size,entryPrice,collateral"];
  let longQuantity = 0;
  for (let index = 0; index < count; index++) {
    const u1 = unit(index, 2654435761, 0);
    const u2 = unit(index, 2246822519, 374761393);
    const leverage = leverages[index % leverages.length];
    const entryPrice = 90 + 10 * u2;
    const notional = 1000 + 99000 * u1;
    const size = notional / entryPrice;
    longQuantity += size;
    rows.push(`w1-${index},long,${size},${entryPrice},${notional / leverage}`);
  }
  const positions = path.join(folder, "w1-positions.csv");
  writeFileSync(positions, `${rows.join("\n")}\n`);
  const levelSize = longQuantity / 10;
  const bids = Array.from({ length: 99 }, (_, level) => startPrice - 1 - level);
  const asks = Array.from({ length: 99 }, (_, level) => startPrice + 1 + level);
  const levels = (prices: number[]) =>
    prices.map((price) => `{ price: ${price}, size: ${levelSize} }`).join(", ");
  const scenario = path.join(folder, "w1.yaml");
  writeFileSync(
    scenario,
    [
      "# W1 (bench/w1Workload.ts): isolated longs from a CSV, a 10 % drop into a linear book.",
      `name: w1-${count}`,
      "seed: 1",
      "steps: 60",
      `asset: { symbol: W1, price: ${startPrice} }`,
      "market:",
      "  orderBook:",
      `    levels: { bids: [${levels(bids)}], asks: [${levels(asks)}] }`,
      "    resilienceHalfLife: none",
      "exchange: { marginMode: isolated, insuranceFund: 0 }",
      "positions: { csv: w1-positions.csv }",
      "shock: { kind: instant, drop: 0.1, at: 1 }",
      "",
    ].join("\n"),
  );
  return { scenario, positions, longQuantity };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  const folder = process.argv[2] ?? "out/bench-w1";
  const files = writeW1(folder, Number(process.argv[3] ?? 1_000_000));
  process.stdout.write(`${files.scenario}\n${files.positions}\n`);
}
