/**
 * Building `ExplicitPositions` (config.ts): positions from inline lists and files, column by
 * column, with no object and no string kept per position. Account names are interned once each:
 * their UTF-8 bytes go into one buffer, found again through an open-addressing hash table of
 * account indexes, so a million rows cost a few typed arrays rather than a million strings.
 *
 * The names are plain data (`accountNames`) like every other column, so a scenario crosses to
 * worker threads (structured clone) and the Redis wire (JSON) as it is; `accountNameAt` decodes
 * one when an output prints it.
 */
import type { ExplicitPositions, MarginMode, PositionSpec } from "./config.ts";
import { exactLength, grown } from "./typedArrays.ts";

type AccountNames = ExplicitPositions["accountNames"];

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The name of account `account`, decoded from its bytes. */
export function accountNameAt(names: AccountNames, account: number): string {
  return decoder.decode(names.bytes.subarray(names.offsets[account], names.offsets[account + 1]));
}

/** FNV-1a over bytes [start, end), as a signed 32-bit integer. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) {
    hash = Math.imul(hash ^ bytes[index], 0x01000193);
  }
  return hash;
}

/** Where accountsOf's early reads end up: a read whose value goes nowhere is optimised away. */
const readSink = new Int32Array(1);

/** Appends positions column by column; account names are interned as they come. */
export class ExplicitPositionsBuilder {
  count = 0;
  private capacity = 1024;
  private account = new Int32Array(this.capacity);
  private market = new Uint16Array(this.capacity);
  private side = new Int8Array(this.capacity);
  private size = new Float64Array(this.capacity);
  private entryPrice = new Float64Array(this.capacity);
  private collateral = new Float64Array(this.capacity);
  private cross = new Uint8Array(this.capacity);

  accountCount = 0;
  private nameBytes = new Uint8Array(16 * 1024);
  private nameLength = 0;
  private nameOffsets = new Int32Array(1025);
  /**
   * Open addressing, kept at most half full: slot s holds the account index + 1 at 2s (0 =
   * empty) and its name's hash at 2s + 1, side by side so that a probe of a table far larger
   * than the caches misses once, not once per array.
   */
  private slots = new Int32Array(2 * 2048);

  /**
   * Makes room for `positions` more positions and `newAccounts` more accounts at once, not by
   * doubling; columns reserved to the last position are handed over by finish() as they are.
   */
  reserve(positions: number, newAccounts = positions): void {
    const needed = this.count + positions;
    if (needed > this.capacity) {
      this.capacity = needed;
      this.resizeColumns();
    }
    const accounts = this.accountCount + newAccounts;
    if (accounts + 1 > this.nameOffsets.length) {
      this.nameOffsets = grown(this.nameOffsets, accounts + 1);
    }
    let slots = this.slots.length / 2;
    while (2 * accounts > slots) slots *= 2;
    if (2 * slots > this.slots.length) this.rehash(slots);
  }

  /** The account named by bytes [start, end) of `bytes` (UTF-8), added if new. */
  accountOf(bytes: Uint8Array, start: number, end: number): number {
    return this.accountOfHashed(bytes, start, end, hashBytes(bytes, start, end));
  }

  /**
   * accountOf for `count` names at once, bytes [starts[k], ends[k]) of `bytes`, into
   * accounts[k], in order. Each name's slot and, if it holds the same hash, its account's name
   * are read for all of them first: a table far larger than the caches costs a miss per name,
   * and reads that depend on nothing before them overlap, where one lookup after another waits
   * for each miss in turn.
   */
  accountsOf(
    bytes: Uint8Array,
    starts: Int32Array,
    ends: Int32Array,
    count: number,
    accounts: Int32Array,
  ): void {
    const hashes = this.batchHashes;
    const slots = this.slots;
    const mask = slots.length / 2 - 1;
    for (let name = 0; name < count; name++) {
      hashes[name] = hashBytes(bytes, starts[name], ends[name]);
    }
    // Loops of a few instructions a read, so that many reads are under way at once.
    let touched = 0;
    for (let name = 0; name < count; name++) touched ^= slots[2 * (hashes[name] & mask)];
    for (let name = 0; name < count; name++) {
      const slot = hashes[name] & mask;
      const entry = slots[2 * slot];
      if (entry !== 0 && slots[2 * slot + 1] === hashes[name]) {
        touched ^= this.nameBytes[this.nameOffsets[entry - 1]];
      }
    }
    readSink[0] = touched;
    for (let name = 0; name < count; name++) {
      accounts[name] = this.accountOfHashed(bytes, starts[name], ends[name], hashes[name]);
    }
  }

