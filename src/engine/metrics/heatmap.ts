/**
 * Liquidation heatmap: how much notional would be liquidated at each price level if the price
 * went there with nothing else changing (the "liquidation clusters" traders look for).
 */
import type { HeatmapBucket } from "../result.ts";
import type { PositionStore } from "../venue/positionStore.ts";

export interface HeatmapOptions {
  /** Half-width of the price window around the current price, as a fraction. */
  range: number;
  bucketCount: number;
}

export const defaultHeatmapOptions: HeatmapOptions = { range: 0.3, bucketCount: 120 };

/**
 * `positions`: the ids to count (one market's), every position when absent. A position of a
 * multi-market cross account counts at its liquidation price in its own market with the other
 * markets held (CrossTriggers' conservative price).
 */
export function liquidationHeatmap(
  store: PositionStore,
  price: number,
  options: HeatmapOptions = defaultHeatmapOptions,
  positions?: Int32Array,
): HeatmapBucket[] {
  const low = price * (1 - options.range);
  const width = (2 * options.range * price) / options.bucketCount;
  const buckets: HeatmapBucket[] = [];
  for (let index = 0; index < options.bucketCount; index++) {
    buckets.push({
      priceLow: low + index * width,
      priceHigh: low + (index + 1) * width,
      longNotional: 0,
      shortNotional: 0,
      longCount: 0,
      shortCount: 0,
    });
  }
  const count = positions === undefined ? store.count : positions.length;
  for (let entry = 0; entry < count; entry++) {
    const id = positions === undefined ? entry : positions[entry];
    const size = store.size[id];
    if (size === 0) continue;
    const liquidationPrice = store.liquidationPrice[id];
    const index = Math.floor((liquidationPrice - low) / width);
    if (index < 0 || index >= options.bucketCount) continue;
    const bucket = buckets[index];
    if (store.side[id] > 0) {
      bucket.longNotional += size * liquidationPrice;
      bucket.longCount++;
    } else {
      bucket.shortNotional += size * liquidationPrice;
      bucket.shortCount++;
    }
  }
  return buckets;
}
