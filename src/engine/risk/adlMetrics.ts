/**
 * What auto-deleveraging cost and who paid, recorded as it happens (no replay, no event scan).
 * Definitions (docs/models/waterfall.md, "ADL metrics"), with m the market's mark in the round,
 * P the close price, EP the winner's entry and u = side_w × (m − EP) its profit per unit:
 *
 *   shortfall     Σ over ADL calls of max(0, side_l × q × (BP − m)): what the bankrupt positions'
 *                 ADL'd units lack at the mark, the bad debt a sale at the mark would leave;
 *   profitTaken   Σ over winner closes of max(q × max(0, u), haircut of the close): the open
 *                 profit the closes took out of winners' positions (realised at P instead of
 *                 held), or, when a close realised a loss (the winner's entry lies between m and
 *                 P), what it paid, which the rest of its position's profit carried;
 *   overshoot     profitTaken − shortfall: profit closed out beyond what the shortfall needed;
 *   haircut       Σ side_w × q × (m − P): what the winners lost against closing at the mark.
 *
 * An account is one wallet: a cross account that holds several markets is one account, every
 * other position (isolated, or the only position of its cross wallet) is its own. Concentration
 * is over hit accounts (at least one ADL close), of their haircuts floored at 0. The balancing
 * counterparty of a market stands for the rest of the venue's traders, not one account: its
 * closes count in the totals, not among the hit accounts.
 */
import { grown } from "../typedArrays.ts";

/** ADL figures of one market, or of the exchange (accounts across markets). */
export interface AdlFigures {
  shortfall: number;
  profitTaken: number;
  overshoot: number;
  haircut: number;
  /**
   * Σ over positions and rounds of what a winner paid beyond its positive PnL at the round's
   * mark: 0 for the capped mechanisms; the Binance and Hyperliquid rules at the bankruptcy price
   * can exceed it (a winner whose entry lies between the mark and the bankruptcy price).
   */
  haircutBeyondProfit: number;
  hitAccounts: number;
  /** Hit accounts whose effective leverage at their first close was below `innocentLeverage`. */
  innocentAccounts: number;
  /** Share of the haircut borne by the top 1 % (at least one) and top 10 % of hit accounts. */
  topOnePercentShare: number | null;
  topTenPercentShare: number | null;
  haircutGini: number | null;
  /** Gini of haircut / positive PnL at the account's first close. */
  haircutToPnlGini: number | null;
  /** Cascade rounds with at least one ADL close. */
  rounds: number;
  /** From the first liquidation (book, backstop or ADL) to the first ADL close; null if none. */
  firstLiquidationToAdlSeconds: number | null;
}

/** The figures of a run in which ADL never closed anything. */
export function noAdlFigures(): AdlFigures {
  return {
    shortfall: 0,
    profitTaken: 0,
    overshoot: 0,
    haircut: 0,
    haircutBeyondProfit: 0,
    hitAccounts: 0,
    innocentAccounts: 0,
    topOnePercentShare: null,
    topTenPercentShare: null,
    haircutGini: null,
    haircutToPnlGini: null,
    rounds: 0,
    firstLiquidationToAdlSeconds: null,
  };
}

/** Gini coefficient of non-negative values sorted ascending: Σ (2i − n − 1) x_i / (n Σ x). */
export function giniOfSorted(sorted: Float64Array): number | null {
  const count = sorted.length;
  let total = 0;
  let weighted = 0;
  for (let index = 0; index < count; index++) {
    total += sorted[index];
    weighted += (2 * (index + 1) - count - 1) * sorted[index];
  }
  return count > 0 && total > 0 ? weighted / (count * total) : null;
}

/** Share of the total held by the largest ⌈fraction × n⌉ of values sorted ascending. */
export function topShareOfSorted(sorted: Float64Array, fraction: number): number | null {
  const count = sorted.length;
  let total = 0;
  for (let index = 0; index < count; index++) total += sorted[index];
  if (!(total > 0)) return null;
  const top = Math.max(1, Math.ceil(fraction * count - 1e-9));
  let held = 0;
  for (let index = count - top; index < count; index++) held += sorted[index];
  return held / total;
}

class Tally {
  shortfall = 0;
  profitTaken = 0;
  haircut = 0;
  haircutBeyondProfit = 0;
  rounds = 0;
  lastRound = -1;

  addClose(profitTaken: number, haircut: number, beyond: number, round: number): void {
    this.profitTaken += profitTaken;
    this.haircut += haircut;
    this.haircutBeyondProfit += beyond;
    if (this.lastRound !== round) {
      this.lastRound = round;
      this.rounds++;
    }
  }
}

