import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { deleverage, repositoryRoot, scratchFolder } from "../support/cli.ts";

const scratch = () => scratchFolder("deleverage-lending-cli-");
const sharedData = resolve(repositoryRoot, "../shared/data/may-2021");
const hasData = existsSync(sharedData);
if (!hasData) {
  process.stderr.write(`skipping deleverage run may-2021-aave: ${sharedData} is absent\n`);
}

describe.skipIf(!hasData)("deleverage run may-2021-aave", () => {
  it("writes summary.json, timeseries.csv, events.csv and a report with every picture; twice the same bytes", async () => {
    const first = join(scratch(), "may");
    const second = join(scratch(), "may");
    const outcomes = await Promise.all([
      deleverage("run", "may-2021-aave", "--out", first),
      deleverage("run", "may-2021-aave", "--out", second),
    ]);
    for (const outcome of outcomes) expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcomes[0].stdout).toMatch(
      /^ETH fell \d+\.\d % from start to end \(low \d+\.\d % below the start\); \$[\d.]+[KMB]? of collateral liquidated in [\d,]+ liquidation calls on [\d,]+ accounts; bad debt \$[\d.]+[KMB]? at the end \(debt above collateral value peaked at \$[\d.]+M at \d\d:\d\d UTC and the recovery took it back\); TVL \$[\d.]+[KMB]? → \$[\d.]+[KMB]?\. The ETH\/DAI pool traded up to \d+\.\d % below the external price/,
    );
    expect(readdirSync(first).sort()).toEqual([
      "events.csv",
      "report.html",
      "summary.json",
      "timeseries.csv",
    ]);
    for (const file of readdirSync(first)) {
      expect(readFileSync(join(second, file)), file).toEqual(readFileSync(join(first, file)));
    }
    const summary = JSON.parse(readFileSync(join(first, "summary.json"), "utf8"));
    expect(summary.model).toBe("lending");
    expect(summary.assets[0]).toMatchObject({ symbol: "ETH", start: 3423.99, min: 1944.91 });
    expect(summary.venues[0].liquidationCount).toBeGreaterThan(0);
    expect(summary.markets[0].maxDiscount).toBeGreaterThan(0.005);
    expect(summary.ledger.drift).toBeLessThan(1e-9);
    expect(summary.venues[0].healthFactorStart.counts.length).toBe(12);
    const html = readFileSync(join(first, "report.html"), "utf8");
    for (const title of [
      "Where the numbers come from",
      "ETH: external, oracle and market price",
      "Liquidation map: where and when ETH was liquidated",
      "aave: if ETH moves to X",
      "ETH/DAI pool: price gap to the external price",
      "ETH/DAI pool reserves",
      "aave: liquidations over time",
      "aave: underwater debt over time, and the bad debt left at the end",
      "aave: TVL and debt",
      "aave: health factors at the start and the end",
      "Events",
    ]) {
      expect(html).toContain(`<h2>${title}</h2>`);
    }
    // The chart that peaks in the millions says why the summary's bad debt is small.
    expect(html).toMatch(/It is a state, not a loss/);
    expect(html).toContain("<details>\n<summary><h2>summary.json</h2></summary>");
    expect(html).toContain("time (UTC), 19 May 2021");
    expect(summary.startTime).toBe("2021-05-19T00:10:00.000Z");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const events = readFileSync(join(first, "events.csv"), "utf8").split("\n");
    expect(events[0]).toBe("step,time,type,venue,account,asset,quantity,valueUsd");
    expect(events.some((line) => line.includes(",liquidation,aave,"))).toBe(true);
  }, 60_000);

  it("heatmap: liquidatable collateral by ETH price, none at the start price, rising as ETH falls", async () => {
    const out = join(scratch(), "heatmap");
    const outcome = await deleverage("heatmap", "may-2021-aave", "--out", out);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain("aave: collateral liquidatable if ETH alone moves to");
    const rows = readFileSync(join(out, "heatmap.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toBe("venue,asset,startPrice,price,collateralUsd");
    const values = rows
      .slice(1)
      .map((row) => row.split(","))
      .filter((cells) => cells[1] === "ETH");
    const collateral = values.map((cells) => Number(cells[4]));
    // Prices rise down the rows; liquidatable collateral never rises with the price.
    for (let index = 1; index < collateral.length; index++) {
      expect(collateral[index]).toBeLessThanOrEqual(collateral[index - 1]);
    }
    expect(collateral[0]).toBeGreaterThan(0);
    expect(collateral[collateral.length - 1]).toBe(0);
  });

  it("rejects bad input with exit code 2 and writes nothing", async () => {
    const out = join(scratch(), "bad");
    const outcome = await deleverage(
      "run",
      "may-2021-aave",
      "--set",
      "venues.0.reserves.0.liquidationThreshold=0.5",
      "--out",
      out,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      "--set venues.0.reserves.0.liquidationThreshold: 0.5 is not allowed; must be >= ltv (0.8)",
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe("deleverage run, model: lending without shared data", () => {
  it("reports LaR and VaR over riskRuns + 1 seeded runs", async () => {
    const folder = scratch();
    const file = join(folder, "small.yaml");
    writeFileSync(
      file,
      `model: lending
name: small
steps: 120
riskRuns: 3
assets:
  - { symbol: ETH, price: 2000, path: { kind: linear, drop: 0.4, from: 5, to: 60 } }
  - { symbol: DAI, price: 1 }
markets:
  - base: ETH
    quote: DAI
    reserves: { base: 500, quote: 1000000 }
    arbitrage: { capital: 1000000, maxNotionalPerStep: 50000 }
oracles:
  - { asset: ETH, kind: push }
venues:
  - kind: aave
    name: pool
    reserves:
      - { asset: ETH, ltv: 0.8, liquidationThreshold: 0.825, liquidationBonus: 0.05 }
      - { asset: DAI, ltv: 0.75, liquidationThreshold: 0.8, liquidationBonus: 0.05 }
    liquidators: { capital: { DAI: 5000000 }, maxPerStep: 5 }
    accounts:
      population:
        count: 300
        collateral: { ETH: 1 }
        debt: { DAI: 1 }
        collateralUsd: { median: 20000 }
        healthFactor: { min: 1.05, max: 2 }
        looperShare: 0.5
        unwindHealthFactor: 1.02
`,
    );
    const out = join(folder, "out");
    const outcome = await deleverage("run", file, "--out", out, "--json");
    expect(outcome.code, outcome.stderr).toBe(0);
    const summary = JSON.parse(outcome.stdout);
    const risk = summary.risk.venues[0];
    expect(summary.risk.runs).toBe(4);
    expect(risk.liquidationVolumes).toHaveLength(4);
    expect(risk.liquidationVolumes[0]).toBe(summary.venues[0].liquidatedCollateralUsd);
    // Nearest-rank p95 of four values is the largest.
    expect(risk.liquidationsAtRiskUsd).toBe(Math.max(...risk.liquidationVolumes));
    expect(risk.valueAtRiskUsd).toBe(Math.max(...risk.insolventDebts));
    expect(new Set(risk.liquidationVolumes).size).toBeGreaterThan(1);
  });
});

describe("deleverage run cross-venue", () => {
  it("events.csv holds the perp's events next to Aave's, by venue; the report says how the cascade crossed", async () => {
    const out = join(scratch(), "cross");
    const outcome = await deleverage("run", "cross-venue", "--out", out);
    expect(outcome.code, outcome.stderr).toBe(0);
    const rows = readFileSync(join(out, "events.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toBe("step,time,type,venue,account,asset,quantity,valueUsd");
    const cells = rows.slice(1).map((row) => row.split(","));
    const kinds = new Set(cells.map((row) => `${row[3]} ${row[2]}`));
    expect(kinds).toContain("aave liquidation");
    expect(kinds).toContain("perp liquidation");
    expect(kinds).toContain("perp liquidation_fee");
    // One time axis: steps never go back, whichever venue the row is from.
    const steps = cells.map((row) => Number(row[0]));
    expect(steps.every((step, index) => index === 0 || step >= steps[index - 1])).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const perpLiquidations = cells.filter((row) => row[3] === "perp" && row[2] === "liquidation");
    expect(perpLiquidations.length).toBe(summary.venues[1].liquidationCount);
    expect(summary.crossing.venues.map((venue: { name: string }) => venue.name)).toEqual([
      "perp",
      "aave",
    ]);
    expect(summary.crossing.sentence).toMatch(
      /^perp liquidated first, at minute \d+ \(step \d+\); aave followed \d+ minutes later \(step \d+\)\. The perp's makers sold \$[\d.]+M into the pool/,
    );
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("<h2>How the cascade crossed venues</h2>");
    expect(html).toContain("<h2>Across venues: liquidations over time</h2>");
    expect(html).toContain("time since the start (one step = 60 s)");
    expect(html).toContain("ETH pool");
    // Health factors are a lending venue's: the perp venue gets no empty histogram.
    expect(html).toContain("aave: health factors at the start and the end");
    expect(html).not.toContain("perp: health factors");
  });
});
