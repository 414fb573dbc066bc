/**
 * `npm run bench:lending`: the lending workload (bench/lendingWorkload.ts: 100,000 accounts,
 * 3 assets, 1,440 one-minute steps) — setup (accounts, venue, pools) and the run — with mitata,
 * then peak RSS of one setup + run in a fresh process (bench/lendingOnce.ts).
 */
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import { do_not_optimize, measure } from "mitata";
import { buildLendingWorld } from "../src/engine/lending/run.ts";
import { lendingWorkload } from "./lendingWorkload.ts";

const options = { min_samples: 5, max_samples: 8, min_cpu_time: 1e9 };
const milliseconds = (nanoseconds: number): string => (nanoseconds / 1e6).toFixed(1);

const workload = lendingWorkload();
const setup = await measure(() => do_not_optimize(buildLendingWorld(workload, 1, 0)), options);
const run = await measure(function* () {
  yield {
    0() {
      return buildLendingWorld(workload, 1, 0).world;
    },
    bench(world: ReturnType<typeof buildLendingWorld>["world"]) {
      do_not_optimize(world.run());
    },
  };
}, options);

const child = execFileSync(
  process.execPath,
  ["--import", "tsx", resolve(import.meta.dirname, "lendingOnce.ts")],
  { encoding: "utf8" },
);
const once = JSON.parse(child) as Record<string, number>;

process.stdout.write(
  [
    `machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString()}`,
    "",
    "| measurement | avg ms | p50 ms | min ms | max ms | samples |",
    "|---|---|---|---|---|---|",
    ...(
      [
        ["setup: 100,000 accounts, venue, 2 pools", setup],
        ["run: 1,440 one-minute steps", run],
      ] as const
    ).map(
      ([name, stats]) =>
        `| ${name} | ${milliseconds(stats.avg)} | ${milliseconds(stats.p50)} | ${milliseconds(stats.min)} | ${milliseconds(stats.max)} | ${stats.samples.length} |`,
    ),
    "",
    `peak RSS of one setup + run in a fresh process: ${(once.maxRssBytes / 2 ** 20).toFixed(0)} MiB (setup ${once.setupMs.toFixed(0)} ms, run ${once.runMs.toFixed(0)} ms there)`,
    `workload result: ${once.liquidations} liquidations, $${(once.liquidatedCollateralUsd / 1e6).toFixed(1)}M collateral, bad debt $${(once.badDebtUsd / 1e6).toFixed(2)}M, ${once.events} events, ledger drift ${once.drift.toExponential(2)}`,
    "",
  ].join("\n"),
);
