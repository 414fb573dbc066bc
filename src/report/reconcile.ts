/**
 * "Where the numbers come from": each headline figure of summary.json next to the same figure
 * summed from the run's events, with the rule that sums it, so a reader can redo any of them
 * from events.csv (the rules are the ones docs/report.md gives, and test/cli/reconcile.test.ts
 * redoes them from the written files of every preset). Units are said here once: a liquidation
 * is a position (however many rows its closing took), an ADL close is one `adl` row (one
 * winner's position cut against one bankrupt position), a cascade round is one pass of the
 * liquidation engine within a step.
 */
import type { LendingRun } from "../engine/lending/run.ts";
import { lendingEventTypes } from "../engine/lending/world.ts";
import { excessKurtosis, logReturns } from "../engine/metrics/tail.ts";
import type { TfgRun } from "../engine/models/tfg.ts";
import { type EventLog, eventTypes } from "../engine/result.ts";
import { formatCount, formatMoney } from "./format.ts";
import type { LendingSummary } from "./lending.ts";
import { escapeHtml } from "./markup.ts";
import type { Summary } from "./summary.ts";
import type { TfgSummary } from "./tfg.ts";

export interface ReconciliationRow {
  figure: string;
  /** As summary.json says it. */
  summary: string;
  /** Summed from the events. */
  events: string;
  rule: string;
  agrees: boolean;
}

/** Money sums agree to a millionth (they add up the same doubles in another order). */
function sameMoney(first: number, second: number): boolean {
  return Math.abs(first - second) <= 1e-6 * Math.max(1, Math.abs(first), Math.abs(second));
}

function moneyRow(
  figure: string,
  summary: number,
  events: number,
  rule: string,
): ReconciliationRow {
  return {
    figure,
    summary: formatMoney(summary),
    events: formatMoney(events),
    rule,
    agrees: sameMoney(summary, events),
  };
}

function countRow(
  figure: string,
  summary: number,
  events: number,
  rule: string,
): ReconciliationRow {
  return {
    figure,
    summary: formatCount(summary),
    events: formatCount(events),
    rule,
    agrees: summary === events,
  };
}

/** What the perp event log adds up to, in one pass. */
export interface PerpEventTotals {
  bookNotional: number;
  backstopNotional: number;
  adlLiquidatedNotional: number;
  liquidatedPositions: number;
  liquidationRows: number;
  cascadeRounds: number;
  badDebt: number;
  fundCover: number;
  fees: number;
  adlNotional: number;
  adlCloses: number;
  adlWinners: number;
  adlBankrupt: number;
  socializedLoss: number;
  exchangeLoss: number;
  stopLossNotional: number;
  stopLossPositions: number;
}

