/**
 * Who auto-deleveraging hit. The event log says which position was closed, how much, at what
 * price and for what profit; the engine also records, for each close, the winner's PnL % and
 * effective leverage, taken from its exact state just before it (size, entry, wallet after any
 * funding or socialised-loss haircut), at the ADL price: PnL % = unrealised PnL / wallet and
 * effective leverage = |notional| / (wallet + unrealised PnL), unrealised PnL = side × size ×
 * (price − entry). Binance ranks by PnL % × margin ratio, the margin ratio being the effective
 * leverage × maintenance margin / notional (src/engine/risk/adl.ts).
 */
import { type AdlSummary, type EventLog, eventTypes } from "../engine/result.ts";

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
  /** The run's ADL figures (summary.adl), when the caller has them. */
  figures: AdlSummary | null;
}

export const adlTopAccountCount = 10;
/**
 * The sums run in event order, per position id, in typed arrays (a cascade's ADL hits hundreds of
 * thousands of positions: no object each), and the top positions are picked in one pass instead
 * of sorting them all; the order is the same: notional descending, then position id.
 */
export function adlBreakdown(events: EventLog, figures: AdlSummary | null = null): AdlBreakdown {
  const adlCode = eventTypes.indexOf("adl");
  const standing = events.adlStanding;
  const grid: AdlGrid | null =
    standing === undefined
      ? null
      : {
          notional: adlLeverageLabels.map(() => adlPnlLabels.map(() => 0)),
          count: adlLeverageLabels.map(() => adlPnlLabels.map(() => 0)),
        };
  let largestId = -1;
  for (let index = 0; index < events.length; index++) {
    if (events.type[index] === adlCode && events.account[index] > largestId) {
      largestId = events.account[index];
    }
  }
  const accountNotional = new Float64Array(largestId + 1);
  const accountProfit = new Float64Array(largestId + 1);
  const accountCloses = new Int32Array(largestId + 1);
  const accountSide = new Int8Array(largestId + 1);
  let closes = 0;
  let notional = 0;
  let profit = 0;
  for (let index = 0; index < events.length; index++) {
    if (events.type[index] !== adlCode) continue;
    const id = events.account[index];
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
    // A position's side is the one of its first close, as the totals were opened with it.
    if (accountCloses[id] === 0) accountSide[id] = events.side[index];
    accountCloses[id]++;
    accountNotional[id] += events.notional[index];
    accountProfit[id] += closeProfit;
  }
  if (standing !== undefined && standing.length !== 2 * closes) {
    throw new Error(
      `adlStanding has ${standing.length / 2} pairs for ${closes} adl events; they must match`,
    );
  }
  /** Ids of the largest positions so far, best first (ids ascend, so ties keep the lower id). */
  const top: number[] = [];
  for (let id = 0; id <= largestId; id++) {
    if (accountCloses[id] === 0) continue;
    const value = accountNotional[id];
    if (top.length === adlTopAccountCount && !(value > accountNotional[top[top.length - 1]])) {
      continue;
    }
    let at = top.length;
    while (at > 0 && value > accountNotional[top[at - 1]]) at--;
    top.splice(at, 0, id);
    if (top.length > adlTopAccountCount) top.pop();
  }
  const topAccounts = top.map(
    (id): AdlAccount => ({
      account: events.accountName(id),
      side: accountSide[id] > 0 ? "long" : "short",
      closes: accountCloses[id],
      notional: accountNotional[id],
      profit: accountProfit[id],
    }),
  );
  let accounts = 0;
  for (let id = 0; id <= largestId; id++) if (accountCloses[id] > 0) accounts++;
  return { closes, accounts, notional, profit, grid, topAccounts, figures };
}
