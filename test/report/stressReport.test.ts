import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { stressChartData } from "../../src/report/stressData.ts";
import { stressReportHtml, stressSummaryText } from "../../src/report/stressHtml.ts";
import { stressPngCharts } from "../../src/report/stressPng.ts";
import { stressSvgCharts } from "../../src/report/stressSvg.ts";
import { batchIdOf, runBatch } from "../../src/runner/batch.ts";
import { type BatchInfo, ResultsStore, type StoredRun } from "../../src/runner/store.ts";
import { summarizeBatch } from "../../src/runner/stressSummary.ts";
import { databaseIn, smallStress, smallStressFile } from "../runner/fixtures.ts";

const root = resolve(import.meta.dirname, "../..");
const execute = promisify(execFile);

const directories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "deleverage-stress-report-"));
  directories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const runCount = 24;

async function batchOf(): Promise<{
  scenario: Awaited<ReturnType<typeof smallStress>>["scenario"];
  batch: BatchInfo;
}> {
  const { scenario, seed, hash } = await smallStress();
  return {
    scenario,
    batch: {
      batchId: batchIdOf(hash, seed, runCount),
      scenarioName: "small-stress",
      scenarioHash: hash,
      seed,
      runs: runCount,
      shardSize: 4,
      steps: scenario.steps,
      version: "test",
    },
  };
}

/** Runs the batch, aborting once after `abortAfter` finished runs when given, then resuming. */
async function reportOfBatch(abortAfter?: number): Promise<{ html: string; runs: StoredRun[] }> {
  const { scenario, batch } = await batchOf();
  const directory = scratch();
  if (abortAfter !== undefined) {
    const controller = new AbortController();
    const store = await ResultsStore.open(databaseIn(directory));
    await store.registerBatch(batch);
    const first = await runBatch({
      scenario,
      batch,
      store,
      workers: 2,
      signal: controller.signal,
      onProgress: (finished) => {
        if (finished >= abortAfter) controller.abort();
      },
    });
    store.close();
    expect(first.interrupted).toBe(true);
    expect(first.storedRuns).toBeLessThan(runCount);
  }
  const store = await ResultsStore.open(databaseIn(directory));
  try {
    const registered = await store.registerBatch(batch);
    const outcome = await runBatch({ scenario, batch: registered, store, workers: 2 });
    if (abortAfter !== undefined) expect(outcome.resumedRuns).toBeGreaterThan(0);
    const runs = await store.runs(batch.batchId);
    return { html: stressReportHtml(summarizeBatch(registered, runs), runs), runs };
  } finally {
    store.close();
  }
}

let straightThrough: Promise<{ html: string; runs: StoredRun[] }> | undefined;
/** The uninterrupted batch, run once for every test that needs it. */
function straightReport(): Promise<{ html: string; runs: StoredRun[] }> {
  straightThrough ??= reportOfBatch();
  return straightThrough;
}

describe("stress-report.html", () => {
  it("is the same for a batch interrupted and resumed as for one run straight through", async () => {
    const straight = await straightReport();
    const resumed = await reportOfBatch(9);
    expect(resumed.runs).toEqual(straight.runs);
    expect(resumed.html).toBe(straight.html);
    // Identical bytes again from the same rows.
    const { batch } = await batchOf();
    expect(stressReportHtml(summarizeBatch(batch, straight.runs), straight.runs)).toBe(
      straight.html,
    );
  });

  it("opens offline: no external src or href, no script, one SVG per chart", async () => {
    const { html, runs } = await straightReport();
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/<script/i);
    const metrics = stressChartData(runs);
    const drawn = metrics.filter((metric) => metric.count > 0 && metric.min < metric.max);
    const expectedSvgs = drawn.reduce((sum, metric) => sum + (metric.tail ? 2 : 1), 0);
    expect(expectedSvgs).toBeGreaterThan(4);
    expect(html.match(/<svg /g)).toHaveLength(expectedSvgs);
    expect(html).toContain(`Over ${runCount} runs of small-stress (seed 11): `);
    expect(html).toContain("P(value &gt; x)");
  });

  it("writes PNG-ready SVG for every chart, naming a flat metric instead of failing", async () => {
    const { runs } = await straightReport();
    const charts = stressSvgCharts(stressChartData(runs), "small-stress");
    expect(charts.map((chart) => chart.fileName)).toContain("liquidated-notional-exceedance.png");
    expect(charts.map((chart) => chart.fileName)).toContain("min-price-histogram.png");
    expect(charts.map((chart) => chart.fileName)).not.toContain("min-price-exceedance.png");
    for (const chart of charts) expect(chart.svg).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
  });
});

