/**
 * Who auto-deleveraging hit. The event log says which position was closed, how much, at what
 * price and for what profit; with each position's size, entry and wallet at the start of the run
 * that is enough to replay, close by close, the two numbers ADL rankings are built from:
 * effective leverage and PnL % (Binance's definitions, evaluated at the ADL price).
 *
 * The replay follows ADL closes only. Funding payments and socialised-loss haircuts also change a
 * wallet but are not logged per position, so with those in play the buckets are approximate.
 */
import { type EventLog, eventTypes } from "../engine/result.ts";
import type { PositionStore } from "../engine/venue/positionStore.ts";

export interface PositionsAtStart {
  size: Float64Array;
  entryPrice: Float64Array;
  collateral: Float64Array;
}

/** A copy of what the replay needs, taken before the first step mutates the store. */
export function positionsAtStart(store: PositionStore): PositionsAtStart {
  return {
    size: store.size.slice(0, store.count),
    entryPrice: store.entryPrice.slice(0, store.count),
    collateral: store.collateral.slice(0, store.count),
  };
}

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

export interface AdlBreakdown {
  closes: number;
  notional: number;
  /** Realised profit of the closed winners: what ADL took from them beyond their entry. */
  profit: number;
  /** Null when the positions at the start are unknown, so leverage cannot be replayed. */
  grid: AdlGrid | null;
  /** The positions closed for the most notional, largest first. */
  topAccounts: AdlAccount[];
}

export const adlTopAccountCount = 10;

interface Replayed {
  size: number;
  collateral: number;
}

interface AccountTotals {
  id: number;
  side: number;
  closes: number;
  notional: number;
  profit: number;
}

export function adlBreakdown(events: EventLog, positions?: PositionsAtStart): AdlBreakdown {
  const adlCode = eventTypes.indexOf("adl");
  const grid: AdlGrid | null =
    positions === undefined
      ? null
      : {
          notional: adlLeverageLabels.map(() => adlPnlLabels.map(() => 0)),
          count: adlLeverageLabels.map(() => adlPnlLabels.map(() => 0)),
        };
  const replayed = new Map<number, Replayed>();
  const accounts = new Map<number, AccountTotals>();
  let closes = 0;
  let notional = 0;
  let profit = 0;
  for (let index = 0; index < events.length; index++) {
    if (events.type[index] !== adlCode) continue;
    const id = events.account[index];
    const side = events.side[index];
    const quantity = events.quantity[index];
    const price = events.price[index];
    const closeProfit = events.amount[index];
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

    if (grid === null || positions === undefined || id < 0 || id >= positions.size.length) {
      continue;
    }
    let state = replayed.get(id);
    if (state === undefined) {
      state = { size: positions.size[id], collateral: positions.collateral[id] };
      replayed.set(id, state);
    }
    const unrealised = side * state.size * (price - positions.entryPrice[id]);
    const pnlPercent = (100 * unrealised) / state.collateral;
    const effectiveLeverage = (state.size * price) / (state.collateral + unrealised);
    const row = bucketIndex(effectiveLeverage, adlLeverageEdges);
    const column = bucketIndex(pnlPercent, adlPnlPercentEdges);
    grid.notional[row][column] += events.notional[index];
    grid.count[row][column]++;
    state.size -= quantity;
    state.collateral += closeProfit;
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
  return { closes, notional, profit, grid, topAccounts };
}
