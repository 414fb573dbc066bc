/**
 * `npm run bench`: the standard cascade against the cost of sorting 1,000,000 doubles on the same
 * machine in the same run (issue 2's yardstick: the cascade within 3x of the sort, < 1 GB peak).
 */
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import { do_not_optimize, measure } from "mitata";
import { Simulation } from "../src/engine/sim.ts";
import { standardWorkload } from "./workload.ts";

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
    [0]() {
      return input.slice();
    },
    bench(values: Float64Array) {
      do_not_optimize(values.sort());
    },
  };
}, options);

const workload = standardWorkload(count);
const setup = await measure(() => do_not_optimize(new Simulation(workload, { seed: 1 })), options);
const cascade = await measure(function* () {
  yield {
    [0]() {
      return new Simulation(workload, { seed: 1 });
    },
    bench(simulation: Simulation) {
      do_not_optimize(simulation.run());
    },
  };
}, options);

const child = execFileSync(
  process.execPath,
  ["--import", "tsx", resolve(import.meta.dirname, "cascadeOnce.ts")],
  { encoding: "utf8" },
);
const once = JSON.parse(child) as Record<string, number>;

const ratio = cascade.avg / sort.avg;
const endToEnd = (setup.avg + cascade.avg) / sort.avg;
process.stdout.write(
  [
    `machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
    "",
    "| measurement | avg ms | p50 ms | min ms | max ms | samples |",
    "|---|---|---|---|---|---|",
    ...[
      ["sort 1,000,000 doubles (Float64Array.sort)", sort],
      ["setup: generate 1,000,000 positions + index", setup],
      ["cascade: 10 % drop to the end (60 steps)", cascade],
    ].map(
      ([name, stats]) =>
        `| ${name as string} | ${milliseconds((stats as typeof sort).avg)} | ${milliseconds((stats as typeof sort).p50)} | ${milliseconds((stats as typeof sort).min)} | ${milliseconds((stats as typeof sort).max)} | ${(stats as typeof sort).samples.length} |`,
    ),
    "",
    `cascade / sort: ${ratio.toFixed(2)}x (goal ≤ 3x); setup + cascade / sort: ${endToEnd.toFixed(2)}x`,
    `peak RSS of one setup + cascade in a fresh process: ${(once.maxRssBytes / 2 ** 20).toFixed(0)} MiB (goal < 1024 MiB)`,
    `workload result: ${once.liquidations} positions liquidated, $${(once.liquidatedNotional / 1e9).toFixed(2)}B, ${once.cascadeRounds} rounds, ${once.events} events, total move ${(once.totalMove * 100).toFixed(2)} %, ledger drift ${once.drift.toExponential(2)} of ${once.valueStart.toExponential(3)}`,
    "",
  ].join("\n"),
);
