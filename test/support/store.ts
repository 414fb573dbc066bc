import { ResultsStore } from "../../src/runner/store.ts";

/**
 * Rows of a query on a results store as plain objects, read in this process: a CLI call per
 * check would cost a second of start-up each. BIGINTs become numbers.
 */
export async function storeRows(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const store = await ResultsStore.openReadOnly(db);
  try {
    const result = await store.query(sql);
    return result.rows.map((row) =>
      Object.fromEntries(
        result.columns.map((column, index) => {
          const value = row[index];
          return [column, typeof value === "bigint" ? Number(value) : value];
        }),
      ),
    );
  } finally {
    store.close();
  }
}
