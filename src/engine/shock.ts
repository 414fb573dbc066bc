/**
 * The exogenous (index) price path: what the price would do without any liquidation. Row 0 is
 * the start; row t is the index during step t. The cascade's own price impact is measured
 * against this path (summary.exogenousMove).
 *
 * A process is stepped one row at a time and takes its diffusion normal from the caller, so that
 * several markets can share correlated innovations (src/engine/prices.ts); jumps draw from the
 * process's own stream.
 */
import type { ShockSpec } from "./config.ts";
import type { RandomStream } from "./random.ts";

const secondsPerDay = 86_400;

/** Knuth's multiplication method: exact and cheap for the small means of one step. */
function poisson(mean: number, random: RandomStream): number {
  const threshold = Math.exp(-mean);
  let count = 0;
  let product = random.uniform();
  while (product > threshold) {
    count++;
    product *= random.uniform();
  }
  return count;
}

export class ShockProcess {
  /** Whether `next` reads a diffusion normal (the stochastic kinds). */
  readonly usesNormal: boolean;
  private readonly days: number;
  /** Listed order must not matter: the latest point at or before a step sets its level. */
  private readonly stepPoints: { at: number; drop: number }[];
  /** GARCH(1,1): the variance of the next step's log return, starting at its long-run level. */
  private readonly longRunVariance: number;
  private variance: number;
  /** Regime switching: the regime of each step, in listed order; the last regime continues. */
  private regime = 0;
  private regimeEnd: number;

  constructor(
    private readonly shock: ShockSpec,
    private readonly startPrice: number,
    dt: number,
  ) {
    this.usesNormal = ["gbm", "jump", "garch", "regimes"].includes(shock.kind);
    this.days = dt / secondsPerDay;
    this.stepPoints = shock.kind === "steps" ? [...shock.points].sort((a, b) => a.at - b.at) : [];
    this.longRunVariance = shock.kind === "garch" ? shock.sigmaDaily ** 2 * this.days : 0;
    this.variance = this.longRunVariance;
    this.regimeEnd = shock.kind === "regimes" ? shock.regimes[0].steps : 0;
  }

  /** The price at row 0. */
  start(): number {
    return this.shock.kind === "path" ? this.shock.prices[0] : this.startPrice;
  }

  /** The price of row `step` after `previous`; `normal` is the step's diffusion innovation. */
  next(step: number, previous: number, normal: number, random: RandomStream): number {
    const shock = this.shock;
    const startPrice = this.startPrice;
    const days = this.days;
    switch (shock.kind) {
      case "none":
        return startPrice;
      case "instant":
        return step >= shock.at ? startPrice * (1 - shock.drop) : startPrice;
      case "linear": {
        const span = Math.max(1, shock.to - shock.from);
        const progress = Math.min(1, Math.max(0, (step - shock.from) / span));
        return startPrice * (1 - shock.drop * progress);
      }
      case "steps": {
        let drop = 0;
        for (const point of this.stepPoints) if (point.at <= step) drop = point.drop;
        return startPrice * (1 - drop);
      }
      case "path":
        return shock.prices[Math.min(step, shock.prices.length - 1)];
      case "gbm": {
        const sigma = shock.sigmaDaily;
        const logReturn =
          (shock.driftDaily - 0.5 * sigma * sigma) * days + sigma * Math.sqrt(days) * normal;
        return previous * Math.exp(logReturn);
      }
      case "garch": {
        // Bollerslev (1986) GARCH(1,1): σ²(t) = ω + α r²(t−1) + β σ²(t−1), with
        // ω = σ²(1 − α − β) so the long-run variance is the configured σ² per step.
        const variance = this.variance;
        const shockReturn = Math.sqrt(variance) * normal;
        this.variance =
          this.longRunVariance * (1 - shock.alpha - shock.beta) +
          shock.alpha * shockReturn * shockReturn +
          shock.beta * variance;
        return previous * Math.exp(shock.driftDaily * days - 0.5 * variance + shockReturn);
      }
      case "regimes": {
        while (step > this.regimeEnd && this.regime < shock.regimes.length - 1) {
          this.regime++;
          this.regimeEnd += shock.regimes[this.regime].steps;
        }
        const { sigmaDaily, driftDaily } = shock.regimes[this.regime];
        const logReturn =
          (driftDaily - 0.5 * sigmaDaily * sigmaDaily) * days +
          sigmaDaily * Math.sqrt(days) * normal;
        return previous * Math.exp(logReturn);
      }
      case "jump": {
        // Merton jump diffusion: a driftless diffusion plus Poisson jumps of normal log size.
        const sigma = shock.sigmaDaily;
        let logReturn = -0.5 * sigma * sigma * days + sigma * Math.sqrt(days) * normal;
        const jumps = poisson(shock.jumpsPerDay * days, random);
        for (let jump = 0; jump < jumps; jump++) {
          logReturn += shock.jumpMean + shock.jumpSigma * random.normal();
        }
        return previous * Math.exp(logReturn);
      }
    }
  }
}

/** One path of `steps + 1` rows, every innovation drawn from `random`. */
export function exogenousPath(
  shock: ShockSpec,
  startPrice: number,
  steps: number,
  dt: number,
  random: RandomStream,
): Float64Array {
  const process = new ShockProcess(shock, startPrice, dt);
  const path = new Float64Array(steps + 1);
  path[0] = startPrice;
  for (let step = 1; step <= steps; step++) {
    const normal = process.usesNormal ? random.normal() : 0;
    path[step] = process.next(step, path[step - 1], normal, random);
  }
  path[0] = process.start();
  return path;
}
