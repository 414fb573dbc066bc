import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type {
  EngineScenario,
  ExplicitPositions,
  OrderBookSpec,
  ShockSpec,
} from "../../src/engine/config.ts";
import { accountNameAt } from "../../src/engine/explicitPositions.ts";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { listPresets, loadScenario } from "../../src/scenario/load.ts";
import { positionRows } from "../support/positions.ts";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/scenarios");
const repositoryRoot = path.resolve(import.meta.dirname, "../..");

async function errorOf(source: string, overrides: string[] = []): Promise<ScenarioError> {
  try {
    await loadScenario(source, { cwd: fixtures, overrides });
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to be rejected`);
}

async function issuesOf(source: string, overrides: string[] = []): Promise<string[]> {
  return (await errorOf(source, overrides)).message.split("\n");
}

/** Explicit positions as one object per row, for comparing with what a file says. */
function explicitRows(explicit: ExplicitPositions) {
  return Array.from({ length: explicit.count }, (_, row) => ({
    account: accountNameAt(explicit.accountNames, explicit.account[row]),
    market: explicit.market[row],
    side: explicit.side[row],
    size: explicit.size[row],
    entryPrice: explicit.entryPrice[row],
    collateral: explicit.collateral[row],
    cross: explicit.cross[row],
  }));
}

/** The one market's own exogenous path spec. */
function ownShock(engine: EngineScenario): ShockSpec {
  const exogenous = engine.markets[0].exogenous;
  if (exogenous.kind !== "own") throw new Error("expected the market's own shock");
  return exogenous.shock;
}

describe("loadScenario: valid files", () => {
  it("reads YAML, fills defaults, reads the positions CSV and sorts book levels best first", async () => {
    const loaded = await loadScenario("valid.yaml", { cwd: fixtures });
    expect(loaded.file).toBe(path.join(fixtures, "valid.yaml"));
    expect(loaded.scenario.seed).toBe(7);
    expect(loaded.scenario.dt).toBe(1);
    expect(loaded.scenario.exchange.adl.ranking).toBe("binance");
    expect(loaded.engine.markets[0].liquidity).toEqual({
      kind: "orderBook",
      bids: [
        { price: 99995, size: 1 },
        { price: 99990, size: 2 },
      ],
      asks: [
        { price: 100005, size: 1 },
        { price: 100010, size: 2 },
      ],
      resilienceHalfLife: null,
    });
    expect(loaded.engine.positions.population).toBeUndefined();
    expect(explicitRows(loaded.engine.positions.explicit)).toEqual([
      {
        account: "a1",
        market: 0,
        side: 1,
        size: 2,
        entryPrice: 100000,
        collateral: 10000,
        cross: 0,
      },
      {
        account: "b1",
        market: 0,
        side: -1,
        size: 1,
        entryPrice: 100500,
        collateral: 5000,
        cross: 0,
      },
      {
        account: "b2",
        market: 0,
        side: 1,
        size: 0.5,
        entryPrice: 99000,
        collateral: 2000,
        cross: 1,
      },
    ]);
    expect(ownShock(loaded.engine)).toEqual({ kind: "instant", drop: 0.1, at: 10 });
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reads JSON and passes an impact market and a population through", async () => {
    const loaded = await loadScenario("valid.json", { cwd: fixtures });
    expect(loaded.engine.markets[0].liquidity).toEqual({
      kind: "sqrt",
      y: 0.7,
      dailyVolume: 1e9,
      dailyVolatility: 0.04,
      decayHalfLife: 300,
    });
    expect(loaded.engine.positions.explicit.count).toBe(0);
    expect(loaded.engine.positions.population?.leverage).toEqual({ 5: 0.5, 20: 0.5 });
    expect(ownShock(loaded.engine)).toEqual({ kind: "linear", drop: 0.2, from: 5, to: 50 });
  });

  it("builds a book from a shape and a kline path sampled every dt, rebased to asset.price", async () => {
    const loaded = await loadScenario("path-shock.yaml", { cwd: fixtures });
    const book = loaded.engine.markets[0].liquidity as OrderBookSpec;
    expect(book.bids).toHaveLength(100);
    expect(book.asks).toHaveLength(100);
    expect(book.bids[0].price).toBeLessThan(50000);
    expect(book.asks[0].price).toBeGreaterThan(50000);
    expect(book.resilienceHalfLife).toBe(60);
    // Bars 21:01..21:03 close at 108000, 104000, 106000; dt = 30 s halves each minute.
    const scale = 50000 / 108000;
    const expected = [108000, 106000, 104000, 105000, 106000].map((price) => price * scale);
    const shock = ownShock(loaded.engine);
    expect(shock.kind).toBe("path");
    if (shock.kind !== "path") return;
    expect(Array.from(shock.prices)).toHaveLength(5);
    shock.prices.forEach((price, step) => {
      expect(price).toBeCloseTo(expected[step], 6);
    });
  });

  it("builds a book from a bookDepth snapshot chosen by `at`, around asset.price", async () => {
    const loaded = await loadScenario("depth-book.yaml", { cwd: fixtures });
    const book = loaded.engine.markets[0].liquidity as OrderBookSpec;
    // The 00:00:40 snapshot: 50 BTC within 1 % below, 60 above, two levels per percent.
    expect(book.bids).toHaveLength(10);
    expect(book.asks).toHaveLength(10);
    expect(book.bids[0].size + book.bids[1].size).toBeCloseTo(50, 9);
    expect(book.asks[0].size + book.asks[1].size).toBeCloseTo(60, 9);
    expect(book.bids[0].price).toBeLessThan(100000);
    expect(book.bids[1].price).toBeLessThan(book.bids[0].price);
    expect(book.asks[0].price).toBeGreaterThan(100000);
    expect(book.bids[9].price).toBeGreaterThanOrEqual(95000);
  });

  it("resolves a preset name to scenarios/NAME.yaml at the repository root", async () => {
    expect(await listPresets()).toContain("example");
    const loaded = await loadScenario("example", { cwd: fixtures });
    expect(loaded.file).toBe(path.join(repositoryRoot, "scenarios", "example.yaml"));
    expect(loaded.scenario.name).toBe("example");
  });

  it("hashes the validated scenario and the data files deterministically", async () => {
    const first = await loadScenario("valid.yaml", { cwd: fixtures });
    const again = await loadScenario(path.join(fixtures, "valid.yaml"), { cwd: repositoryRoot });
    expect(again.hash).toBe(first.hash);
    const seeded = await loadScenario("valid.yaml", { cwd: fixtures, overrides: ["seed=8"] });
    expect(seeded.hash).not.toBe(first.hash);
    // Writing the default explicitly validates to the same scenario, so the hash is the same.
    const explicitDefault = await loadScenario("valid.yaml", {
      cwd: fixtures,
      overrides: ["dt=1"],
    });
    expect(explicitDefault.hash).toBe(first.hash);
  });

  it("writes nothing", async () => {
    const before = readdirSync(fixtures);
    await loadScenario("valid.yaml", { cwd: fixtures });
    await errorOf("bad-positions.yaml");
    expect(readdirSync(fixtures)).toEqual(before);
  });
});

describe("loadScenario: --set", () => {
  it("parses values as YAML and applies them before validation", async () => {
    const loaded = await loadScenario("valid.yaml", {
      cwd: fixtures,
      overrides: [
        "exchange.insuranceFund=5e6",
        "exchange.marginMode=cross",
        "exchange.maintenanceMarginTiers.0.rate=0.001",
        "exchange.liquidation={mode: partial, maxNotionalPerStep: 1e6}",
        "positions.inline.1={account: new, side: short, size: 1, entryPrice: 100000, collateral: 5000}",
      ],
    });
    const exchange = loaded.engine.exchange;
    expect(exchange.insuranceFund).toBe(5_000_000);
    expect(exchange.marginMode).toBe("cross");
    // Setting one field of the default tiers keeps the other nine.
    const tiers = loaded.engine.markets[0].maintenanceMarginTiers;
    expect(tiers).toHaveLength(10);
    expect(tiers[0].rate).toBe(0.001);
    expect(tiers[1].rate).toBe(0.005);
    expect(exchange.liquidation).toEqual({
      mode: "partial",
      partialTargetRatio: 0.9,
      maxNotionalPerStep: 1e6,
      maxRoundsPerStep: 1000,
    });
    expect(explicitRows(loaded.engine.positions.explicit).map((row) => row.account)).toEqual([
      "a1",
      "new",
      "b1",
      "b2",
    ]);
  });

  it("reports an issue caused by an override at --set PATH", async () => {
    expect(
      await issuesOf("valid.yaml", [
        "exchange.insuranceFund=-5",
        "exchange.insuranceFnd=1",
        "exchange.backstop.maxLeverage=3",
      ]),
    ).toEqual([
      "--set exchange.insuranceFund: -5 is not allowed; must be >= 0",
      "--set exchange.backstop.maxLeverage: exchange.backstop.capital: required field is missing; expected a number",
      '--set exchange.insuranceFnd: unknown field "insuranceFnd" (did you mean "insuranceFund"?); allowed fields: marginMode, maintenanceMarginTiers, liquidationFeeRate, liquidation, insuranceFund, insuranceFundScope, crossMarginBand, backstop, adl, markPrice, funding',
    ]);
  });

  it("rejects malformed assignments, unparsable values and paths through scalars", async () => {
    const error = await errorOf("valid.yaml", [
      "insuranceFund",
      "exchange..adl=1",
      "shock.at=[1, 2",
      "asset.price.value=1",
      "positions.inline.3.size=1",
    ]);
    expect(error.message.split("\n")).toEqual([
      '--set insuranceFund: "insuranceFund" is not allowed; expected PATH=VALUE with a dotted PATH, e.g. exchange.insuranceFund=5e6 or exchange.maintenanceMarginTiers.0.rate=0.01',
      '--set exchange..adl=1: "exchange..adl=1" is not allowed; expected PATH=VALUE with a dotted PATH, e.g. exchange.insuranceFund=5e6 or exchange.maintenanceMarginTiers.0.rate=0.01',
      '--set shock.at: "[1, 2" is not allowed; the value must be a YAML scalar or flow value such as 5e6, cross or [1, 2] (Flow sequence must end with a ])',
      '--set asset.price.value: asset.price is 100000, not an object or list, so it has no field "value"',
      "--set positions.inline.3.size: positions.inline has 1 item; index 3 is not allowed; expected 0..1 (1 appends)",
    ]);
    expect(error.issues[3]).toEqual({
      location: "--set asset.price.value",
      path: "asset.price.value",
      message: 'asset.price is 100000, not an object or list, so it has no field "value"',
    });
  });
});

describe("loadScenario: errors point at file:line:col, name the field, the value and what is allowed", () => {
  it("unknown field: at the key, with the allowed fields and a likely intended one", async () => {
    const error = await errorOf("unknown-field.yaml");
    expect(error.issues).toEqual([
      {
        location: "unknown-field.yaml:6:3",
        path: "exchange.insurnceFund",
        message:
          'unknown field "insurnceFund" (did you mean "insuranceFund"?); allowed fields: marginMode, maintenanceMarginTiers, liquidationFeeRate, liquidation, insuranceFund, insuranceFundScope, crossMarginBand, backstop, adl, markPrice, funding',
      },
    ]);
  });

  it("wrong types, enum values, bounds and discriminators, each at its value", async () => {
    expect(await issuesOf("wrong-type.yaml")).toEqual([
      'wrong-type.yaml:2:8: steps: expected a number, received string "many"',
      'wrong-type.yaml:7:15: exchange.marginMode: "portfolio" is not allowed; must be one of isolated, cross',
      "wrong-type.yaml:8:18: exchange.insuranceFund: -5 is not allowed; must be >= 0",
      'wrong-type.yaml:12:16: shock.kind: "crash" is not allowed; must be one of none, instant, linear, steps, path, gbm, jump, garch, regimes',
    ]);
  });

  it("locates values in JSON files too", async () => {
    expect(await issuesOf("wrong-type.json")).toEqual([
      'wrong-type.json:3:40: asset.price: expected a number, received string "a lot"',
    ]);
  });

  it("negative size inside a list item", async () => {
    expect(await issuesOf("negative-size.yaml")).toEqual([
      "negative-size.yaml:10:13: positions.inline.1.size: -2 is not allowed; must be > 0",
    ]);
  });

  it("a missing field points at the object that should hold it", async () => {
    expect(await issuesOf("missing-field.yaml")).toEqual([
      "missing-field.yaml:2:1: asset.price: required field is missing; expected a number",
    ]);
  });

  it("leverage beyond the tiers, for an explicit position and a population key", async () => {
    const error = await errorOf("leverage-beyond-tiers.yaml");
    expect(error.issues.map((issue) => `${issue.location} ${issue.path}`)).toEqual([
      "leverage-beyond-tiers.yaml:8:7 positions.inline.1",
      "leverage-beyond-tiers.yaml:11:26 positions.population.leverage.200",
    ]);
    expect(error.issues[0].message).toBe(
      'account "greedy": leverage 200x (size 2 x entryPrice 100000 / collateral 1000) is beyond the tiers; a notional of 200000 allows at most 100x (exchange.maintenanceMarginTiers), so collateral must be at least 2000',
    );
    expect(error.issues[1].message).toBe(
      "leverage 200 is beyond the tiers; the first tier (exchange.maintenanceMarginTiers.0) allows at most 125",
    );
  });

  it("leverage beyond the tiers in a CSV position points at its line", async () => {
    const error = await errorOf("valid.yaml", [
      "exchange.maintenanceMarginTiers.0.maxLeverage=10",
      "exchange.maintenanceMarginTiers.1.maxLeverage=15",
    ]);
    expect(error.issues.map((issue) => `${issue.location} ${issue.path}`)).toEqual([
      "valid.yaml:16:7 positions.inline.0",
      "positions.csv:2:1 positions.csv",
      "positions.csv:3:1 positions.csv",
    ]);
  });

  it("reads an exported book: mapped columns, signed sizes, a market column and cross wallets", async () => {
    const loaded = await loadScenario("exported-book.yaml", { cwd: fixtures });
    // fund's wallet of 45,000 split by notional: 200,000 and 101,000 of 301,000.
    expect(positionRows(loaded.engine.positions.explicit)).toEqual([
      {
        account: "fund",
        side: "long",
        size: 2,
        entryPrice: 100000,
        collateral: (45000 * 200000) / 301000,
        marginMode: "cross",
      },
      {
        account: "fund",
        side: "long",
        size: 1,
        entryPrice: 101000,
        collateral: (45000 * 101000) / 301000,
        marginMode: "cross",
      },
      {
        account: "solo",
        side: "short",
        size: 0.5,
        entryPrice: 99000,
        collateral: 2500,
        marginMode: "isolated",
      },
    ]);
    const plain = await loadScenario("exported-book.yaml", { cwd: fixtures });
    expect(plain.hash).toBe(loaded.hash);
    expect(await issuesOf("exported-book.yaml", ["positions.csv.columns.size=quantity"])).toEqual([
      'exported-book.csv:1:1: header: missing column "quantity" (positions.csv.columns.size); the header must name account, size, entryPrice (side, marginMode, market and collateral are optional); the header cells at columns 1, 11, 41 are other names, and positions.csv: { file, columns: { size: NAME } } maps one',
    ]);
  });

  it("an empty book side", async () => {
    expect(await issuesOf("empty-book.yaml")).toEqual([
      "empty-book.yaml:6:7: market.orderBook.levels.bids: [] is not allowed; needs at least one bid level",
    ]);
  });

  it("a crossed book", async () => {
    expect(await issuesOf("valid.yaml", ["market.orderBook.levels.bids.0.price=100020"])).toEqual([
      "valid.yaml:8:5: market.orderBook.levels: best bid 100020 is not allowed; must be below the best ask 100005 (a crossed book would trade with itself)",
    ]);
  });

  it("a shape that cannot fit below the price is reported at the field its check names", async () => {
    expect(await issuesOf("path-shock.yaml", ["market.orderBook.shape.tick=1000"])).toEqual([
      "path-shock.yaml:7:48: market.orderBook.shape.levels: 100 levels of tick 1000 below 50000 reach the price -49500; expected fewer levels or a smaller tick so every bid stays positive",
    ]);
  });

  it("unreadable CSV rows, at the row's line and cell", async () => {
    expect(await issuesOf("bad-positions.yaml")).toEqual([
      "bad-positions.csv:3:4: side: the cell is not allowed; must be one of long, short",
      "bad-positions.csv:4:10: size: the cell is not allowed; must be a number > 0",
      "bad-positions.csv:5:18: row: expected 5 cells, as many as the header has, found 4",
    ]);
  });

  it("a file that does not exist, at the field that names it", async () => {
    const error = await errorOf("missing-file.yaml");
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].location).toBe("missing-file.yaml:6:8");
    expect(error.issues[0].path).toBe("positions.csv");
    expect(error.issues[0].message).toBe(
      `"no-such-positions.csv" cannot be read (resolved to ${path.join(fixtures, "no-such-positions.csv")}): no such file; paths are relative to the scenario file's directory`,
    );
  });

  it("YAML syntax errors", async () => {
    expect(await issuesOf("syntax-error.yaml")).toEqual([
      "syntax-error.yaml:3:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }",
    ]);
  });

  it("shock steps beyond the run", async () => {
    expect(await issuesOf("shock-beyond-steps.yaml")).toEqual([
      "shock-beyond-steps.yaml:9:40: shock.at: 100 is not allowed; must be below steps (100), or it never happens",
    ]);
    expect(await issuesOf("valid.json", ["shock.from=80", "shock.to=700", "steps=600"])).toEqual([
      "--set shock.to: 700 is not allowed; must be below steps (600), or it never happens",
    ]);
    expect(await issuesOf("valid.json", ["shock.to=5"])).toEqual([
      "--set shock.to: 5 is not allowed; must be after from (5); use kind: instant for a one-step drop",
    ]);
  });

  it("kline bounds that are not times or select no bars", async () => {
    expect(await issuesOf("path-shock.yaml", ["shock.from=yesterday"])).toEqual([
      '--set shock.from: "yesterday" is not allowed; must be an ISO time in UTC such as 2025-10-10T21:00:00Z or 2025-10-10',
    ]);
    expect(await issuesOf("path-shock.yaml", ["shock.from=2030-01-01"])).toEqual([
      "--set shock.from: no bars between 2030-01-01 and 2025-10-10 21:03; klines.csv covers 2025-10-10T21:00:00.000Z to 2025-10-10T21:04:00.000Z",
    ]);
    expect(await issuesOf("path-shock.yaml", ["shock.to=null"])).toEqual([
      "--set shock.to: expected a string, received null",
    ]);
  });

  it("paths in locations are relative to cwd", async () => {
    await expect(
      loadScenario("test/fixtures/scenarios/unknown-field.yaml", { cwd: repositoryRoot }),
    ).rejects.toThrow(
      /^test\/fixtures\/scenarios\/unknown-field\.yaml:6:3: exchange\.insurnceFund: /,
    );
  });

  it("a source that is neither a file nor a preset lists the presets", async () => {
    const error = await errorOf("no-such-scenario");
    expect(error.issues[0].location).toBe("no-such-scenario");
    expect(error.issues[0].message).toMatch(
      /^no scenario file at .*no-such-scenario and no preset of that name; presets: .*\bexample\b/,
    );
  });
});
