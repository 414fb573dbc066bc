import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareAdl, comparedMechanisms, withMechanism } from "../../src/runner/compareAdl.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { scenario } from "../engine/fixtures.ts";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/scenarios");

describe("compareAdl", () => {
  it("runs the same seed under each mechanism: the same population, different ADL", () => {
    const base = scenario({ exchange: { ...scenario().exchange, insuranceFund: 0 } });
    const comparison = compareAdl(base, { seed: 3, runIndex: 0 });
    expect(comparison.rows.map((row) => row.mechanism)).toEqual(comparedMechanisms);
    expect(comparison.rows.every((row) => row.market === "all")).toBe(true);
    const binance = comparison.rows[0];
    const none = comparison.rows.at(-1);
    expect(binance.adlCount).toBeGreaterThan(0);
    expect(none?.adlCount).toBe(0);
    expect(none?.badDebtLeft).toBeGreaterThan(0);
    for (const row of comparison.rows) {
      expect(Math.abs(row.ledgerDrift)).toBeLessThan(1e-6);
      expect(row.overshoot).toBeCloseTo(row.profitTaken - row.shortfall, 6);
    }
  });

  it("withMechanism replaces the mechanism and drops an older ranking", () => {
    const base = scenario();
    expect(withMechanism(base, "budgeted").exchange.adl).toEqual({ mechanism: "budgeted" });
    expect(base.exchange.adl).toEqual({ ranking: "binance" });
  });

  it("adds a row per market and mechanism on a multi-market exchange", async () => {
    const loaded = await loadScenario("adl-two-markets.yaml", { cwd: fixtures });
    const comparison = compareAdl(loaded.engine, {
      seed: loaded.scenario.seed,
      runIndex: 0,
      mechanisms: ["binance", "budgeted"],
    });
    expect(comparison.markets).toEqual(["BTC", "ETH"]);
    expect(comparison.rows.map((row) => `${row.mechanism}/${row.market}`)).toEqual([
      "binance/all",
      "budgeted/all",
      "binance/BTC",
      "budgeted/BTC",
      "binance/ETH",
      "budgeted/ETH",
    ]);
    const [all, , btc, , eth] = comparison.rows;
    expect(btc.shortfall + eth.shortfall).toBeCloseTo(all.shortfall, 6);
    expect(btc.adlNotional + eth.adlNotional).toBeCloseTo(all.adlNotional, 6);
    // A cross account hit in both markets is one account of the exchange, one per market.
    expect(all.hitAccounts).toBeLessThanOrEqual(btc.hitAccounts + eth.hitAccounts);
  });
});
