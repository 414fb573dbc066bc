/**
 * Per-step flows (liquidated notional, ADL) drawn over thousands of steps would be bars one
 * pixel wide or less; they are summed here into round time buckets (1 min, 15 min, 1 h, …) so a
 * chart shows at most a few hundred bars, each wide enough to see. And the cascade window: the
 * stretch of the run where the liquidations happened, which every time chart can zoom to.
 * No Node imports: the browser charts use it too.
 */
import type { TimeBase } from "./timeAxis.ts";

/** Round bucket lengths in seconds. */
const bucketSeconds = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
];

/** Bars per chart at most: about 4 px each across a 1,200 px plot. */
export const maxBars = 300;

/** Steps per bucket: the shortest round time span that gives at most `limit` buckets. */
export function barSteps(time: TimeBase, steps: number, limit = maxBars): number {
  const needed = (steps * time.dt) / limit;
  const seconds = bucketSeconds.find((length) => length >= needed && length >= time.dt);
  return Math.max(1, Math.ceil((seconds ?? needed) / time.dt));
}

/**
 * Sums of `values` (one per step, row 0 = before the first step) over buckets of `width` steps
 * starting at step 0: x is each bucket's first step. NaN counts as nothing.
 */
export function bucketSums(values: Float64Array, width: number): { x: number[]; sums: number[] } {
  const x: number[] = [];
  const sums: number[] = [];
  for (let start = 0; start < values.length; start += width) {
    let total = 0;
    const end = Math.min(values.length, start + width);
    for (let step = start; step < end; step++)
      if (Number.isFinite(values[step])) total += values[step];
    x.push(start);
    sums.push(total);
  }
  return { x, sums };
}

/** Share of the liquidated notional the cascade window must hold. */
export const cascadeShare = 0.9;

/**
 * The shortest run of steps holding 90 % of the liquidated notional, widened by a quarter of its
 * length (at least 2 % of the run and 5 steps) on each side so the approach and the aftermath
 * show. Null when nothing was liquidated or the window would cover most of the run anyway.
 */
export function cascadeWindow(perStep: Float64Array): [number, number] | null {
  const steps = perStep.length - 1;
  let total = 0;
  for (const value of perStep) if (value > 0) total += value;
  if (!(total > 0) || steps < 1) return null;
  const needed = total * cascadeShare;
  let best: [number, number] | null = null;
  let sum = 0;
  let left = 0;
  for (let right = 0; right <= steps; right++) {
    if (perStep[right] > 0) sum += perStep[right];
    while (left < right && sum - Math.max(0, perStep[left]) >= needed) {
      sum -= Math.max(0, perStep[left]);
      left++;
    }
    if (sum >= needed && (best === null || right - left < best[1] - best[0])) best = [left, right];
  }
  if (best === null) return null;
  const padding = Math.max(5, Math.ceil(0.25 * (best[1] - best[0])), Math.ceil(0.02 * steps));
  const low = Math.max(0, best[0] - padding);
  const high = Math.min(steps, best[1] + padding);
  return high - low >= 0.6 * steps ? null : [low, high];
}
