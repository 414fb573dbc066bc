/**
 * `deleverage query "SQL" [--db DIR/results.duckdb] [--json]`: any read-only SQL over the
 * results store (tables batches, runs, timeseries, shards; see docs/runner.md).
 */
import type { JS } from "@duckdb/node-api";
import { formatReadable } from "../report/format.ts";
import { type QueryResult, ResultsStore, StoreMissingError } from "../runner/store.ts";
import { UsageError } from "../scenario/errors.ts";
import { reportStoreFailure } from "./storeFailure.ts";
import { renderTable } from "./table.ts";

export interface StoreOptions {
  db: string;
  json?: boolean;
}

/** Opens the store read-only; a missing file is the user's path, not our failure (exit 2). */
export async function openStoreForReading(path: string): Promise<ResultsStore> {
  try {
    return await ResultsStore.openReadOnly(path);
  } catch (error) {
    if (error instanceof StoreMissingError) throw new UsageError(error.message);
    throw error;
  }
}

/** JSON has no bigint and no NaN: integers that fit a double become numbers, NaN becomes null. */
function plainValue(value: JS): unknown {
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (Array.isArray(value)) return value.map(plainValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainValue(item)]));
  }
  return value;
}

function cellText(value: JS): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return formatReadable(value);
  if (typeof value === "bigint") return formatReadable(Number(value));
  if (typeof value === "string") return value;
  return JSON.stringify(plainValue(value));
}

export function queryCommand(sql: string, options: StoreOptions): Promise<void> {
  return reportStoreFailure(() => query(sql, options));
}

async function query(sql: string, options: StoreOptions): Promise<void> {
  const store = await openStoreForReading(options.db);
  try {
    let result: QueryResult;
    try {
      result = await store.query(sql);
    } catch (error) {
      // DuckDB rejected the statement (syntax, unknown column, a write to a read-only store).
      throw new UsageError(`query: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (options.json) {
      const objects = result.rows.map((row) =>
        Object.fromEntries(result.columns.map((column, index) => [column, plainValue(row[index])])),
      );
      process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
      return;
    }
    const numeric = result.columns.map((_, index) =>
      result.rows.every(
        (row) =>
          row[index] === null || typeof row[index] === "number" || typeof row[index] === "bigint",
      ),
    );
    process.stdout.write(
      renderTable(
        result.columns.map((title, index) => ({ title, align: numeric[index] ? "right" : "left" })),
        result.rows.map((row) => row.map(cellText)),
      ),
    );
    process.stdout.write(`(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})\n`);
  } finally {
    store.close();
  }
}
