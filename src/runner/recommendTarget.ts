/**
 * Risk targets for `deleverage recommend` ("P(badDebt > 1e6) < 0.01") and the rule that decides
 * whether a sweep point meets one.
 *
 * The rule: a point meets `P(event) < p` only if the one-sided 95 % Clopper–Pearson upper bound
 * of P(event) is below p, and fails it if the one-sided 95 % lower bound is at or above p; in
 * between it is undecided (more runs can settle it; still undecided at the end counts as not
 * met). Clopper–Pearson rather than Wilson because it never claims more confidence than the runs
 * give (its coverage is at least 95 % for every true probability), and rather than the point
 * estimate because "0 bad-debt runs out of 20" says P < 14 %, not P = 0: a limit of 1 % needs
 * about 300 clean runs (the "rule of three", 3/n). A risk limit should fail safe.
 */
import { UsageError } from "../scenario/errors.ts";
import { numericFields, type RunMetrics } from "./runRecord.ts";
import type { StoredRun } from "./store.ts";

export type Comparison = "<" | "<=" | ">" | ">=";

export interface Target {
  /** As typed, for tables and reports. */
  text: string;
  /** A numeric run metric compared with `threshold`, or a yes/no event of the run. */
  metric: string;
  event:
    | { kind: "compare"; comparison: Comparison; threshold: number }
    | { kind: "flag"; flag: "insuranceFundExhausted" | "adlFired" };
  /** `<`/`<=`: the probability must stay below `probability`; `>`/`>=`: above. */
  limit: Comparison;
  probability: number;
}

/** One-sided confidence of the feasibility rule. */
export const targetConfidence = 0.95;

const numericMetrics: readonly string[] = numericFields;
const flags = ["insuranceFundExhausted", "adlFired"] as const;

const numberPattern = "(-?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?)";
const targetPattern = new RegExp(
  `^\\s*P\\(\\s*(\\w+)\\s*(?:(<=|>=|<|>)\\s*${numberPattern}\\s*)?\\)\\s*(<=|>=|<|>)\\s*${numberPattern}\\s*(%?)\\s*$`,
  "i",
);

/** `P(METRIC OP X) OP P`, `P(insuranceFundExhausted) < 5%`: a probability limit on one event. */
export function parseTarget(text: string): Target {
  const match = targetPattern.exec(text);
  const usage = `expected P(METRIC OP X) OP P, e.g. "P(badDebt > 1e6) < 0.01" or "P(insuranceFundExhausted) < 5%"`;
  if (match === null) {
    throw new UsageError(`--target: "${text}" is not allowed; ${usage}`);
  }
  const [, metric, comparison, threshold, limit, probabilityText, percent] = match;
  const probability = Number(probabilityText) / (percent === "%" ? 100 : 1);
  if (!(probability > 0 && probability < 1)) {
    throw new UsageError(
      `--target "${text}": probability ${probabilityText}${percent} is not allowed; it must be strictly between 0 and 1 (or 0 % and 100 %)`,
    );
  }
  if (comparison === undefined) {
    const flag = flags.find((candidate) => candidate === metric);
    if (flag === undefined) {
      throw new UsageError(
        `--target "${text}": P(${metric}) needs a comparison such as P(${metric} > 1e6), or one of the yes/no events ${flags.join(", ")}`,
      );
    }
    return {
      text: text.trim(),
      metric,
      event: { kind: "flag", flag },
      limit: limit as Comparison,
      probability,
    };
  }
  if (!numericMetrics.includes(metric)) {
    throw new UsageError(
      `--target "${text}": unknown metric "${metric}"; allowed: ${numericMetrics.join(", ")}, ${flags.join(", ")}`,
    );
  }
  return {
    text: text.trim(),
    metric,
    event: { kind: "compare", comparison: comparison as Comparison, threshold: Number(threshold) },
    limit: limit as Comparison,
    probability,
  };
}

function compare(value: number, comparison: Comparison, threshold: number): boolean {
  if (comparison === "<") return value < threshold;
  if (comparison === "<=") return value <= threshold;
  if (comparison === ">") return value > threshold;
  return value >= threshold;
}

