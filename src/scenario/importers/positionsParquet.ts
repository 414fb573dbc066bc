/**
 * Explicit positions from a Parquet file (hyparquet), with the columns, mapping and checks of
 * positionsCsv.ts. Parquet is columnar already: each column is decoded whole (numbers into typed
 * arrays) and the rows are then checked and appended in one loop. Problems name the row (1-based,
 * as a spreadsheet shows it) and the column.
 */
import { parquetMetadata, parquetRead } from "hyparquet";
import type { ExplicitPositionsBuilder } from "../../engine/explicitPositions.ts";
import { describeValue, listOptions, ScenarioError, type ScenarioIssue } from "../errors.ts";
import {
  maxIssues,
  type PositionColumn,
  type PositionsCsvOptions,
  type PositionsCsvRows,
  positionColumns,
} from "./positionsCsv.ts";

/** Parquet files begin and end with these four bytes. */
export function isParquet(bytes: Uint8Array): boolean {
  const magic = [0x50, 0x41, 0x52, 0x31];
  const length = bytes.length;
  return (
    length >= 12 &&
    magic.every((byte, index) => bytes[index] === byte && bytes[length - 4 + index] === byte)
  );
}

type Column = ArrayLike<unknown>;

export async function parsePositionsParquet(
  bytes: Uint8Array,
  builder: ExplicitPositionsBuilder,
  options: PositionsCsvOptions,
): Promise<PositionsCsvRows> {
  const fileName = options.fileName;
  // A copy of its own: a Buffer may sit inside a larger pooled ArrayBuffer.
  const file = new Uint8Array(bytes).buffer;
  const fileIssue = (message: string): ScenarioError =>
    new ScenarioError([{ location: fileName, path: "", message }]);
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw fileIssue(`is not a readable Parquet file: ${(error as Error).message}`);
  }
  const available = metadata.schema.slice(1).map((element) => element.name);
  const names = {} as Record<PositionColumn, string>;
  for (const column of positionColumns) names[column] = options.columns?.[column] ?? column;
  const wallets = options.walletAccounts !== undefined;
  const required: PositionColumn[] = ["account", "size", "entryPrice"];
  if (!wallets) required.push("collateral");
  const missing = required.filter((column) => !available.includes(names[column]));
  if (missing.length > 0) {
    throw new ScenarioError(
      missing.map((column) => ({
        location: fileName,
        path: "columns",
        message: `missing column ${describeValue(names[column])}; none of the file's ${available.length} columns has that name, and positions.csv: { file, columns: { ${column}: NAME } } maps one of them`,
      })),
    );
  }
  const wanted = positionColumns.filter((column) => available.includes(names[column]));
  const decoded = new Map<string, unknown[][]>();
  try {
    await parquetRead({
      file,
      columns: wanted.map((column) => names[column]),
      onChunk: (chunk) => {
        const parts = decoded.get(chunk.columnName) ?? [];
        parts.push(chunk.columnData as unknown as unknown[]);
        decoded.set(chunk.columnName, parts);
      },
    });
  } catch (error) {
    throw fileIssue(`cannot be decoded: ${(error as Error).message}`);
  }
  const rowCount = Number(metadata.num_rows);
  const columnOf = (column: PositionColumn): Column | undefined => {
    const parts = decoded.get(names[column]);
    if (parts === undefined) return undefined;
    if (parts.length === 1) return parts[0];
    return parts.flatMap((part) => Array.from(part));
  };
  const account = columnOf("account") as Column;
  const side = columnOf("side");
  const size = columnOf("size") as Column;
  const entryPrice = columnOf("entryPrice") as Column;
  const collateral = columnOf("collateral");
  const marginMode = columnOf("marginMode");
  const market = columnOf("market");
  const markets = new Map(options.markets);
  const walletAccounts = options.walletAccounts;

  const issues: ScenarioIssue[] = [];
  let stop = false;
  const fail = (row: number, column: PositionColumn, allowed: string): void => {
    issues.push({
      location: `${fileName} row ${row + 1}`,
      path: names[column],
      message: `the value is not allowed; ${allowed}`,
    });
    stop ||= issues.length >= maxIssues;
  };
  const numberAt = (column: Column, row: number): number => {
    const value = column[row];
    return typeof value === "number" || typeof value === "bigint" ? Number(value) : Number.NaN;
  };
  const first = builder.count;
  const lines = new Int32Array(rowCount);
  let count = 0;
  for (let row = 0; row < rowCount && !stop; row++) {
    const issuesBefore = issues.length;
    const name = account[row];
    let accountIndex = -1;
    if (typeof name !== "string" || name.trim() === "") {
      fail(row, "account", "must be a non-empty text");
    } else {
      accountIndex = builder.accountNamed(name.trim());
    }
    let sign = 0;
    let amount = numberAt(size, row);
    if (side !== undefined) {
      const word = side[row];
      if (word === "long") sign = 1;
      else if (word === "short") sign = -1;
      else fail(row, "side", "must be one of long, short");
      if (!(amount > 0 && amount < Number.POSITIVE_INFINITY)) {
        fail(row, "size", "must be a number > 0");
      }
    } else if (amount !== 0 && Number.isFinite(amount)) {
      sign = amount > 0 ? 1 : -1;
      amount = Math.abs(amount);
    } else {
      fail(
        row,
        "size",
        "must be a non-zero number, negative for a short (there is no side column)",
      );
    }
    const entry = numberAt(entryPrice, row);
    if (!(entry > 0 && entry < Number.POSITIVE_INFINITY)) {
      fail(row, "entryPrice", "must be a number > 0");
    }
    let cross = options.defaultCross;
    const mode = marginMode?.[row];
    if (mode === "cross") cross = true;
    else if (mode === "isolated") cross = false;
    else if (mode !== undefined && mode !== null && mode !== "") {
      fail(row, "marginMode", "must be one of isolated, cross, or empty for the exchange default");
    }
    const shared =
      cross &&
      walletAccounts !== undefined &&
      accountIndex >= 0 &&
      accountIndex < walletAccounts.length &&
      walletAccounts[accountIndex] === 1;
    let wallet = 0;
    const given = collateral === undefined ? Number.NaN : numberAt(collateral, row);
    if (shared) {
      if (collateral !== undefined && collateral[row] !== null && given !== 0) {
        fail(
          row,
          "collateral",
          "this cross account's wallet comes from positions.wallets and is shared by its cross positions; leave collateral empty or 0",
        );
      }
    } else if (!(given > 0 && given < Number.POSITIVE_INFINITY)) {
      fail(row, "collateral", "must be a number > 0");
    } else {
      wallet = given;
    }
    let marketIndex = 0;
    if (market !== undefined) {
      const symbol = market[row];
      const index = typeof symbol === "string" ? markets.get(symbol) : undefined;
      if (index === undefined) {
        fail(
          row,
          "market",
          `must be one of ${listOptions([...markets.keys()])} (the scenario's markets)`,
        );
      } else {
        marketIndex = index;
      }
    }
    if (issues.length > issuesBefore) continue;
    builder.add(accountIndex, marketIndex, sign, amount, entry, wallet, cross);
    lines[count++] = row + 1;
  }
  if (issues.length >= maxIssues) {
    issues.push({ location: fileName, path: "", message: `stopped after ${maxIssues} issues` });
  }
  if (issues.length > 0) throw new ScenarioError(issues);
  if (count === 0) throw fileIssue("holds no positions");
  return { first, count, lines: lines.slice(0, count) };
}
