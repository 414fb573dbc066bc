/**
 * Every trader position as struct-of-arrays, indexed by position id. A million positions are a
 * handful of typed arrays, and the hot loops read only the columns they need.
 *
 * Each position carries a wallet balance (`collateral`): the isolated margin, or, on cross
 * margin, its share of the account's wallet. An account's cross wallet is the sum of its
 * positions' shares, so a realised PnL, fee or funding payment lands on the position that caused
 * it and the ledger is a plain sum over positions. Money is kept in the position after a close,
 * so the ledger can count it at the end.
 */
export class PositionStore {
  readonly capacity: number;
  count = 0;
  /** Market index of each position. */
  readonly market: Uint16Array;
  /**
   * Cross account holding several markets (an index into CrossAccounts), or −1 for a position
   * that stands alone: isolated, or the only position of its cross account.
   */
  readonly account: Int32Array;
  /** +1 long, −1 short. */
  readonly side: Int8Array;
  /** Base units, ≥ 0; 0 once closed. */
  readonly size: Float64Array;
  readonly entryPrice: Float64Array;
  /** Wallet balance backing the position (quote units), after realised PnL, fees and funding. */
  readonly collateral: Float64Array;
  readonly cross: Uint8Array;
  /**
   * Current liquidation price (MarginTiers.liquidationPrice); for a position of a multi-market
   * cross account, its conservative trigger price (src/engine/risk/crossTriggers.ts).
   */
  readonly liquidationPrice: Float64Array;
  /** Holders of the traders' net opposite side, one per market (see Simulation); −1 if none. */
  readonly counterpartyIds: Int32Array;

  constructor(capacity: number, marketCount = 1) {
    this.capacity = capacity;
    this.market = new Uint16Array(capacity);
    this.account = new Int32Array(capacity).fill(-1);
    this.side = new Int8Array(capacity);
    this.size = new Float64Array(capacity);
    this.entryPrice = new Float64Array(capacity);
    this.collateral = new Float64Array(capacity);
    this.cross = new Uint8Array(capacity);
    this.liquidationPrice = new Float64Array(capacity);
    this.counterpartyIds = new Int32Array(marketCount).fill(-1);
  }

  add(
    side: number,
    size: number,
    entryPrice: number,
    collateral: number,
    cross: boolean,
    market = 0,
  ): number {
    const id = this.count++;
    this.side[id] = side;
    this.size[id] = size;
    this.entryPrice[id] = entryPrice;
    this.collateral[id] = collateral;
    this.cross[id] = cross ? 1 : 0;
    this.market[id] = market;
    return id;
  }

  /** Collateral plus unrealised PnL at `price` (the mark of the position's market). */
  equity(id: number, price: number): number {
    return this.collateral[id] + this.side[id] * this.size[id] * (price - this.entryPrice[id]);
  }

  /** Unrealised PnL at `price`. */
  unrealised(id: number, price: number): number {
    return this.side[id] * this.size[id] * (price - this.entryPrice[id]);
  }

  private readonly namedRanges: {
    first: number;
    count: number;
    name: (offset: number) => string;
  }[] = [];

  /** Names positions [first, first + count) by their offset (explicit accounts, agents). */
  nameRange(first: number, count: number, name: (offset: number) => string): void {
    this.namedRanges.push({ first, count, name });
  }

  accountName(id: number): string {
    for (const range of this.namedRanges) {
      if (id >= range.first && id < range.first + range.count) return range.name(id - range.first);
    }
    const market = this.counterpartyIds.indexOf(id);
    if (market >= 0)
      return this.counterpartyIds.length === 1 ? "counterparty" : `counterparty-${market}`;
    const account = this.account[id];
    return account >= 0 ? `generated-cross-${account}` : `generated-${id}`;
  }

  /**
   * Reorders positions [from, count) by `rank` (a counting sort: ranks are small integers) so
   * that positions liquidated together sit next to each other in memory. A cascade then walks the
   * arrays nearly in order instead of jumping across megabytes for every liquidation.
   */
  reorder(from: number, rank: Int32Array, rankCount: number): void {
    const length = this.count - from;
    const starts = new Int32Array(rankCount + 1);
    for (let offset = 0; offset < length; offset++) starts[rank[offset] + 1]++;
    for (let value = 0; value < rankCount; value++) starts[value + 1] += starts[value];
    // Destination of each position: sequential reads, scattered writes (cheaper than gathers).
    const destination = new Int32Array(length);
    for (let offset = 0; offset < length; offset++) destination[offset] = starts[rank[offset]]++;
    scatter(this.size, destination, from);
    scatter(this.entryPrice, destination, from);
    scatter(this.collateral, destination, from);
    scatter(this.liquidationPrice, destination, from);
    scatterIntegers(this.side, destination, from);
    scatterIntegers(this.cross, destination, from);
    scatterIntegers(this.market, destination, from);
    scatterIntegers(this.account, destination, from);
  }
}

/** column[from + destination[k]] = old column[from + k]; one function per element kind keeps V8's loads monomorphic. */
function scatter(column: Float64Array, destination: Int32Array, from: number): void {
  const copy = column.slice(from, from + destination.length);
  for (let offset = 0; offset < destination.length; offset++)
    column[from + destination[offset]] = copy[offset];
}

function scatterIntegers(
  column: Int8Array | Uint8Array | Uint16Array | Int32Array,
  destination: Int32Array,
  from: number,
): void {
  const copy = column.slice(from, from + destination.length);
  for (let offset = 0; offset < destination.length; offset++)
    column[from + destination[offset]] = copy[offset];
}
