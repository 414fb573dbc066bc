/**
 * Setup and cascade of one workload (the standard one, or with `markets` the 20-market one),
 * timed by mitata in a process of its own, as a user's `deleverage run` has one scenario to
 * itself: measured in the harness after the standard workload, the 20-market cascade read slower
 * than alone (BENCHMARKS.md has the figures), paying for the other workload's live heap and for
 * code compiled for the other workload's shapes. Prints the two mitata statistics as one JSON
 * line.
 */
import { do_not_optimize, measure } from "mitata";
import { Simulation } from "../src/engine/sim.ts";
import { marketsWorkload } from "./marketsWorkload.ts";
import { statsOf } from "./stats.ts";
import { standardWorkload } from "./workload.ts";

const options = { min_samples: 5, max_samples: 12, min_cpu_time: 1e9 };
const workload = process.argv[2] === "markets" ? marketsWorkload() : standardWorkload();
const setup = await measure(() => do_not_optimize(new Simulation(workload, { seed: 1 })), options);
const cascade = await measure(function* () {
  yield {
    0() {
      return new Simulation(workload, { seed: 1 });
    },
    bench(simulation: Simulation) {
      do_not_optimize(simulation.run());
    },
  };
}, options);
process.stdout.write(`${JSON.stringify({ setup: statsOf(setup), cascade: statsOf(cascade) })}\n`);