  /** Names accountsOf takes at once, at most. */
  static readonly batchSize = 256;
  private readonly batchHashes = new Int32Array(ExplicitPositionsBuilder.batchSize);

  private accountOfHashed(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length / 2 - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot];
      if (entry === 0) return this.addAccount(bytes, start, end, hash, slot);
      if (slots[2 * slot + 1] === hash && this.sameName(entry - 1, bytes, start, end)) {
        return entry - 1;
      }
    }
  }

  /** The account named `name`, added if new. */
  accountNamed(name: string): number {
    const bytes = encoder.encode(name);
    return this.accountOf(bytes, 0, bytes.length);
  }

  private sameName(account: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.nameOffsets[account];
    if (this.nameOffsets[account + 1] - from !== end - start) return false;
    for (let offset = 0; offset < end - start; offset++) {
      if (this.nameBytes[from + offset] !== bytes[start + offset]) return false;
    }
    return true;
  }

  private addAccount(
    bytes: Uint8Array,
    start: number,
    end: number,
    hash: number,
    slot: number,
  ): number {
    const account = this.accountCount++;
    const length = end - start;
    if (this.nameLength + length > this.nameBytes.length) {
      this.nameBytes = grown(this.nameBytes, 2 * (this.nameLength + length));
    }
    // A loop, not set(subarray): a view per account would be an object per row.
    const nameBytes = this.nameBytes;
    for (let offset = 0; offset < length; offset++) {
      nameBytes[this.nameLength + offset] = bytes[start + offset];
    }
    this.nameLength += length;
    if (this.accountCount + 1 > this.nameOffsets.length) {
      this.nameOffsets = grown(this.nameOffsets, 2 * this.nameOffsets.length);
    }
    this.nameOffsets[this.accountCount] = this.nameLength;
    this.slots[2 * slot] = account + 1;
    this.slots[2 * slot + 1] = hash;
    if (4 * this.accountCount > this.slots.length) this.rehash(this.slots.length);
    return account;
  }

  /** Moves the accounts to a table of `slotCount` slots (a power of two). */
  private rehash(slotCount: number): void {
    const slots = new Int32Array(2 * slotCount);
    const mask = slotCount - 1;
    const old = this.slots;
    for (let index = 0; index < old.length; index += 2) {
      const entry = old[index];
      if (entry === 0) continue;
      const hash = old[index + 1];
      let slot = hash & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = entry;
      slots[2 * slot + 1] = hash;
    }
    this.slots = slots;
  }

  add(
    account: number,
    market: number,
    side: number,
    size: number,
    entryPrice: number,
    collateral: number,
    cross: boolean,
  ): number {
    if (this.count === this.capacity) this.grow();
    const index = this.count++;
    this.account[index] = account;
    this.market[index] = market;
    this.side[index] = side;
    this.size[index] = size;
    this.entryPrice[index] = entryPrice;
    this.collateral[index] = collateral;
    this.cross[index] = cross ? 1 : 0;
    return index;
  }

  /** Position `index`'s account, set after the row was added (accountsOf). */
  setAccount(index: number, account: number): void {
    this.account[index] = account;
  }

  /** Position `index`'s collateral, set after the row was added (wallet shares). */
  setCollateral(index: number, collateral: number): void {
    this.collateral[index] = collateral;
  }

  private grow(): void {
    this.capacity *= 2;
    this.resizeColumns();
  }

  private resizeColumns(): void {
    this.account = grown(this.account, this.capacity);
    this.market = grown(this.market, this.capacity);
    this.side = grown(this.side, this.capacity);
    this.size = grown(this.size, this.capacity);
    this.entryPrice = grown(this.entryPrice, this.capacity);
    this.collateral = grown(this.collateral, this.capacity);
    this.cross = grown(this.cross, this.capacity);
  }

  /**
   * The positions so far, in exact-length columns of their own: a column already that long is
   * handed over as it is (no copy of 32 bytes per position), so the builder is done after this.
   */
  finish(): ExplicitPositions {
    const count = this.count;
    return {
      count,
      account: exactLength(this.account, count),
      accountCount: this.accountCount,
      market: exactLength(this.market, count),
      side: exactLength(this.side, count),
      size: exactLength(this.size, count),
      entryPrice: exactLength(this.entryPrice, count),
      collateral: exactLength(this.collateral, count),
      cross: exactLength(this.cross, count),
      accountNames: {
        bytes: exactLength(this.nameBytes, this.nameLength),
        offsets: exactLength(this.nameOffsets, this.accountCount + 1),
      },
    };
  }
}

