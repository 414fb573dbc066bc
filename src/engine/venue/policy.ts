/**
 * Pro-cyclical venue policy: the venue tightens as markets get rougher, which is how a calm
 * bull market's leverage becomes a bust's forced selling (Brunnermeier & Pedersen 2009, "Market
 * Liquidity and Funding Liquidity": margins that rise with volatility). Every rule reads one
 * number, the realised volatility of the mark over a window, and is applied inside the run:
 *
 * - maintenance-margin multiplier m: every bracket's rate × m (and so its maintenance amount,
 *   which is linear in the rates), from a continuous scaling and from threshold rules
 *   ("1-hour volatility above x → maintenance margin × y"); the larger of the two applies;
 * - collateral haircut h: the wallet counts for margin as wallet × (1 − h), h widening with vol
 *   (Binance Multi-Assets Mode values non-USDT collateral at a haircut);
 * - open-interest cap: no new or grown position above it;
 * - circuit breaker: a move of x over a window halts trading for N steps; liquidations keep
 *   running through a halt unless `haltLiquidations` is set.
 */
import type { PolicySpec, TierSpec } from "../config.ts";
import { MarginTiers } from "./marginTiers.ts";

/** A scaled rate must stay below 1: the liquidation-price formula divides by size × (MMR − 1). */
const maxScaledRate = 0.9;
/**
 * Multipliers are rounded to 1/100 and haircuts to 1/1000, so the O(n) re-pricing of every
 * position is rare; dividing by the integer keeps the rounded values exact decimals.
 */
const multiplierSteps = 100;
const haircutSteps = 1000;

/**
 * Realised volatility over the last `window` steps: sqrt(Σ r²) of the log returns, the standard
 * realised-volatility estimator (Andersen & Bollerslev 1998) for that horizon. A running sum,
 * recomputed exactly each time the ring wraps so rounding cannot build up.
 */
export class RealisedVolatility {
  private readonly squares: Float64Array;
  private cursor = 0;
  private filled = 0;
  private sum = 0;
  private previous = Number.NaN;

  constructor(readonly window: number) {
    if (!(Number.isInteger(window) && window > 0)) {
      throw new Error(`volatility window: ${window} steps is not allowed; expected an integer > 0`);
    }
    this.squares = new Float64Array(window);
  }

  /** Adds the price at the end of a step. */
  observe(price: number): void {
    if (!Number.isNaN(this.previous)) {
      const logReturn = Math.log(price / this.previous);
      const square = logReturn * logReturn;
      this.sum += square - this.squares[this.cursor];
      this.squares[this.cursor] = square;
      this.cursor++;
      if (this.filled < this.window) this.filled++;
      if (this.cursor === this.window) {
        this.cursor = 0;
        let exact = 0;
        for (let index = 0; index < this.window; index++) exact += this.squares[index];
        this.sum = exact;
      }
    }
    this.previous = price;
  }

  get value(): number {
    return Math.sqrt(Math.max(0, this.sum));
  }
}

/** Steps covering `seconds` (at least one). */
export function stepsFor(seconds: number, dt: number): number {
  return Math.max(1, Math.round(seconds / dt));
}

/** The tiers with every rate × multiplier (capped below 1); maintenance amounts follow. */
export function scaledTiers(tiers: readonly TierSpec[], multiplier: number): TierSpec[] {
  return tiers.map((tier) => ({
    maxNotional: tier.maxNotional,
    maxLeverage: tier.maxLeverage,
    rate: Math.min(maxScaledRate, (tier.rate ?? 1 / (2 * tier.maxLeverage)) * multiplier),
  }));
}

export class VenuePolicy {
  readonly volatility: RealisedVolatility;
  multiplier = 1;
  haircut = 0;
  /** Steps left in the current halt (0 = trading). */
  private haltLeft = 0;
  haltCount = 0;
  private readonly breakerMarks: Float64Array;
  private breakerCursor = 0;
  private breakerFilled = 0;
  private readonly haltSteps: number;
  private readonly tierCache = new Map<number, MarginTiers>();

