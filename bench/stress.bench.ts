/**
 * `npm run bench:stress [RUNS]`: Monte Carlo throughput on this machine (issue 5, "Speed").
 *
 *   1. the engine alone, one thread, no store: the cost of a run;
 *   2. the store alone: writing already computed runs in shards of 100 (DuckDB transaction +
 *      two Parquet files per shard), per run and in bytes on disk;
 *   3. the worker pool alone (results dropped), 1 and 2 workers: how the engine scales;
 *   4. `runBatch` end to end (worker pool + store), 1 and 2 workers, pool start-up included.
 *
 * Wall-clock timing of whole batches rather than mitata samples: a batch is seconds long, and
 * its pool start-up and shard writes are part of what a user waits for. Next to it, the CPU time
 * of the whole process (every thread, DuckDB's included) per run, which other jobs on a shared
 * machine do not inflate the way they inflate wall time, and the load average around each
 * measurement.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { batchIdOf, runBatch } from "../src/runner/batch.ts";
import { RunPool } from "../src/runner/pool.ts";
import { type RunRecord, simulateRun } from "../src/runner/runRecord.ts";
import { type BatchInfo, ResultsStore } from "../src/runner/store.ts";
import { loadScenario } from "../src/scenario/load.ts";

const runs = Number(process.argv[2] ?? 200);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`RUNS: expected a positive integer`);
const shardSize = 100;
const loaded = await loadScenario(resolve(import.meta.dirname, "stress-workload.yaml"));
const scenario = loaded.engine;
const seed = loaded.scenario.seed;

function batchInfo(label: string): BatchInfo {
  return {
    batchId: batchIdOf(label, seed, runs),
    scenarioName: scenario.name,
    scenarioHash: label,
    seed,
    runs,
    shardSize,
    steps: scenario.steps,
    version: "bench",
  };
}

function directorySize(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    total += entry.isDirectory() ? directorySize(path) : statSync(path).size;
  }
  return total;
}

interface Measurement {
  label: string;
  seconds: number;
  cpuSeconds: number;
  load: string;
}

const measurements: Measurement[] = [];

async function measure(label: string, work: () => Promise<void> | void): Promise<void> {
  const loadBefore = loadavg()[0];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  measurements.push({
    label,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    load: `${loadBefore.toFixed(1)}→${loadavg()[0].toFixed(1)}`,
  });
}

const scratch = mkdtempSync(join(tmpdir(), "deleverage-bench-stress-"));
try {
  // 1. The engine alone.
  const records: RunRecord[] = [];
  await measure("engine alone, 1 thread, no store", () => {
    for (let runIndex = 0; runIndex < runs; runIndex++) {
      records.push(simulateRun(scenario, seed, runIndex));
    }
  });

  // 2. The store alone, fed the runs computed above.
  const storeDirectory = join(scratch, "store");
  const store = await ResultsStore.open(join(storeDirectory, "results.duckdb"));
  const storeBatch = await store.registerBatch(batchInfo("store-only"));
  await measure(`store alone (shards of ${shardSize})`, async () => {
    for (let first = 0; first < runs; first += shardSize) {
      await store.writeShard(
        storeBatch,
        first / shardSize,
        records.slice(first, first + shardSize),
      );
    }
    await store.checkpoint();
  });
  store.close();
  const storeBytes = directorySize(storeDirectory);

  // 3. The pool alone, 1 and 2 workers.
  for (const workers of [1, 2]) {
    await measure(
      `worker pool alone, ${workers} worker${workers === 1 ? "" : "s"}, no store`,
      async () => {
        const pool = new RunPool(scenario, seed, workers);
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < runs) await pool.run(next++);
        };
        await Promise.all(Array.from({ length: 3 * workers }, lane));
        await pool.destroy();
      },
    );
  }

  // 4. End to end, 1 and 2 workers.
  for (const workers of [1, 2]) {
    const directory = join(scratch, `pool-${workers}`);
    const batchStore = await ResultsStore.open(join(directory, "results.duckdb"));
    const batch = await batchStore.registerBatch(batchInfo(`pool-${workers}`));
    await measure(`runBatch, ${workers} worker${workers === 1 ? "" : "s"} + store`, async () => {
      const outcome = await runBatch({ scenario, batch, store: batchStore, workers });
      await batchStore.checkpoint();
      if (outcome.storedRuns !== runs) throw new Error(`stored ${outcome.storedRuns} of ${runs}`);
    });
    batchStore.close();
  }

  const failed = records.filter((record) => record.status === "failed").length;
  const milliseconds = (seconds: number): string => `${((seconds / runs) * 1000).toFixed(2)} ms`;
  console.log(
    `machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`,
  );
  console.log(
    `workload: ${runs} runs × ${scenario.positions.population?.count} positions × ${scenario.steps} steps (bench/stress-workload.yaml), ${failed} failed\n`,
  );
  console.log("| what | wall | wall per run | runs/s | CPU per run (all threads) | load average |");
  console.log("|---|---|---|---|---|---|");
  for (const { label, seconds, cpuSeconds, load } of measurements) {
    console.log(
      `| ${label} | ${seconds.toFixed(2)} s | ${milliseconds(seconds)} | ${(runs / seconds).toFixed(1)} | ${milliseconds(cpuSeconds)} | ${load} |`,
    );
  }
  const byLabel = new Map(measurements.map((measurement) => [measurement.label, measurement]));
  const wall = (label: string): number => byLabel.get(label)?.seconds ?? Number.NaN;
  const batchCpu = byLabel.get("runBatch, 2 workers + store")?.cpuSeconds ?? Number.NaN;
  const best = Math.min(wall("runBatch, 1 worker + store"), wall("runBatch, 2 workers + store"));
  console.log(
    `\nstore on disk: ${(storeBytes / runs / 1024).toFixed(1)} KiB per run (DuckDB + Parquet shards)`,
  );
  console.log(
    `speed-up 1 → 2 workers (wall): ${(wall("worker pool alone, 1 worker, no store") / wall("worker pool alone, 2 workers, no store")).toFixed(2)}x without the store, ` +
      `${(wall("runBatch, 1 worker + store") / wall("runBatch, 2 workers + store")).toFixed(2)}x with it`,
  );
  const cores = cpus().length;
  const cpuBound = batchCpu / cores;
  console.log(
    `extrapolated, measured wall (${(runs / best).toFixed(1)} runs/s): 10,000 runs ≈ ${((10_000 * best) / runs).toFixed(0)} s, 1,500 runs ≈ ${((1_500 * best) / runs).toFixed(0)} s`,
  );
  console.log(
    `extrapolated, CPU-bound on ${cores} idle cores (${(runs / cpuBound).toFixed(1)} runs/s): 10,000 runs ≈ ${((10_000 * cpuBound) / runs).toFixed(0)} s, 1,500 runs ≈ ${((1_500 * cpuBound) / runs).toFixed(0)} s`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
