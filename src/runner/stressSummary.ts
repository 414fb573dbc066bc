/**
 * What a batch says about tail risk, computed from the runs in the store (so a resumed batch
 * counts every run once, whichever invocation computed it).
 *
 * VaR and LaR follow Gauntlet's risk reports: Value at Risk is the 95th percentile of insolvent
 * debt over the simulated paths, here the bad debt neither the insurance fund nor the backstop
 * could pay (socialised loss plus the exchange's own loss); Liquidations at Risk is the 95th
 * percentile of liquidated notional.
 */
import type { Randomness } from "./randomness.ts";
import type { AmountField } from "./runRecord.ts";
import { type Distribution, distribution, type Proportion, proportion } from "./statistics.ts";
import type { BatchInfo, StoredRun } from "./store.ts";

export const distributionFields = [
  "liquidatedNotional",
  "badDebt",
  "uncoveredBadDebt",
  "insuranceFundUsed",
  "adlNotional",
  "adlShortfall",
  "adlProfitTaken",
  "adlOvershoot",
  "amplification",
  "minPrice",
  "totalMove",
] as const satisfies readonly AmountField[];
export type DistributionField = (typeof distributionFields)[number];

export interface RunFailure {
  runIndex: number;
  seed: number;
  error: string;
}

/** What every batch summary starts with, whatever the model. */
export interface BatchHeader {
  batchId: string;
  scenario: string;
  scenarioHash: string;
  seed: number;
  runs: number;
  /** Runs that finished; every statistic of the summary is over these. */
  completedRuns: number;
  failedRuns: number;
  version: string;
  quantiles: string;
  /** What the scenario lets vary between runs, when the batch was run from it (not in compare). */
  randomised?: Randomness;
}

export function batchHeader(
  batch: BatchInfo,
  completedRuns: number,
  failedRuns: number,
): BatchHeader {
  return {
    batchId: batch.batchId,
    scenario: batch.scenarioName,
    scenarioHash: batch.scenarioHash,
    seed: batch.seed,
    runs: batch.runs,
    completedRuns,
    failedRuns,
    version: batch.version,
    quantiles: "linear interpolation between order statistics (type 7, as DuckDB quantile_cont)",
  };
}

export interface StressSummary extends BatchHeader {
  /** 95th percentile of uncovered bad debt (Gauntlet's VaR). */
  valueAtRisk: number;
  /** 95th percentile of liquidated notional (Gauntlet's LaR). */
  liquidationsAtRisk: number;
  insuranceFundExhausted: Proportion;
  adlFired: Proportion;
  distributions: Record<DistributionField, Distribution>;
  failures: RunFailure[];
}

export function summarizeBatch(batch: BatchInfo, runs: readonly StoredRun[]): StressSummary {
  const columns = {} as Record<DistributionField, number[]>;
  for (const field of distributionFields) columns[field] = [];
  const failures: RunFailure[] = [];
  let exhausted = 0;
  let adl = 0;
  let completed = 0;
  for (const run of runs) {
    if (run.metrics === null) {
      failures.push({ runIndex: run.runIndex, seed: run.seed, error: run.error ?? "" });
      continue;
    }
    completed++;
    for (const field of distributionFields) columns[field].push(run.metrics[field]);
    if (run.metrics.insuranceFundExhausted) exhausted++;
    if (run.metrics.adlCount > 0) adl++;
  }
  const distributions = {} as Record<DistributionField, Distribution>;
  for (const field of distributionFields) distributions[field] = distribution(columns[field]);
  return {
    ...batchHeader(batch, completed, failures.length),
    valueAtRisk: distributions.uncoveredBadDebt.p95,
    liquidationsAtRisk: distributions.liquidatedNotional.p95,
    insuranceFundExhausted: proportion(exhausted, completed),
    adlFired: proportion(adl, completed),
    distributions,
    failures,
  };
}

/** Two-space JSON with a trailing newline; NaN (no value) becomes null as in summary.json. */
export function stressSummaryJson(summary: BatchHeader): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
