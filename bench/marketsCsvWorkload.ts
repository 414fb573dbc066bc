/**
 * The 20-market workload (bench/marketsWorkload.ts) as files a risk team would hand the CLI: the
 * generated book of 1,000,000 positions written to a positions CSV with a market column
 * (account,market,side,size,entryPrice,collateral,marginMode), the cross accounts' wallets to a
 * wallet file (account,wallet) with their positions' collateral left empty, and a scenario with
 * the same 20 markets naming both. Also `node --import tsx bench/marketsCsvWorkload.ts DIR`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Simulation } from "../src/engine/sim.ts";
import { marketsWorkload } from "./marketsWorkload.ts";

export interface MarketsCsvFiles {
  scenario: string;
  positions: string;
  wallets: string;
}

export function writeMarketsCsv(folder: string, count = 1_000_000): MarketsCsvFiles {
  mkdirSync(folder, { recursive: true });
  const workload = marketsWorkload(count);
  const store = new Simulation(workload, { seed: 1 }).store;
  const symbols = workload.markets.map((market) => market.symbol);
  const rows = ["account,market,side,size,entryPrice,collateral,marginMode"];
  const wallets = new Map<number, number>();
  for (let id = 0; id < count; id++) {
    const account = store.account[id];
    const cross = store.cross[id] === 1;
    const name = account >= 0 ? `x${account}` : `p${id}`;
    if (account >= 0) wallets.set(account, (wallets.get(account) ?? 0) + store.collateral[id]);
    rows.push(
      `${name},${symbols[store.market[id]]},${store.side[id] > 0 ? "long" : "short"},${store.size[id]},${store.entryPrice[id]},${account >= 0 ? "" : store.collateral[id]},${cross ? "cross" : "isolated"}`,
    );
  }
  const positions = path.join(folder, "markets-positions.csv");
  writeFileSync(positions, `${rows.join("\n")}\n`);
  const walletRows = [
    "account,wallet",
    ...[...wallets].map(([account, wallet]) => `x${account},${wallet}`),
  ];
  const walletFile = path.join(folder, "markets-wallets.csv");
  writeFileSync(walletFile, `${walletRows.join("\n")}\n`);
  const markets = workload.markets.map((market) => {
    const exogenous = market.exogenous;
    const beta = exogenous.kind === "factor" ? exogenous.beta : 1;
    const book = market.liquidity;
    const depth =
      book.kind === "orderBook"
        ? book.bids.reduce(
            (sum, level) =>
              level.price >= market.price * 0.99 ? sum + level.size * level.price : sum,
            0,
          )
        : 0;
    return `  - { symbol: ${market.symbol}, price: ${market.price}, beta: ${beta}, orderBook: { shape: { depthPerPercent: ${depth}, levels: 2000, tick: ${market.price / 10_000} }, resilienceHalfLife: 30 } }`;
  });
  const scenario = path.join(folder, "markets.yaml");
  writeFileSync(
    scenario,
    [
      "# bench/marketsCsvWorkload.ts: the 20-market workload's positions from files.",
      `name: markets-csv-${count}`,
      "seed: 1",
      "steps: 60",
      "markets:",
      ...markets,
      "exchange: { marginMode: isolated, insuranceFund: 50000000 }",
      "positions: { csv: markets-positions.csv, wallets: markets-wallets.csv }",
      "shock: { kind: instant, drop: 0.1, at: 5 }",
      "",
    ].join("\n"),
  );
  return { scenario, positions, wallets: walletFile };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  const files = writeMarketsCsv(
    process.argv[2] ?? "out/bench-markets",
    Number(process.argv[3] ?? 1_000_000),
  );
  process.stdout.write(`${files.scenario}\n${files.positions}\n${files.wallets}\n`);
}