describe("stressPngCharts", () => {
  it("rasterises every chart 1200 px wide, the same bytes each time", async () => {
    const { runs } = await straightReport();
    const { batch } = await batchOf();
    const summary = summarizeBatch(batch, runs);
    const first = stressPngCharts(summary, runs);
    expect(first.map((chart) => chart.fileName)).toEqual(
      stressSvgCharts(stressChartData(runs), "").map((chart) => chart.fileName),
    );
    const exceedancePng = first.find(
      (chart) => chart.fileName === "liquidated-notional-exceedance.png",
    );
    if (exceedancePng === undefined) throw new Error("no exceedance PNG");
    // IHDR: width and height are the big-endian words at bytes 16 and 20.
    const header = Buffer.from(exceedancePng.png.subarray(0, 24));
    expect(header.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(header.readUInt32BE(16)).toBe(1200);
    expect(stressPngCharts(summary, runs)).toEqual(first);
  });
});

describe("stressSummaryText", () => {
  const base = summarizeBatch(
    {
      batchId: "b",
      scenarioName: "crash",
      scenarioHash: "h",
      seed: 7,
      runs: 101,
      shardSize: 10,
      steps: 1,
      version: "test",
    },
    [],
  );
  const summary = {
    ...base,
    completedRuns: 100,
    failedRuns: 1,
    valueAtRisk: 2_500_000,
    liquidationsAtRisk: 40_000_000,
    insuranceFundExhausted: { hits: 12, trials: 100, probability: 0.12, low: 0.07, high: 0.2 },
    adlFired: { hits: 3, trials: 100, probability: 0.03, low: 0.0103, high: 0.0846 },
  };

  it("states VaR, LaR and both probabilities with their intervals", () => {
    const text = stressSummaryText(summary);
    expect(text).toContain(
      "Over 100 runs of crash (seed 7): in 1 run in 20 the venue loses more than $2.50M",
    );
    expect(text).toContain("liquidations exceed $40.0M in 5 % of runs (LaR)");
    expect(text).toContain(
      "the insurance fund ran dry in 12.0 % of runs (95 % bounds 7.0 %–20.0 %)",
    );
    expect(text).toContain("ADL fired in 3.0 % (95 % bounds 1.0 %–8.5 %)");
    expect(text).toContain("1 run of 101 failed and is left out");
  });

  it("says a zero VaR and LaR in words instead of 'more than $0'", () => {
    const text = stressSummaryText({ ...summary, valueAtRisk: 0, liquidationsAtRisk: 0 });
    expect(text).not.toMatch(/(more than|exceed) \$0/);
    expect(text).toContain(
      "in at least 19 runs in 20 the insurance fund and the backstop paid all",
    );
    expect(text).toContain("at least 95 % of runs liquidated nothing (LaR $0)");
  });

  it("says so when no run finished instead of quoting empty statistics", () => {
    const text = stressSummaryText({ ...base, failedRuns: 101 });
    expect(text).toBe(
      "None of the 101 runs of crash (seed 7) finished; stress-summary.json lists why each failed.",
    );
  });
});

describe("deleverage stress", () => {
  it("writes stress-report.html from the stored runs", async () => {
    const out = scratch();
    await execute(
      process.execPath,
      [
        join(root, "bin/deleverage.js"),
        "stress",
        smallStressFile,
        "--runs",
        "12",
        "--workers",
        "2",
        "--out",
        out,
      ],
      { cwd: root },
    );
    const store = await ResultsStore.openReadOnly(databaseIn(out));
    try {
      const [batchId] = await store.batchIdsStartingWith("");
      const batch = await store.batch(batchId);
      if (batch === undefined) throw new Error("the batch is not in the store");
      const runs = await store.runs(batchId);
      expect(runs).toHaveLength(12);
      // What varied is read off the scenario: the fixture redraws its population, its shock is a jump process.
      const { randomised } = JSON.parse(readFileSync(join(out, "stress-summary.json"), "utf8"));
      expect(randomised.varies.join(" ")).toMatch(/population/);
      expect(readFileSync(join(out, "stress-report.html"), "utf8")).toBe(
        stressReportHtml({ ...summarizeBatch(batch, runs), randomised }, runs),
      );
    } finally {
      store.close();
    }
  });
});
