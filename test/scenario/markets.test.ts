import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/engine/sim.ts";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { loadScenario } from "../../src/scenario/load.ts";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/scenarios");

/** Issue lines for a scenario given as text (written to a scratch file next to nothing else). */
async function issues(text: string): Promise<string[]> {
  const folder = mkdtempSync(path.join(tmpdir(), "deleverage-markets-"));
  writeFileSync(path.join(folder, "bad.yaml"), text);
  try {
    await loadScenario("bad.yaml", { cwd: folder });
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected the scenario to be rejected");
}

const twoMarkets = `name: bad
markets:
  - { symbol: BTC, price: 100000, orderBook: { shape: { depthPerPercent: 1000000, levels: 100, tick: 10 } } }
  - { symbol: ETH, price: 4000, orderBook: { shape: { depthPerPercent: 1000000, levels: 100, tick: 1 } } }
`;

describe("scenarios with several markets", () => {
  it("reads each market's book, brackets, path and fund, and the population's per-market targets", async () => {
    const loaded = await loadScenario("markets.yaml", { cwd: fixtures });
    const [btc, eth, sol] = loaded.engine.markets;
    expect(loaded.engine.markets.map((market) => market.symbol)).toEqual(["BTC", "ETH", "SOL"]);
    expect(btc.exogenous).toEqual({ kind: "factor", beta: 1, idiosyncraticVolatility: 0 });
    expect(eth.exogenous).toEqual({ kind: "factor", beta: 1.5, idiosyncraticVolatility: 0.1 });
    expect(sol.exogenous).toEqual({ kind: "own", shock: { kind: "instant", drop: 0.2, at: 30 } });
    expect(loaded.engine.factor).toEqual({ kind: "linear", drop: 0.1, from: 10, to: 50 });
    // maxLeverage 25 is one Hyperliquid tier; BTC keeps the exchange's default brackets.
    expect(eth.maintenanceMarginTiers).toEqual([{ maxNotional: null, maxLeverage: 25 }]);
    expect(btc.maintenanceMarginTiers).toHaveLength(10);
    expect(sol.funding?.intervalSeconds).toBe(3600);
    expect(sol.liquidity.kind).toBe("linear");
    expect(loaded.engine.exchange.insuranceFundScope).toBe("market");
    const explicit = loaded.engine.positions.explicit;
    expect(Array.from(explicit.market)).toEqual([0, 1]);
    // Shares follow the open-interest targets over each market's mean notional and larger side:
    // BTC 3M / (10,000 × 0.5), ETH 1M / (10,000 × 0.9); SOL is not listed.
    const population = loaded.engine.positions.population;
    const shares = population?.markets?.map((market) => market.share) ?? [];
    const btcWeight = 3e6 / (1e4 * 0.5);
    const ethWeight = 1e6 / (1e4 * 0.9);
    expect(shares[0]).toBeCloseTo(btcWeight / (btcWeight + ethWeight), 12);
    expect(shares[1]).toBeCloseTo(ethWeight / (btcWeight + ethWeight), 12);
    expect(shares[2]).toBe(0);
  });

  it("runs, hitting each market's open-interest target and pairing markets in cross accounts", async () => {
    const loaded = await loadScenario("markets.yaml", { cwd: fixtures });
    const result = runScenario(loaded.engine, { seed: 1 });
    const [btc, eth] = result.summary.markets;
    // The desk's two positions add to the generated ones; the generated part hits its target.
    expect(btc.openInterestStart).toBeGreaterThan(3e6);
    expect(btc.openInterestStart).toBeLessThan(3e6 + 100_000 + 1e5);
    expect(eth.openInterestStart).toBeGreaterThan(1e6);
    expect(result.summary.crossAccountCount).toBeGreaterThan(100);
    expect(Math.abs(result.summary.ledger.drift)).toBeLessThan(1e-6);
  });

  it("names the market an inline position needs, or the one it names wrongly", async () => {
    expect(
      await issues(`${twoMarkets}positions:
  inline:
    - { account: a, side: long, size: 1, entryPrice: 100000, collateral: 5000 }
    - { account: b, market: DOGE, side: long, size: 1, entryPrice: 1, collateral: 1 }
`),
    ).toEqual([
      'bad.yaml:7:18: positions.inline.0.account: account "a": a market is required with several markets; allowed: BTC, ETH',
      'bad.yaml:8:29: positions.inline.1.market: account "b": "DOGE" is not one of the scenario\'s markets; allowed: BTC, ETH',
    ]);
  });

  it("refuses duplicate symbols, asset beside markets, a bad correlation and the cycle layers", async () => {
    expect(
      await issues(`${twoMarkets}  - { symbol: BTC, price: 1, impact: { kind: linear, lambda: 0 } }
asset: { symbol: BTC, price: 100000 }
positions: { population: { count: 10, leverage: { 5: 1 } } }
`),
    ).toEqual([
      'bad.yaml:6:1: asset: {"symbol":"BTC","price":100000} is not allowed; use either asset + market (one market) or markets (several), not both',
      'bad.yaml:5:15: markets.2.symbol: "BTC" is not allowed; markets.0 has this symbol already; symbols must be unique',
    ]);
    expect(
      await issues(`${twoMarkets}correlation: [[1, 0.5, 0], [0.5, 1, 0]]
positions: { population: { count: 10, leverage: { 5: 1 } } }
`),
    ).toEqual([
      "bad.yaml:5:1: correlation: must be 2 × 2 (one row and one column per market, in markets order); got 2 rows of 3, 3",
    ]);
    expect(
      await issues(`${twoMarkets}correlation: [[1, 1.2], [1.2, 1]]
positions: { population: { count: 10, leverage: { 5: 1 } } }
`),
    ).toEqual(["bad.yaml:5:19: correlation.0.1: 1.2 is not allowed; must be between -1 and 1"]);
    expect(
      await issues(`${twoMarkets}decomposition: true
positions: { population: { count: 10, leverage: { 5: 1 } } }
`),
    ).toEqual([
      "bad.yaml:5:16: decomposition: true is not allowed; the leverage-cycle layers act on a single-market exchange (asset + market), not on 2 markets",
    ]);
  });

  it("checks population leverage against each market's own first bracket", async () => {
    expect(
      await issues(`name: bad
markets:
  - { symbol: BTC, price: 100000, orderBook: { shape: { depthPerPercent: 1000000, levels: 100, tick: 10 } } }
  - { symbol: DOGE, price: 0.2, maxLeverage: 10, orderBook: { shape: { depthPerPercent: 100000, levels: 100, tick: 0.0001 } } }
positions: { population: { count: 10, leverage: { 5: 0.5, 20: 0.5 } } }
`),
    ).toEqual([
      "bad.yaml:5:59: positions.population.leverage.20: leverage 20 is beyond the tiers of DOGE; the first tier (markets.1.maxLeverage) allows at most 10",
    ]);
  });
});