export function perpEventTotals(events: EventLog): PerpEventTotals {
  const code = (name: (typeof eventTypes)[number]) => eventTypes.indexOf(name);
  const liquidation = code("liquidation");
  const partial = code("partial_liquidation");
  const takeover = code("backstop_takeover");
  const adlLiquidation = code("adl_liquidation");
  const unfilled = code("unfilled");
  const stopLoss = code("stop_loss");
  const badDebt = code("bad_debt");
  const fundCover = code("insurance_fund_cover");
  const fee = code("liquidation_fee");
  const adl = code("adl");
  const socialized = code("socialized_loss");
  const exchangeLoss = code("exchange_loss");
  const totals: PerpEventTotals = {
    bookNotional: 0,
    backstopNotional: 0,
    adlLiquidatedNotional: 0,
    liquidatedPositions: 0,
    liquidationRows: 0,
    cascadeRounds: 0,
    badDebt: 0,
    fundCover: 0,
    fees: 0,
    adlNotional: 0,
    adlCloses: 0,
    adlWinners: 0,
    adlBankrupt: 0,
    socializedLoss: 0,
    exchangeLoss: 0,
    stopLossNotional: 0,
    stopLossPositions: 0,
  };
  // Distinct positions by a flag per position id, at id + 1 (rows without a position hold −1): a
  // million-row log would spend most of its pass hashing into sets.
  let highest = -1;
  for (let index = 0; index < events.length; index++) {
    highest = Math.max(highest, events.account[index]);
  }
  const seen = new Uint8Array(highest + 2);
  const distinct = new Int32Array(4);
  const note = (account: number, kind: number): void => {
    const bit = 1 << kind;
    if ((seen[account + 1] & bit) !== 0) return;
    seen[account + 1] |= bit;
    distinct[kind]++;
  };
  const liquidated = 0;
  const winners = 1;
  const bankrupt = 2;
  const stopped = 3;
  let step = -1;
  let highestRound = 0;
  for (let index = 0; index < events.length; index++) {
    const type = events.type[index];
    const notional = events.notional[index];
    const amount = events.amount[index];
    const account = events.account[index];
    if (events.step[index] !== step) {
      totals.cascadeRounds += highestRound;
      step = events.step[index];
      highestRound = 0;
    }
    // sim.ts logs a round's stop-loss fills before it numbers the round: they carry the round before.
    highestRound = Math.max(highestRound, events.round[index] + (type === stopLoss ? 1 : 0));
    if (type === liquidation || type === partial) totals.bookNotional += notional;
    else if (type === takeover) totals.backstopNotional += notional;
    else if (type === adlLiquidation) {
      totals.adlLiquidatedNotional += notional;
      note(account, bankrupt);
    } else if (type === badDebt) totals.badDebt += amount;
    else if (type === fundCover) totals.fundCover += amount;
    else if (type === fee) totals.fees += amount;
    else if (type === adl) {
      totals.adlNotional += notional;
      totals.adlCloses++;
      note(account, winners);
    } else if (type === socialized) totals.socializedLoss += amount;
    else if (type === exchangeLoss) totals.exchangeLoss += amount;
    else if (type === stopLoss) {
      totals.stopLossNotional += notional;
      note(account, stopped);
    }
    if (type === liquidation || type === partial || type === takeover || type === adlLiquidation) {
      totals.liquidationRows++;
      note(account, liquidated);
    } else if (type === unfilled) {
      note(account, liquidated);
    }
  }
  totals.cascadeRounds += highestRound;
  totals.liquidatedPositions = distinct[liquidated];
  totals.adlWinners = distinct[winners];
  totals.adlBankrupt = distinct[bankrupt];
  totals.stopLossPositions = distinct[stopped];
  return totals;
}

const liquidationTypes = "liquidation, partial_liquidation, backstop_takeover and adl_liquidation";

/** The perp headline figures: summary.json against events.csv. */
export function perpReconciliation(summary: Summary, events: EventLog): ReconciliationRow[] {
  const totals = perpEventTotals(events);
  const liquidated = totals.bookNotional + totals.backstopNotional + totals.adlLiquidatedNotional;
  const fundEnd = summary.insuranceFundStart + totals.fees - totals.fundCover;
  const rows = [
    moneyRow(
      "liquidated notional",
      summary.liquidatedNotional,
      liquidated,
      `Σ notional of the ${liquidationTypes} rows: ${formatMoney(totals.bookNotional)} sold into the book, ` +
        `${formatMoney(totals.backstopNotional)} taken over by the backstop, ${formatMoney(totals.adlLiquidatedNotional)} closed by ADL`,
    ),
    countRow(
      "liquidations (positions)",
      summary.liquidationCount,
      totals.liquidatedPositions,
      `distinct positions (account and market) of those rows and of unfilled rows: a position counts once however many of its ${formatCount(totals.liquidationRows)} rows it took`,
    ),
    countRow(
      "cascade rounds",
      summary.cascadeRounds,
      totals.cascadeRounds,
      "Σ over steps of the step's highest round (stop_loss rows carry the round before the one they fired in)",
    ),
    moneyRow("bad debt", summary.badDebt, totals.badDebt, "Σ amount of bad_debt rows"),
    moneyRow(
      "insurance fund used",
      summary.insuranceFundUsed,
      totals.fundCover,
      "Σ amount of insurance_fund_cover rows",
    ),
    moneyRow(
      "insurance fund at the end",
      summary.insuranceFundEnd,
      fundEnd,
      `start ${formatMoney(summary.insuranceFundStart)} + Σ liquidation_fee ${formatMoney(totals.fees)} − Σ insurance_fund_cover`,
    ),
    moneyRow(
      "ADL notional",
      summary.adlNotional,
      totals.adlNotional,
      "Σ notional of adl rows (the winners' side; adl_liquidation rows are the same closes from the bankrupt side)",
    ),
    countRow(
      "ADL closes",
      summary.adlCount,
      totals.adlCloses,
      `adl rows: one winner's position cut against one bankrupt position, ${formatCount(totals.adlWinners)} winners and ${formatCount(totals.adlBankrupt)} bankrupt positions in all`,
    ),
    moneyRow(
      "socialised loss",
      summary.socializedLoss,
      totals.socializedLoss,
      "Σ amount of socialized_loss rows",
    ),
    moneyRow(
      "exchange loss",
      summary.exchangeLoss,
      totals.exchangeLoss,
      "Σ amount of exchange_loss rows",
    ),
  ];
  if (summary.stopsPlaced > 0) {
    rows.push(
      moneyRow(
        "stop-loss notional",
        summary.stopLossNotional,
        totals.stopLossNotional,
        "Σ notional of stop_loss rows",
      ),
      countRow(
        "stop-losses fired",
        summary.stopLossCount,
        totals.stopLossPositions,
        "distinct accounts of stop_loss rows (a stop that filled in parts counts once)",
      ),
    );
  }
  return rows;
}

