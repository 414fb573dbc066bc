/**
 * `npm run bench`: the standard cascade against the cost of sorting 1,000,000 doubles on the same
 * machine in the same run (issue 2's yardstick: the cascade within 3x of the sort, < 1 GB peak),
 * and issue 12's whole-job figures next to the same sort: start-up of the compiled command line,
 * loading a 1,000,000-row positions CSV (W1, bench/w1Workload.ts), and whole `deleverage run`
 * processes of both 1M workloads, outputs included (wall time and peak RSS by /usr/bin/time).
 * Each cascade workload (standard, 20 markets) is timed in a process of its own
 * (bench/cascadeSamples.ts), as a user's run has its scenario to itself.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { do_not_optimize, measure } from "mitata";
import { loadScenario } from "../src/scenario/load.ts";
import { writeMarketsCsv } from "./marketsCsvWorkload.ts";
import { type Stats, statsOf } from "./stats.ts";
import { writeW1 } from "./w1Workload.ts";

const count = 1_000_000;
const options = { min_samples: 5, max_samples: 12, min_cpu_time: 1e9 };

function unsortedDoubles(): Float64Array {
  // A fixed LCG so the sort sees the same input every run.
  const values = new Float64Array(count);
  let state = 12345;
  for (let index = 0; index < count; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[index] = state / 4294967296;
  }
  return values;
}

const milliseconds = (nanoseconds: number): string => (nanoseconds / 1e6).toFixed(1);

const sort = await measure(function* () {
  const input = unsortedDoubles();
  yield {
    0() {
      return input.slice();
    },
    bench(values: Float64Array) {
      do_not_optimize(values.sort());
    },
  };
}, options);

/** Setup and cascade of one workload in a process of its own (bench/cascadeSamples.ts). */
function cascadeSamples(workload: "standard" | "markets"): Record<"setup" | "cascade", Stats> {
  return JSON.parse(
    execFileSync(
      process.execPath,
      [
        "--expose-gc",
        "--import",
        "tsx",
        resolve(import.meta.dirname, "cascadeSamples.ts"),
        workload,
      ],
      { encoding: "utf8" },
    ),
  );
}
const { setup, cascade } = cascadeSamples("standard");
// Issue 10: 1,000,000 positions over 20 markets, half on cross margin (bench/marketsWorkload.ts).
const { setup: marketsSetup, cascade: marketsCascade } = cascadeSamples("markets");
const marketsOnce = JSON.parse(
  execFileSync(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "cascadeOnce.ts"), "markets"],
    { encoding: "utf8" },
  ),
) as Record<string, number>;

const child = execFileSync(
  process.execPath,
  ["--import", "tsx", resolve(import.meta.dirname, "cascadeOnce.ts")],
  { encoding: "utf8" },
);
const once = JSON.parse(child) as Record<string, number>;

const root = resolve(import.meta.dirname, "..");
const cli = join(root, "bin/deleverage.js");
const scratch = mkdtempSync(join(tmpdir(), "deleverage-bench-"));
const w1 = writeW1(join(scratch, "w1"), count);
const marketsCsv = writeMarketsCsv(join(scratch, "markets"), count);

const csvLoad = await measure(async () => do_not_optimize(await loadScenario(w1.scenario)), {
  ...options,
  max_samples: 6,
});
const loadOnce = JSON.parse(
  execFileSync(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "loadOnce.ts"), w1.scenario],
    {
      encoding: "utf8",
    },
  ),
) as { milliseconds: number; maxRssBytes: number };

/** Median wall time of `runs` start-ups of the command line with `args`. */
function startup(args: string[], runs = 9): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    execFileSync(process.execPath, [cli, ...args], { stdio: "ignore" });
    times.push(performance.now() - started);
  }
  return times.sort((left, right) => left - right)[Math.floor(runs / 2)];
}
const version = startup(["--version"]);
const schema = startup(["schema"]);

