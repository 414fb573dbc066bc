import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { loadAnyScenario } from "../../src/scenario/load.ts";

const directory = mkdtempSync(path.join(tmpdir(), "deleverage-lending-scenario-"));
const sharedData = path.resolve(import.meta.dirname, "../../../shared/data/may-2021");

const valid = `model: lending
name: small
steps: 60
assets:
  - symbol: ETH
    price: 2000
    path: { kind: linear, drop: 0.3, from: 5, to: 40 }
  - symbol: DAI
    price: 1
markets:
  - base: ETH
    quote: DAI
    reserves: { base: 1000, quote: 2000000 }
    arbitrage: { capital: 1000000, maxNotionalPerStep: 100000 }
oracles:
  - asset: ETH
    kind: push
venues:
  - kind: aave
    name: pool
    reserves:
      - asset: ETH
        ltv: 0.8
        liquidationThreshold: 0.825
        liquidationBonus: 0.05
      - asset: DAI
        ltv: 0.75
        liquidationThreshold: 0.8
        liquidationBonus: 0.05
    liquidators:
      capital: { DAI: 1000000 }
    accounts:
      inline:
        - collateral: { ETH: 10 }
          debt: { DAI: 15000 }
`;

function scenarioFile(name: string, text: string): string {
  writeFileSync(path.join(directory, name), text);
  return name;
}

async function issuesOf(source: string, overrides: string[] = []): Promise<string[]> {
  try {
    await loadAnyScenario(source, { cwd: directory, overrides });
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error(`expected ${source} to be rejected`);
}

describe("model: lending scenarios", () => {
  it("loads a valid file into the engine's view, with symbols as indexes and defaults filled", async () => {
    const loaded = await loadAnyScenario(scenarioFile("valid.yaml", valid), { cwd: directory });
    if (loaded.model !== "lending") throw new Error(`loaded as ${loaded.model}`);
    expect(loaded.engine.symbols).toEqual(["ETH", "DAI"]);
    expect(loaded.engine.world.markets[0]).toMatchObject({ base: 0, quote: 1, fee: 0.003 });
    const venue = loaded.engine.venues[0];
    if (venue.kind !== "aave") throw new Error(`venue loaded as ${venue.kind}`);
    expect(venue.inline[0].debt).toEqual([{ asset: 1, units: 15000 }]);
    expect(venue.reserves[1]?.rate).toEqual({
      base: 0,
      slope1: 0.04,
      slope2: 0.75,
      optimalUsage: 0.8,
    });
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects a liquidation threshold below the LTV, naming field, value and rule", async () => {
    expect(await issuesOf("valid.yaml", ["venues.0.reserves.0.liquidationThreshold=0.7"])).toEqual([
      "--set venues.0.reserves.0.liquidationThreshold: 0.7 is not allowed; must be >= ltv (0.8) (Aave: ltv <= liquidationThreshold)",
    ]);
  });

  it("rejects a bonus of 100 % or more, and one that pays out more than the collateral", async () => {
    const file = scenarioFile(
      "bonus.yaml",
      valid.replace(
        "liquidationBonus: 0.05\n      - asset: DAI",
        "liquidationBonus: 1\n      - asset: DAI",
      ),
    );
    expect(await issuesOf(file)).toEqual([
      expect.stringMatching(
        /^bonus\.yaml:\d+:\d+: venues\.0\.reserves\.0\.liquidationBonus: 1 is not allowed; must be >= 0 and below 1/,
      ),
    ]);
    expect(await issuesOf("valid.yaml", ["venues.0.reserves.0.liquidationBonus=0.25"])).toEqual([
      expect.stringContaining(
        "0.25 is not allowed; with liquidationThreshold 0.825, liquidationThreshold x (1 + liquidationBonus) must be <= 1",
      ),
    ]);
  });

  it("rejects an unknown asset in an account at its key, listing the assets", async () => {
    const file = scenarioFile(
      "unknown.yaml",
      valid.replace("debt: { DAI: 15000 }", "debt: { USDT: 15000 }"),
    );
    expect(await issuesOf(file)).toEqual([
      expect.stringMatching(
        /^unknown\.yaml:\d+:\d+: venues\.0\.accounts\.inline\.0\.debt\.USDT: 15000 is not allowed; unknown asset "USDT"; assets are ETH, DAI/,
      ),
    ]);
  });

  it("rejects an asset the venue does not list, an oracle on an unknown asset and a reversed event", async () => {
    const issues = await issuesOf("valid.yaml", [
      "assets.2={symbol: USDC, price: 1}",
      "venues.0.accounts.inline.0.collateral={USDC: 5}",
      "oracles.0.asset=BTC",
      "events=[{kind: oracleOutage, asset: ETH, from: 20, to: 10}]",
    ]);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          "collateral.USDC: 5 is not allowed; not listed by venue pool; its reserves are ETH, DAI",
        ),
        expect.stringContaining('oracles.0.asset: "BTC" is not allowed; unknown asset "BTC"'),
        expect.stringContaining("events.0.to: 10 is not allowed; must be after from (20)"),
      ]),
    );
  });

  it("loads a book market around the start price, and refuses arbitrageurs on it", async () => {
    const book = [
      "markets.0={kind: book, base: ETH, quote: DAI, book: {shape: {depthPerPercent: 1000000, levels: 50, tick: 5}}}",
    ];
    const loaded = await loadAnyScenario("valid.yaml", { cwd: directory, overrides: book });
    if (loaded.model !== "lending") throw new Error(`loaded as ${loaded.model}`);
    const spec = loaded.engine.world.markets[0].book;
    expect(spec?.bids[0].price).toBeLessThan(2000);
    expect(spec?.asks[0].price).toBeGreaterThan(2000);
    expect(spec?.resilienceHalfLife).toBe(60);
    expect(
      await issuesOf("valid.yaml", [
        "markets.0={kind: book, base: ETH, quote: DAI, book: {shape: {depthPerPercent: 1000000, levels: 50, tick: 5}}, arbitrage: {capital: 1, maxNotionalPerStep: 1}}",
      ]),
    ).toEqual([
      expect.stringContaining(
        'markets.0.arbitrage: {"capital":1,"maxNotionalPerStep":1} is not allowed; arbitrageurs are for pools',
      ),
    ]);
  });

  it("reports a data file that is not there at the field that names it", async () => {
    const file = scenarioFile(
      "missing.yaml",
      valid.replace(
        "    price: 2000\n    path: { kind: linear, drop: 0.3, from: 5, to: 40 }",
        "    path: { kind: coinApi, file: nowhere.json }",
      ),
    );
    expect(await issuesOf(file)).toEqual([
      expect.stringMatching(
        /^missing\.yaml:\d+:\d+: assets\.0\.path\.file: "nowhere\.json" cannot be read/,
      ),
    ]);
  });
});

