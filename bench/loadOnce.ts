/**
 * Loads one scenario in a fresh process (`npm run bench`: the 1M-row positions CSV) and prints the
 * load time and the process's peak resident memory as one JSON line.
 */
import { loadScenario } from "../src/scenario/load.ts";
import { peakMemoryBytes } from "./peakMemory.ts";

const started = performance.now();
const loaded = await loadScenario(process.argv[2] as string);
const milliseconds = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    milliseconds,
    positions: loaded.engine.positions.explicit.count,
    maxRssBytes: peakMemoryBytes(),
  })}\n`,
);
