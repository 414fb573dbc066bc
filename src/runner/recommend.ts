/**
 * `deleverage recommend`: which sweep point meets the risk targets at the least cost.
 *
 * 1. Every point gets `runs` runs (common random numbers: run i is the same draw everywhere).
 * 2. Each target is judged per point by the rule in recommendTarget.ts (one-sided 95 %
 *    Clopper–Pearson bounds): met, missed or undecided.
 * 3. Undecided points get more runs, one point at a time in the objectives' priority order
 *    (the cheapest first), doubling its count (20 → 40 → 80 …) up to `maxRuns`, and a point
 *    that a point meeting every target already dominates gets none (it could not reach the
 *    frontier). Refining the cheapest first means that once it is settled as met, the dearer
 *    undecided points are dominated and cost nothing more. The new runs continue the point's run
 *    indexes, so nothing is recomputed. Still undecided at `maxRuns` counts as not met.
 * 4. The Pareto frontier over the objectives among the points that meet every target, and the
 *    recommendation picked from it (src/runner/pareto.ts: objectives in the order given, then
 *    the larger safety margin, then the lower point index).
 */
import {
  byPriority,
  type Candidate,
  dominates,
  type Objective,
  paretoFrontier,
  pickRecommendation,
} from "./pareto.ts";
import {
  combineVerdicts,
  evaluateTarget,
  type Target,
  type TargetEvaluation,
  type Verdict,
} from "./recommendTarget.ts";
import { boundConfidence } from "./statistics.ts";
import type { StoredRun } from "./store.ts";
import type { LoadedSweepPoint } from "./sweep.ts";
import type { StageRequest, SweepRunner } from "./sweepRun.ts";

export interface PointEvaluation {
  index: number;
  parameters: Record<string, unknown>;
  /** Runs stored for the point (finished and failed); they back every figure of the point. */
  runs: number;
  failedRuns: number;
  batchIds: string[];
  /** One per target, in the targets' order. */
  targets: TargetEvaluation[];
  verdict: Verdict;
  /** The point's value of each objective, in the objectives' order. */
  objectives: number[];
  onFrontier: boolean;
  /**
   * A point meeting every target that beats this one on the objectives (the lowest such index),
   * or null. A dominated point that is still undecided got no more runs: it could not win.
   */
  dominatedBy: number | null;
}

export interface RecommendResult {
  rule: string;
  confidence: number;
  targets: Target[];
  objectives: Objective[];
  runsPerStage: number;
  maxRuns: number;
  stages: number;
  points: PointEvaluation[];
  /** Point indexes on the frontier, ascending. */
  frontier: number[];
  /** The recommended point's index, or null when no point meets every target. */
  recommended: number | null;
  /** Why that point (or why none). */
  reason: string;
}

export const feasibilityRule =
  "a point meets P(event) < p when the one-sided 95 % Clopper–Pearson upper bound of P(event) over its finished runs is below p, misses it when the one-sided 95 % lower bound is at or above p, and is undecided in between; undecided after the last stage counts as not met";

export const tieRule =
  "among frontier points: best on the first objective, then the next ones in the order given, then the larger safety margin (the distance of the first target's bound from its limit), then the lower point index";

/**
 * How far the first target's conservative bound is inside its limit (positive = safer). Used
 * only to break ties between points that are equal on every objective.
 */
function safetyMargin(target: Target, evaluation: TargetEvaluation): number {
  return target.limit === "<" || target.limit === "<="
    ? target.probability - evaluation.high
    : evaluation.low - target.probability;
}

/** Judges every point and finds the frontier and the recommendation. Pure: runs in, verdicts out. */
export function evaluatePoints(
  points: readonly LoadedSweepPoint[],
  runsOf: ReadonlyMap<number, readonly StoredRun[]>,
  batchesOf: ReadonlyMap<number, readonly string[]>,
  targets: readonly Target[],
  objectives: readonly Objective[],
  objectiveValues: ReadonlyMap<number, readonly number[]>,
): { points: PointEvaluation[]; frontier: number[]; recommended: number | null } {
  const evaluations = points.map((point): PointEvaluation => {
    const runs = runsOf.get(point.index) ?? [];
    const perTarget = targets.map((target) => evaluateTarget(target, runs));
    return {
      index: point.index,
      parameters: point.values,
      runs: runs.length,
      failedRuns: runs.filter((run) => run.metrics === null).length,
      batchIds: [...(batchesOf.get(point.index) ?? [])],
      targets: perTarget,
      verdict: combineVerdicts(perTarget.map((evaluation) => evaluation.verdict)),
      objectives: [...(objectiveValues.get(point.index) ?? [])],
      onFrontier: false,
      dominatedBy: null,
    };
  });
  const feasible: Candidate[] = evaluations
    .filter((evaluation) => evaluation.verdict === "met")
    .map((evaluation) => ({ index: evaluation.index, values: evaluation.objectives }));
  const frontier = paretoFrontier(objectives, feasible);
  for (const index of frontier) evaluations[index].onFrontier = true;
  for (const evaluation of evaluations) {
    const candidate = { index: evaluation.index, values: evaluation.objectives };
    evaluation.dominatedBy =
      feasible.find((other) => dominates(objectives, other, candidate))?.index ?? null;
  }
  const margins = new Map(
    evaluations.map((evaluation) => [
      evaluation.index,
      safetyMargin(targets[0], evaluation.targets[0]),
    ]),
  );
  const pick = pickRecommendation(
    objectives,
    feasible.filter((candidate) => frontier.includes(candidate.index)),
    margins,
  );
  return { points: evaluations, frontier, recommended: pick?.index ?? null };
}

