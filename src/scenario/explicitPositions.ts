/**
 * Explicit positions (inline lists and position files) gathered into the engine's columns:
 * accounts numbered in order of first appearance, each name kept once.
 */
import { packAccountNames } from "../engine/accountNames.ts";
import type { ExplicitPositions, MarginMode, PositionSpec } from "../engine/config.ts";

export class ExplicitPositionsBuilder {
  private count = 0;
  private account = new Int32Array(16);
  private market = new Uint16Array(16);
  private side = new Int8Array(16);
  private size = new Float64Array(16);
  private entryPrice = new Float64Array(16);
  private collateral = new Float64Array(16);
  private cross = new Uint8Array(16);
  private readonly accountIndex = new Map<string, number>();
  private readonly accountNames: string[] = [];

  constructor(private readonly defaultMode: MarginMode) {}

  add(position: PositionSpec, market: number): void {
    if (this.count === this.size.length) this.grow();
    const row = this.count++;
    let account = this.accountIndex.get(position.account);
    if (account === undefined) {
      account = this.accountNames.length;
      this.accountIndex.set(position.account, account);
      this.accountNames.push(position.account);
    }
    this.account[row] = account;
    this.market[row] = market;
    this.side[row] = position.side === "long" ? 1 : -1;
    this.size[row] = position.size;
    this.entryPrice[row] = position.entryPrice;
    this.collateral[row] = position.collateral;
    this.cross[row] = (position.marginMode ?? this.defaultMode) === "cross" ? 1 : 0;
  }

  build(): ExplicitPositions {
    const count = this.count;
    return {
      count,
      account: this.account.slice(0, count),
      accountCount: this.accountNames.length,
      accountNames: packAccountNames(this.accountNames),
      market: this.market.slice(0, count),
      side: this.side.slice(0, count),
      size: this.size.slice(0, count),
      entryPrice: this.entryPrice.slice(0, count),
      collateral: this.collateral.slice(0, count),
      cross: this.cross.slice(0, count),
    };
  }

  private grow(): void {
    const capacity = 2 * this.size.length;
    const grown = <T extends Int32Array | Uint16Array | Int8Array | Uint8Array | Float64Array>(
      column: T,
      make: (length: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(column);
      return next;
    };
    this.account = grown(this.account, (length) => new Int32Array(length));
    this.market = grown(this.market, (length) => new Uint16Array(length));
    this.side = grown(this.side, (length) => new Int8Array(length));
    this.size = grown(this.size, (length) => new Float64Array(length));
    this.entryPrice = grown(this.entryPrice, (length) => new Float64Array(length));
    this.collateral = grown(this.collateral, (length) => new Float64Array(length));
    this.cross = grown(this.cross, (length) => new Uint8Array(length));
  }
}

/** No explicit positions. */
export function noExplicitPositions(): ExplicitPositions {
  return new ExplicitPositionsBuilder("isolated").build();
}
