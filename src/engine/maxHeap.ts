/**
 * A binary max-heap of (key, id) pairs in typed arrays: no object per entry. Bulk-load with
 * `append` then `heapify` (O(n)); `pop` is O(log n). Used where only the first few of many
 * candidates are needed, such as ADL's ranked winners.
 */
import { grown } from "./typedArrays.ts";
export class MaxHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  private length = 0;

  constructor(initialCapacity: number) {
    const capacity = Math.max(16, initialCapacity);
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  clear(): void {
    this.length = 0;
  }

  /** Append without ordering; call `heapify` once after a bulk load (O(n) instead of n log n). */
  append(key: number, id: number): void {
    if (this.length === this.keys.length) this.grow();
    this.keys[this.length] = key;
    this.ids[this.length] = id;
    this.length++;
  }

  heapify(): void {
    for (let index = (this.length >> 1) - 1; index >= 0; index--) this.siftDown(index);
  }

  push(key: number, id: number): void {
    this.append(key, id);
    this.siftUp(this.length - 1);
  }

  topKey(): number {
    return this.length === 0 ? Number.NEGATIVE_INFINITY : this.keys[0];
  }

  topId(): number {
    return this.ids[0];
  }

  pop(): void {
    this.length--;
    if (this.length > 0) {
      this.keys[0] = this.keys[this.length];
      this.ids[0] = this.ids[this.length];
      this.siftDown(0);
    }
  }

  private grow(): void {
    this.keys = grown(this.keys, this.keys.length * 2);
    this.ids = grown(this.ids, this.ids.length * 2);
  }

  private siftUp(start: number): void {
    const keys = this.keys;
    const ids = this.ids;
    const key = keys[start];
    const id = ids[start];
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (keys[parent] >= key) break;
      keys[index] = keys[parent];
      ids[index] = ids[parent];
      index = parent;
    }
    keys[index] = key;
    ids[index] = id;
  }

  private siftDown(start: number): void {
    const keys = this.keys;
    const ids = this.ids;
    const length = this.length;
    const key = keys[start];
    const id = ids[start];
    let index = start;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && keys[child + 1] > keys[child]) child++;
      if (keys[child] <= key) break;
      keys[index] = keys[child];
      ids[index] = ids[child];
      index = child;
    }
    keys[index] = key;
    ids[index] = id;
  }
}
