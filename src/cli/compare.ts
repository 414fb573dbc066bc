/**
 * `deleverage compare A B [--db DIR/results.duckdb] [--json]`: two runs (BATCH:RUN_INDEX) or two
 * batches (BATCH) side by side with their differences (see src/runner/compare.ts).
 */
import { formatPercent, formatReadable } from "../report/format.ts";
import { type Comparison, compare, InvalidReferenceError } from "../runner/compare.ts";
import { UsageError } from "../scenario/errors.ts";
import { openStoreForReading, type StoreOptions } from "./query.ts";
import { reportStoreFailure } from "./storeFailure.ts";
import { renderTable } from "./table.ts";

function comparisonText(comparison: Comparison): string {
  const describe = (reference: string, batch: Comparison["firstBatch"]): string =>
    `${reference}  ${batch.scenarioName}, seed ${batch.seed}, ${batch.runs} runs, scenario ${batch.scenarioHash.slice(0, 12)}`;
  const table = renderTable(
    [
      { title: "measure", align: "left" },
      { title: "A", align: "right" },
      { title: "B", align: "right" },
      { title: "B − A", align: "right" },
      { title: "change", align: "right" },
    ],
    comparison.rows.map((row) => [
      row.measure,
      formatReadable(row.first),
      formatReadable(row.second),
      formatReadable(row.difference),
      Number.isFinite(row.relative) ? formatPercent(row.relative) : "",
    ]),
  );
  return `A: ${describe(comparison.first, comparison.firstBatch)}\nB: ${describe(comparison.second, comparison.secondBatch)}\n\n${table}`;
}

export function compareCommand(
  first: string,
  second: string,
  options: StoreOptions,
): Promise<void> {
  return reportStoreFailure(() => compareStored(first, second, options));
}

async function compareStored(first: string, second: string, options: StoreOptions): Promise<void> {
  const store = await openStoreForReading(options.db);
  try {
    let comparison: Comparison;
    try {
      comparison = await compare(store, first, second);
    } catch (error) {
      if (error instanceof InvalidReferenceError) throw new UsageError(error.message);
      throw error;
    }
    process.stdout.write(
      options.json ? `${JSON.stringify(comparison, null, 2)}\n` : comparisonText(comparison),
    );
  } finally {
    store.close();
  }
}
