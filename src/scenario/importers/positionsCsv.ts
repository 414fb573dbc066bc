/**
 * Explicit positions from a CSV file: `account,side,size,entryPrice,collateral[,marginMode]`.
 * The header is required so that columns can come in any order and a file with a missing or
 * misspelt column fails loudly instead of shifting every value into the wrong field.
 */
import type { MarginMode, PositionSpec, Side } from "../../engine/config.ts";
import { describeValue, listOptions, ScenarioError, type ScenarioIssue } from "../errors.ts";
import { marginModeSchema, sideSchema } from "../schema.ts";

const requiredColumns = ["account", "side", "size", "entryPrice", "collateral"] as const;
const optionalColumns = ["marginMode"] as const;
const allColumns: readonly string[] = [...requiredColumns, ...optionalColumns];

/** Past this many problems the file is probably in another format; more lines would only bury the first ones. */
const maxIssues = 20;

export interface PositionsCsv {
  positions: PositionSpec[];
  /** 1-based source line of each position, for errors found later (leverage beyond the tiers). */
  lines: number[];
}

interface CsvCell {
  text: string;
  /** 1-based character column where the cell starts. */
  column: number;
}

/**
 * Splits one CSV line, honouring double quotes (spreadsheet exports quote account names that
 * contain commas). Quoted cells may not span lines.
 */
function splitCsvLine(line: string): CsvCell[] {
  const cells: CsvCell[] = [];
  let index = 0;
  for (;;) {
    const start = index;
    let text = "";
    if (line[index] === '"') {
      index++;
      while (index < line.length) {
        if (line[index] === '"') {
          if (line[index + 1] === '"') {
            text += '"';
            index += 2;
            continue;
          }
          index++;
          break;
        }
        text += line[index++];
      }
      // Anything between the closing quote and the next comma is kept rather than dropped silently.
      while (index < line.length && line[index] !== ",") text += line[index++];
    } else {
      while (index < line.length && line[index] !== ",") text += line[index++];
    }
    cells.push({ text: text.trim(), column: start + 1 });
    if (index >= line.length) return cells;
    index++;
  }
}

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A strictly positive finite number, or undefined when the cell is anything else. */
function parsePositive(text: string): number | undefined {
  if (!numberPattern.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const isSide = (text: string): text is Side =>
  (sideSchema.options as readonly string[]).includes(text);
const isMarginMode = (text: string): text is MarginMode =>
  (marginModeSchema.options as readonly string[]).includes(text);

export function parsePositionsCsv(text: string, fileName: string): PositionsCsv {
  const issues: ScenarioIssue[] = [];
  /** Records an issue; true once the cap is reached and parsing should stop. */
  const report = (line: number, column: number, path: string, message: string): boolean => {
    issues.push({ location: `${fileName}:${line}:${column}`, path, message });
    return issues.length >= maxIssues;
  };
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);

  const headerIndex = lines.findIndex((line) => line.trim() !== "");
  if (headerIndex < 0) {
    throw new ScenarioError([
      {
        location: fileName,
        path: "",
        message: `the file is empty; expected a header line ${allColumns.join(",")} and one position per line`,
      },
    ]);
  }
  const headerLine = headerIndex + 1;
  const header = splitCsvLine(lines[headerIndex]);
  const columnIndex = new Map<string, number>();
  header.forEach((cell, index) => {
    if (!allColumns.includes(cell.text)) {
      report(
        headerLine,
        cell.column,
        "header",
        `${describeValue(cell.text)} is not a column; allowed columns: ${listOptions(allColumns)} (the first line must be the header)`,
      );
    } else if (columnIndex.has(cell.text)) {
      report(headerLine, cell.column, "header", `column ${describeValue(cell.text)} appears twice`);
    } else {
      columnIndex.set(cell.text, index);
    }
  });
  for (const column of requiredColumns) {
    if (!columnIndex.has(column)) {
      report(
        headerLine,
        1,
        "header",
        `missing column ${describeValue(column)}; the header must name ${requiredColumns.join(", ")} (marginMode is optional)`,
      );
    }
  }
  if (issues.length > 0) throw new ScenarioError(issues);

  const positions: PositionSpec[] = [];
  const positionLines: number[] = [];
  for (let index = headerIndex + 1; index < lines.length; index++) {
    if (lines[index].trim() === "") continue;
    const line = index + 1;
    const cells = splitCsvLine(lines[index]);
    if (cells.length !== header.length) {
      const column =
        cells.length > header.length ? cells[header.length].column : lines[index].length + 1;
      const expected = header.map((cell) => cell.text).join(",");
      if (
        report(
          line,
          column,
          "row",
          `expected ${header.length} cells (${expected}), found ${cells.length}`,
        )
      ) {
        break;
      }
      continue;
    }
    // Every required column is in the header (checked above), so these lookups always hit.
    const cellOf = (name: string): CsvCell => cells[columnIndex.get(name) ?? 0];
    const issuesBefore = issues.length;
    let stop = false;
    const fail = (name: string, found: CsvCell, allowed: string): void => {
      stop ||= report(
        line,
        found.column,
        name,
        `${describeValue(found.text)} is not allowed; ${allowed}`,
      );
    };

    const account = cellOf("account");
    if (account.text === "") fail("account", account, "must not be empty");
    const side = cellOf("side");
    if (!isSide(side.text)) fail("side", side, `must be one of ${listOptions(sideSchema.options)}`);
    const amounts = { size: 0, entryPrice: 0, collateral: 0 };
    for (const name of ["size", "entryPrice", "collateral"] as const) {
      const found = cellOf(name);
      const value = parsePositive(found.text);
      if (value === undefined) fail(name, found, "must be a number > 0");
      else amounts[name] = value;
    }
    const marginMode = columnIndex.has("marginMode") ? cellOf("marginMode") : undefined;
    if (marginMode !== undefined && marginMode.text !== "" && !isMarginMode(marginMode.text)) {
      fail(
        "marginMode",
        marginMode,
        `must be one of ${listOptions(marginModeSchema.options)}, or empty for the exchange default`,
      );
    }
    if (stop) break;
    if (issues.length > issuesBefore || !isSide(side.text)) continue;

    const position: PositionSpec = { account: account.text, side: side.text, ...amounts };
    if (marginMode !== undefined && isMarginMode(marginMode.text)) {
      position.marginMode = marginMode.text;
    }
    positions.push(position);
    positionLines.push(line);
  }

  if (issues.length >= maxIssues) {
    issues.push({ location: fileName, path: "", message: `stopped after ${maxIssues} issues` });
  }
  if (issues.length > 0) throw new ScenarioError(issues);
  if (positions.length === 0) {
    throw new ScenarioError([
      {
        location: `${fileName}:${headerLine}:1`,
        path: "",
        message: "no positions below the header",
      },
    ]);
  }
  return { positions, lines: positionLines };
}
