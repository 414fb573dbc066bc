/**
 * Liquidity that leaves: the book's market makers quote less depth and a wider spread when
 * volatility rises or their inventory grows, and come back slowly. Inventory-averse quoting
 * follows Ho & Stoll (1981) and Avellaneda & Stoikov (2008): the quote a maker posts shrinks and
 * widens with its risk, which is volatility times the inventory it already carries. Withdrawal
 * is immediate (a cancel costs nothing); the return toward the calm book is gradual, with a
 * half-life, as in Cont, Kukanov & Stoikov's observation that depth rebuilds over minutes.
 *
 *   excess = max(0, vol / referenceVolatility − 1)
 *   load   = |maker inventory notional| / inventoryLimit
 *   depth target    = max(minDepth, 1 / (1 + volatilitySensitivity × excess + inventorySensitivity × load))
 *   widening target = min(maxWidening, spreadPerExcess × excess)   (extra half-spread, fraction of price)
 *
 * Cancelling and re-posting quotes moves no money: only fills do.
 */
import type { MarketMakerSpec } from "../config.ts";
import { RealisedVolatility, stepsFor } from "../venue/policy.ts";

export class MarketMakers {
  readonly volatility: RealisedVolatility;
  /** Share of the calm book's resting depth now quoted (1 = all). */
  depth = 1;
  /** Extra half-spread now quoted, as a fraction of price. */
  widening = 0;
  private readonly recovery: number;

  constructor(
    private readonly spec: MarketMakerSpec,
    dt: number,
  ) {
    this.volatility = new RealisedVolatility(stepsFor(spec.volatilityWindowSeconds, dt));
    this.recovery = 1 - 2 ** (-dt / spec.recoveryHalfLife);
  }

  depthTarget(volatility: number, inventoryNotional: number): number {
    const spec = this.spec;
    const excess = Math.max(0, volatility / spec.referenceVolatility - 1);
    const load = Math.abs(inventoryNotional) / spec.inventoryLimit;
    const target = 1 / (1 + spec.volatilitySensitivity * excess + spec.inventorySensitivity * load);
    return Math.max(spec.minDepth, target);
  }

  wideningTarget(volatility: number): number {
    const spec = this.spec;
    const excess = Math.max(0, volatility / spec.referenceVolatility - 1);
    return Math.min(spec.maxWidening, spec.spreadPerExcess * excess);
  }

  /**
   * The end-of-step mark and the makers' net position (quote notional). Returns true when the
   * quoted depth or spread changed.
   */
  observe(mark: number, inventoryNotional: number): boolean {
    this.volatility.observe(mark);
    const volatility = this.volatility.value;
    const depth = this.approach(this.depth, this.depthTarget(volatility, inventoryNotional), -1);
    const widening = this.approach(this.widening, this.wideningTarget(volatility), 1);
    const changed = depth !== this.depth || widening !== this.widening;
    this.depth = depth;
    this.widening = widening;
    return changed;
  }

  /**
   * Moves `current` toward `target`: at once in the retreating direction (`worse` −1: less
   * depth; +1: more widening), by the recovery fraction per step in the other.
   */
  private approach(current: number, target: number, worse: number): number {
    if (worse * (target - current) >= 0) return target;
    const next = current + (target - current) * this.recovery;
    return Math.abs(next - target) <= 1e-9 ? target : next;
  }
}
