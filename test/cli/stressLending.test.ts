import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quantileOfSorted } from "../../src/runner/statistics.ts";
import { ResultsStore } from "../../src/runner/store.ts";
import { deleverage, repositoryRoot, scratchFolder } from "../support/cli.ts";
import { storeRows } from "../support/store.ts";

const fixture = join(repositoryRoot, "test/fixtures/scenarios/small-lending.yaml");

describe("deleverage stress on a model: lending scenario", () => {
  const out = join(scratchFolder("deleverage-lending-stress-"), "batch");
  const db = join(out, "results.duckdb");
  const stress = () =>
    deleverage(
      "stress",
      fixture,
      "--runs",
      "8",
      "--workers",
      "2",
      "--shard-size",
      "3",
      "--out",
      out,
    );

  it("stores every run's venue figures; LaR and VaR are the p95 of the stored values", async () => {
    const outcome = await stress();
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/^small-lending: 8 of 8 runs finished, 0 failed \(seed 11/);
    expect(outcome.stdout).toMatch(/LaR \(p95 liquidated collateral\): \$[\d.]+[KM]?\n/);
    const summary = JSON.parse(readFileSync(join(out, "stress-summary.json"), "utf8"));
    expect(summary.model).toBe("lending");
    const rows = await storeRows(
      db,
      "SELECT runIndex, liquidatedCollateralUsd, insolventDebtUsd, badDebtUsd FROM lendingVenueRuns ORDER BY runIndex",
    );
    expect(rows.map((row) => row.runIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const sorted = (field: string) =>
      Float64Array.from(rows.map((row) => Number(row[field]))).sort();
    const venue = summary.venues[0];
    expect(venue.liquidationsAtRisk).toBe(
      quantileOfSorted(sorted("liquidatedCollateralUsd"), 0.95),
    );
    expect(venue.valueAtRisk).toBe(quantileOfSorted(sorted("insolventDebtUsd"), 0.95));
    // The runs differ (populations are redrawn), or the percentiles would say nothing.
    expect(new Set(rows.map((row) => row.liquidatedCollateralUsd)).size).toBeGreaterThan(4);
    const withBadDebt = rows.filter((row) => Number(row.badDebtUsd) > 0).length;
    expect(venue.badDebtPositive.hits).toBe(withBadDebt);
    const html = readFileSync(join(out, "stress-report.html"), "utf8");
    expect(html).toContain("<h3>pool: Liquidated collateral</h3>");
    expect(html).toContain("<h3>pool: Insolvent debt</h3>");
    expect(html.match(/<svg/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
  });

  it("resumes: a lost shard is computed again, the others are not, and the summary is the same", async () => {
    const before = readFileSync(join(out, "stress-summary.json"), "utf8");
    const unchanged = await stress();
    expect(unchanged.stderr).toContain("8 of 8 runs already stored");
    expect(unchanged.stderr).not.toContain("runs computed and stored");
    // As if the batch had stopped before shard 1 (runs 3-5) committed.
    const store = await ResultsStore.open(db);
    try {
      for (const table of ["lendingVenueRuns", "runs"]) {
        await store.query(`DELETE FROM ${table} WHERE runIndex BETWEEN 3 AND 5`);
      }
      await store.query("DELETE FROM shards WHERE shardIndex = 1");
    } finally {
      store.close();
    }
    const outcome = await stress();
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toContain("5 of 8 runs already stored");
    expect(outcome.stderr).toContain("3 runs computed and stored");
    expect(readFileSync(join(out, "stress-summary.json"), "utf8")).toBe(before);
    const [count] = await storeRows(db, "SELECT count(*) AS n FROM lendingVenueRuns");
    expect(count.n).toBe(8);
  });

  it("a stored run replays alone with run --run-index and gives the same figures", async () => {
    const [stored] = await storeRows(db, "SELECT * FROM lendingVenueRuns WHERE runIndex = 5");
    const outcome = await deleverage(
      "run",
      fixture,
      "--run-index",
      "5",
      "--out",
      join(scratchFolder("deleverage-lending-replay-"), "run"),
      "--json",
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    const venue = JSON.parse(outcome.stdout).venues[0];
    expect(venue.liquidatedCollateralUsd).toBe(stored.liquidatedCollateralUsd);
    expect(venue.insolventDebtUsd).toBe(stored.insolventDebtUsd);
    expect(venue.badDebtUsd).toBe(stored.badDebtUsd);
    expect(venue.tvlStartUsd).toBe(stored.tvlStartUsd);
    expect(venue.liquidationCount).toBe(stored.liquidationCount);
  });

  it("refuses a sweep on a lending scenario with exit code 2 and writes nothing", async () => {
    const elsewhere = join(scratchFolder("deleverage-lending-sweep-"), "none");
    const outcome = await deleverage(
      "stress",
      fixture,
      "--runs",
      "2",
      "--sweep",
      "steps=40,60",
      "--out",
      elsewhere,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("sweeps and recommend run perp scenarios only");
    expect(existsSync(elsewhere)).toBe(false);
  });
});
