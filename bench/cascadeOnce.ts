/**
 * One cascade in a fresh process, so its peak resident memory is the engine's own and not the
 * benchmark harness's: the standard workload, or with `markets` the 20-market one. Prints one
 * JSON line.
 */
import { Simulation } from "../src/engine/sim.ts";
import { marketsWorkload } from "./marketsWorkload.ts";
import { peakMemoryBytes } from "./peakMemory.ts";
import { standardWorkload } from "./workload.ts";

const workload = process.argv[2] === "markets" ? marketsWorkload() : standardWorkload();
const simulation = new Simulation(workload, { seed: 1 });
const result = simulation.run();
const summary = result.summary;
process.stdout.write(
  `${JSON.stringify({
    maxRssBytes: peakMemoryBytes(),
    liquidations: summary.liquidationCount,
    liquidatedNotional: summary.liquidatedNotional,
    cascadeRounds: summary.cascadeRounds,
    events: result.events.length,
    totalMove: summary.totalMove,
    drift: summary.ledger.drift,
    valueStart: summary.ledger.valueStart,
    crossAccounts: summary.crossAccountCount,
    crossAccountLiquidations: summary.crossAccountLiquidations,
  })}\n`,
);
