import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deleverage, scratchFolder } from "../support/cli.ts";

const scratch = () => scratchFolder("deleverage-tfg-cli-");
/** A short run: the preset's parameters over 30,000 steps, statistics after 5,000. */
const short = ["--set", "steps=30000", "--set", "statistics.burnIn=5000"];

describe("deleverage run tfg-2012", () => {
  it("writes summary.json, timeseries.csv with a price column, and a self-contained report", async () => {
    const out = join(scratch(), "tfg");
    const outcome = await deleverage(
      "run",
      "tfg-2012",
      ...short,
      "--set",
      "tfg.lambdaMax=10",
      "--out",
      out,
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/lambda_max 10, 30,000 steps .* excess kurtosis \d/);
    expect(readdirSync(out).sort()).toEqual(["report.html", "summary.json", "timeseries.csv"]);

    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({
      model: "tfg",
      steps: 30_000,
      burnIn: 5000,
      seed: 1,
      runIndex: 0,
    });
    expect(summary.parameters.lambdaMax).toBe(10);
    expect(summary.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(summary.statistics.returnCount).toBe(25_000);
    expect(summary.statistics.acfAbsoluteReturns).toHaveLength(10);
    for (const field of ["excessKurtosis", "hillIndex", "acfReturnsLag1"]) {
      expect(Number.isFinite(summary.statistics[field]), field).toBe(true);
    }
    expect(summary.defaults.byFund).toHaveLength(10);
    expect(summary.defaults.total).toBeGreaterThan(0);

    const rows = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toBe(
      "step,price,noiseDemand,fundWealth,fundHoldings,leverage,maxLeverage,activeFunds,defaults",
    );
    expect(rows).toHaveLength(30_002);
    expect(rows[1]).toMatch(/^0,1,/);
    const lastPrice = Number(rows[30_001].split(",")[1]);
    expect(lastPrice).toBe(summary.price.end);

    const report = readFileSync(join(out, "report.html"), "utf8");
    expect(report).toContain("<svg");
    expect(report).not.toMatch(/<script|<link[^>]+href="https?:/);
  });

  it("gives byte-identical outputs for the same seed, and prints the summary with --json", async () => {
    const first = join(scratch(), "a");
    const second = join(scratch(), "b");
    const one = await deleverage("run", "tfg-2012", ...short, "--seed", "7", "--out", first);
    const two = await deleverage(
      "run",
      "tfg-2012",
      ...short,
      "--seed",
      "7",
      "--json",
      "--out",
      second,
    );
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    for (const file of ["summary.json", "timeseries.csv", "report.html"]) {
      expect(readFileSync(join(second, file)).equals(readFileSync(join(first, file))), file).toBe(
        true,
      );
    }
    expect(JSON.parse(two.stdout).seed).toBe(7);
  });

  it("exits 2 and writes nothing for an invalid override", async () => {
    const out = join(scratch(), "never");
    const outcome = await deleverage("run", "tfg-2012", "--set", "tfg.lambdaMax=0", "--out", out);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("--set tfg.lambdaMax: 0 is not allowed; must be > 0");
    expect(existsSync(out)).toBe(false);
  });
});
