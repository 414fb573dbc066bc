/**
 * A bracketed root finder for market clearing. Brent's method (Brent 1973, "Algorithms for
 * Minimization without Derivatives", ch. 4) in the form of SciPy's `brentq` (scipy/optimize/
 * Zeros/brentq.c), because the public TFG replications clear the market with `brentq` and the
 * excess-demand function has kinks (the leverage cap, funds that stop buying at m = 0) where
 * Newton steps would overshoot. It keeps a sign-changing bracket at every iteration, so it
 * cannot diverge, and falls back to bisection whenever inverse interpolation would not shrink the
 * bracket fast enough. It allocates nothing.
 */

export class RootNotBracketedError extends Error {
  constructor(
    readonly low: number,
    readonly high: number,
    readonly valueAtLow: number,
    readonly valueAtHigh: number,
  ) {
    super(
      `f(${low}) = ${valueAtLow} and f(${high}) = ${valueAtHigh} have the same sign; no root is bracketed`,
    );
    this.name = "RootNotBracketedError";
  }
}

export interface BrentOptions {
  /** Absolute tolerance on the root. */
  absoluteTolerance: number;
  /** Relative tolerance on the root; below 4 machine epsilons the last bits are noise. */
  relativeTolerance: number;
  maxIterations: number;
}

/** Converges to neighbouring doubles: clearing must hold to ~1e-12 of the share count. */
export const fullPrecision: BrentOptions = {
  absoluteTolerance: 1e-15,
  relativeTolerance: 4 * Number.EPSILON,
  maxIterations: 200,
};

/** A root of `f` in [low, high], where f(low) and f(high) must differ in sign (or one be 0). */
export function brentRoot(
  f: (x: number) => number,
  low: number,
  high: number,
  options: BrentOptions = fullPrecision,
): number {
  let previous = low;
  let current = high;
  let valuePrevious = f(previous);
  let valueCurrent = f(current);
  if (valuePrevious === 0) return previous;
  if (valueCurrent === 0) return current;
  if (Math.sign(valuePrevious) === Math.sign(valueCurrent)) {
    throw new RootNotBracketedError(low, high, valuePrevious, valueCurrent);
  }
  // `contrapoint` is the end of the bracket on the other side of the root from `current`.
  let contrapoint = previous;
  let valueContrapoint = valuePrevious;
  let stepBefore = current - previous;
  let stepNow = stepBefore;
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    if (
      valuePrevious !== 0 &&
      valueCurrent !== 0 &&
      Math.sign(valuePrevious) !== Math.sign(valueCurrent)
    ) {
      contrapoint = previous;
      valueContrapoint = valuePrevious;
      stepBefore = current - previous;
      stepNow = stepBefore;
    }
    // Keep the best estimate in `current`.
    if (Math.abs(valueContrapoint) < Math.abs(valueCurrent)) {
      previous = current;
      current = contrapoint;
      contrapoint = previous;
      valuePrevious = valueCurrent;
      valueCurrent = valueContrapoint;
      valueContrapoint = valuePrevious;
    }
    const tolerance =
      (options.absoluteTolerance + options.relativeTolerance * Math.abs(current)) / 2;
    const bisection = (contrapoint - current) / 2;
    if (valueCurrent === 0 || Math.abs(bisection) < tolerance) return current;

    if (Math.abs(stepBefore) > tolerance && Math.abs(valueCurrent) < Math.abs(valuePrevious)) {
      let trial: number;
      if (previous === contrapoint) {
        // Secant through the two bracket ends.
        trial = (-valueCurrent * (current - previous)) / (valueCurrent - valuePrevious);
      } else {
        // Inverse quadratic interpolation through the three points.
        const slopePrevious = (valuePrevious - valueCurrent) / (previous - current);
        const slopeContrapoint = (valueContrapoint - valueCurrent) / (contrapoint - current);
        trial =
          (-valueCurrent * (valueContrapoint * slopeContrapoint - valuePrevious * slopePrevious)) /
          (slopeContrapoint * slopePrevious * (valueContrapoint - valuePrevious));
      }
      if (
        2 * Math.abs(trial) <
        Math.min(Math.abs(stepBefore), 3 * Math.abs(bisection) - tolerance)
      ) {
        stepBefore = stepNow;
        stepNow = trial;
      } else {
        stepBefore = bisection;
        stepNow = bisection;
      }
    } else {
      stepBefore = bisection;
      stepNow = bisection;
    }
    previous = current;
    valuePrevious = valueCurrent;
    current += Math.abs(stepNow) > tolerance ? stepNow : bisection > 0 ? tolerance : -tolerance;
    valueCurrent = f(current);
  }
  throw new Error(
    `Brent's method did not converge in ${options.maxIterations} iterations (last x ${current}, f ${valueCurrent})`,
  );
}
