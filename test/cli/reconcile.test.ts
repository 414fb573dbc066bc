/**
 * Every headline figure of every preset's summary.json, summed again from the files the run
 * wrote (events.csv, and timeseries.csv for states and for the TFG model, which logs no events),
 * with a CSV reader of its own: a reader of the outputs gets the summary's numbers back. The
 * rules are the ones docs/report.md ("Reconciling summary.json") states. Presets that replay
 * ../shared/data skip with a message when it is absent.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { deleverage, repositoryRoot, scratchFolder } from "../support/cli.ts";

const sharedData = resolve(repositoryRoot, "../shared/data");
const presetFolder = join(repositoryRoot, "scenarios");
const presets = readdirSync(presetFolder)
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => ({
    name: file.replace(/\.yaml$/, ""),
    needsData: readFileSync(join(presetFolder, file), "utf8").includes("shared/data/"),
  }));

/** RFC 4180 rows: fields may be quoted, with "" for a quote inside. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ",") {
      row.push(field);
      field = "";
    } else if (character === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += character;
  }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index]])));
}

const sum = (rows: Record<string, string>[], field: string) =>
  rows.reduce((total, row) => total + Number(row[field]), 0);

/** Sums in another order differ in the last bits only. */
function expectClose(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), what).toBeLessThanOrEqual(
    1e-6 * Math.max(1, Math.abs(expected)),
  );
}

function read(folder: string, file: string): string {
  return readFileSync(join(folder, file), "utf8");
}

/** The perp rules, for a perp run's events.csv or a perp venue's rows of a lending run. */
function perpTotals(rows: Record<string, string>[], value: "notional" | "valueUsd") {
  const of = (...types: string[]) => rows.filter((row) => types.includes(row.type));
  const liquidationRows = of(
    "liquidation",
    "partial_liquidation",
    "backstop_takeover",
    "adl_liquidation",
  );
  const amount = value === "notional" ? "amount" : "valueUsd";
  return {
    liquidated: sum(liquidationRows, value),
    // A position is an account in a market: a cross account holds one position per market.
    positions: new Set(
      [...liquidationRows, ...of("unfilled")].map(
        (row) => `${row.account}\u0000${row.market ?? ""}`,
      ),
    ).size,
    badDebt: sum(of("bad_debt"), amount),
    fundCover: sum(of("insurance_fund_cover"), amount),
    fees: sum(of("liquidation_fee"), amount),
    adl: sum(of("adl"), value),
    adlCloses: of("adl").length,
    socialized: sum(of("socialized_loss"), amount),
    exchangeLoss: sum(of("exchange_loss"), amount),
    stopNotional: sum(of("stop_loss"), value),
    stops: new Set(of("stop_loss").map((row) => row.account)).size,
  };
}

function checkPerp(folder: string): void {
  const summary = JSON.parse(read(folder, "summary.json"));
  const events = parseCsv(read(folder, "events.csv"));
  const totals = perpTotals(events, "notional");
  expectClose(totals.liquidated, summary.liquidatedNotional, "liquidatedNotional");
  expect(totals.positions, "liquidationCount: positions, not rows").toBe(summary.liquidationCount);
  expectClose(totals.badDebt, summary.badDebt, "badDebt");
  expectClose(totals.fundCover, summary.insuranceFundUsed, "insuranceFundUsed");
  expectClose(
    summary.insuranceFundStart + totals.fees - totals.fundCover,
    summary.insuranceFundEnd,
    "insuranceFundEnd",
  );
  expectClose(totals.adl, summary.adlNotional, "adlNotional");
  expect(totals.adlCloses, "adlCount").toBe(summary.adlCount);
  expectClose(totals.socialized, summary.socializedLoss, "socializedLoss");
  expectClose(totals.exchangeLoss, summary.exchangeLoss, "exchangeLoss");
  expectClose(totals.stopNotional, summary.stopLossNotional, "stopLossNotional");
  expect(totals.stops, "stopLossCount").toBe(summary.stopLossCount);
  // Cascade rounds: each step's highest round; stop_loss rows carry the round before theirs.
  const highest = new Map<string, number>();
  for (const row of events) {
    const round = Number(row.round) + (row.type === "stop_loss" ? 1 : 0);
    highest.set(row.step, Math.max(highest.get(row.step) ?? 0, round));
  }
  expect(
    [...highest.values()].reduce((total, round) => total + round, 0),
    "cascadeRounds",
  ).toBe(summary.cascadeRounds);
  // Prices and moves are states: timeseries.csv.
  const series = parseCsv(read(folder, "timeseries.csv"));
  const marks = series.map((row) => Number(row.markPrice));
  const indexes = series.map((row) => Number(row.indexPrice));
  expect(marks[0], "startPrice").toBe(summary.startPrice);
  expect(Math.min(...marks), "minPrice").toBe(summary.minPrice);
  expectClose(1 - Math.min(...indexes) / indexes[0], summary.exogenousMove, "exogenousMove");
  expectClose(1 - Math.min(...marks) / marks[0], summary.totalMove, "totalMove");
}