/** Whether the target's event happened in one finished run (NaN never meets a comparison). */
export function eventHappened(target: Target, metrics: RunMetrics): boolean {
  if (target.event.kind === "flag") {
    return target.event.flag === "adlFired" ? metrics.adlCount > 0 : metrics.insuranceFundExhausted;
  }
  const value = metrics[target.metric as keyof RunMetrics] as number;
  return compare(value, target.event.comparison, target.event.threshold);
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p), summed in log space from the k = 0 term by the ratio of
 * consecutive terms, so n in the tens of thousands neither underflows nor needs a log-gamma.
 */
export function binomialCdf(hits: number, trials: number, probability: number): number {
  if (hits >= trials || probability <= 0) return 1;
  if (probability >= 1) return 0;
  const logRatio = Math.log(probability) - Math.log1p(-probability);
  let logTerm = trials * Math.log1p(-probability);
  const logTerms = [logTerm];
  for (let index = 0; index < hits; index++) {
    logTerm += Math.log((trials - index) / (index + 1)) + logRatio;
    logTerms.push(logTerm);
  }
  const largest = Math.max(...logTerms);
  let sum = 0;
  for (const term of logTerms) sum += Math.exp(term - largest);
  return Math.min(1, Math.exp(largest) * sum);
}

/** The p in [0, 1] where the decreasing function `f(p)` crosses `level`, by bisection. */
function solveDecreasing(f: (p: number) => number, level: number): number {
  let low = 0;
  let high = 1;
  for (let iteration = 0; iteration < 200 && high - low > 1e-15; iteration++) {
    const middle = (low + high) / 2;
    if (f(middle) > level) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

export interface Bounds {
  hits: number;
  trials: number;
  estimate: number;
  /** One-sided lower and upper Clopper–Pearson bounds at `targetConfidence` each. */
  low: number;
  high: number;
}

/**
 * Clopper & Pearson (1934): the upper bound is the p at which k or fewer hits in n trials has
 * probability α = 5 %; the lower bound the p at which k or more hits has probability α. With no
 * hit the upper bound is 1 − α^(1/n) (20 runs: 13.9 %).
 */
export function clopperPearson(hits: number, trials: number): Bounds {
  if (!Number.isInteger(hits) || !Number.isInteger(trials) || hits < 0 || hits > trials) {
    throw new RangeError(`clopperPearson: ${hits} hits of ${trials} trials`);
  }
  if (trials === 0) {
    return { hits, trials, estimate: Number.NaN, low: 0, high: 1 };
  }
  const alpha = 1 - targetConfidence;
  const high = hits === trials ? 1 : solveDecreasing((p) => binomialCdf(hits, trials, p), alpha);
  const low = hits === 0 ? 0 : solveDecreasing((p) => binomialCdf(hits - 1, trials, p), 1 - alpha);
  return { hits, trials, estimate: hits / trials, low, high };
}

export type Verdict = "met" | "missed" | "undecided";

export interface TargetEvaluation extends Bounds {
  verdict: Verdict;
}

/** The feasibility rule of the module comment, for one target over one point's runs. */
export function judge(target: Target, bounds: Bounds): Verdict {
  if (bounds.trials === 0) return "undecided";
  const { low, high } = bounds;
  const p = target.probability;
  switch (target.limit) {
    case "<":
      return high < p ? "met" : low >= p ? "missed" : "undecided";
    case "<=":
      return high <= p ? "met" : low > p ? "missed" : "undecided";
    case ">":
      return low > p ? "met" : high <= p ? "missed" : "undecided";
    case ">=":
      return low >= p ? "met" : high < p ? "missed" : "undecided";
  }
}

export function evaluateTarget(target: Target, runs: readonly StoredRun[]): TargetEvaluation {
  let hits = 0;
  let trials = 0;
  for (const run of runs) {
    if (run.metrics === null) continue;
    trials++;
    if (eventHappened(target, run.metrics)) hits++;
  }
  const bounds = clopperPearson(hits, trials);
  return { ...bounds, verdict: judge(target, bounds) };
}

/** All targets met → met; any missed → missed; else undecided. */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("missed")) return "missed";
  if (verdicts.every((verdict) => verdict === "met")) return "met";
  return "undecided";
}
