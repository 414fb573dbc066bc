/**
 * Explicit positions from a CSV file, read from its bytes straight into the columns of an
 * ExplicitPositionsBuilder: no object, no string and no schema validation per row. The header is
 * checked once (columns in any order, extra columns ignored, names mapped by
 * `positions.csv.columns`); each row's cells are then parsed and checked in one typed loop, and
 * problems are reported as `file:LINE:COL: column: what is wrong; what is allowed`.
 *
 * Columns: account, size, entryPrice, collateral, and optionally side, marginMode and market.
 * Without a side column a size is signed (negative = short). A cross position of an account
 * listed in positions.wallets may leave collateral empty or 0: it gets its share of that wallet
 * (walletsCsv.ts), so the collateral column may then be absent altogether.
 */
import { ExplicitPositionsBuilder } from "../../engine/explicitPositions.ts";
import { exactLength } from "../../engine/typedArrays.ts";
import { describeValue, listOptions, ScenarioError, type ScenarioIssue } from "../errors.ts";
import { CsvBytes, utf8 } from "./csvBytes.ts";

export const positionColumns = [
  "account",
  "side",
  "size",
  "entryPrice",
  "collateral",
  "marginMode",
  "market",
] as const;
export type PositionColumn = (typeof positionColumns)[number];

/** Past this many problems the file is probably in another format; more lines would only bury the first ones. */
export const maxIssues = 20;

export interface PositionsCsvOptions {
  fileName: string;
  /** Header name of a column where the file's differs (positions.csv.columns). */
  columns?: Partial<Record<PositionColumn, string>>;
  /** Symbol of each market → its index; a market column may name only these. */
  markets: ReadonlyMap<string, number>;
  /** exchange.marginMode is cross: rows with no marginMode are cross. */
  defaultCross: boolean;
  /** walletAccounts[account] = 1 for accounts of positions.wallets (none beyond its length). */
  walletAccounts?: Uint8Array;
}

export interface PositionsCsvRows {
  /** Builder index of the file's first position. */
  first: number;
  count: number;
  /** 1-based source line of each position, for errors found later (leverage beyond the tiers). */
  lines: Int32Array;
}

const longWord = utf8("long");
const shortWord = utf8("short");
const isolatedWord = utf8("isolated");
const crossWord = utf8("cross");

/** Header cell index of each column, −1 when absent; the file's name for each column. */
interface Header {
  index: Record<PositionColumn, number>;
  names: Record<PositionColumn, string>;
  /** Cells per line: the header's. */
  cells: number;
}

function readHeader(
  csv: CsvBytes,
  options: PositionsCsvOptions,
  report: (line: number, column: number, path: string, message: string) => boolean,
): Header {
  const names = {} as Record<PositionColumn, string>;
  const index = {} as Record<PositionColumn, number>;
  for (const column of positionColumns) {
    names[column] = options.columns?.[column] ?? column;
    index[column] = -1;
  }
  csv.splitCells();
  const unused: number[] = [];
  for (let cell = 0; cell < csv.cellCount; cell++) {
    const text = csv.text(cell);
    const column = positionColumns.find((candidate) => names[candidate] === text);
    if (column === undefined) {
      unused.push(csv.column(cell));
      continue;
    }
    if (index[column] >= 0) {
      report(csv.line, csv.column(cell), "header", `column ${describeValue(text)} appears twice`);
    } else {
      index[column] = cell;
    }
  }
  const wallets = options.walletAccounts !== undefined;
  const required: PositionColumn[] = ["account", "size", "entryPrice"];
  if (!wallets) required.push("collateral");
  for (const column of required) {
    if (index[column] >= 0) continue;
    const mapped = names[column] === column ? "" : ` (positions.csv.columns.${column})`;
    const others =
      unused.length > 0
        ? `; ${unused.length === 1 ? "the header cell at column" : "the header cells at columns"} ${unused.join(", ")} ${unused.length === 1 ? "is another name" : "are other names"}, and positions.csv: { file, columns: { ${column}: NAME } } maps one`
        : "";
    report(
      csv.line,
      1,
      "header",
      `missing column ${describeValue(names[column])}${mapped}; the header must name account, size, entryPrice${wallets ? "" : ", collateral"} (side, marginMode, market${wallets ? " and collateral" : ""} are optional)${others}`,
    );
  }
  return { index, names, cells: csv.cellCount };
}