/** A lending venue's liquidations and bad debt summed from the world's (or its perp's) events. */
export interface LendingVenueTotals {
  liquidatedUsd: number;
  liquidations: number;
  accounts: number;
  realisedBadDebt: number;
}

export function lendingVenueTotals(run: LendingRun, venueIndex: number): LendingVenueTotals {
  const perp = run.perpEvents[venueIndex];
  if (perp !== undefined) {
    const totals = perpEventTotals(perp.events);
    return {
      liquidatedUsd: totals.bookNotional + totals.backstopNotional + totals.adlLiquidatedNotional,
      liquidations: totals.liquidatedPositions,
      accounts: totals.liquidatedPositions,
      realisedBadDebt: totals.badDebt,
    };
  }
  const events = run.world.events;
  const liquidation = lendingEventTypes.indexOf("liquidation");
  const badDebt = lendingEventTypes.indexOf("bad_debt");
  const accounts = new Set<number>();
  const totals: LendingVenueTotals = {
    liquidatedUsd: 0,
    liquidations: 0,
    accounts: 0,
    realisedBadDebt: 0,
  };
  for (let index = 0; index < events.length; index++) {
    if (events.venue[index] !== venueIndex) continue;
    if (events.type[index] === liquidation) {
      totals.liquidatedUsd += events.valueUsd[index];
      totals.liquidations++;
      accounts.add(events.account[index]);
    } else if (events.type[index] === badDebt) {
      totals.realisedBadDebt += events.valueUsd[index];
    }
  }
  totals.accounts = accounts.size;
  return totals;
}

