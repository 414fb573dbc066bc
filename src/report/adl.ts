/**
 * Who auto-deleveraging hit. The event log says which position was closed, how much, at what
 * price and for what profit; the engine also records, for each close, the two numbers ADL
 * rankings are built from, taken from the winner's exact state just before it (size, entry,
 * wallet after any funding or socialised-loss haircut), at the ADL price:
 * Binance, "What is Auto-Deleveraging (ADL)": PnL % = unrealised PnL / wallet and effective
 * leverage = |notional| / (wallet + unrealised PnL), unrealised PnL = side × size × (price − entry).
 */
import { type EventLog, eventTypes } from "../engine/result.ts";

/** Upper bounds of the effective-leverage buckets (x); the last bucket is open-ended. */
export const adlLeverageEdges = [2, 5, 10, 25, 50, 100] as const;
/** Upper bounds of the PnL buckets (% of the position's wallet); the last is open-ended. */
export const adlPnlPercentEdges = [10, 25, 50, 100, 200, 500] as const;

function bucketLabels(edges: readonly number[], unit: string): string[] {
  const labels = [`< ${edges[0]}${unit}`];
  for (let index = 1; index < edges.length; index++) {
    labels.push(`${edges[index - 1]}–${edges[index]}${unit}`);
  }
  labels.push(`≥ ${edges[edges.length - 1]}${unit}`);
  return labels;
}

export const adlLeverageLabels = bucketLabels(adlLeverageEdges, "x");
export const adlPnlLabels = bucketLabels(adlPnlPercentEdges, " %");

/** Index of the bucket holding `value`: the number of upper bounds at or below it. */
export function bucketIndex(value: number, edges: readonly number[]): number {
  let index = 0;
  while (index < edges.length && value >= edges[index]) index++;
  return index;
}

export interface AdlAccount {
  account: string;
  side: "long" | "short";
  closes: number;
  notional: number;
  profit: number;
}

export interface AdlGrid {
  /** `[leverage bucket][PnL bucket]`, labels in adlLeverageLabels and adlPnlLabels order. */
  notional: number[][];
  count: number[][];
}

/** What one "close" of the ADL grid is, said wherever closes are counted. */
export const adlCloseDefinition =
  "A close is one adl row: one winner's position cut against one bankrupt position, so a winner cut against several bankrupt positions counts once per cut.";

export interface AdlBreakdown {
  closes: number;
  /** Distinct winning positions closed, in whole or in part. */
  accounts: number;
  notional: number;
  /** Realised profit of the closed winners: what ADL took from them beyond their entry. */
  profit: number;
  /** Null when the log has no recorded standings (a hand-built log), so nothing to bucket. */
  grid: AdlGrid | null;
  /** The positions closed for the most notional, largest first. */
  topAccounts: AdlAccount[];
}

export const adlTopAccountCount = 10;

interface AccountTotals {
  id: number;
  side: number;
  closes: number;
  notional: number;
  profit: number;
}

export function adlBreakdown(events: EventLog): AdlBreakdown {
  const adlCode = eventTypes.indexOf("adl");
  const standing = events.adlStanding;
  const grid: AdlGrid | null =
    standing === undefined
      ? null
      : {
          notional: adlLeverageLabels.map(() => adlPnlLabels.map(() => 0)),
          count: adlLeverageLabels.map(() => adlPnlLabels.map(() => 0)),
        };
  const accounts = new Map<number, AccountTotals>();
  let closes = 0;
  let notional = 0;
  let profit = 0;
  for (let index = 0; index < events.length; index++) {
    if (events.type[index] !== adlCode) continue;
    const id = events.account[index];
    const side = events.side[index];
    const closeProfit = events.amount[index];
    if (grid !== null && standing !== undefined) {
      const row = bucketIndex(standing[2 * closes], adlLeverageEdges);
      const column = bucketIndex(standing[2 * closes + 1], adlPnlPercentEdges);
      grid.notional[row][column] += events.notional[index];
      grid.count[row][column]++;
    }
    closes++;
    notional += events.notional[index];
    profit += closeProfit;
    let totals = accounts.get(id);
    if (totals === undefined) {
      totals = { id, side, closes: 0, notional: 0, profit: 0 };
      accounts.set(id, totals);
    }
    totals.closes++;
    totals.notional += events.notional[index];
    totals.profit += closeProfit;
  }
  if (standing !== undefined && standing.length !== 2 * closes) {
    throw new Error(
      `adlStanding has ${standing.length / 2} pairs for ${closes} adl events; they must match`,
    );
  }
  const topAccounts = [...accounts.values()]
    .sort((left, right) => right.notional - left.notional || left.id - right.id)
    .slice(0, adlTopAccountCount)
    .map(
      (totals): AdlAccount => ({
        account: events.accountName(totals.id),
        side: totals.side > 0 ? "long" : "short",
        closes: totals.closes,
        notional: totals.notional,
        profit: totals.profit,
      }),
    );
  return { closes, accounts: accounts.size, notional, profit, grid, topAccounts };
}
