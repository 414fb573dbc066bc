import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchemaText } from "../../src/scenario/jsonSchema.ts";
import { deleverage, repositoryRoot, scratchFolder } from "../support/cli.ts";

const fixtures = join(repositoryRoot, "test/fixtures/scenarios");
const sharedData = resolve(repositoryRoot, "../shared/data");

const scratch = () => scratchFolder("deleverage-cli-");
const outputFiles = [
  "events.csv",
  "report.html",
  "summary.json",
  "timeseries-markets.csv",
  "timeseries.csv",
];

/** Every summary field DESIGN.md's output contract names. */
const contractFields = [
  "liquidatedNotional",
  "liquidationCount",
  "cascadeRounds",
  "badDebt",
  "insuranceFundStart",
  "insuranceFundEnd",
  "adlNotional",
  "adlCount",
  "socializedLoss",
  "startPrice",
  "minPrice",
  "endPrice",
  "exogenousMove",
  "totalMove",
  "amplification",
  "ledger",
  "seed",
  "scenarioHash",
  "version",
];

describe("deleverage run", () => {
  it("runs the built-in example and writes its outputs with every contract field", async () => {
    const out = join(scratch(), "example");
    const outcome = await deleverage("run", "example", "--out", out);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/The index fell .* below the start price .*; the mark fell/);
    expect(readdirSync(out).sort()).toEqual(outputFiles);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    for (const field of contractFields) expect(summary, field).toHaveProperty(field);
    expect(Object.keys(summary.ledger)).toEqual(["valueStart", "valueEnd", "drift"]);
    expect(Math.abs(summary.ledger.drift)).toBeLessThan(1e-9 * summary.ledger.valueStart);
    expect(summary.liquidationCount).toBeGreaterThan(0);
    expect(summary.amplification).toBeGreaterThan(1);
    const timeseries = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    expect(timeseries).toHaveLength(summary.steps + 2);
    expect(readFileSync(join(out, "events.csv"), "utf8")).toMatch(/^step,round,type,account,side/);
    const report = readFileSync(join(out, "report.html"), "utf8");
    expect(report).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/);
  });

  it("gives byte-identical outputs for the same scenario and seed", async () => {
    const first = join(scratch(), "a");
    const second = join(scratch(), "b");
    await deleverage("run", "example", "--out", first, "--seed", "7");
    await deleverage("run", "example", "--out", second, "--seed", "7");
    for (const file of outputFiles) {
      expect(readFileSync(join(second, file)), file).toEqual(readFileSync(join(first, file)));
    }
  });

  it("--events parquet writes the rows of events.csv as events.parquet instead", async () => {
    const csvOut = join(scratch(), "csv");
    const parquetOut = join(scratch(), "parquet");
    await deleverage("run", "example", "--out", csvOut);
    const outcome = await deleverage("run", "example", "--out", parquetOut, "--events", "parquet");
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(readdirSync(parquetOut).sort()).toEqual([
      "events.parquet",
      "report.html",
      "summary.json",
      "timeseries-markets.csv",
      "timeseries.csv",
    ]);
    for (const file of [
      "report.html",
      "summary.json",
      "timeseries-markets.csv",
      "timeseries.csv",
    ]) {
      expect(readFileSync(join(parquetOut, file)), file).toEqual(readFileSync(join(csvOut, file)));
    }
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const rows = async (from: string): Promise<unknown[][]> =>
      (await connection.runAndReadAll(`SELECT * FROM ${from}`)).getRowsJson();
    const fromCsv = await rows(
      `read_csv('${join(csvOut, "events.csv")}', header = true, auto_detect = false, columns = {'step': 'INTEGER', 'round': 'INTEGER', 'type': 'VARCHAR', 'account': 'VARCHAR', 'side': 'VARCHAR', 'quantity': 'DOUBLE', 'price': 'DOUBLE', 'notional': 'DOUBLE', 'amount': 'DOUBLE', 'insuranceFund': 'DOUBLE', 'market': 'VARCHAR'})`,
    );
    expect(await rows(`'${join(parquetOut, "events.parquet")}'`)).toEqual(fromCsv);
    expect(fromCsv.length).toBeGreaterThan(10_000);
    connection.closeSync();
    instance.closeSync();
    const refused = await deleverage("run", "example", "--out", scratch(), "--events", "json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '--events: "json" is not allowed; expected one of csv, parquet',
    );
  });

  it("--json prints summary.json; --set and --seed change the run", async () => {
    const out = join(scratch(), "json");
    const outcome = await deleverage(
      "run",
      "example",
      "--out",
      out,
      "--json",
      "--seed",
      "9",
      "--set",
      "exchange.insuranceFund=5e6",
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toBe(readFileSync(join(out, "summary.json"), "utf8"));
    const summary = JSON.parse(outcome.stdout);
    expect(summary.seed).toBe(9);
    expect(summary.insuranceFundStart).toBe(5e6);
  });

  const invalid: [string, string[], RegExp][] = [
    [
      "unknown field",
      [join(fixtures, "unknown-field.yaml")],
      /unknown-field\.yaml:\d+:\d+: .*allowed/,
    ],
    ["wrong type", [join(fixtures, "wrong-type.yaml")], /wrong-type\.yaml:\d+:\d+: /],
    [
      "negative size",
      [join(fixtures, "negative-size.yaml")],
      /negative-size\.yaml:\d+:\d+: .*size.*-/,
    ],
    [
      "leverage beyond the tiers",
      [join(fixtures, "leverage-beyond-tiers.yaml")],
      /leverage-beyond-tiers\.yaml:\d+:\d+: .*leverage/,
    ],
    ["empty book", [join(fixtures, "empty-book.yaml")], /empty-book\.yaml:\d+:\d+: /],
    ["unreadable CSV row", [join(fixtures, "bad-positions.yaml")], /bad-positions\.csv:\d+:\d+: /],
    [
      "bad --set",
      ["example", "--set", "exchange.adl.ranking=fifo"],
      /--set exchange\.adl\.ranking: .*binance/,
    ],
    ["bad --seed", ["example", "--seed", "-1"], /--seed/],
    ["unknown preset", ["no-such-scenario"], /example/],
  ];
  for (const [name, args, message] of invalid) {
    it(`exits 2 and writes nothing for ${name}`, async () => {
      const out = join(scratch(), "never");
      const outcome = await deleverage("run", ...args, "--out", out);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("stops with exit 1, naming the step, when a price turns non-finite, and writes nothing", async () => {
    const out = join(scratch(), "never");
    const outcome = await deleverage(
      "run",
      "example",
      "--out",
      out,
      "--set",
      "shock={kind: gbm, sigmaDaily: 100000}",
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/step \d+: index path: index price became/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("deleverage schema and heatmap", () => {
  it("prints the scenario JSON Schema, the compiled command's stored copy equal to the sources'", async () => {
    const outcome = await deleverage("schema");
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe(scenarioJsonSchemaText());
    const schema = JSON.parse(outcome.stdout);
    expect(Object.keys(schema.oneOf[0].properties)).toEqual(
      expect.arrayContaining(["asset", "market", "exchange", "positions", "shock"]),
    );
  });

  it("prints liquidation notional by price level before the shock", async () => {
    const outcome = await deleverage("heatmap", "example");
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/long/i);
    expect(outcome.stdout.trim().split("\n").length).toBeGreaterThan(10);
  });
});

describe("replaying 10 October 2025 on the real book", () => {
  it.skipIf(!existsSync(join(sharedData, "oct-10-2025")))(
    "runs the real minute path over the real bookDepth snapshot (skipped without ../shared/data)",
    async () => {
      const out = join(scratch(), "oct10");
      const outcome = await deleverage("run", "oct-10-2025", "--out", out, "--json");
      expect(outcome.code, outcome.stderr).toBe(0);
      const summary = JSON.parse(outcome.stdout);
      // The index path's low, 102,497 at 21:20 UTC, rebased to the 20:00 close of 116,684.
      expect(summary.exogenousMove).toBeGreaterThan(0.1);
      expect(summary.exogenousMove).toBeLessThan(0.13);
      expect(summary.totalMove).toBeGreaterThanOrEqual(summary.exogenousMove);
      expect(summary.liquidatedNotional).toBeGreaterThan(1e8);
      expect(Math.abs(summary.ledger.drift)).toBeLessThan(1e-9 * summary.ledger.valueStart);
    },
  );
});

describe("the leverage-cycle preset", () => {
  it("builds leverage in the calm, then the cascade contracts open interest; the fall's parts add up", async () => {
    const out = join(scratch(), "cycle");
    const outcome = await deleverage("run", "leverage-cycle", "--out", out);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/Stop-losses sold/);
    expect(outcome.stdout).toMatch(
      /Measured from the top instead \(\$[\d.]+K, 2 d \d+ h in\), the price fell/,
    );
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const rows = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    const header = rows[0].split(",");
    const column = (name: string) =>
      rows.slice(1).map((row) => Number(row.split(",")[header.indexOf(name)]));
    const openInterest = column("openInterest");
    const leverage = column("aggregateLeverage");
    const peak = openInterest.indexOf(Math.max(...openInterest));
    // Open interest and leverage rise in the calm phase, then the cascade takes them down.
    expect(peak).toBeGreaterThan(0.1 * openInterest.length);
    expect(peak).toBeLessThan(0.9 * openInterest.length);
    expect(openInterest[peak]).toBeGreaterThan(3 * openInterest[0]);
    expect(Math.max(...leverage.slice(0, peak + 1))).toBeGreaterThan(2 * leverage[0]);
    expect(openInterest.at(-1)).toBeLessThan(0.5 * openInterest[peak]);
    expect(summary.stopLossCount).toBeGreaterThan(0);
    expect(summary.minDepthMultiplier).toBeLessThan(1);
    const split = summary.priceFallDecomposition;
    const parts =
      split.exogenous +
      split.stopLosses +
      split.liquidityWithdrawal +
      split.liquidations +
      split.other;
    expect(parts).toBeCloseTo(split.totalFall, 12);
    expect(split.totalFall).toBeGreaterThan(split.exogenous);
    expect(Object.keys(split.counterfactualFalls)).toHaveLength(7);
    expect(Math.abs(summary.ledger.drift)).toBeLessThan(1e-9 * summary.ledger.valueStart);
  }, 60_000);

  it("rejects a threshold rule that loosens margins and a recovery half-life of 0, naming both", async () => {
    const out = join(scratch(), "rejected");
    const outcome = await deleverage(
      "run",
      "leverage-cycle",
      "--out",
      out,
      "--set",
      "policy.thresholdRules=[{volatilityAbove: 0.01, maintenanceMultiplier: 0.5}]",
      "--set",
      "marketMakers.recoveryHalfLife=0",
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /policy\.thresholdRules\.0\.maintenanceMultiplier: 0\.5 is not allowed; must be >= 1/,
    );
    expect(outcome.stderr).toMatch(/marketMakers\.recoveryHalfLife: 0 is not allowed; must be > 0/);
    expect(existsSync(out)).toBe(false);
  });
});