/**
 * Per-holder figures of hit accounts or positions. Holders get a slot in the order of their first
 * hit, and the figures live by slot: hit holders' figures stay together in memory instead
 * of scattered over arrays as long as every position.
 */
class HitBook {
  /** Slot + 1 of each key, 0 while the key has not been hit; allocated on first use. */
  private slotOf = new Int32Array(0);
  haircut = new Float64Array(64);
  pnl = new Float64Array(64);
  leverage = new Float64Array(64);
  list = new Int32Array(64);
  count = 0;

  constructor(private readonly capacity: number) {}

  record(key: number, haircut: number, pnl: number, leverage: number): void {
    if (this.slotOf.length === 0) this.slotOf = new Int32Array(this.capacity);
    let slot = this.slotOf[key] - 1;
    if (slot < 0) {
      slot = this.count++;
      this.slotOf[key] = this.count;
      if (slot === this.list.length) this.grow();
      this.list[slot] = key;
      this.pnl[slot] = pnl;
      this.leverage[slot] = leverage;
    }
    this.haircut[slot] += haircut;
  }

  private grow(): void {
    const length = 2 * this.list.length;
    this.list = grown(this.list, length);
    this.haircut = grown(this.haircut, length);
    this.pnl = grown(this.pnl, length);
    this.leverage = grown(this.leverage, length);
  }

  /**
   * Concentration and innocents per group, in one pass over the hit keys: `groupOf` gives a
   * key's group in 0..groupCount−1, or −1 to leave it out.
   */
  figures(
    innocentLeverage: number,
    groupCount: number,
    groupOf: (key: number) => number,
  ): HitFigures[] {
    const groups = new Int32Array(this.count);
    const starts = new Int32Array(groupCount + 1);
    for (let index = 0; index < this.count; index++) {
      const group = groupOf(this.list[index]);
      groups[index] = group;
      if (group >= 0) starts[group + 1]++;
    }
    for (let group = 0; group < groupCount; group++) starts[group + 1] += starts[group];
    const filled = starts.slice(0, groupCount);
    const haircuts = new Float64Array(starts[groupCount]);
    const ratios = new Float64Array(starts[groupCount]);
    const innocents = new Int32Array(groupCount);
    for (let slot = 0; slot < this.count; slot++) {
      const group = groups[slot];
      if (group < 0) continue;
      const haircut = Math.max(0, this.haircut[slot]);
      const at = filled[group]++;
      haircuts[at] = haircut;
      ratios[at] = this.pnl[slot] > 0 ? haircut / this.pnl[slot] : 0;
      if (this.leverage[slot] < innocentLeverage) innocents[group]++;
    }
    return Array.from({ length: groupCount }, (_, group) => {
      const sortedHaircuts = haircuts.subarray(starts[group], starts[group + 1]).sort();
      return {
        hitAccounts: starts[group + 1] - starts[group],
        innocentAccounts: innocents[group],
        topOnePercentShare: topShareOfSorted(sortedHaircuts, 0.01),
        topTenPercentShare: topShareOfSorted(sortedHaircuts, 0.1),
        haircutGini: giniOfSorted(sortedHaircuts),
        haircutToPnlGini: giniOfSorted(ratios.subarray(starts[group], starts[group + 1]).sort()),
      };
    });
  }
}

type HitFigures = Pick<
  AdlFigures,
  | "hitAccounts"
  | "innocentAccounts"
  | "topOnePercentShare"
  | "topTenPercentShare"
  | "haircutGini"
  | "haircutToPnlGini"
>;

export class AdlMetrics {
  private readonly markets: Tally[];
  private readonly exchange = new Tally();
  /** Positions (per-market figures: a market's accounts are its positions). */
  private readonly positions: HitBook;
  /**
   * Accounts: position id for a standalone position, positionCount + index for a cross account.
   * Without accounts across markets every account is one position, so the positions' book is
   * the accounts' too and none is kept (it would hold the same keys and sums).
   */
  private readonly accounts: HitBook | null;
  /** Positive PnL a winner may still pay in the current round, reset on its first close in a round. */
  private room = new Float64Array(0);
  private roomRound = new Int32Array(0);

  constructor(
    private readonly positionCount: number,
    crossAccountCount: number,
    marketCount: number,
    private readonly innocentLeverage: number,
  ) {
    this.markets = Array.from({ length: marketCount }, () => new Tally());
    this.positions = new HitBook(positionCount);
    this.accounts = crossAccountCount > 0 ? new HitBook(positionCount + crossAccountCount) : null;
  }

  addShortfall(market: number, amount: number): void {
    if (!(amount > 0)) return;
    this.markets[market].shortfall += amount;
    this.exchange.shortfall += amount;
  }

