/**
 * Which multi-market cross accounts can the next marks liquidate, without scanning them all?
 *
 * An account is liquidatable when Σ_j S_j(P_j) + W ≤ 0, with W its wallet and
 * S_j(P) = side·q·(P − entry) − MM_j(q·P) the margin surplus of its position j. S_j is monotone
 * in its own mark (slope q(1 − MMR) > 0 for a long, −q(1 + MMR) < 0 for a short), so holding the
 * other markets at the worst marks inside a band turns the account's condition into one price
 * per position: position i's trigger is the liquidation price of a single position with wallet
 *   W_i = W + Σ_{j≠i} S_j(adverse edge of market j's band),
 * the Hyperliquid formula for a cross position's liquidation price with the others held
 * ("Liquidations": margin available = account value − maintenance of the rest), made
 * conservative. Each trigger goes into its own market's TriggerIndex like an isolated position.
 *
 * Guarantee: while every market's mark stays inside ± band of its reference, a liquidatable
 * account has at least one trigger crossed, so no liquidation is missed; the exact condition is
 * re-checked before anything is liquidated, so none happens early. Before each collection,
 * markets whose mark left their band get a new reference, and only the accounts holding them
 * are re-priced (CrossAccounts.marketMembers). Accounts whose trigger is crossed but which are
 * not liquidatable are watched: checked exactly at each collection until a re-pricing puts their
 * triggers back above the mark. The band trades re-pricing work (a narrow band re-prices more
 * often) against watch-list work (a wide band watches more accounts).
 */
import type { CrossAccounts } from "../venue/crossAccounts.ts";
import type { MarginTiers } from "../venue/marginTiers.ts";
import type { PositionStore } from "../venue/positionStore.ts";

export class CrossTriggers {
  /** Each market's reference mark: triggers hold while marks stay within ± band of it. */
  readonly reference: Float64Array;
  private readonly watched: Uint8Array;
  private watchList: number[] = [];
  private readonly repriceStamp: Int32Array;
  private stamp = 0;
  /** Accounts to re-price at one collection; each account at most once. */
  private readonly toReprice: Int32Array;
  /** Each member's adverse margin surplus while one account is priced. */
  private surplus = new Float64Array(8);

  constructor(
    private readonly accounts: CrossAccounts,
    private readonly band: number,
    marks: Float64Array,
  ) {
    this.reference = marks.slice();
    this.watched = new Uint8Array(accounts.count);
    this.repriceStamp = new Int32Array(accounts.count);
    this.toReprice = new Int32Array(accounts.count);
  }

  /**
   * Writes every open position's trigger price into `store.liquidationPrice` and calls
   * `index(id)` for each one that is not crossed at `marks`; an account with a crossed trigger
   * is watched instead. Returns whether the account is now watched.
   */
  price(
    account: number,
    store: PositionStore,
    marks: Float64Array,
    tiers: readonly MarginTiers[],
    index: (id: number) => void,
  ): boolean {
    const accounts = this.accounts;
    const first = accounts.start[account];
    const last = accounts.start[account + 1];
    const band = this.band;
    if (this.surplus.length < last - first) this.surplus = new Float64Array(2 * (last - first));
    const surplus = this.surplus;
    let wallet = 0;
    let adverseSurplus = 0;
    for (let member = first; member < last; member++) {
      const id = accounts.members[member];
      wallet += store.collateral[id];
      const size = store.size[id];
      if (size === 0) continue;
      // S_j at the adverse edge of its market's band: the lowest mark for a long, the highest
      // for a short.
      const market = store.market[id];
      const side = store.side[id];
      const price = this.reference[market] * (1 - side * band);
      const value =
        side * size * (price - store.entryPrice[id]) -
        tiers[market].maintenanceMargin(size * price);
      surplus[member - first] = value;
      adverseSurplus += value;
    }
    let crossed = false;
    for (let member = first; member < last; member++) {
      const id = accounts.members[member];
      const size = store.size[id];
      if (size === 0) continue;
      const market = store.market[id];
      const side = store.side[id];
      const others = wallet + adverseSurplus - surplus[member - first];
      const trigger = tiers[market].liquidationPrice(side, size, store.entryPrice[id], others);
      store.liquidationPrice[id] = trigger;
      const mark = marks[market];
      if (side > 0 ? mark <= trigger : !(trigger > 0) || mark >= trigger) crossed = true;
    }
    if (crossed) {
      this.watch(account);
      return true;
    }
    this.watched[account] = 0;
    for (let member = first; member < last; member++) {
      const id = accounts.members[member];
      if (store.size[id] > 0) index(id);
    }
    return false;
  }

  watch(account: number): void {
    if (this.watched[account] === 1) return;
    this.watched[account] = 1;
    this.watchList.push(account);
  }

  /** An account with nothing left to liquidate: it leaves the watch list at the next visit. */
  unwatch(account: number): void {
    this.watched[account] = 0;
  }

  isWatched(account: number): boolean {
    return this.watched[account] === 1;
  }

  /** Calls `visit` for each watched account; those no longer watched are dropped from the list. */
  forEachWatched(visit: (account: number) => void): void {
    let kept = 0;
    const list = this.watchList;
    for (let index = 0; index < list.length; index++) {
      const account = list[index];
      if (this.watched[account] === 0) continue;
      list[kept++] = account;
      visit(account);
    }
    list.length = kept;
  }

  get watchedCount(): number {
    return this.watchList.length;
  }

  /**
   * Markets whose mark left its band get the mark as their new reference; the accounts holding
   * them are returned (each once) for re-pricing, in increasing order. Account numbers follow
   * the positions' order in memory, so pricing in that order reads the position columns
   * sequentially instead of jumping between the moved markets' member lists (at a shock that
   * moves every market, most of the cost of pricing every cross account is cache misses).
   */
  movedAccounts(marks: Float64Array): Int32Array {
    const accounts = this.accounts;
    let length = 0;
    let movedMarkets = 0;
    this.stamp++;
    for (let market = 0; market < marks.length; market++) {
      const reference = this.reference[market];
      if (Math.abs(marks[market] - reference) <= this.band * reference) continue;
      this.reference[market] = marks[market];
      movedMarkets++;
      for (
        let index = accounts.marketStart[market];
        index < accounts.marketStart[market + 1];
        index++
      ) {
        const account = accounts.marketMembers[index];
        if (this.repriceStamp[account] === this.stamp) continue;
        this.repriceStamp[account] = this.stamp;
        this.toReprice[length++] = account;
      }
    }
    const moved = this.toReprice.subarray(0, length);
    return movedMarkets > 1 ? moved.sort() : moved;
  }

  /** After a full re-pricing (funding, policy) every reference is the current mark. */
  resetReferences(marks: Float64Array): void {
    this.reference.set(marks);
  }
}
