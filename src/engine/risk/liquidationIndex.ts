/**
 * Which positions does the next price cross? A bucket queue over log-price, one per side, in
 * typed arrays. A position is liquidatable when its trigger value reaches the threshold:
 * longs use value = liquidation price and threshold = mark (mark ≤ LP), shorts use
 * value = 1 / liquidation price and threshold = 1 / mark (mark ≥ LP), so both sides are the same
 * "take everything at or above the threshold" structure.
 *
 * Buckets are 1 basis point of log-price wide around the start price. Taking the crossed entries
 * visits whole buckets above the threshold without comparing (every entry in them qualifies) and
 * compares entries only in the threshold's own bucket. Insertion is O(1). A cascade that
 * liquidates k positions costs O(k + buckets passed), instead of O(k log n) for a heap or a scan
 * of all n positions per round.
 *
 * Entries are never removed in place: when a position's liquidation price changes (partial
 * close, funding, ADL) a new entry is added and the old one is recognised as stale when taken,
 * because it no longer equals the position's current value.
 */
import { grown } from "../typedArrays.ts";

const bucketWidth = 1e-4;
/** ±60 % of log-price around the reference: beyond it, entries share the two end buckets. */
const halfRange = 0.6;

export class TriggerIndex {
  private readonly bucketCount = Math.ceil((2 * halfRange) / bucketWidth) + 1;
  private readonly head = new Int32Array(this.bucketCount).fill(-1);
  private readonly logReference: number;
  /** Highest bucket that may hold entries (the scan for crossed entries starts here). */
  private top = -1;
  private values: Float64Array;
  private ids: Int32Array;
  private next: Int32Array;
  private length = 0;
  private live = 0;

  constructor(referenceValue: number, initialCapacity: number) {
    this.logReference = Math.log(referenceValue);
    const capacity = Math.max(16, initialCapacity);
    this.values = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /** Entries added and not yet taken (stale ones included). */
  get size(): number {
    return this.live;
  }

  clear(): void {
    this.head.fill(-1);
    this.top = -1;
    this.length = 0;
    this.live = 0;
  }

  private bucketOf(value: number): number {
    const offset = (Math.log(value) - this.logReference + halfRange) / bucketWidth;
    if (!(offset > 0)) return 0;
    return offset >= this.bucketCount - 1 ? this.bucketCount - 1 : Math.floor(offset);
  }

  /** Adds a position; values ≤ 0 (a long that cannot be liquidated) are not indexed. */
  add(value: number, id: number): void {
    if (!(value > 0)) return;
    if (this.length === this.values.length) this.grow();
    const entry = this.length++;
    const bucket = this.bucketOf(value);
    this.values[entry] = value;
    this.ids[entry] = id;
    this.next[entry] = this.head[bucket];
    this.head[bucket] = entry;
    if (bucket > this.top) this.top = bucket;
    this.live++;
  }

  /**
   * Calls `take(id, value)` for every entry whose value is ≥ threshold and removes it. The caller
   * decides whether the entry is stale.
   */
  takeAtOrAbove(threshold: number, take: (id: number, value: number) => void): void {
    if (!(threshold > 0)) {
      this.takeAll(take);
      return;
    }
    if (this.top < 0) return;
    const thresholdBucket = this.bucketOf(threshold);
    const values = this.values;
    const ids = this.ids;
    const next = this.next;
    for (let bucket = this.top; bucket > thresholdBucket; bucket--) {
      for (let entry = this.head[bucket]; entry !== -1; entry = next[entry]) {
        take(ids[entry], values[entry]);
        this.live--;
      }
      this.head[bucket] = -1;
    }
    // The threshold's bucket: keep the entries below the threshold, take the rest.
    let kept = -1;
    let entry = this.head[thresholdBucket];
    while (entry !== -1) {
      const following = next[entry];
      if (values[entry] >= threshold) {
        take(ids[entry], values[entry]);
        this.live--;
      } else {
        next[entry] = kept;
        kept = entry;
      }
      entry = following;
    }
    this.head[thresholdBucket] = kept;
    this.top = thresholdBucket;
    while (this.top >= 0 && this.head[this.top] === -1) this.top--;
    if (this.live === 0) this.length = 0;
  }

  private takeAll(take: (id: number, value: number) => void): void {
    for (let bucket = this.top; bucket >= 0; bucket--) {
      for (let entry = this.head[bucket]; entry !== -1; entry = this.next[entry]) {
        take(this.ids[entry], this.values[entry]);
      }
    }
    this.clear();
  }

  private grow(): void {
    this.values = grown(this.values, this.values.length * 2);
    this.ids = grown(this.ids, this.ids.length * 2);
    this.next = grown(this.next, this.next.length * 2);
  }
}