describe.skipIf(!existsSync(sharedData))("real data importers (../shared/data/may-2021)", () => {
  it("builds the may-2021-aave preset: CoinAPI path, gas in gwei, the real pool's liquidity", async () => {
    const loaded = await loadAnyScenario("may-2021-aave");
    if (loaded.model !== "lending") throw new Error(`loaded as ${loaded.model}`);
    const eth = loaded.engine.assets[0];
    if (eth.shock.kind !== "path") throw new Error("expected a path");
    // First 10-minute close (00:10 UTC) is 3,423.99; the next close at 00:20 is then 10 steps on.
    expect(eth.start).toBe(3423.99);
    expect(eth.shock.prices).toHaveLength(loaded.engine.steps + 1);
    const gas = loaded.engine.world.gasGwei;
    // 90th percentile of the first row, 98,845,445,473 wei = 98.85 gwei.
    expect(gas?.[0]).toBeCloseTo(98.845445473, 6);
    const pool = loaded.engine.world.markets[0];
    // The first sample, 23,221.35 WETH × 67,923,883.66 DAI, keeps its liquidity √(x·y).
    expect(Math.sqrt(pool.reserveBase * pool.reserveQuote)).toBeCloseTo(
      Math.sqrt(23221.34635038082 * 67923883.66277882),
      3,
    );
    expect(pool.reserveQuote / pool.reserveBase).toBeCloseTo(3423.99, 6);
  });
});

if (!existsSync(sharedData)) {
  console.warn(`skipping the may-2021 importer test: ${sharedData} is absent`);
}
