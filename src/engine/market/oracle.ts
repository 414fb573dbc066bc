/**
 * Price oracles: what a lending venue believes an asset is worth. Liquidations act on this price,
 * trades get the market's: the gap between them is part of the model.
 *
 * - spot: the source price now (after `delay`), like reading an AMM's reserves in the same block.
 * - twap: the time-weighted mean of the source over `window` seconds (Uniswap v2/v3 TWAP oracles).
 * - push: a Chainlink-style feed that publishes only when the source moved by `deviation` from the
 *   last published answer or `heartbeat` seconds passed since it (Chainlink Data Feeds,
 *   "Deviation threshold" and "Heartbeat" trigger parameters), and publishes what the source was
 *   `delay` seconds earlier (the time to aggregate and land the transaction).
 *
 * During an outage nothing is published and the last answer stands; a lag adds delay for a while.
 * Both are scenario events, applied by the world through `update`'s arguments.
 */

export type OracleKind = "spot" | "twap" | "push";

export interface OracleSpec {
  kind: OracleKind;
  /** Seconds between the source price and the answer that reflects it. */
  delay: number;
  /** twap: averaging window, seconds. */
  window: number;
  /** push: publish when |source / answer − 1| ≥ deviation. */
  deviation: number;
  /** push: publish at least this often, seconds. */
  heartbeat: number;
}

export class PriceOracle {
  /** Source price observed at each step, so delayed and averaged answers can read the past. */
  private readonly history: Float64Array;
  private answer = Number.NaN;
  private lastPublishTime = Number.NEGATIVE_INFINITY;
  /** Number of answers published (push) or recomputed (spot, twap). */
  updates = 0;

  constructor(
    readonly spec: OracleSpec,
    steps: number,
    private readonly dt: number,
  ) {
    this.history = new Float64Array(steps + 1);
  }

  /** The published answer; NaN before the first update. */
  price(): number {
    return this.answer;
  }

  /**
   * Step `step` (time `step · dt`): records the source price and returns the answer. `outage`
   * freezes the answer; `extraDelay` (seconds) adds to the configured delay.
   */
  update(step: number, source: number, outage: boolean, extraDelay: number): number {
    if (!(source > 0 && Number.isFinite(source))) {
      throw new Error(
        `oracle source price ${source} at step ${step} is not a positive finite number`,
      );
    }
    this.history[step] = source;
    if (outage && !Number.isNaN(this.answer)) return this.answer;
    const delaySteps = Math.round((this.spec.delay + extraDelay) / this.dt);
    const observedStep = Math.max(0, step - delaySteps);
    const observed = this.history[observedStep];
    const time = step * this.dt;
    switch (this.spec.kind) {
      case "spot":
        this.publish(observed, time);
        break;
      case "twap": {
        const windowSteps = Math.max(1, Math.round(this.spec.window / this.dt));
        const first = Math.max(0, observedStep - windowSteps + 1);
        let sum = 0;
        for (let index = first; index <= observedStep; index++) sum += this.history[index];
        this.publish(sum / (observedStep - first + 1), time);
        break;
      }
      case "push":
        if (
          Number.isNaN(this.answer) ||
          Math.abs(observed / this.answer - 1) >= this.spec.deviation ||
          time - this.lastPublishTime >= this.spec.heartbeat
        ) {
          this.publish(observed, time);
        }
        break;
    }
    return this.answer;
  }

  private publish(value: number, time: number): void {
    this.answer = value;
    this.lastPublishTime = time;
    this.updates++;
  }
}
