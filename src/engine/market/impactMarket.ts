/**
 * A market without a book: the price is a function of the signed quote notional traded recently.
 *
 *   price = reference × (1 + I(Q))
 *   linear:       I(Q) = λ Q
 *   square root:  I(Q) = sign(Q) · Y · σ_daily · √(|Q| / V_daily)
 *
 * Q adds the notional of each buy and subtracts that of each sell (quantity × reference price)
 * and decays by half every `decayHalfLife` seconds, so impact is transient. The square-root law is
 * the one measured across markets by Tóth et al., "Anomalous price impact and the critical nature
 * of liquidity in financial markets", Phys. Rev. X 1, 021006 (2011), and Bouchaud, Bonart,
 * Donier & Gould, "Trades, Quotes and Prices" (2018), chapter "The Square-Root Impact Law".
 *
 * Every unit of an order pays the marginal price at the point of Q it reaches, so an execution's
 * average price is the mean of the price curve over the traded interval of Q, in closed form.
 */
import type { LinearImpactSpec, SqrtImpactSpec } from "../config.ts";
import type { Direction, Fill, Market } from "./market.ts";

/**
 * Prices never fall below this fraction of the reference price. The linear law crosses zero
 * under a large enough sell (Q < −1/λ), after which prices and averages would turn negative; the
 * floor keeps them positive. It is far below any price a cascade can meaningfully reach, so it
 * guards the arithmetic rather than modelling anything: below it, the market absorbs any quantity.
 */
export const PRICE_FLOOR_FRACTION = 1e-9;

export class ImpactFunctionMarket implements Market {
  private readonly linear: boolean;
  /** λ for the linear law; Y·σ/√V for the square-root law, so I(Q) = coefficient·sign(Q)·√|Q|. */
  private readonly coefficient: number;
  private readonly decayHalfLife: number;
  /** The Q at which 1 + I(Q) reaches the floor; −Infinity when the price never moves. */
  private readonly floorNotional: number;
  private reference: number;
  /** Signed quote notional traded and not yet decayed: buys add, sells subtract. */
  private tradedNotional = 0;
  private last: number;

  constructor(spec: LinearImpactSpec | SqrtImpactSpec, startPrice: number) {
    if (!(Number.isFinite(startPrice) && startPrice > 0)) {
      throw new Error(`price: ${startPrice} is not allowed; expected a positive number`);
    }
    if (!(spec.decayHalfLife > 0)) {
      throw new Error(
        `decayHalfLife: ${spec.decayHalfLife} is not allowed; expected a positive number of seconds`,
      );
    }
    if (spec.kind === "linear") {
      requireNonNegative("lambda", spec.lambda);
      this.linear = true;
      this.coefficient = spec.lambda;
    } else {
      requireNonNegative("y", spec.y);
      requireNonNegative("dailyVolatility", spec.dailyVolatility);
      if (!(Number.isFinite(spec.dailyVolume) && spec.dailyVolume > 0)) {
        throw new Error(
          `dailyVolume: ${spec.dailyVolume} is not allowed; expected a positive quote notional`,
        );
      }
      this.linear = false;
      this.coefficient = (spec.y * spec.dailyVolatility) / Math.sqrt(spec.dailyVolume);
    }
    this.decayHalfLife = spec.decayHalfLife;
    this.floorNotional =
      this.coefficient === 0
        ? Number.NEGATIVE_INFINITY
        : this.inverseImpact(PRICE_FLOOR_FRACTION - 1);
    this.reference = startPrice;
    this.last = startPrice;
  }

  execute(direction: Direction, quantity: number, limitPrice: number, out: Fill): void {
    if (!(quantity > 0)) {
      this.fillNothing(out);
      return;
    }
    const reference = this.reference;
    const start = this.tradedNotional;
    let end = start + direction * quantity * reference;
    let limited = false;
    if (this.coefficient === 0) {
      if (!(direction * (limitPrice - reference) >= 0)) {
        this.fillNothing(out);
        return;
      }
    } else {
      // The price is monotone in Q, so the limit caps how far Q may travel. A sell limit at or
      // under the floor never binds; a buy limit under it, or a NaN limit, fails every test below.
      const limitLevel = limitPrice / reference;
      const limitNotional =
        limitLevel <= PRICE_FLOOR_FRACTION
          ? direction === -1
            ? Number.NEGATIVE_INFINITY
            : Number.NaN
          : this.inverseImpact(limitLevel - 1);
      if (!(direction * (limitNotional - start) > 0)) {
        this.fillNothing(out);
        return;
      }
      if (direction * (end - limitNotional) > 0) {
        end = limitNotional;
        limited = true;
      }
    }
    const filled = limited ? (direction * (end - start)) / reference : quantity;
    const averagePrice =
      reference * (direction === 1 ? this.meanLevel(start, end) : this.meanLevel(end, start));
    const lastPrice = limited ? limitPrice : reference * this.level(end);
    this.tradedNotional = end;
    this.last = lastPrice;
    out.filled = filled;
    out.notional = averagePrice * filled;
    out.averagePrice = averagePrice;
    out.lastPrice = lastPrice;
  }

