/**
 * Cross-margin accounts that hold positions in several markets. Each position keeps its share
 * of the account's wallet in `PositionStore.collateral`; the account is what is margined:
 *   equity = Σ wallet shares + Σ unrealised PnL at each market's mark,
 *   maintenance = Σ per-market maintenance margin of each position's notional
 * (Hyperliquid, "Liquidations": "the account equity falls below the maintenance margin"; the
 * same sums as Binance's cross-margin ratio). Accounts are a CSR list of their positions, and
 * each market keeps the accounts that hold it, so a move in one market re-prices only the
 * accounts it touches.
 *
 * Positions that stand alone (isolated, or the only position of a cross account) are not here:
 * their wallet is their own and the single-position formulas apply exactly.
 */
import type { MarginTiers } from "./marginTiers.ts";
import type { PositionStore } from "./positionStore.ts";

export class CrossAccounts {
  readonly count: number;
  /** Positions of account a: members[start[a] .. start[a + 1]). */
  readonly start: Int32Array;
  readonly members: Int32Array;
  /** Accounts holding market m: marketMembers[marketStart[m] .. marketStart[m + 1]). */
  readonly marketStart: Int32Array;
  readonly marketMembers: Int32Array;

  /** Groups positions by `store.account` (accounts numbered 0 … count − 1). */
  constructor(store: PositionStore, count: number, marketCount: number) {
    this.count = count;
    this.start = new Int32Array(count + 1);
    for (let id = 0; id < store.count; id++) {
      if (store.account[id] >= 0) this.start[store.account[id] + 1]++;
    }
    for (let account = 0; account < count; account++)
      this.start[account + 1] += this.start[account];
    this.members = new Int32Array(this.start[count]);
    const cursor = this.start.slice(0, count);
    for (let id = 0; id < store.count; id++) {
      const account = store.account[id];
      if (account >= 0) this.members[cursor[account]++] = id;
    }
    this.marketStart = new Int32Array(marketCount + 1);
    for (let index = 0; index < this.members.length; index++) {
      this.marketStart[store.market[this.members[index]] + 1]++;
    }
    for (let market = 0; market < marketCount; market++) {
      this.marketStart[market + 1] += this.marketStart[market];
    }
    this.marketMembers = new Int32Array(this.members.length);
    const marketCursor = this.marketStart.slice(0, marketCount);
    // Accounts in increasing order within each market: the order re-pricing visits them in.
    for (let account = 0; account < count; account++) {
      for (let index = this.start[account]; index < this.start[account + 1]; index++) {
        this.marketMembers[marketCursor[store.market[this.members[index]]]++] = account;
      }
    }
  }

  /** Σ wallet shares, closed positions included (their realised PnL stays in the account). */
  wallet(account: number, store: PositionStore): number {
    let total = 0;
    for (let index = this.start[account]; index < this.start[account + 1]; index++) {
      total += store.collateral[this.members[index]];
    }
    return total;
  }

  equity(account: number, store: PositionStore, marks: Float64Array): number {
    let total = 0;
    for (let index = this.start[account]; index < this.start[account + 1]; index++) {
      const id = this.members[index];
      total += store.collateral[id];
      if (store.size[id] > 0) total += store.unrealised(id, marks[store.market[id]]);
    }
    return total;
  }

  maintenance(
    account: number,
    store: PositionStore,
    marks: Float64Array,
    tiers: readonly MarginTiers[],
  ): number {
    let total = 0;
    for (let index = this.start[account]; index < this.start[account + 1]; index++) {
      const id = this.members[index];
      const size = store.size[id];
      if (size > 0) {
        const market = store.market[id];
        total += tiers[market].maintenanceMargin(size * marks[market]);
      }
    }
    return total;
  }

  /** Open positions of the account. */
  openCount(account: number, store: PositionStore): number {
    let open = 0;
    for (let index = this.start[account]; index < this.start[account + 1]; index++) {
      if (store.size[this.members[index]] > 0) open++;
    }
    return open;
  }

  /**
   * Moves the account's whole wallet onto its open positions so that each one's equity is the
   * account's equity × its share of the maintenance margin: every position then has the
   * account's margin ratio, and its own bankruptcy price is where the account's equity would be
   * zero if the others moved in proportion. Zero-sum inside the account (the ledger is
   * unchanged); it gives the loss waterfall a per-position bankruptcy price to work with.
   */
  pool(account: number, store: PositionStore, marks: Float64Array, tiers: readonly MarginTiers[]) {
    const equity = this.equity(account, store, marks);
    const maintenance = this.maintenance(account, store, marks, tiers);
    if (!(maintenance > 0)) return;
    for (let index = this.start[account]; index < this.start[account + 1]; index++) {
      const id = this.members[index];
      const size = store.size[id];
      if (size === 0) {
        store.collateral[id] = 0;
        continue;
      }
      const market = store.market[id];
      const share = tiers[market].maintenanceMargin(size * marks[market]) / maintenance;
      store.collateral[id] = equity * share - store.unrealised(id, marks[market]);
    }
  }
}
