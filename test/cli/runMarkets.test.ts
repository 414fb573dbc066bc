import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { deleverage, repositoryRoot, scratchFolder } from "../support/cli.ts";

const fixtures = join(repositoryRoot, "test/fixtures/scenarios");
const sharedData = resolve(repositoryRoot, "../shared/data");
const scratch = () => scratchFolder("deleverage-markets-cli-");

describe("deleverage run with several markets", () => {
  it("writes per-market figures, a market column, per-market series and the Markets section", async () => {
    const out = join(scratch(), "markets");
    const outcome = await deleverage("run", join(fixtures, "markets.yaml"), "--out", out);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/^In BTC, the lead market: /);
    expect(outcome.stdout).toMatch(/Per market: /);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.markets.map((market: { symbol: string }) => market.symbol)).toEqual([
      "BTC",
      "ETH",
      "SOL",
    ]);
    expect(summary.contagion.liquidatedNotional).toHaveLength(3);
    const events = readFileSync(join(out, "events.csv"), "utf8").trim().split("\n");
    expect(events[0].endsWith(",market")).toBe(true);
    const markets = new Set(events.slice(1).map((row) => row.slice(row.lastIndexOf(",") + 1)));
    expect([...markets].every((symbol) => ["BTC", "ETH", "SOL"].includes(symbol))).toBe(true);
    const series = readFileSync(join(out, "timeseries-markets.csv"), "utf8").trim().split("\n");
    expect(series[0].startsWith("market,step,time,indexPrice,markPrice")).toBe(true);
    expect(series).toHaveLength(1 + 3 * 101);
    const report = readFileSync(join(out, "report.html"), "utf8");
    expect(report).toContain("<h2>Markets</h2>");
    expect(report).toContain("Contagion between markets");
  });

  it("prints one heatmap per market", async () => {
    const outcome = await deleverage("heatmap", join(fixtures, "markets.yaml"));
    expect(outcome.code, outcome.stderr).toBe(0);
    for (const symbol of ["BTC", "ETH", "SOL"]) {
      expect(outcome.stdout).toMatch(new RegExp(`^${symbol}$`, "m"));
    }
  });

  it.skipIf(!existsSync(join(sharedData, "oct-10-2025")))(
    "runs the oct-10-2025-markets preset: five markets, ADL after the first liquidations (skipped without ../shared/data)",
    async () => {
      const out = join(scratch(), "oct-markets");
      const outcome = await deleverage("run", "oct-10-2025-markets", "--out", out);
      expect(outcome.code, outcome.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
      const symbols = summary.markets.map((market: { symbol: string }) => market.symbol);
      expect(symbols).toEqual(["BTC", "ETH", "SOL", "XRP", "DOGE"]);
      for (const market of summary.markets) expect(market.liquidatedNotional).toBeGreaterThan(0);
      // The alts fall further than BTC: their betas are above 1.
      const [btc, ...alts] = summary.markets;
      for (const alt of alts) expect(alt.exogenousMove).toBeGreaterThan(btc.exogenousMove);
      const firstAdl = Math.min(
        ...summary.markets
          .filter((market: { firstAdlStep: number | null }) => market.firstAdlStep !== null)
          .map((market: { firstAdlStep: number }) => market.firstAdlStep),
      );
      expect(firstAdl).toBeGreaterThan(btc.firstLiquidationStep);
      expect(summary.crossAccountLiquidations).toBeGreaterThan(0);
      expect(Math.abs(summary.ledger.drift)).toBeLessThan(1e-6 * summary.ledger.valueStart);
    },
  );
});