/** Inline positions (one object each) as columns; a position without marginMode takes `defaultMode`. */
export function explicitPositions(
  positions: readonly PositionSpec[],
  defaultMode: MarginMode = "isolated",
): ExplicitPositions {
  const builder = new ExplicitPositionsBuilder();
  for (const position of positions) {
    builder.add(
      builder.accountNamed(position.account),
      0,
      position.side === "long" ? 1 : -1,
      position.size,
      position.entryPrice,
      position.collateral,
      (position.marginMode ?? defaultMode) === "cross",
    );
  }
  return builder.finish();
}

/** Explicit positions of one market, merged as the engine holds them (see `mergeCrossPositions`). */
export interface MergedPositions {
  count: number;
  account: Int32Array;
  market: Uint16Array;
  side: Int8Array;
  size: Float64Array;
  entryPrice: Float64Array;
  collateral: Float64Array;
  cross: Uint8Array;
}

/**
 * Cross positions of one account in one market share its wallet and, in one-way mode, are one
 * position: merged into the first, at the size-weighted entry price, with the collaterals added;
 * isolated positions stay as they are, in order. The scenario layer rejects an account with
 * both sides on one cross market, with the position's location; meeting it here is a bug.
 */
export function mergeCrossPositions(positions: ExplicitPositions): MergedPositions {
  const count = positions.count;
  const merged: MergedPositions = {
    count: 0,
    account: new Int32Array(count),
    market: new Uint16Array(count),
    side: new Int8Array(count),
    size: new Float64Array(count),
    entryPrice: new Float64Array(count),
    collateral: new Float64Array(count),
    cross: new Uint8Array(count),
  };
  /** Merged index of each (account, market) cross position. */
  const crossIndex = new Map<number, number>();
  for (let index = 0; index < count; index++) {
    const cross = positions.cross[index] === 1;
    const key = positions.account[index] * 65_536 + positions.market[index];
    const existing = cross ? crossIndex.get(key) : undefined;
    if (existing === undefined) {
      const target = merged.count++;
      merged.account[target] = positions.account[index];
      merged.market[target] = positions.market[index];
      merged.side[target] = positions.side[index];
      merged.size[target] = positions.size[index];
      merged.entryPrice[target] = positions.entryPrice[index];
      merged.collateral[target] = positions.collateral[index];
      merged.cross[target] = positions.cross[index];
      if (cross) crossIndex.set(key, target);
      continue;
    }
    if (merged.side[existing] !== positions.side[index]) {
      throw new Error(
        `account ${accountNameAt(positions.accountNames, positions.account[index])}: long and short on one cross wallet`,
      );
    }
    const heldSize = merged.size[existing];
    const size = heldSize + positions.size[index];
    merged.entryPrice[existing] =
      (heldSize * merged.entryPrice[existing] +
        positions.size[index] * positions.entryPrice[index]) /
      size;
    merged.size[existing] = size;
    merged.collateral[existing] += positions.collateral[index];
  }
  return merged;
}
