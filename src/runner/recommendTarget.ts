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
import { type Bounds, clopperPearson } from "./statistics.ts";
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
