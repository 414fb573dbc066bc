/**
 * "Who was hit" as HTML tables: the ADL grid by effective leverage and PnL, and the positions
 * closed for the most notional. Plain strings with no Node imports, so the report and the
 * dashboard render the same markup.
 */
import type { AdlSummary } from "../engine/result.ts";
import { type AdlBreakdown, adlCloseDefinition, adlLeverageLabels, adlPnlLabels } from "./adl.ts";
import { formatCount, formatMoney, formatPercent } from "./format.ts";
import { escapeHtml, plural } from "./markup.ts";

/** Cell shading: the largest cell is the most opaque, empty cells stay white. */
function cellShade(notional: number, largest: number): string {
  if (!(notional > 0) || !(largest > 0)) return "";
  const alpha = 0.08 + 0.6 * (notional / largest);
  return ` style="background: rgba(142, 68, 173, ${alpha.toFixed(3)})"`;
}

function gridHtml(breakdown: AdlBreakdown): string {
  const grid = breakdown.grid;
  if (grid === null) {
    return `<p class="note">The leverage and PnL buckets need each winner’s leverage and PnL at its close, which this result does not include.</p>`;
  }
  const largest = Math.max(...grid.notional.flat());
  const header = adlPnlLabels.map((label) => `<th scope="col">${escapeHtml(label)}</th>`).join("");
  const rows: string[] = [];
  // Most levered first: that is where rankings by PnL × leverage reach first.
  for (let row = adlLeverageLabels.length - 1; row >= 0; row--) {
    const cells = adlPnlLabels.map((_, column) => {
      const notional = grid.notional[row][column];
      const count = grid.count[row][column];
      const text =
        count === 0 ? "" : `${formatMoney(notional)}<br><small>${formatCount(count)}</small>`;
      return `<td${cellShade(notional, largest)}>${text}</td>`;
    });
    rows.push(
      `<tr><th scope="row">${escapeHtml(adlLeverageLabels[row])}</th>${cells.join("")}</tr>`,
    );
  }
  return (
    `<table class="adl-grid">\n<thead><tr><th scope="col">effective leverage \\ PnL</th>${header}</tr></thead>\n` +
    `<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`
  );
}

function accountsHtml(breakdown: AdlBreakdown): string {
  const rows = breakdown.topAccounts.map(
    (account) =>
      `<tr><td>${escapeHtml(account.account)}</td><td>${account.side}</td>` +
      `<td>${formatCount(account.closes)}</td><td>${formatMoney(account.notional)}</td>` +
      `<td>${formatMoney(account.profit)}</td></tr>`,
  );
  return (
    `<table class="adl-accounts">\n<thead><tr><th scope="col">account</th><th scope="col">side</th>` +
    `<th scope="col">closes</th><th scope="col">notional closed</th><th scope="col">profit realised</th></tr></thead>\n` +
    `<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`
  );
}

function share(value: number | null): string {
  return value === null ? "n/a" : formatPercent(value);
}

/** What ADL cost and who paid (docs/models/waterfall.md, "ADL metrics"). */
function figuresHtml(figures: AdlSummary): string {
  const rows: [string, string][] = [
    ["mechanism, price", `${figures.mechanism}, ${figures.price}`],
    ["shortfall covered", formatMoney(figures.shortfall)],
    ["profit taken", formatMoney(figures.profitTaken)],
    ["overshoot (profit taken − shortfall)", formatMoney(figures.overshoot)],
    ["haircut (winners' loss against the mark)", formatMoney(figures.haircut)],
    ["taken beyond winners' positive PnL", formatMoney(figures.haircutBeyondProfit)],
    ["accounts hit", formatCount(figures.hitAccounts)],
    [
      `innocent (below ${figures.innocentLeverage}x effective leverage)`,
      formatCount(figures.innocentAccounts),
    ],
    [
      "haircut borne by the top 1 % / 10 %",
      `${share(figures.topOnePercentShare)} / ${share(figures.topTenPercentShare)}`,
    ],
    [
      "Gini of haircut / of haircut ÷ PnL",
      `${figures.haircutGini === null ? "n/a" : figures.haircutGini.toFixed(3)} / ${figures.haircutToPnlGini === null ? "n/a" : figures.haircutToPnlGini.toFixed(3)}`,
    ],
    ["cascade rounds with ADL", formatCount(figures.rounds)],
    [
      "first liquidation to first ADL",
      figures.firstLiquidationToAdlSeconds === null
        ? "n/a"
        : `${formatCount(figures.firstLiquidationToAdlSeconds)} s`,
    ],
  ];
  const body = rows
    .map(
      ([label, value]) =>
        `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join("\n");
  return `<table class="adl-figures">\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Both tables with their explanations; a single sentence when ADL never ran. */
export function adlTablesHtml(breakdown: AdlBreakdown): string {
  if (breakdown.closes === 0) {
    return `<p class="note">No position was auto-deleveraged.</p>`;
  }
  const figures =
    breakdown.figures === null
      ? ""
      : `<p class="note">Shortfall: what the bankrupt positions' ADL'd units lacked at the mark. Profit taken: the open profit ADL's closes took out of winners' positions. An account is one wallet (a cross account across markets is one); the balancing counterparty is not counted as an account.</p>\n` +
        `<div class="scroll-x">${figuresHtml(breakdown.figures)}</div>\n`;
  return (
    figures +
    `<p class="note">${plural(breakdown.closes, "ADL close")} of ${plural(breakdown.accounts, "winning position")}, ` +
    `${formatMoney(breakdown.notional)} closed, ${formatMoney(breakdown.profit)} of profit realised. ` +
    `${escapeHtml(adlCloseDefinition)} Each close is bucketed by the ` +
    `winner's effective leverage (notional / (wallet + unrealised PnL)) and PnL (unrealised PnL / wallet) ` +
    `at the ADL price, just before the close; cells show notional closed and the number of closes.</p>\n` +
    `<div class="scroll-x">${gridHtml(breakdown)}</div>\n` +
    `<p class="note">The positions closed for the most notional:</p>\n` +
    `<div class="scroll-x">${accountsHtml(breakdown)}</div>`
  );
}