  /** Re-bases the curve; the impact already accumulated in Q stays. */
  shift(factor: number): void {
    if (!(Number.isFinite(factor) && factor > 0)) {
      throw new Error(`shift: factor ${factor} is not allowed; expected a positive number`);
    }
    this.reference *= factor;
  }

  advance(seconds: number): void {
    if (!(seconds > 0)) return;
    this.tradedNotional *= 2 ** (-seconds / this.decayHalfLife);
  }

  bestBid(): number {
    return this.mid();
  }

  bestAsk(): number {
    return this.mid();
  }

  mid(): number {
    return this.reference * this.level(this.tradedNotional);
  }

  lastPrice(): number {
    return this.last;
  }

  /**
   * Base quantity that moves the price by `fraction` in the order's direction (the inverse of I);
   * Infinity when the move reaches the floor or the price never moves.
   */
  depthWithin(direction: Direction, fraction: number): number {
    if (!(fraction > 0)) return 0;
    if (this.coefficient === 0) return Number.POSITIVE_INFINITY;
    const start = this.tradedNotional;
    const targetLevel = this.level(start) * (1 + direction * fraction);
    if (targetLevel <= PRICE_FLOOR_FRACTION) return Number.POSITIVE_INFINITY;
    const targetNotional = this.inverseImpact(targetLevel - 1);
    return Math.max(0, direction * (targetNotional - start)) / this.reference;
  }

  private fillNothing(out: Fill): void {
    out.filled = 0;
    out.notional = 0;
    out.averagePrice = Number.NaN;
    out.lastPrice = this.last;
  }

  /** Price relative to the reference at signed notional Q. */
  private level(notional: number): number {
    return Math.max(PRICE_FLOOR_FRACTION, 1 + this.impact(notional));
  }

  private impact(notional: number): number {
    if (this.linear) return this.coefficient * notional;
    return notional < 0
      ? -this.coefficient * Math.sqrt(-notional)
      : this.coefficient * Math.sqrt(notional);
  }

  /** The Q with I(Q) = relativeMove; only defined for a non-zero coefficient. */
  private inverseImpact(relativeMove: number): number {
    if (this.linear) return relativeMove / this.coefficient;
    const root = relativeMove / this.coefficient;
    return relativeMove < 0 ? -root * root : root * root;
  }

  /** Mean of the relative price over [low, high] of Q, low < high, floor included. */
  private meanLevel(low: number, high: number): number {
    const floor = this.floorNotional;
    if (high <= floor) return PRICE_FLOOR_FRACTION;
    if (low >= floor) return 1 + this.meanImpact(low, high);
    const aboveFloor = (high - floor) * (1 + this.meanImpact(floor, high));
    return ((floor - low) * PRICE_FLOOR_FRACTION + aboveFloor) / (high - low);
  }

  /**
   * Mean of I over [low, high], low < high. For the square-root law on one side of zero,
   * (a³ − b³) / (a² − b²) is rewritten as (a² + ab + b²) / (a + b) so that a small trade deep into
   * accumulated impact does not lose its digits to cancellation.
   */
  private meanImpact(low: number, high: number): number {
    const coefficient = this.coefficient;
    if (this.linear) return (coefficient * (low + high)) / 2;
    if (low >= 0 || high <= 0) {
      const outer = Math.sqrt(Math.max(Math.abs(low), Math.abs(high)));
      const inner = Math.sqrt(Math.min(Math.abs(low), Math.abs(high)));
      // An order too small to move Q off zero in floating point has zero mean impact.
      if (outer === 0) return 0;
      const mean =
        ((2 / 3) * coefficient * (outer * outer + outer * inner + inner * inner)) / (outer + inner);
      return low >= 0 ? mean : -mean;
    }
    const sold = -low;
    const integral = (2 / 3) * coefficient * (high * Math.sqrt(high) - sold * Math.sqrt(sold));
    return integral / (high - low);
  }
}

function requireNonNegative(field: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new Error(`${field}: ${value} is not allowed; expected a number >= 0`);
  }
}