function checkLending(folder: string): void {
  const summary = JSON.parse(read(folder, "summary.json"));
  const events = parseCsv(read(folder, "events.csv"));
  const series = parseCsv(read(folder, "timeseries.csv"));
  const last = series[series.length - 1];
  summary.venues.forEach(
    (venue: {
      name: string;
      kind: string;
      liquidatedCollateralUsd: number;
      liquidationCount: number;
      liquidatedAccounts: number;
      badDebtUsd: number;
      tvlEndUsd: number;
    }) => {
      const rows = events.filter((row) => row.venue === venue.name);
      const what = (field: string) => `${venue.name}.${field}`;
      if (venue.kind === "perp") {
        const totals = perpTotals(rows, "valueUsd");
        expectClose(totals.liquidated, venue.liquidatedCollateralUsd, what("liquidated"));
        expect(totals.positions, what("liquidationCount")).toBe(venue.liquidationCount);
        expectClose(totals.badDebt, venue.badDebtUsd, what("badDebt"));
        return;
      }
      const liquidations = rows.filter((row) => row.type === "liquidation");
      expectClose(sum(liquidations, "valueUsd"), venue.liquidatedCollateralUsd, what("liquidated"));
      expect(liquidations.length, what("liquidationCount: calls or barks")).toBe(
        venue.liquidationCount,
      );
      expect(new Set(liquidations.map((row) => row.account)).size, what("accounts")).toBe(
        venue.liquidatedAccounts,
      );
      const badDebtRows = rows.filter((row) => row.type === "bad_debt");
      if (venue.kind === "maker") {
        // Auctions that closed short; nothing was left open at the end of these presets.
        expectClose(sum(badDebtRows, "valueUsd"), venue.badDebtUsd, what("badDebt"));
      } else {
        // Aave's bad debt is underwater debt left at the end: a state, the last row's value
        // (as of the last health-factor scan, so interest since then is not in it).
        expect(
          Math.abs(Number(last[`${venue.name}.badDebtUsd`]) - venue.badDebtUsd),
          what("badDebt"),
        ).toBeLessThanOrEqual(1e-4 * Math.max(1, venue.badDebtUsd));
      }
      expectClose(Number(last[`${venue.name}.tvlUsd`]), venue.tvlEndUsd, what("tvlEnd"));
    },
  );
  const total = (field: string) =>
    summary.venues.reduce((sum: number, venue: Record<string, number>) => sum + venue[field], 0);
  expectClose(total("liquidatedCollateralUsd"), summary.liquidatedCollateralUsd, "liquidated");
  expect(total("liquidationCount"), "liquidationCount").toBe(summary.liquidationCount);
  expectClose(total("badDebtUsd"), summary.badDebtUsd, "badDebtUsd");
}

/** G2 excess kurtosis, as Excel's KURT and SciPy's kurtosis(bias=False). */
function sampleKurtosis(values: number[]): number {
  const n = values.length;
  const mean = values.reduce((total, value) => total + value, 0) / n;
  let second = 0;
  let fourth = 0;
  for (const value of values) {
    second += (value - mean) ** 2;
    fourth += (value - mean) ** 4;
  }
  const variance = second / (n - 1);
  return (
    ((n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3))) * (fourth / variance ** 2) -
    (3 * (n - 1) ** 2) / ((n - 2) * (n - 3))
  );
}

function checkTfg(folder: string): void {
  const summary = JSON.parse(read(folder, "summary.json"));
  expect(existsSync(join(folder, "events.csv")), "the TFG model logs no events").toBe(false);
  const series = parseCsv(read(folder, "timeseries.csv"));
  expect(sum(series, "defaults"), "defaults").toBe(summary.defaults.total);
  const prices = series.map((row) => Number(row.price));
  expect(Math.min(...prices)).toBe(summary.price.min);
  expect(Math.max(...prices)).toBe(summary.price.max);
  const returns: number[] = [];
  for (let step = summary.burnIn + 1; step < prices.length; step++) {
    returns.push(Math.log(prices[step] / prices[step - 1]));
  }
  expect(returns.length).toBe(summary.statistics.returnCount);
  expectClose(sampleKurtosis(returns), summary.statistics.excessKurtosis, "excessKurtosis");
}

describe("every preset's summary.json adds up from the files it wrote", () => {
  for (const preset of presets) {
    const absent = preset.needsData && !existsSync(sharedData);
    if (absent) {
      process.stderr.write(
        `skipping the reconciliation of ${preset.name}: it replays ${sharedData}, which is absent\n`,
      );
    }
    it.skipIf(absent)(
      preset.name,
      async () => {
        const out = join(scratchFolder("deleverage-reconcile-"), preset.name);
        const outcome = await deleverage("run", preset.name, "--out", out);
        expect(outcome.code, outcome.stderr).toBe(0);
        const summary = JSON.parse(read(out, "summary.json"));
        if (summary.model === "tfg") checkTfg(out);
        else if (summary.model === "lending") checkLending(out);
        else checkPerp(out);
        // A replay of timestamped data knows when it started; nothing else claims a clock.
        expect(summary.startTime !== undefined, "startTime").toBe(preset.needsData);
      },
      120_000,
    );
  }
});
