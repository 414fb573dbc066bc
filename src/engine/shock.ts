/**
 * The exogenous (index) price path: what the price would do without any liquidation. Row 0 is
 * the start; row t is the index during step t. The cascade's own price impact is measured
 * against this path (summary.exogenousMove).
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

export function exogenousPath(
  shock: ShockSpec,
  startPrice: number,
  steps: number,
  dt: number,
  random: RandomStream,
): Float64Array {
  const path = new Float64Array(steps + 1);
  path[0] = startPrice;
  const days = dt / secondsPerDay;
  // Listed order must not matter: the latest point at or before a step sets its level.
  const stepPoints = shock.kind === "steps" ? [...shock.points].sort((a, b) => a.at - b.at) : [];
  // GARCH(1,1) state: the variance of the next step's log return, starting at its long-run level.
  const longRunVariance = shock.kind === "garch" ? shock.sigmaDaily ** 2 * days : 0;
  let variance = longRunVariance;
  // Regime switching: the regime of each step, in listed order; the last regime continues.
  let regime = 0;
  let regimeEnd = shock.kind === "regimes" ? shock.regimes[0].steps : 0;
  for (let step = 1; step <= steps; step++) {
    const previous = path[step - 1];
    switch (shock.kind) {
      case "none":
        path[step] = startPrice;
        break;
      case "instant":
        path[step] = step >= shock.at ? startPrice * (1 - shock.drop) : startPrice;
        break;
      case "linear": {
        const span = Math.max(1, shock.to - shock.from);
        const progress = Math.min(1, Math.max(0, (step - shock.from) / span));
        path[step] = startPrice * (1 - shock.drop * progress);
        break;
      }
      case "steps": {
        let drop = 0;
        for (const point of stepPoints) if (point.at <= step) drop = point.drop;
        path[step] = startPrice * (1 - drop);
        break;
      }
      case "path":
        path[step] = shock.prices[Math.min(step, shock.prices.length - 1)];
        break;
      case "gbm": {
        const sigma = shock.sigmaDaily;
        const logReturn =
          (shock.driftDaily - 0.5 * sigma * sigma) * days +
          sigma * Math.sqrt(days) * random.normal();
        path[step] = previous * Math.exp(logReturn);
        break;
      }
      case "garch": {
        // Bollerslev (1986) GARCH(1,1): σ²(t) = ω + α r²(t−1) + β σ²(t−1), with
        // ω = σ²(1 − α − β) so the long-run variance is the configured σ² per step.
        const shockReturn = Math.sqrt(variance) * random.normal();
        path[step] = previous * Math.exp(shock.driftDaily * days - 0.5 * variance + shockReturn);
        variance =
          longRunVariance * (1 - shock.alpha - shock.beta) +
          shock.alpha * shockReturn * shockReturn +
          shock.beta * variance;
        break;
      }
      case "regimes": {
        while (step > regimeEnd && regime < shock.regimes.length - 1) {
          regime++;
          regimeEnd += shock.regimes[regime].steps;
        }
        const { sigmaDaily, driftDaily } = shock.regimes[regime];
        const logReturn =
          (driftDaily - 0.5 * sigmaDaily * sigmaDaily) * days +
          sigmaDaily * Math.sqrt(days) * random.normal();
        path[step] = previous * Math.exp(logReturn);
        break;
      }
      case "jump": {
        // Merton jump diffusion: a driftless diffusion plus Poisson jumps of normal log size.
        const sigma = shock.sigmaDaily;
        let logReturn = -0.5 * sigma * sigma * days + sigma * Math.sqrt(days) * random.normal();
        const jumps = poisson(shock.jumpsPerDay * days, random);
        for (let jump = 0; jump < jumps; jump++) {
          logReturn += shock.jumpMean + shock.jumpSigma * random.normal();
        }
        path[step] = previous * Math.exp(logReturn);
        break;
      }
    }
  }
  if (shock.kind === "path") path[0] = shock.prices[0];
  return path;
}
