/**
 * Capped weighted water-filling: split `total` units over winners in proportion to their weights,
 * no winner above its cap,
 *   q_i = min(cap_i, τ × w_i),   Σ q_i = total,
 * the "risk-aware pro-rata water-filling" of Chitra et al. ("Autodeleveraging: Impossibilities
 * and Optimization", arXiv 2512.01112, appendix "Algorithms for Pro-Rata Haircut Rules"), here in
 * contract units: winners are visited by cap / weight, those whose cap binds are filled, and τ is
 * the level at which the rest, shared by weight, adds up to what remains. When the caps together
 * cannot reach `total`, every winner gets its cap (the caller decides what happens to the rest).
 *
 * Worked example (test/engine/risk/adlAllocation.test.ts): weights 1, 1, 2, caps 1, 10, 10,
 * total 6: τ with all three uncapped would be 6 / 4 = 1.5, above the first cap / weight (1); so
 * the first takes its cap 1 and the other two share 5 by weight 1 : 2, τ = 5 / 3:
 * q = 1, 1.667, 3.333.
 */
export function waterFill(
  count: number,
  weights: Float64Array,
  caps: Float64Array,
  total: number,
  /** Scratch of at least `count` entries; left sorted by cap / weight. */
  order: Int32Array,
  ratio: Float64Array,
  out: Float64Array,
): void {
  let weightLeft = 0;
  for (let index = 0; index < count; index++) {
    order[index] = index;
    ratio[index] = weights[index] > 0 ? caps[index] / weights[index] : Number.POSITIVE_INFINITY;
    weightLeft += Math.max(weights[index], 0);
  }
  order.subarray(0, count).sort((first, second) => ratio[first] - ratio[second] || first - second);
  let level = Number.POSITIVE_INFINITY;
  let filled = 0;
  for (let rank = 0; rank < count; rank++) {
    const index = order[rank];
    if (!(weights[index] > 0)) break;
    // Everyone not yet capped rises to ratio[index]: does that reach the total?
    if (filled + ratio[index] * weightLeft >= total) {
      level = (total - filled) / weightLeft;
      break;
    }
    filled += caps[index];
    weightLeft -= weights[index];
  }
  for (let index = 0; index < count; index++) {
    out[index] = weights[index] > 0 ? Math.min(caps[index], level * weights[index]) : 0;
  }
}