/** One whole `deleverage run` process: wall seconds and peak RSS as /usr/bin/time reports them. */
function wholeRun(scenario: string, extra: string[] = []): { seconds: number; maxRssKiB: number } {
  const out = join(scratch, "out");
  rmSync(out, { recursive: true, force: true });
  const report = join(scratch, "time.txt");
  execFileSync(
    "/usr/bin/time",
    ["-f", "%e %M", "-o", report, process.execPath, cli, "run", scenario, "--out", out, ...extra],
    { stdio: "ignore" },
  );
  const [seconds, maxRssKiB] = readFileSync(report, "utf8").trim().split(/\s+/).map(Number);
  return { seconds, maxRssKiB };
}
const hasTime = existsSync("/usr/bin/time");
const standardFile = resolve(import.meta.dirname, "standard-workload.yaml");
const whole = hasTime
  ? ([
      ["run bench/standard-workload.yaml (1M generated)", wholeRun(standardFile)],
      ["run W1 (1M-row positions CSV)", wholeRun(w1.scenario)],
      [
        "run bench/standard-workload.yaml --events parquet",
        wholeRun(standardFile, ["--events", "parquet"]),
      ],
      ["run W1 --events parquet", wholeRun(w1.scenario, ["--events", "parquet"])],
      ["run 20-market positions CSV + wallets (1M rows)", wholeRun(marketsCsv.scenario)],
    ] as const)
  : [];
rmSync(scratch, { recursive: true, force: true });

const ratio = cascade.avg / sort.avg;
const endToEnd = (setup.avg + cascade.avg) / sort.avg;
process.stdout.write(
  [
    `machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average at the end ${loadavg()[0].toFixed(2)}`,
    "",
    "| measurement | avg ms | p50 ms | min ms | max ms | samples |",
    "|---|---|---|---|---|---|",
    ...(
      [
        ["sort 1,000,000 doubles (Float64Array.sort)", statsOf(sort)],
        ["setup: generate 1,000,000 positions + index", setup],
        ["cascade: 10 % drop to the end (60 steps)", cascade],
        ["20 markets: setup (1,000,000 positions, half cross)", marketsSetup],
        ["20 markets: cascade (10 % factor drop, betas 0.8-1.6)", marketsCascade],
      ] satisfies [string, Stats][]
    ).map(
      ([name, stats]) =>
        `| ${name} | ${milliseconds(stats.avg)} | ${milliseconds(stats.p50)} | ${milliseconds(stats.min)} | ${milliseconds(stats.max)} | ${stats.samples} |`,
    ),
    "",
    `cascade / sort: ${ratio.toFixed(2)}x (goal ≤ 3x); setup + cascade / sort: ${endToEnd.toFixed(2)}x`,
    `peak RSS of one setup + cascade in a fresh process: ${(once.maxRssBytes / 2 ** 20).toFixed(0)} MiB (goal < 1024 MiB)`,
    `20 markets: cascade / sort ${(marketsCascade.avg / sort.avg).toFixed(2)}x (goal ≤ 5x); setup + cascade / sort ${((marketsSetup.avg + marketsCascade.avg) / sort.avg).toFixed(2)}x; peak RSS ${(marketsOnce.maxRssBytes / 2 ** 20).toFixed(0)} MiB (goal < 1536 MiB); ${marketsOnce.liquidations} positions liquidated, ${marketsOnce.crossAccountLiquidations} of ${marketsOnce.crossAccounts} cross accounts, ${marketsOnce.cascadeRounds} rounds, ledger drift ${marketsOnce.drift.toExponential(2)}`,
    "",
    "| whole job (issue 12) | time | / sort | peak RSS |",
    "|---|---|---|---|",
    `| start-up: deleverage --version (median of 9) | ${version.toFixed(0)} ms | ${(version / (sort.avg / 1e6)).toFixed(2)}x | |`,
    `| start-up: deleverage schema (median of 9) | ${schema.toFixed(0)} ms | ${(schema / (sort.avg / 1e6)).toFixed(2)}x | |`,
    `| load 1,000,000-row positions CSV (loadScenario, avg / p50) | ${milliseconds(csvLoad.avg)} / ${milliseconds(csvLoad.p50)} ms | ${(csvLoad.avg / sort.avg).toFixed(2)}x | ${(loadOnce.maxRssBytes / 2 ** 20).toFixed(0)} MiB (fresh process) |`,
    ...whole.map(
      ([name, run]) =>
        `| ${name} | ${run.seconds.toFixed(2)} s | ${((run.seconds * 1e9) / sort.avg).toFixed(1)}x | ${(run.maxRssKiB / 1024).toFixed(0)} MiB |`,
    ),
    hasTime ? "" : "(no /usr/bin/time: whole runs skipped; apt-get install time)",
    `workload result: ${once.liquidations} positions liquidated, $${(once.liquidatedNotional / 1e9).toFixed(2)}B, ${once.cascadeRounds} rounds, ${once.events} events, total move ${(once.totalMove * 100).toFixed(2)} %, ledger drift ${once.drift.toExponential(2)} of ${once.valueStart.toExponential(3)}`,
    "",
  ].join("\n"),
);
