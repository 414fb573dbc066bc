/**
 * Cross-margin wallets from a CSV file (`positions.wallets`: columns account,wallet; extra columns
 * ignored). On a cross account every position draws on one wallet (Binance USDⓈ-M "Cross
 * Margin": the margin balance is shared by all cross positions); the engine keeps a wallet per
 * position, so a listed account's wallet is split over its cross positions in the positions file
 * in proportion to their initial margin (notional / the bracket's max leverage): lots in one
 * market merge back into one position (one-way mode), and an account across markets is
 * margined on the sum of its shares.
 *
 * Worked example: wallet 30,000 over a cross long of 2 at 100 (notional 200) and one of 1 at 400
 * (notional 400), both in a 125x bracket: shares 30,000 × 1.6 / 4.8 = 10,000 and
 * 30,000 × 3.2 / 4.8 = 20,000.
 */
import type { ExplicitPositions } from "../../engine/config.ts";
import type { ExplicitPositionsBuilder } from "../../engine/explicitPositions.ts";
import { exactLength } from "../../engine/typedArrays.ts";
import { ScenarioError, type ScenarioIssue } from "../errors.ts";
import { CsvBytes } from "./csvBytes.ts";
import { maxIssues, type PositionsCsvRows } from "./positionsCsv.ts";

export interface WalletsCsv {
  fileName: string;
  count: number;
  account: Int32Array;
  wallet: Float64Array;
  lines: Int32Array;
  /** walletAccounts[account] = 1 for every listed account (see PositionsCsvOptions). */
  walletAccounts: Uint8Array;
}

/** Reads the wallets, interning their accounts in `builder`. */
export function parseWalletsCsv(
  bytes: Uint8Array,
  builder: ExplicitPositionsBuilder,
  fileName: string,
): WalletsCsv {
  const issues: ScenarioIssue[] = [];
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
          "the file is empty; expected a header line account,wallet and one account per line",
      },
    ]);
  }
  csv.splitCells();
  const cells = csv.cellCount;
  let accountCell = -1;
  let walletCell = -1;
  for (let cell = 0; cell < cells; cell++) {
    const text = csv.text(cell);
    if (text === "account" && accountCell < 0) accountCell = cell;
    else if (text === "wallet" && walletCell < 0) walletCell = cell;
  }
  for (const [name, cell] of [
    ["account", accountCell],
    ["wallet", walletCell],
  ] as const) {
    if (cell < 0) {
      report(
        csv.line,
        1,
        "header",
        `missing column "${name}"; the header must name account, wallet`,
      );
    }
  }
  if (issues.length > 0) throw new ScenarioError(issues);

  // A row whose account is looked up has the header's cells, so its commas, and an account of a
  // byte at least: counting the lines that long bounds the rows and new accounts (see
  // parsePositionsCsv).
  const rows = csv.linesAhead(cells);
  builder.reserve(0, rows);
  const account = new Int32Array(rows);
  const wallet = new Float64Array(rows);
  const lines = new Int32Array(rows);
  /** Line of each account's row, by account index (0 = not listed yet). */
  const listedOn = new Int32Array(builder.accountCount + rows);
  let count = 0;
  let stop = false;
  while (!stop && csv.nextLine()) {
    if (csv.isBlank()) continue;
    csv.splitCells();
    if (csv.cellCount !== cells) {
      stop = report(
        csv.line,
        csv.cellCount > cells ? csv.column(cells) : csv.endColumn(),
        "row",
        `expected ${cells} cells, found ${csv.cellCount}`,
      );
      continue;
    }
    if (csv.isEmpty(accountCell)) {
      stop = report(
        csv.line,
        csv.column(accountCell),
        "account",
        '"" is not allowed; must not be empty',
      );
      continue;
    }
    const name = csv.cellBytes(accountCell);
    const listed = builder.accountOf(name.bytes, name.start, name.end);
    const amount = csv.number(walletCell);
    if (listedOn[listed] !== 0) {
      stop = report(
        csv.line,
        csv.column(accountCell),
        "account",
        `the account is listed twice; its wallet is on line ${listedOn[listed]}`,
      );
      continue;
    }
    if (!(amount > 0 && amount < Number.POSITIVE_INFINITY)) {
      stop = report(
        csv.line,
        csv.column(walletCell),
        "wallet",
        `the cell is not allowed; must be a number > 0`,
      );
      continue;
    }
    listedOn[listed] = csv.line;
    account[count] = listed;
    wallet[count] = amount;
    lines[count] = csv.line;
    count++;
  }
  if (issues.length >= maxIssues) {
    issues.push({ location: fileName, path: "", message: `stopped after ${maxIssues} issues` });
  }
  if (issues.length > 0) throw new ScenarioError(issues);
  const walletAccounts = new Uint8Array(builder.accountCount);
  for (let index = 0; index < count; index++) walletAccounts[account[index]] = 1;
  return {
    fileName,
    count,
    account: exactLength(account, count),
    wallet: exactLength(wallet, count),
    lines: exactLength(lines, count),
    walletAccounts,
  };
}

/**
 * Sets each listed account's cross positions in `rows` to their share of its wallet in
 * proportion to `initialMargin(index)` (what each position needs at its market's bracket: its
 * notional / that bracket's max leverage), so the wallet covers every position exactly when it
 * covers the account's total initial margin; an issue for a listed account with no cross
 * position there.
 */
export function applyWallets(
  positions: ExplicitPositions,
  rows: PositionsCsvRows,
  wallets: WalletsCsv,
  initialMargin: (index: number) => number,
): ScenarioIssue[] {
  const listed = wallets.walletAccounts;
  const needed = new Float64Array(listed.length);
  const end = rows.first + rows.count;
  const shared = (index: number): boolean => {
    const account = positions.account[index];
    return positions.cross[index] === 1 && account < listed.length && listed[account] === 1;
  };
  for (let index = rows.first; index < end; index++) {
    if (shared(index)) needed[positions.account[index]] += initialMargin(index);
  }
  const walletOf = new Float64Array(listed.length);
  const issues: ScenarioIssue[] = [];
  for (let row = 0; row < wallets.count; row++) {
    const account = wallets.account[row];
    walletOf[account] = wallets.wallet[row];
    if (needed[account] === 0 && issues.length < maxIssues) {
      issues.push({
        location: `${wallets.fileName}:${wallets.lines[row]}:1`,
        path: "account",
        message: `the account has no cross position in positions.csv; list only cross accounts here (isolated positions keep their own collateral)`,
      });
    }
  }
  for (let index = rows.first; index < end; index++) {
    if (shared(index)) {
      const account = positions.account[index];
      positions.collateral[index] = (walletOf[account] * initialMargin(index)) / needed[account];
    }
  }
  return issues;
}
