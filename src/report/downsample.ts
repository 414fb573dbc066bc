/**
 * Shrinking long series for the browser. A cascade is about extremes (the lowest price, the
 * biggest liquidation step), so each bucket keeps its minimum and maximum rather than an
 * average that would flatten exactly the spikes the report is meant to show.
 */

/**
 * Indices (ascending) of the points to keep: both endpoints, and the minimum and maximum of
 * each bucket between them. NaN points never win a bucket; a bucket with nothing but NaN keeps
 * its first point so a gap in the data stays a gap on the chart.
 */
function minMaxIndices(y: Float64Array, maxPoints: number): number[] {
  const length = y.length;
  if (length <= maxPoints) return Array.from({ length }, (_, index) => index);
  const interiorLength = length - 2;
  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const kept: number[] = [0];
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const start = 1 + Math.floor((bucket * interiorLength) / bucketCount);
    const end = 1 + Math.floor(((bucket + 1) * interiorLength) / bucketCount);
    let minIndex = -1;
    let maxIndex = -1;
    for (let index = start; index < end; index++) {
      const value = y[index];
      if (Number.isNaN(value)) continue;
      if (minIndex === -1 || value < y[minIndex]) minIndex = index;
      if (maxIndex === -1 || value > y[maxIndex]) maxIndex = index;
    }
    if (minIndex === -1) kept.push(start);
    else if (minIndex === maxIndex) kept.push(minIndex);
    else kept.push(Math.min(minIndex, maxIndex), Math.max(minIndex, maxIndex));
  }
  kept.push(length - 1);
  return kept;
}

/** Fewer than four points cannot hold both endpoints plus a bucket's minimum and maximum. */
function checkMaxPoints(maxPoints: number, seriesCount: number): void {
  if (!Number.isInteger(maxPoints) || maxPoints < 4 * seriesCount) {
    throw new RangeError(
      `maxPoints must be an integer of at least ${4 * seriesCount}, got ${maxPoints}`,
    );
  }
}

function pick(values: Float64Array, indices: readonly number[]): Float64Array {
  const picked = new Float64Array(indices.length);
  for (let position = 0; position < indices.length; position++)
    picked[position] = values[indices[position]];
  return picked;
}

/**
 * At most `maxPoints` points of (x, y), in their original order, keeping both endpoints and the
 * global minimum and maximum of y. Series that already fit are returned as copies.
 */
export function downsampleMinMax(
  x: Float64Array,
  y: Float64Array,
  maxPoints: number,
): { x: Float64Array; y: Float64Array } {
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} points but y has ${y.length}`);
  checkMaxPoints(maxPoints, 1);
  const indices = minMaxIndices(y, maxPoints);
  return { x: pick(x, indices), y: pick(y, indices) };
}

/**
 * Downsamples several series that share one x axis (as a chart needs them) to at most
 * `maxPoints` shared points, which must allow four per series. Each series gets an equal share
 * of the budget for its own extremes, and every series is sampled at the union of the chosen
 * points, so no series loses its extremes and none needs gaps where another kept a point.
 */
export function downsampleAligned(
  x: Float64Array,
  series: readonly Float64Array[],
  maxPoints: number,
): { x: Float64Array; series: Float64Array[] } {
  for (const values of series) {
    if (values.length !== x.length)
      throw new RangeError(`x has ${x.length} points but a series has ${values.length}`);
  }
  checkMaxPoints(maxPoints, Math.max(1, series.length));
  if (x.length <= maxPoints || series.length === 0) {
    return { x: x.slice(), series: series.map((values) => values.slice()) };
  }
  const share = Math.floor(maxPoints / series.length);
  const keep = new Uint8Array(x.length);
  for (const values of series) for (const index of minMaxIndices(values, share)) keep[index] = 1;
  const indices: number[] = [];
  for (let index = 0; index < keep.length; index++) if (keep[index] === 1) indices.push(index);
  return { x: pick(x, indices), series: series.map((values) => pick(values, indices)) };
}
