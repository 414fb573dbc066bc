/**
 * Data of the sweep chart in stress-report.html: one mark per sweep point at (parameter or cost
 * objective, estimated probability) with its interval, coloured by verdict, the frontier points
 * joined by a line and the target's limit as a horizontal line. `recommend` plots the first
 * objective against the first target; a `stress` sweep plots the first numeric parameter against
 * P(insurance fund exhausted) with the same bounds, and judges nothing.
 */
import type { RecommendResult } from "../runner/recommend.ts";
import type { SweepSummary } from "../runner/sweepSummary.ts";

export type PointStatus = "met" | "missed" | "undecided" | "unjudged";

export interface FrontierChartPoint {
  index: number;
  label: string;
  x: number;
  /** Estimated probability and its interval. */
  y: number;
  low: number;
  high: number;
  runs: number;
  status: PointStatus;
  onFrontier: boolean;
  recommended: boolean;
}

export interface FrontierChartData {
  title: string;
  xLabel: string;
  /** Money-like parameters get $ ticks. */
  xUnit: "money" | "number";
  /** Log x when the values are positive and span a factor of 20 or more. */
  logX: boolean;
  yLabel: string;
  /** Absent: y is a probability from 0 with intervals. Set: y is a second cost objective. */
  yUnit?: "money" | "number";
  logY?: boolean;
  /** The target's probability limit, or null when nothing is judged. */
  limit: number | null;
  intervalNote: string;
  points: FrontierChartPoint[];
  /** The frontier points in x order: the line drawn through them. */
  frontierLine: { x: number; y: number }[];
}

function label(parameters: Record<string, unknown>): string {
  return Object.entries(parameters)
    .map(([path, value]) => `${path}=${typeof value === "number" ? value : JSON.stringify(value)}`)
    .join(", ");
}

/** Paths that hold money amounts, so the axis says $. */
function unitOf(path: string): "money" | "number" {
  return /insuranceFund|capital|notional|depthPerPercent|Notional/i.test(path) ? "money" : "number";
}

function wantsLogScale(values: readonly number[]): boolean {
  if (values.length < 2) return false;
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min > 0 && max / min >= 20;
}

export function recommendChartData(result: RecommendResult): FrontierChartData {
  const objective = result.objectives[0];
  const target = result.targets[0];
  const points = result.points.map(
    (point): FrontierChartPoint => ({
      index: point.index,
      label: label(point.parameters),
      x: point.objectives[0],
      y: point.targets[0].estimate,
      low: point.targets[0].low,
      high: point.targets[0].high,
      runs: point.runs,
      status: point.verdict,
      onFrontier: point.onFrontier,
      recommended: point.index === result.recommended,
    }),
  );
  return {
    title: `Sweep frontier: ${target.text}`,
    xLabel: `${objective.path} (${objective.direction})`,
    xUnit: unitOf(objective.path),
    logX: wantsLogScale(points.map((point) => point.x)),
    yLabel: target.text.replace(/\s*(<=|>=|<|>)\s*[^<>=]*$/, ""),
    limit: target.probability,
    intervalNote: "one-sided 95 % Clopper–Pearson bounds",
    points,
    frontierLine: frontierLine(points),
  };
}

export function frontierLine(points: readonly FrontierChartPoint[]): { x: number; y: number }[] {
  return points
    .filter((point) => point.onFrontier)
    .map((point) => ({ x: point.x, y: point.y }))
    .sort((first, second) => first.x - second.x || first.y - second.y);
}

/**
 * A stress sweep: x is the first parameter whose values are all numbers (the point index when
 * none is), y is P(insurance fund exhausted).
 */
export function sweepChartData(summary: SweepSummary): FrontierChartData {
  const numeric = summary.parameters.find((parameter) =>
    summary.points.every((point) => typeof point.parameters[parameter.path] === "number"),
  );
  const points = summary.points.map((point): FrontierChartPoint => {
    const exhausted = point.summary.insuranceFundExhausted;
    return {
      index: point.index,
      label: label(point.parameters),
      x: numeric === undefined ? point.index : (point.parameters[numeric.path] as number),
      y: exhausted.probability,
      low: exhausted.low,
      high: exhausted.high,
      runs: point.summary.completedRuns,
      status: "unjudged",
      onFrontier: false,
      recommended: false,
    };
  });
  return {
    title: "Sweep: P(insurance fund exhausted) by point",
    xLabel: numeric === undefined ? "sweep point" : numeric.path,
    xUnit: numeric === undefined ? "number" : unitOf(numeric.path),
    logX: wantsLogScale(points.map((point) => point.x)),
    yLabel: "P(insurance fund exhausted)",
    limit: null,
    intervalNote: "one-sided 95 % Clopper–Pearson bounds",
    points,
    frontierLine: [],
  };
}

/**
 * The cost frontier when there are two objectives or more: the first against the second, every
 * point coloured by its verdict, the frontier joined in x order. Null with one objective.
 */
export function costChartData(result: RecommendResult): FrontierChartData | null {
  if (result.objectives.length < 2) return null;
  const [first, second] = result.objectives;
  const points = result.points.map(
    (point): FrontierChartPoint => ({
      index: point.index,
      label: label(point.parameters),
      x: point.objectives[0],
      y: point.objectives[1],
      low: point.objectives[1],
      high: point.objectives[1],
      runs: point.runs,
      status: point.verdict,
      onFrontier: point.onFrontier,
      recommended: point.index === result.recommended,
    }),
  );
  return {
    title: "Cost frontier",
    xLabel: `${first.path} (${first.direction})`,
    xUnit: unitOf(first.path),
    logX: wantsLogScale(points.map((point) => point.x)),
    yLabel: `${second.path} (${second.direction === "minimize" ? "min" : "max"})`,
    yUnit: unitOf(second.path),
    logY: wantsLogScale(points.map((point) => point.y)),
    limit: null,
    intervalNote: "",
    points,
    frontierLine: frontierLine(points),
  };
}
