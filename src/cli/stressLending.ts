/**
 * `deleverage stress` on a `model: lending` scenario: runs 0 … N−1 in the worker pool, each run's
 * per-venue figures stored in DIR/results.duckdb (table lendingVenueRuns) shard by shard, so the
 * same command resumes an interrupted batch; stress-summary.json, stress-report.html and the text
 * summary give per venue the distributions, LaR, VaR and P(bad debt > 0).
 */

import { join, resolve } from "node:path";
import { formatCount } from "../report/format.ts";
import { lendingStressReportHtml, lendingStressText } from "../report/stressLending.ts";
import { runBatch } from "../runner/batch.ts";
import { summarizeLendingBatch } from "../runner/lendingStressSummary.ts";
import { lendingRandomness } from "../runner/randomness.ts";
import { ResultsStore } from "../runner/store.ts";
import { stressSummaryJson } from "../runner/stressSummary.ts";
import { UsageError } from "../scenario/errors.ts";
import type { LoadedLendingScenario } from "../scenario/load.ts";
import { OutputWriteError, writeOutputs } from "./outputs.ts";
import {
  checkBatchBudget,
  interruptions,
  openBatch,
  prepareOutput,
  progressReporter,
  reportInterrupted,
  resultsDatabaseName,
  type StressCommandOptions,
} from "./stress.ts";

export async function stressLending(
  loaded: LoadedLendingScenario,
  options: StressCommandOptions,
  settings: { runs: number; workers: number; shardSize: number },
): Promise<void> {
  if (options.queue !== undefined) {
    throw new UsageError(
      "--queue: queue workers run perp scenarios only; drop --queue for a model: lending scenario",
    );
  }
  if ((options.sweep ?? []).length > 0 || options.samples !== undefined) {
    throw new UsageError(
      "--sweep: sweeps and recommend run perp scenarios only; a model: lending scenario runs as one batch",
    );
  }
  if (options.png !== undefined) {
    throw new UsageError(
      "--png is not allowed for a model: lending scenario; its stress-report.html draws every chart inline",
    );
  }
  const { runs, workers, shardSize } = settings;
  checkBatchBudget(
    loaded.work,
    { runs, workers, shardSize, steps: loaded.engine.steps },
    options.allowLarge,
  );
  const out = resolve(options.out);
  prepareOutput(out);
  const seed = loaded.scenario.seed;
  const store = await ResultsStore.open(join(out, resultsDatabaseName));
  const interrupted = interruptions();
  let progress: ReturnType<typeof progressReporter> | undefined;
  try {
    const batch = await openBatch(store, out, {
      scenarioHash: loaded.hash,
      scenarioName: loaded.scenario.name,
      seed,
      runs,
      shardSize,
      steps: loaded.engine.steps,
    });
    progress = progressReporter(`batch ${batch.batchId}`, runs);
    const outcome = await runBatch({
      scenario: { lending: loaded.engine },
      batch,
      store,
      workers,
      signal: interrupted.signal,
      onProgress: progress.update,
    });
    progress.stop();
    if (outcome.interrupted) {
      reportInterrupted(outcome, runs, out, interrupted);
      return;
    }
    await store.checkpoint();
    const storedRuns = await store.runs(batch.batchId);
    const venueRows = await store.lendingVenueRuns(batch.batchId);
    const summary = {
      ...summarizeLendingBatch(batch, storedRuns, venueRows),
      randomised: lendingRandomness(loaded.engine),
    };
    const json = stressSummaryJson(summary);
    // Closed before --out is moved into place (outputs.ts moves the store's files with it).
    store.close();
    try {
      writeOutputs(out, {
        "stress-summary.json": json,
        "stress-report.html": lendingStressReportHtml(summary, venueRows),
      });
    } catch (error) {
      throw new OutputWriteError(
        `cannot write the batch's outputs (stress-summary.json, stress-report.html): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (outcome.storedRuns > 0) {
      process.stderr.write(`stress: ${formatCount(outcome.storedRuns)} runs computed and stored\n`);
    }
    process.stdout.write(
      options.json
        ? json
        : `${lendingStressText(summary)}\nOutputs written to ${options.out}/ (stress-summary.json, stress-report.html, results.duckdb, shards/)\n`,
    );
    if (summary.failedRuns > 0) process.exitCode = 1;
  } finally {
    progress?.stop();
    interrupted.dispose();
    store.close();
  }
}
