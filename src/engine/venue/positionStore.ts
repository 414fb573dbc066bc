/**
 * Every trader position as struct-of-arrays, indexed by position id. A million positions are a
 * handful of typed arrays, and the hot loops read only the columns they need.
 *
 * Each position carries its own wallet balance (`collateral`): the isolated margin, or the cross
 * wallet of an account that trades this one symbol. Money is kept in the position after a close,
 * so the ledger can count it at the end.
 */
export class PositionStore {
  readonly capacity: number;
  count = 0;
  /** +1 long, −1 short. */
  readonly side: Int8Array;
  /** Base units, ≥ 0; 0 once closed. */
  readonly size: Float64Array;
  readonly entryPrice: Float64Array;
  /** Wallet balance backing the position (quote units), after realised PnL, fees and funding. */
  readonly collateral: Float64Array;
  readonly cross: Uint8Array;
  /** Current liquidation price (see MarginTiers.liquidationPrice). */
  readonly liquidationPrice: Float64Array;
  /** The holder of the traders' net opposite side (see Simulation), −1 if none was needed. */
  counterpartyId = -1;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.side = new Int8Array(capacity);
    this.size = new Float64Array(capacity);
    this.entryPrice = new Float64Array(capacity);
    this.collateral = new Float64Array(capacity);
    this.cross = new Uint8Array(capacity);
    this.liquidationPrice = new Float64Array(capacity);
  }

  add(side: number, size: number, entryPrice: number, collateral: number, cross: boolean): number {
    const id = this.count++;
    this.side[id] = side;
    this.size[id] = size;
    this.entryPrice[id] = entryPrice;
    this.collateral[id] = collateral;
    this.cross[id] = cross ? 1 : 0;
    return id;
  }

  /** Collateral plus unrealised PnL at `price`. */
  equity(id: number, price: number): number {
    return this.collateral[id] + this.side[id] * this.size[id] * (price - this.entryPrice[id]);
  }

  /** Names explicit positions [0, count) by id; generated positions are named from their id. */
  nameExplicit(count: number, name: (id: number) => string): void {
    this.explicitNames = { count, name };
  }

  private explicitNames: { count: number; name: (id: number) => string } | null = null;

  /** Names positions [first, first + count) by their offset (accumulation agents). */
  nameRange(first: number, count: number, name: (offset: number) => string): void {
    this.namedRange = { first, count, name };
  }

  private namedRange: { first: number; count: number; name: (offset: number) => string } | null =
    null;

  accountName(id: number): string {
    const explicit = this.explicitNames;
    if (explicit !== null && id < explicit.count) return explicit.name(id);
    const range = this.namedRange;
    if (range !== null && id >= range.first && id < range.first + range.count) {
      return range.name(id - range.first);
    }
    return id === this.counterpartyId ? "counterparty" : `generated-${id}`;
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
    scatterBytes(this.side, destination, from);
    scatterBytes(this.cross, destination, from);
  }
}

/** column[from + destination[k]] = old column[from + k]; one function per element type keeps V8 monomorphic. */
function scatter(column: Float64Array, destination: Int32Array, from: number): void {
  const copy = column.slice(from, from + destination.length);
  for (let offset = 0; offset < destination.length; offset++)
    column[from + destination[offset]] = copy[offset];
}

function scatterBytes(column: Int8Array | Uint8Array, destination: Int32Array, from: number): void {
  const copy = column.slice(from, from + destination.length);
  for (let offset = 0; offset < destination.length; offset++)
    column[from + destination[offset]] = copy[offset];
}