/**
 * Undecided points below `maxRuns` that a point meeting every target does not already dominate,
 * best first by the objectives' priority (the order in which they get more runs).
 */
export function pointsNeedingRuns(
  evaluations: readonly PointEvaluation[],
  objectives: readonly Objective[],
  maxRuns: number,
): number[] {
  const met = evaluations
    .filter((evaluation) => evaluation.verdict === "met")
    .map((evaluation) => ({ index: evaluation.index, values: evaluation.objectives }));
  return evaluations
    .filter((evaluation) => evaluation.verdict === "undecided" && evaluation.runs < maxRuns)
    .filter(
      (evaluation) =>
        !met.some((candidate) =>
          dominates(objectives, candidate, {
            index: evaluation.index,
            values: evaluation.objectives,
          }),
        ),
    )
    .map((evaluation) => ({ index: evaluation.index, values: evaluation.objectives }))
    .sort(byPriority(objectives))
    .map((candidate) => candidate.index);
}

export interface RecommendOptions {
  targets: Target[];
  objectives: Objective[];
  runs: number;
  maxRuns: number;
  objectiveValues: ReadonlyMap<number, readonly number[]>;
  /** Called before each stage with its number (1 = every point) and the points it runs. */
  onStage?: (stage: number, pointIndexes: readonly number[], runsEach: number[]) => void;
}

export async function recommend(
  runner: SweepRunner,
  points: readonly LoadedSweepPoint[],
  options: RecommendOptions,
): Promise<{ interrupted: boolean; result?: RecommendResult }> {
  const runsSoFar = new Map(points.map((point) => [point.index, 0]));
  let requests: StageRequest[] = points.map((point) => ({
    pointIndex: point.index,
    firstRun: 0,
    runs: Math.min(options.runs, options.maxRuns),
  }));
  let stages = 0;
  for (;;) {
    stages++;
    options.onStage?.(
      stages,
      requests.map((request) => request.pointIndex),
      requests.map((request) => request.firstRun + request.runs),
    );
    const outcome = await runner.runStage(requests);
    if (outcome.interrupted) return { interrupted: true };
    for (const request of requests) {
      runsSoFar.set(request.pointIndex, request.firstRun + request.runs);
    }
    const evaluation = await evaluate(runner, points, options);
    const next = pointsNeedingRuns(evaluation.points, options.objectives, options.maxRuns);
    if (next.length === 0) {
      return { interrupted: false, result: finish(evaluation, options, stages) };
    }
    const pointIndex = next[0];
    const current = runsSoFar.get(pointIndex) ?? 0;
    requests = [
      { pointIndex, firstRun: current, runs: Math.min(2 * current, options.maxRuns) - current },
    ];
  }
}

async function evaluate(
  runner: SweepRunner,
  points: readonly LoadedSweepPoint[],
  options: RecommendOptions,
): Promise<ReturnType<typeof evaluatePoints>> {
  const runsOf = new Map<number, StoredRun[]>();
  const batchesOf = new Map<number, string[]>();
  for (const point of points) {
    runsOf.set(point.index, await runner.runsOf(point.index));
    batchesOf.set(point.index, runner.batchesOf(point.index));
  }
  return evaluatePoints(
    points,
    runsOf,
    batchesOf,
    options.targets,
    options.objectives,
    options.objectiveValues,
  );
}

function finish(
  evaluation: ReturnType<typeof evaluatePoints>,
  options: RecommendOptions,
  stages: number,
): RecommendResult {
  const met = evaluation.points.filter((point) => point.verdict === "met").length;
  const dominatedOpen = evaluation.points.filter(
    (point) => point.verdict === "undecided" && point.dominatedBy !== null,
  ).length;
  const reason =
    evaluation.recommended === null
      ? `no point meets every target at ${Math.round(boundConfidence * 100)} % confidence (${evaluation.points.filter((point) => point.verdict === "undecided").length} undecided after ${options.maxRuns} runs at most); widen the sweep or allow more runs (--max-runs)`
      : `${met} of ${evaluation.points.length} points ${met === 1 ? "meets" : "meet"} every target; ${evaluation.frontier.length} on the frontier; picked by the tie rule${dominatedOpen === 0 ? "" : `; ${dominatedOpen} undecided point${dominatedOpen === 1 ? " is" : "s are"} dominated by a point that meets every target and got no more runs`}`;
  return {
    rule: feasibilityRule,
    confidence: boundConfidence,
    targets: options.targets,
    objectives: options.objectives,
    runsPerStage: options.runs,
    maxRuns: options.maxRuns,
    stages,
    points: evaluation.points,
    frontier: evaluation.frontier,
    recommended: evaluation.recommended,
    reason,
  };
}
