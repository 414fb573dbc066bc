/**
 * Side-by-side comparison of two stored results. A reference is either a batch (`BATCH`, e.g.
 * the same scenario with two insurance fund sizes: compare their tails) or one run of a batch
 * (`BATCH:RUN_INDEX`, e.g. the worst run against the median one). A batch id may be shortened
 * to any prefix that names one batch only, as with git commits.
 */
import {
  adlAmountFields,
  adlCountFields,
  amountFields,
  countFields,
  derivedFields,
  type RunMetrics,
} from "./runRecord.ts";
import { type BatchInfo, type ResultsStore, type StoredRun, StoreError } from "./store.ts";
import { distributionFields, summarizeBatch } from "./stressSummary.ts";

/** A reference that names nothing, or names two things: the user's input is at fault. */
export class InvalidReferenceError extends Error {
  override name = "InvalidReferenceError";
}

export interface Reference {
  batchPrefix: string;
  runIndex?: number;
}

export function parseReference(text: string): Reference {
  const match = /^([0-9a-f]{4,16})(?::(\d+))?$/.exec(text);
  if (!match) {
    throw new InvalidReferenceError(
      `"${text}" is not a run or batch reference; expected BATCH or BATCH:RUN_INDEX, where BATCH is at least 4 hex digits of a batch id (deleverage query "SELECT * FROM batches" lists them)`,
    );
  }
  return match[2] === undefined
    ? { batchPrefix: match[1] }
    : { batchPrefix: match[1], runIndex: Number(match[2]) };
}

async function resolveBatch(store: ResultsStore, prefix: string): Promise<BatchInfo> {
  const ids = await store.batchIdsStartingWith(prefix);
  if (ids.length === 0)
    throw new InvalidReferenceError(`no batch id starts with "${prefix}" in ${store.path}`);
  if (ids.length > 1) {
    throw new InvalidReferenceError(
      `"${prefix}" names ${ids.length} batches (${ids.join(", ")}); type more of the id`,
    );
  }
  const batch = await store.batch(ids[0]);
  if (!batch) throw new StoreError(`batch ${ids[0]} vanished from ${store.path}`);
  return batch;
}

export interface ComparisonRow {
  measure: string;
  first: number;
  second: number;
  /** second − first */
  difference: number;
  /** (second − first) / |first|; NaN when first is 0. */
  relative: number;
}

export interface Comparison {
  kind: "runs" | "batches";
  /** Full references, e.g. "3f2a9c1e0b7d4e65:17". */
  first: string;
  second: string;
  firstBatch: BatchInfo;
  secondBatch: BatchInfo;
  rows: ComparisonRow[];
}

function row(measure: string, first: number, second: number): ComparisonRow {
  const difference = second - first;
  return {
    measure,
    first,
    second,
    difference,
    relative: first === 0 ? Number.NaN : difference / Math.abs(first),
  };
}

const runMeasures = [
  ...amountFields,
  ...derivedFields,
  ...countFields,
  ...adlAmountFields,
  ...adlCountFields,
] as const;

function metricsOf(run: StoredRun, reference: string): RunMetrics {
  if (run.metrics === null) {
    throw new InvalidReferenceError(
      `run ${reference} failed (${run.error ?? "no message"}); it has no figures to compare`,
    );
  }
  return run.metrics;
}

async function resolveRun(
  store: ResultsStore,
  batch: BatchInfo,
  runIndex: number,
): Promise<StoredRun> {
  const run = await store.run(batch.batchId, runIndex);
  if (!run) {
    throw new InvalidReferenceError(
      `batch ${batch.batchId} has no stored run ${runIndex} (runs 0–${batch.runs - 1}; an interrupted batch may not have reached it)`,
    );
  }
  return run;
}

export async function compare(
  store: ResultsStore,
  firstText: string,
  secondText: string,
): Promise<Comparison> {
  const firstReference = parseReference(firstText);
  const secondReference = parseReference(secondText);
  if ((firstReference.runIndex === undefined) !== (secondReference.runIndex === undefined)) {
    throw new InvalidReferenceError(
      `compare two runs (BATCH:RUN_INDEX) or two batches (BATCH), not one of each: "${firstText}", "${secondText}"`,
    );
  }
  const firstBatch = await resolveBatch(store, firstReference.batchPrefix);
  const secondBatch = await resolveBatch(store, secondReference.batchPrefix);
  if (firstReference.runIndex !== undefined && secondReference.runIndex !== undefined) {
    const first = `${firstBatch.batchId}:${firstReference.runIndex}`;
    const second = `${secondBatch.batchId}:${secondReference.runIndex}`;
    const firstMetrics = metricsOf(
      await resolveRun(store, firstBatch, firstReference.runIndex),
      first,
    );
    const secondMetrics = metricsOf(
      await resolveRun(store, secondBatch, secondReference.runIndex),
      second,
    );
    const rows = runMeasures.map((measure) =>
      row(measure, firstMetrics[measure], secondMetrics[measure]),
    );
    rows.push(
      row(
        "insuranceFundExhausted",
        Number(firstMetrics.insuranceFundExhausted),
        Number(secondMetrics.insuranceFundExhausted),
      ),
    );
    return { kind: "runs", first, second, firstBatch, secondBatch, rows };
  }
  const first = summarizeBatch(firstBatch, await store.runs(firstBatch.batchId));
  const second = summarizeBatch(secondBatch, await store.runs(secondBatch.batchId));
  const rows = [
    row("completedRuns", first.completedRuns, second.completedRuns),
    row("failedRuns", first.failedRuns, second.failedRuns),
    row("valueAtRisk", first.valueAtRisk, second.valueAtRisk),
    row("liquidationsAtRisk", first.liquidationsAtRisk, second.liquidationsAtRisk),
    row(
      "P(insuranceFundExhausted)",
      first.insuranceFundExhausted.probability,
      second.insuranceFundExhausted.probability,
    ),
    row("P(adlFired)", first.adlFired.probability, second.adlFired.probability),
  ];
  for (const field of distributionFields) {
    for (const statistic of ["mean", "p50", "p90", "p95", "p99", "max"] as const) {
      rows.push(
        row(
          `${field} ${statistic}`,
          first.distributions[field][statistic],
          second.distributions[field][statistic],
        ),
      );
    }
  }
  return {
    kind: "batches",
    first: firstBatch.batchId,
    second: secondBatch.batchId,
    firstBatch,
    secondBatch,
    rows,
  };
}
