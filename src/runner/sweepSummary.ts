/**
 * `stress-summary.json` of a sweep: the sweep's parameters and, per point, the point's values,
 * the batches holding its runs and the same distributions, VaR, LaR and probabilities as a single
 * batch's summary (src/runner/stressSummary.ts), over that point's runs.
 */
import type { StressSummary } from "./stressSummary.ts";
import type { SweepDefinition, SweepParameter } from "./sweep.ts";

export interface SweepPointSummary {
  index: number;
  parameters: Record<string, unknown>;
  scenarioHash: string;
  batchIds: string[];
  summary: StressSummary;
}

export interface SweepSummary {
  sweepId: string;
  scenario: string;
  seed: number;
  runsPerPoint: number;
  sampling: string;
  commonRandomNumbers: string;
  parameters: ReturnType<typeof describeParameter>[];
  points: SweepPointSummary[];
}

export function describeParameter(parameter: SweepParameter):
  | { path: string; origin: string; kind: "grid"; values: readonly unknown[] }
  | {
      path: string;
      origin: string;
      kind: "random";
      min: number;
      max: number;
      scale: string;
      integer: boolean;
    } {
  if (parameter.kind === "grid") {
    return {
      path: parameter.path,
      origin: parameter.origin,
      kind: "grid",
      values: parameter.values,
    };
  }
  return {
    path: parameter.path,
    origin: parameter.origin,
    kind: "random",
    ...parameter.range,
  };
}

export const commonRandomNumbersNote =
  "run i of every point uses the same master seed and run index, so every point meets the same populations and shock paths";

export function sweepSummary(
  fields: { sweepId: string; scenario: string; seed: number; runsPerPoint: number },
  definition: SweepDefinition,
  points: readonly SweepPointSummary[],
): SweepSummary {
  return {
    ...fields,
    sampling:
      definition.samples > 0
        ? `grid × ${definition.samples} Latin hypercube samples (seed ${definition.samplingSeed})`
        : "grid (every combination)",
    commonRandomNumbers: commonRandomNumbersNote,
    parameters: definition.parameters.map(describeParameter),
    points: [...points],
  };
}

/** The point whose runs a report's histograms show: the highest LaR, then the lower index. */
export function worstPoint(points: readonly SweepPointSummary[]): number {
  let worst = 0;
  for (let index = 1; index < points.length; index++) {
    const lar = points[index].summary.liquidationsAtRisk;
    const worstLar = points[worst].summary.liquidationsAtRisk;
    if (lar > worstLar || (Number.isNaN(worstLar) && !Number.isNaN(lar))) worst = index;
  }
  return worst;
}
