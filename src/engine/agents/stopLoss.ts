/**
 * Resting stop-loss orders: a stop-market order that closes a position once the mark crosses
 * its stop price (Binance "Stop Market" with working type MARK_PRICE). Stops sit on positions
 * at the start of the run; an account type is a leverage band, and each band has its own share
 * of positions carrying a stop and its own distribution of stop distance from the entry price:
 *   long stop  = entry × (1 − distance),  short stop = entry × (1 + distance).
 * A stop that would trigger only after the position's liquidation price is never placed: the
 * trader would be liquidated first.
 *
 * Triggered stops are found with the same bucket queue as liquidations (TriggerIndex), never by
 * scanning every position: a stop cascade over a million positions costs what it triggers.
 */
import type { DistanceDistribution, StopLossSpec } from "../config.ts";
import type { RandomStream } from "../random.ts";
import { TriggerIndex } from "../risk/liquidationIndex.ts";
import type { PositionStore } from "../venue/positionStore.ts";

function drawDistance(distribution: DistanceDistribution, random: RandomStream): number {
  return distribution.distribution === "uniform"
    ? distribution.low + (distribution.high - distribution.low) * random.uniform()
    : distribution.median * Math.exp(distribution.sigma * random.normal());
}

export class StopLossBook {
  /** Stop price per position; 0 = no live stop. */
  readonly stopPrice: Float64Array;
  private readonly longIndex: TriggerIndex;
  private readonly shortIndex: TriggerIndex;
  private readonly triggered: number[] = [];
  private readonly takeLong = (id: number, value: number): void => {
    if (this.stopPrice[id] === value) this.triggered.push(id);
  };
  private readonly takeShort = (id: number, value: number): void => {
    if (this.stopPrice[id] > 0 && 1 / this.stopPrice[id] === value) this.triggered.push(id);
  };
  placed = 0;

  constructor(capacity: number, referencePrice: number) {
    this.stopPrice = new Float64Array(capacity);
    this.longIndex = new TriggerIndex(referencePrice, 16);
    this.shortIndex = new TriggerIndex(1 / referencePrice, 16);
  }

  /**
   * Draws a stop for each of positions [0, count) except `skip` (the counterparty): the group is
   * the first whose minLeverage ≤ size × entry / wallet; one uniform draw decides whether the
   * position has a stop, then the distance is drawn. Groups are listed highest leverage first.
   */
  place(store: PositionStore, spec: StopLossSpec, random: RandomStream, skip: number): void {
    for (let id = 0; id < store.count; id++) {
      if (id === skip || store.size[id] === 0) continue;
      const leverage = (store.size[id] * store.entryPrice[id]) / store.collateral[id];
      const group = spec.groups.find((candidate) => leverage >= candidate.minLeverage);
      if (group === undefined) continue;
      if (random.uniform() >= group.share) continue;
      const distance = drawDistance(group.distance, random);
      const side = store.side[id];
      const stop = store.entryPrice[id] * (1 - side * distance);
      if (!(stop > 0)) continue;
      // A stop behind the liquidation price could never fire before the liquidation.
      const liquidation = store.liquidationPrice[id];
      if (side > 0 ? stop <= liquidation : liquidation > 0 && stop >= liquidation) continue;
      this.add(id, side, stop);
      this.placed++;
    }
  }

  add(id: number, side: number, stop: number): void {
    this.stopPrice[id] = stop;
    if (side > 0) this.longIndex.add(stop, id);
    else this.shortIndex.add(1 / stop, id);
  }

  /** Stops the mark has crossed, removed from the index; the caller executes or re-adds them. */
  take(mark: number): number[] {
    this.triggered.length = 0;
    this.longIndex.takeAtOrAbove(mark, this.takeLong);
    this.shortIndex.takeAtOrAbove(1 / mark, this.takeShort);
    return this.triggered;
  }

  cancel(id: number): void {
    this.stopPrice[id] = 0;
  }
}
