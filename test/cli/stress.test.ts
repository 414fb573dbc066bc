import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { amountFields, countFields } from "../../src/runner/runRecord.ts";
import { cliPath, deleverage, type Outcome, repositoryRoot, runProcess } from "../support/cli.ts";
import { storeRows } from "../support/store.ts";

const fixture = join(repositoryRoot, "test/runner/fixtures/small-stress.yaml");

/** A shell that ignores SIGXFSZ and caps file size: writes past the cap fail like a full disk. */
function deleverageWithFileSizeLimit(kilobytes: number, ...args: string[]): Promise<Outcome> {
  const quoted = [process.execPath, cliPath, ...args].map(
    (arg) => `'${arg.replaceAll("'", "'\\''")}'`,
  );
  return runProcess("bash", [
    "-c",
    `trap '' XFSZ; ulimit -f ${kilobytes}; exec ${quoted.join(" ")}`,
  ]);
}

const scratchDirectories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "deleverage-stress-"));
  scratchDirectories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of scratchDirectories) rmSync(directory, { recursive: true, force: true });
});

function parquetFiles(out: string, kind: "runs" | "timeseries"): string[] {
  const directory = join(out, "shards");
  if (!existsSync(directory)) return [];
  return readdirSync(directory).filter(
    (name) => name.startsWith(`${kind}-`) && name.endsWith(".parquet"),
  );
}

async function waitFor(condition: () => boolean, child: ChildProcess): Promise<void> {
  while (!condition()) {
    if (child.exitCode !== null) throw new Error("the batch ended before it could be interrupted");
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolveExit) => {
    child.on("exit", (code, signal) => resolveExit({ code, signal }));
  });
}