/** The lending headline figures per venue: summary.json against events.csv. */
export function lendingReconciliation(
  summary: LendingSummary,
  run: LendingRun,
): ReconciliationRow[] {
  return summary.venues.flatMap((venue, index) => {
    const totals = lendingVenueTotals(run, index);
    const prefix = summary.venues.length > 1 ? `${venue.name}: ` : "";
    const unit =
      venue.kind === "perp"
        ? "positions (a position counts once)"
        : venue.kind === "maker"
          ? "barks (one auction each)"
          : "liquidation calls";
    const rows = [
      moneyRow(
        `${prefix}liquidated collateral`,
        venue.liquidatedCollateralUsd,
        totals.liquidatedUsd,
        venue.kind === "perp"
          ? `Σ value of the venue's ${liquidationTypes} rows`
          : "Σ valueUsd of the venue's liquidation rows (collateral seized, at the oracle price)",
      ),
      countRow(
        `${prefix}liquidations`,
        venue.liquidationCount,
        totals.liquidations,
        venue.kind === "perp"
          ? `distinct accounts of those rows: ${unit}`
          : `liquidation rows, ${unit}; ${formatCount(totals.accounts)} distinct accounts`,
      ),
    ];
    if (venue.kind === "aave") {
      rows.push({
        figure: `${prefix}bad debt at the end`,
        summary: formatMoney(venue.badDebtUsd),
        events: formatMoney(totals.realisedBadDebt),
        rule:
          "a state, not a flow: debt above collateral value summed over accounts at the end (the last row of " +
          `${venue.name}.badDebtUsd in timeseries.csv); bad_debt rows hold only accounts left with no collateral`,
        agrees: true,
      });
    } else if (venue.kind === "maker") {
      const open = venue.badDebtUsd - totals.realisedBadDebt;
      const stillOpen = sameMoney(venue.badDebtUsd, totals.realisedBadDebt);
      rows.push({
        figure: `${prefix}bad debt`,
        summary: formatMoney(venue.badDebtUsd),
        events: stillOpen
          ? formatMoney(totals.realisedBadDebt)
          : `${formatMoney(totals.realisedBadDebt)} + ${formatMoney(open)} open`,
        rule:
          "Σ valueUsd of bad_debt rows (auctions that closed short of their debt), plus what live auctions and " +
          "unbarked vaults could not cover at the end price (open, not yet in the events)",
        agrees: stillOpen || open > 0,
      });
    } else {
      rows.push(
        moneyRow(
          `${prefix}bad debt`,
          venue.badDebtUsd,
          totals.realisedBadDebt,
          "Σ value of the venue's bad_debt rows",
        ),
      );
    }
    return rows;
  });
}

/** The TFG headline figures: summary.json against its own timeseries.csv (it logs no events). */
export function tfgReconciliation(summary: TfgSummary, run: TfgRun): ReconciliationRow[] {
  const series = run.series;
  let defaults = 0;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let step = 0; step <= run.steps; step++) {
    defaults += series.defaults[step];
    low = Math.min(low, series.price[step]);
    high = Math.max(high, series.price[step]);
  }
  const kurtosis = excessKurtosis(logReturns(series.price, summary.burnIn));
  const price = (value: number) => String(Number(value.toPrecision(6)));
  return [
    countRow("fund defaults", summary.defaults.total, defaults, "Σ of the defaults column"),
    {
      figure: "price low – high",
      summary: `${price(summary.price.min)} – ${price(summary.price.max)}`,
      events: `${price(low)} – ${price(high)}`,
      rule: "min and max of the price column, step 0 included",
      agrees: low === summary.price.min && high === summary.price.max,
    },
    {
      figure: "excess kurtosis",
      summary: summary.statistics.excessKurtosis.toFixed(3),
      events: kurtosis.toFixed(3),
      rule: `log returns ln(pₜ / pₜ₋₁) of the price column after the burn-in of ${formatCount(summary.burnIn)} periods; G2, the unbiased estimator (Excel KURT, SciPy kurtosis(bias=False))`,
      agrees:
        Math.abs(kurtosis - summary.statistics.excessKurtosis) <=
        1e-9 * Math.max(1, Math.abs(kurtosis)),
    },
  ];
}

/** The rows as a table: figure, summary.json, the file it is summed from, how. */
export function reconciliationTableHtml(
  rows: readonly ReconciliationRow[],
  source = "events.csv",
): string {
  const body = rows
    .map(
      (row) =>
        `<tr${row.agrees ? "" : ' class="differs"'}><th scope="row">${escapeHtml(row.figure)}</th>` +
        `<td>${escapeHtml(row.summary)}</td><td>${escapeHtml(row.events)}${row.agrees ? "" : " ≠"}</td>` +
        `<td class="rule">${escapeHtml(row.rule)}</td></tr>`,
    )
    .join("\n");
  return (
    `<div class="scroll-x"><table class="reconcile">\n<thead><tr><th scope="col">figure</th><th scope="col">summary.json</th>` +
    `<th scope="col">from ${source}</th><th scope="col">how</th></tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`
  );
}

export const reconciliationCss = `
table.reconcile th[scope="row"] { text-align: left; font-weight: 500; }
table.reconcile th:last-child { text-align: left; }
table.reconcile td.rule { text-align: left; white-space: normal; color: var(--muted); min-width: 320px; }
table.reconcile tr.differs td { background: #fdecea; }
`;
