/**
 * One standard cascade in a fresh process, so its peak resident memory is the engine's own and
 * not the benchmark harness's. Prints one JSON line.
 */
import { Simulation } from "../src/engine/sim.ts";
import { standardWorkload } from "./workload.ts";

const simulation = new Simulation(standardWorkload(), { seed: 1 });
const result = simulation.run();
const summary = result.summary;
process.stdout.write(
  `${JSON.stringify({
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    liquidations: summary.liquidationCount,
    liquidatedNotional: summary.liquidatedNotional,
    cascadeRounds: summary.cascadeRounds,
    events: result.events.length,
    totalMove: summary.totalMove,
    drift: summary.ledger.drift,
    valueStart: summary.ledger.valueStart,
  })}\n`,
);