describe("deleverage stress", () => {
  const out = scratch();
  const db = join(out, "results.duckdb");

  it("runs a batch in 2 workers and writes the summary, the store and Parquet shards", async () => {
    const outcome = await deleverage(
      "stress",
      fixture,
      "--runs",
      "40",
      "--workers",
      "2",
      "--shard-size",
      "10",
      "--out",
      out,
      "--json",
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    const summary = JSON.parse(outcome.stdout);
    expect(readFileSync(join(out, "stress-summary.json"), "utf8")).toBe(outcome.stdout);
    expect(summary).toMatchObject({
      scenario: "small-stress",
      seed: 11,
      runs: 40,
      completedRuns: 40,
    });
    expect(summary.failures).toEqual([]);
    expect(summary.valueAtRisk).toBe(summary.distributions.uncoveredBadDebt.p95);
    expect(summary.liquidationsAtRisk).toBe(summary.distributions.liquidatedNotional.p95);
    expect(summary.adlFired.trials).toBe(40);
    expect(parquetFiles(out, "runs")).toHaveLength(4);
    expect(parquetFiles(out, "timeseries")).toHaveLength(4);

    const [counts] = await storeRows(
      db,
      "SELECT count(*) AS runs, count(DISTINCT runIndex) AS distinctRuns, quantile_cont(liquidatedNotional, 0.95) AS lar FROM runs",
    );
    expect(counts.runs).toBe(40);
    expect(counts.distinctRuns).toBe(40);
    expect(counts.lar).toBeCloseTo(summary.liquidationsAtRisk, 6);
    const [steps] = await storeRows(db, "SELECT count(*) AS rows FROM timeseries");
    expect(steps.rows).toBe(40 * 41);
  });

  it("replays run i alone with `run --run-index i`: the numbers the batch stored", async () => {
    const outcome = await deleverage(
      "run",
      fixture,
      "--run-index",
      "7",
      "--out",
      join(scratch(), "run7"),
      "--json",
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    const alone = JSON.parse(outcome.stdout);
    const [stored] = await storeRows(db, "SELECT * FROM runs WHERE runIndex = 7");
    for (const field of [...countFields, ...amountFields]) {
      expect(stored[field], field).toBe(alone[field]);
    }
  });

  it("finds a finished batch again and redoes nothing", async () => {
    const before = readFileSync(join(out, "stress-summary.json"), "utf8");
    const outcome = await deleverage(
      "stress",
      fixture,
      "--runs",
      "40",
      "--shard-size",
      "10",
      "--out",
      out,
      "--json",
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stderr).toMatch(/resuming batch [0-9a-f]{16}: 40 of 40 runs already stored/);
    expect(outcome.stdout).toBe(before);
  });

  it("lists rows as a table and compares two runs and two batches", async () => {
    const table = await deleverage(
      "query",
      "SELECT runIndex, status FROM runs ORDER BY runIndex LIMIT 2",
      "--db",
      db,
    );
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toBe(
      "runIndex  status\n--------  ------\n       0  ok\n       1  ok\n(2 rows)\n",
    );

    const json = await deleverage(
      "query",
      "SELECT count(*) AS runs, max(liquidatedNotional) > 0 AS liquidated, NULL AS nothing FROM runs",
      "--db",
      db,
      "--json",
    );
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([{ runs: 40, liquidated: true, nothing: null }]);

    const [batch] = await storeRows(db, "SELECT batchId FROM batches");
    const batchId = String(batch.batchId);
    const runs = await deleverage(
      "compare",
      `${batchId}:0`,
      `${batchId.slice(0, 6)}:1`,
      "--db",
      db,
      "--json",
    );
    expect(runs.code, runs.stderr).toBe(0);
    const runComparison = JSON.parse(runs.stdout);
    expect(runComparison.first).toBe(`${batchId}:0`);
    expect(runComparison.second).toBe(`${batchId}:1`);
    const [first, second] = await storeRows(
      db,
      "SELECT liquidatedNotional FROM runs WHERE runIndex IN (0, 1) ORDER BY runIndex",
    );
    const liquidated = runComparison.rows.find(
      (row: { measure: string }) => row.measure === "liquidatedNotional",
    );
    expect(liquidated).toMatchObject({
      first: first.liquidatedNotional,
      second: second.liquidatedNotional,
    });
    expect(liquidated.difference).toBeCloseTo(
      Number(second.liquidatedNotional) - Number(first.liquidatedNotional),
      6,
    );

    // A second batch of the same scenario with a bigger fund, stored alongside the first.
    const bigger = await deleverage(
      "stress",
      fixture,
      "--runs",
      "40",
      "--shard-size",
      "10",
      "--out",
      out,
      "--set",
      "exchange.insuranceFund=1e9",
      "--json",
    );
    expect(bigger.code, bigger.stderr).toBe(0);
    const biggerId = JSON.parse(bigger.stdout).batchId;
    expect(biggerId).not.toBe(batchId);
    const batches = await deleverage("compare", batchId, biggerId, "--db", db);
    expect(batches.code, batches.stderr).toBe(0);
    expect(batches.stdout).toMatch(/^A: [0-9a-f]{16} {2}small-stress, seed 11, 40 runs/);
    expect(batches.stdout).toMatch(/P\(insuranceFundExhausted\)/);
    expect(batches.stdout).toMatch(/liquidatedNotional p95/);

    const mixed = await deleverage("compare", `${batchId}:0`, biggerId, "--db", db);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/compare two runs .* or two batches/);
  });

  it("rejects bad SQL and a missing store as invalid input", async () => {
    const syntax = await deleverage("query", "SELEC 1", "--db", db);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/query: .*syntax error/i);
    const missing = await deleverage("query", "SELECT 1", "--db", join(scratch(), "none.duckdb"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no results store there/);
  });
});

describe("deleverage stress: interruptions", () => {
  it("resumes after SIGINT and after SIGKILL with every run stored once, as an uninterrupted batch", async () => {
    const args = ["stress", fixture, "--runs", "200", "--shard-size", "5", "--workers", "2"];
    const reference = scratch();
    const uninterrupted = await deleverage(...args, "--out", reference, "--json");
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);

    const out = scratch();
    const interrupted = spawn(process.execPath, [cliPath, ...args, "--out", out], {
      cwd: repositoryRoot,
    });
    let stderr = "";
    interrupted.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const interruptedExit = exited(interrupted);
    await waitFor(() => parquetFiles(out, "runs").length >= 1, interrupted);
    interrupted.kill("SIGINT");
    expect(await interruptedExit).toEqual({ code: 130, signal: null });
    expect(stderr).toMatch(/interrupted; \d+ of 200 runs are stored .* Run the same command again/);
    expect(existsSync(join(out, "stress-summary.json"))).toBe(false);

    const killed = spawn(process.execPath, [cliPath, ...args, "--out", out], {
      cwd: repositoryRoot,
    });
    const killedExit = exited(killed);
    const storedBefore = parquetFiles(out, "runs").length;
    await waitFor(() => parquetFiles(out, "runs").length >= storedBefore + 2, killed);
    killed.kill("SIGKILL");
    expect((await killedExit).signal).toBe("SIGKILL");
    expect(parquetFiles(out, "runs").length).toBeLessThan(40);

    const resumed = await deleverage(...args, "--out", out, "--json");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming batch/);
    const [counts] = await storeRows(
      join(out, "results.duckdb"),
      "SELECT count(*) AS runs, count(DISTINCT runIndex) AS distinctRuns, min(runIndex) AS first, max(runIndex) AS last, (SELECT count(*) FROM timeseries) AS steps FROM runs",
    );
    expect(counts).toEqual({ runs: 200, distinctRuns: 200, first: 0, last: 199, steps: 200 * 41 });
    expect(resumed.stdout).toBe(uninterrupted.stdout);
    expect(parquetFiles(out, "runs")).toHaveLength(40);
    expect(readdirSync(join(out, "shards")).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("stops with a clear error when the disk fills, keeps the store consistent, and resumes", async () => {
    const out = scratch();
    const args = ["stress", fixture, "--runs", "300", "--shard-size", "20", "--out", out];
    const full = await deleverageWithFileSizeLimit(400, ...args);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(
      /^deleverage: results store: cannot (store|write) shard \d+ \(runs \d+–\d+\) .*File too large.*run the same command again to resume/m,
    );
    expect(full.stderr).not.toMatch(/\n\s+at /);
    const resumed = await deleverage(...args, "--json");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(
      /resuming batch [0-9a-f]{16}: [\d,]+ of 300 runs already stored/,
    );
    const [counts] = await storeRows(
      join(out, "results.duckdb"),
      "SELECT count(*) AS runs, count(DISTINCT runIndex) AS distinctRuns FROM runs",
    );
    expect(counts).toEqual({ runs: 300, distinctRuns: 300 });
  });
});

describe("deleverage stress: bad input and failing runs", () => {
  it("rejects invalid options and scenarios before any run, writing nothing", async () => {
    const parent = scratch();
    for (const [args, message] of [
      [["--runs", "0"], /--runs: "0" is not allowed; expected a positive integer/],
      [["--runs", "10", "--workers", "two"], /--workers: "two" is not allowed/],
      [["--runs", "10", "--set", "exchange.insuranceFund=-1"], /exchange\.insuranceFund/],
    ] as const) {
      const out = join(parent, "out");
      const outcome = await deleverage("stress", fixture, ...args, "--out", out);
      expect(outcome.code, outcome.stderr).toBe(2);
      expect(outcome.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
    const file = join(parent, "a-file");
    writeFileSync(file, "");
    const unwritable = await deleverage(
      "stress",
      fixture,
      "--runs",
      "5",
      "--out",
      join(file, "out"),
    );
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(
      /--out: .*a-file\/out is not allowed; .*a-file is a file, and the outputs need a folder/,
    );
  });

  it("records a run that throws with its seed and message, finishes the batch and exits 1", async () => {
    const out = scratch();
    // A volatility so absurd that some paths overflow to an infinite or zero index price.
    const outcome = await deleverage(
      "stress",
      fixture,
      "--runs",
      "20",
      "--out",
      out,
      "--set",
      "steps=3",
      "--set",
      "shock={kind: gbm, sigmaDaily: 100000, driftDaily: 5000000000}",
      "--json",
    );
    expect(outcome.code).toBe(1);
    const summary = JSON.parse(outcome.stdout);
    expect(summary.failedRuns).toBeGreaterThan(0);
    expect(summary.completedRuns).toBe(20 - summary.failedRuns);
    expect(summary.failures[0]).toMatchObject({
      seed: 11,
      error: expect.stringMatching(/index price became (Infinity|0)/),
    });
    expect(outcome.stderr).toMatch(/run\(s\) failed; they are listed in stress-summary\.json/);
    const failed = await storeRows(
      join(out, "results.duckdb"),
      "SELECT runIndex, seed, error FROM runs WHERE status = 'failed' ORDER BY runIndex",
    );
    expect(failed).toEqual(summary.failures);
  });
});

describe("deleverage stress with a sweep", () => {
  it("runs every point, summarises each, and resumes without redoing a run", async () => {
    const out = scratch();
    const args = [
      "stress",
      fixture,
      "--runs",
      "10",
      "--workers",
      "2",
      "--out",
      out,
      "--sweep",
      "exchange.insuranceFund=1000,30000",
      "--sweep",
      "exchange.adl.ranking=binance,proRata",
    ];
    const first = await deleverage(...args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/stress: sweep [0-9a-f]{16}: 4 points × 10 runs/);
    expect(first.stdout).toMatch(/point\s+exchange\.insuranceFund\s+exchange\.adl\.ranking\s+runs/);
    const summary = JSON.parse(readFileSync(join(out, "stress-summary.json"), "utf8"));
    expect(summary.points.map((point: { parameters: unknown }) => point.parameters)).toEqual([
      { "exchange.insuranceFund": 1000, "exchange.adl.ranking": "binance" },
      { "exchange.insuranceFund": 1000, "exchange.adl.ranking": "proRata" },
      { "exchange.insuranceFund": 30000, "exchange.adl.ranking": "binance" },
      { "exchange.insuranceFund": 30000, "exchange.adl.ranking": "proRata" },
    ]);
    for (const point of summary.points) expect(point.summary.completedRuns).toBe(10);
    // The bigger fund is never drawn dry more often on the same paths (common random numbers).
    expect(summary.points[2].summary.insuranceFundExhausted.hits).toBeLessThanOrEqual(
      summary.points[0].summary.insuranceFundExhausted.hits,
    );
    const html = readFileSync(join(out, "stress-report.html"), "utf8");
    expect(html.match(/<g class="sweep-point"/g)).toHaveLength(4);

    const again = await deleverage(...args);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resuming sweep [0-9a-f]{16}: 40 of 40 runs already stored/);
    expect(again.stderr).not.toMatch(/runs in .* s/);
    expect(readFileSync(join(out, "stress-summary.json"), "utf8")).toBe(
      `${JSON.stringify(summary, null, 2)}\n`,
    );
    const rows = await storeRows(
      join(out, "results.duckdb"),
      "SELECT count(*) AS runs, count(DISTINCT pointIndex) AS points FROM sweepPoints JOIN runs USING (batchId)",
    );
    expect(rows).toEqual([{ runs: 40, points: 4 }]);
  });

  it("rejects an invalid sweep before any run: exit 2, nothing written", async () => {
    const out = join(scratch(), "never");
    const outcome = await deleverage(
      "stress",
      fixture,
      "--runs",
      "5",
      "--out",
      out,
      "--sweep",
      "exchange.adl.ranking=binance,fifo",
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /--sweep exchange\.adl\.ranking: value "fifo" \(point 1\): .*binance, hyperliquid, proRata, none/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