  /**
   * Positive PnL position `id` may still pay this round: its positive PnL size × max(0, u) at the
   * round's mark on its first close of the round, less what it has paid since.
   */
  roomLeft(id: number, round: number, size: number, unitProfit: number): number {
    if (this.room.length === 0) {
      this.room = new Float64Array(this.positionCount);
      this.roomRound = new Int32Array(this.positionCount).fill(-1);
    }
    if (this.roomRound[id] !== round) {
      this.roomRound[id] = round;
      this.room[id] = size * Math.max(0, unitProfit);
    }
    return this.room[id];
  }

  /**
   * A winner close, recorded before the position changes: `size` is its size before, `side`,
   * `entry` its side and entry, `account` its cross account (−1 if it stands alone), `leverage`
   * its effective leverage just before the close.
   */
  recordClose(
    id: number,
    account: number,
    market: number,
    round: number,
    side: number,
    entry: number,
    size: number,
    quantity: number,
    price: number,
    mark: number,
    leverage: number,
  ): void {
    const unitProfit = side * (mark - entry);
    const profit = size * Math.max(0, unitProfit);
    const room = this.roomLeft(id, round, size, unitProfit);
    const haircut = side * quantity * (mark - price);
    const after = room - haircut;
    this.room[id] = after;
    const beyond = Math.max(0, -after) - Math.max(0, -room);
    const taken = Math.max(quantity * Math.max(0, unitProfit), haircut);
    this.markets[market].addClose(taken, haircut, beyond, round);
    this.exchange.addClose(taken, haircut, beyond, round);
    this.positions.record(id, haircut, profit, leverage);
    this.accounts?.record(
      account < 0 ? id : this.positionCount + account,
      haircut,
      profit,
      leverage,
    );
  }

  /**
   * Per-market figures (`marketOf` the market of a position id) and the exchange's, with the
   * first liquidation and first ADL step of each market and the step length.
   */
  finish(
    marketOf: (id: number) => number,
    isCounterparty: (id: number) => boolean,
    firstSteps: readonly { liquidation: number | null; adl: number | null }[],
    dt: number,
  ): { exchange: AdlFigures; markets: AdlFigures[] } {
    const delay = (liquidation: number | null, adl: number | null): number | null =>
      liquidation === null || adl === null ? null : (adl - liquidation) * dt;
    const positionFigures = this.positions.figures(
      this.innocentLeverage,
      this.markets.length,
      (id) => (isCounterparty(id) ? -1 : marketOf(id)),
    );
    const markets = this.markets.map((tally, market) =>
      figuresOf(
        tally,
        positionFigures[market],
        delay(firstSteps[market].liquidation, firstSteps[market].adl),
      ),
    );
    const firstOf = (pick: "liquidation" | "adl"): number | null => {
      let first: number | null = null;
      for (const steps of firstSteps) {
        const step = steps[pick];
        if (step !== null && (first === null || step < first)) first = step;
      }
      return first;
    };
    return {
      exchange: figuresOf(
        this.exchange,
        this.exchangeHits(positionFigures, isCounterparty),
        delay(firstOf("liquidation"), firstOf("adl")),
      ),
      markets,
    };
  }

  /** Concentration and innocents over the exchange's hit accounts, counterparties left out. */
  private exchangeHits(
    positionFigures: HitFigures[],
    isCounterparty: (id: number) => boolean,
  ): HitFigures {
    if (this.accounts !== null) {
      return this.accounts.figures(this.innocentLeverage, 1, (key) =>
        key >= this.positionCount || !isCounterparty(key) ? 0 : -1,
      )[0];
    }
    // Every account is one position: the exchange's hits are all the markets' together, which
    // on one market are that market's.
    if (positionFigures.length === 1) return positionFigures[0];
    return this.positions.figures(this.innocentLeverage, 1, (id) =>
      isCounterparty(id) ? -1 : 0,
    )[0];
  }
}

/** The figures in the order summary.json lists them. */
function figuresOf(
  tally: Tally,
  hits: HitFigures,
  firstLiquidationToAdlSeconds: number | null,
): AdlFigures {
  return {
    shortfall: tally.shortfall,
    profitTaken: tally.profitTaken,
    overshoot: tally.profitTaken - tally.shortfall,
    haircut: tally.haircut,
    haircutBeyondProfit: tally.haircutBeyondProfit,
    hitAccounts: hits.hitAccounts,
    innocentAccounts: hits.innocentAccounts,
    topOnePercentShare: hits.topOnePercentShare,
    topTenPercentShare: hits.topTenPercentShare,
    haircutGini: hits.haircutGini,
    haircutToPnlGini: hits.haircutToPnlGini,
    rounds: tally.rounds,
    firstLiquidationToAdlSeconds,
  };
}