/** Appends the file's positions to `builder`; a ScenarioError lists every problem found. */
export function parsePositionsCsv(
  bytes: Uint8Array,
  builder: ExplicitPositionsBuilder,
  options: PositionsCsvOptions,
): PositionsCsvRows {
  const fileName = options.fileName;
  const issues: ScenarioIssue[] = [];
  /** Records an issue; true once the cap is reached and parsing should stop. */
  const report = (line: number, column: number, path: string, message: string): boolean => {
    issues.push({ location: `${fileName}:${line}:${column}`, path, message });
    return issues.length >= maxIssues;
  };
  const csv = new CsvBytes(bytes, fileName);
  let found = false;
  while (csv.nextLine()) {
    if (!csv.isBlank()) {
      found = true;
      break;
    }
  }
  if (!found) {
    throw new ScenarioError([
      {
        location: fileName,
        path: "",
        message:
          "the file is empty; expected a header line account,side,size,entryPrice,collateral[,marginMode,market] and one position per line",
      },
    ]);
  }
  const headerLine = csv.line;
  const header = readHeader(csv, options, report);
  if (issues.length > 0) throw new ScenarioError(issues);

  const cells = header.cells;
  const accountCell = header.index.account;
  const sideCell = header.index.side;
  const sizeCell = header.index.size;
  const entryCell = header.index.entryPrice;
  const collateralCell = header.index.collateral;
  const modeCell = header.index.marginMode;
  const marketCell = header.index.market;
  const names = header.names;
  const markets = [...options.markets].map(([symbol, index]) => ({
    symbol,
    index,
    bytes: utf8(symbol),
  }));
  const walletAccounts = options.walletAccounts;
  // A row that is added has the header's cells, so its commas, and an account, a size and an
  // entry price of a byte at least: counting the lines that long bounds the rows, and every
  // column is allocated once at that size. A file was checked against the data-file size limit
  // and the work budget before it was read, and this is at most one row per cells + 3 bytes.
  const rows = csv.linesAhead(cells + 2);
  builder.reserve(rows);
  const first = builder.count;
  const lines = new Int32Array(rows);
  let count = 0;
  let stop = false;
  // Without wallets no check of a row depends on its account, so the names of plain cells wait
  // to be looked up a batch at a time (ExplicitPositionsBuilder.accountsOf) and their positions
  // get their accounts then; a quoted or non-ASCII name is looked up at once, after the waiting
  // ones, so accounts are numbered in the order of the names' first rows either way.
  const batched = walletAccounts === undefined;
  const batchSize = ExplicitPositionsBuilder.batchSize;
  const nameStarts = new Int32Array(batchSize);
  const nameEnds = new Int32Array(batchSize);
  /** Position of each waiting name, −1 for a row with an issue (its name is an account still). */
  const namePositions = new Int32Array(batchSize);
  const nameAccounts = new Int32Array(batchSize);
  let waiting = 0;
  const lookUpWaiting = (): void => {
    builder.accountsOf(csv.bytes, nameStarts, nameEnds, waiting, nameAccounts);
    for (let name = 0; name < waiting; name++) {
      if (namePositions[name] >= 0) builder.setAccount(namePositions[name], nameAccounts[name]);
    }
    waiting = 0;
  };
  const fail = (column: PositionColumn, cell: number, allowed: string): void => {
    stop ||= report(
      csv.line,
      csv.column(cell),
      names[column],
      `the cell is not allowed; ${allowed}`,
    );
  };

  while (!stop && csv.nextLine()) {
    if (waiting === batchSize) lookUpWaiting();
    if (csv.isBlank()) continue;
    csv.splitCells();
    if (csv.cellCount !== cells) {
      const column = csv.cellCount > cells ? csv.column(cells) : csv.endColumn();
      stop = report(
        csv.line,
        column,
        "row",
        `expected ${cells} cells, as many as the header has, found ${csv.cellCount}`,
      );
      continue;
    }
    const issuesBefore = issues.length;

    let account = -1;
    let waitingName = -1;
    if (csv.isEmpty(accountCell)) fail("account", accountCell, "must not be empty");
    else {
      const name = csv.cellBytes(accountCell);
      if (batched && name.bytes === csv.bytes) {
        waitingName = waiting++;
        nameStarts[waitingName] = name.start;
        nameEnds[waitingName] = name.end;
        namePositions[waitingName] = -1;
      } else {
        if (waiting > 0) lookUpWaiting();
        account = builder.accountOf(name.bytes, name.start, name.end);
      }
    }
    let side = 0;
    if (sideCell >= 0) {
      if (csv.equals(sideCell, longWord)) side = 1;
      else if (csv.equals(sideCell, shortWord)) side = -1;
      else fail("side", sideCell, "must be one of long, short");
    }
    let size = csv.number(sizeCell);
    if (sideCell >= 0) {
      if (!(size > 0 && size < Number.POSITIVE_INFINITY)) {
        fail("size", sizeCell, "must be a number > 0");
      }
    } else if (size !== 0 && Number.isFinite(size)) {
      side = size > 0 ? 1 : -1;
      size = Math.abs(size);
    } else {
      fail(
        "size",
        sizeCell,
        "must be a non-zero number, negative for a short (there is no side column)",
      );
    }
    const entryPrice = csv.number(entryCell);
    let cross = options.defaultCross;
    let modeValid = true;
    if (modeCell >= 0 && !csv.isEmpty(modeCell)) {
      if (csv.equals(modeCell, crossWord)) cross = true;
      else if (csv.equals(modeCell, isolatedWord)) cross = false;
      else modeValid = false;
    }
    if (!(entryPrice > 0 && entryPrice < Number.POSITIVE_INFINITY)) {
      fail("entryPrice", entryCell, "must be a number > 0");
    }
    const shared =
      cross &&
      walletAccounts !== undefined &&
      account >= 0 &&
      account < walletAccounts.length &&
      walletAccounts[account] === 1;
    let collateral = 0;
    if (shared) {
      if (collateralCell >= 0 && !csv.isEmpty(collateralCell) && csv.number(collateralCell) !== 0) {
        fail(
          "collateral",
          collateralCell,
          "this cross account's wallet comes from positions.wallets and is shared by its cross positions; leave collateral empty or 0",
        );
      }
    } else if (collateralCell < 0) {
      stop ||= report(
        csv.line,
        1,
        names.collateral,
        "is missing; the file has no collateral column, and only cross positions of accounts listed in positions.wallets may leave it out",
      );
    } else {
      collateral = csv.number(collateralCell);
      if (!(collateral > 0 && collateral < Number.POSITIVE_INFINITY)) {
        fail("collateral", collateralCell, "must be a number > 0");
      }
    }
    if (!modeValid) {
      fail(
        "marginMode",
        modeCell,
        "must be one of isolated, cross, or empty for the exchange default",
      );
    }
    let market = 0;
    if (marketCell >= 0) {
      market = -1;
      for (const candidate of markets) {
        if (csv.equals(marketCell, candidate.bytes)) market = candidate.index;
      }
      if (market < 0) {
        fail(
          "market",
          marketCell,
          `must be one of ${listOptions(markets.map((candidate) => candidate.symbol))} (the scenario's markets)`,
        );
      }
    }
    if (issues.length > issuesBefore) continue;

    const index = builder.add(account, market, side, size, entryPrice, collateral, cross);
    if (waitingName >= 0) namePositions[waitingName] = index;
    lines[count++] = csv.line;
  }
  if (waiting > 0) lookUpWaiting();

  if (issues.length >= maxIssues) {
    issues.push({ location: fileName, path: "", message: `stopped after ${maxIssues} issues` });
  }
  if (issues.length > 0) throw new ScenarioError(issues);
  if (count === 0) {
    throw new ScenarioError([
      {
        location: `${fileName}:${headerLine}:1`,
        path: "",
        message: "no positions below the header",
      },
    ]);
  }
  return { first, count, lines: exactLength(lines, count) };
}