  constructor(
    private readonly spec: PolicySpec,
    private readonly baseTiers: readonly TierSpec[],
    dt: number,
  ) {
    this.volatility = new RealisedVolatility(stepsFor(spec.volatilityWindowSeconds, dt));
    const breaker = spec.circuitBreaker;
    this.breakerMarks = new Float64Array(breaker ? stepsFor(breaker.windowSeconds, dt) + 1 : 1);
    this.haltSteps = breaker ? stepsFor(breaker.haltSeconds, dt) : 0;
  }

  /** Maintenance multiplier for a volatility, before rounding. */
  multiplierFor(volatility: number): number {
    let multiplier = 1;
    const scaling = this.spec.marginScaling;
    if (scaling) {
      const excess = volatility / scaling.referenceVolatility - 1;
      multiplier = Math.min(scaling.maxMultiplier, Math.max(1, 1 + scaling.slope * excess));
    }
    for (const rule of this.spec.thresholdRules) {
      if (volatility > rule.volatilityAbove)
        multiplier = Math.max(multiplier, rule.maintenanceMultiplier);
    }
    return multiplier;
  }

  haircutFor(volatility: number): number {
    const haircut = this.spec.collateralHaircut;
    if (!haircut) return 0;
    return Math.min(haircut.max, haircut.base + haircut.perVolatility * volatility);
  }

  /**
   * End of step: the price volatility is measured on (mark or index) and the mark, which the
   * circuit breaker always watches. Returns true when the margin multiplier or the haircut changed, i.e.
   * every liquidation price must be recomputed.
   */
  observe(volatilityPrice: number, mark: number): boolean {
    this.volatility.observe(volatilityPrice);
    this.observeBreaker(mark);
    const volatility = this.volatility.value;
    const multiplier =
      Math.round(this.multiplierFor(volatility) * multiplierSteps) / multiplierSteps;
    const haircut = Math.round(this.haircutFor(volatility) * haircutSteps) / haircutSteps;
    const changed = multiplier !== this.multiplier || haircut !== this.haircut;
    this.multiplier = multiplier;
    this.haircut = haircut;
    return changed;
  }

  private observeBreaker(mark: number): void {
    const breaker = this.spec.circuitBreaker;
    if (!breaker) return;
    if (this.haltLeft > 0) {
      this.haltLeft--;
      // After a halt the window starts afresh: the move that caused it is not counted twice.
      if (this.haltLeft === 0) {
        this.breakerFilled = 0;
        this.breakerCursor = 0;
      }
      return;
    }
    const marks = this.breakerMarks;
    marks[this.breakerCursor] = mark;
    this.breakerCursor = (this.breakerCursor + 1) % marks.length;
    if (this.breakerFilled < marks.length) this.breakerFilled++;
    // Filling from index 0 after each reset, the oldest mark is marks[0] until the ring is
    // full and at the cursor afterwards.
    const oldest = this.breakerFilled < marks.length ? marks[0] : marks[this.breakerCursor];
    if (Math.abs(mark / oldest - 1) >= breaker.move) {
      this.haltLeft = this.haltSteps;
      this.haltCount++;
      this.breakerFilled = 0;
      this.breakerCursor = 0;
    }
  }

  /** Trading (stops, agents) is halted in the coming step. */
  get halted(): boolean {
    return this.haltLeft > 0;
  }

  get liquidationsHalted(): boolean {
    return this.halted && (this.spec.circuitBreaker?.haltLiquidations ?? false);
  }

  /** Tiers at the current multiplier (cached: a run meets few distinct multipliers). */
  tiers(): MarginTiers {
    let tiers = this.tierCache.get(this.multiplier);
    if (tiers === undefined) {
      tiers = new MarginTiers(scaledTiers(this.baseTiers, this.multiplier));
      this.tierCache.set(this.multiplier, tiers);
    }
    return tiers;
  }

  /** Quote notional that may still be opened under the open-interest cap. */
  openRoom(openInterest: number): number {
    const cap = this.spec.openInterestCap;
    return cap === undefined ? Number.POSITIVE_INFINITY : Math.max(0, cap - openInterest);
  }
}
