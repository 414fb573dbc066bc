/**
 * One lending workload run in a fresh process, so its peak resident memory is the engine's own
 * and not the benchmark harness's. Prints one JSON line.
 */
import { buildLendingWorld } from "../src/engine/lending/run.ts";
import { lendingWorkload } from "./lendingWorkload.ts";
import { peakMemoryBytes } from "./peakMemory.ts";

const started = performance.now();
const { world, venues } = buildLendingWorld(lendingWorkload(), 1, 0);
const built = performance.now();
const result = world.run();
const finished = performance.now();
const summary = venues[0].summary(world);
process.stdout.write(
  `${JSON.stringify({
    maxRssBytes: peakMemoryBytes(),
    setupMs: built - started,
    runMs: finished - built,
    liquidations: summary.liquidationCount,
    liquidatedCollateralUsd: summary.liquidatedCollateralUsd,
    badDebtUsd: summary.badDebtUsd,
    events: result.events.length,
    drift: Math.max(...result.ledger.map((entry) => entry.drift)),
  })}\n`,
);
