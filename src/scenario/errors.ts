/**
 * Errors a user can fix: every problem in a scenario (or a file it names) becomes one issue that
 * says where it is, which field, what value was found and what would be accepted. The loader
 * collects as many issues as it can before throwing, so one run shows every mistake.
 */
import type { z } from "zod";

export interface ScenarioIssue {
  /** `file.yaml:12:5`, `file.csv:3:9`, `--set exchange.insuranceFund`, or a bare file name. */
  location: string;
  /** Dotted field path such as `exchange.insuranceFund`; a column name for CSV cells. */
  path: string;
  /** What is wrong, the value received, and what is allowed. */
  message: string;
}

/**
 * Issues kept and printed per error: a file with 100,000 mistakes gets the first 50 and a count,
 * which is all anyone reads, in linear time and a few kilobytes.
 */
export const maxReportedIssues = 50;

export class ScenarioError extends Error {
  readonly issues: readonly ScenarioIssue[];
  /** Problems found beyond the issues kept. */
  readonly omitted: number;

  constructor(issues: readonly ScenarioIssue[], omitted = 0) {
    const kept = issues.slice(0, maxReportedIssues);
    const more = omitted + issues.length - kept.length;
    const lines = kept.map(formatScenarioIssue);
    if (more > 0) {
      lines.push(
        `... and ${more} more problem${more === 1 ? "" : "s"} (the first ${kept.length} are listed; fix them and run again)`,
      );
    }
    super(lines.join("\n"));
    this.name = "ScenarioError";
    this.issues = kept;
    this.omitted = more;
  }
}

/**
 * `location: path: message`, leaving out the parts an issue does not have (a syntax error has no
 * path) and the path when the location already says it (`--set exchange.insuranceFund`).
 */
function formatScenarioIssue(issue: ScenarioIssue): string {
  const path = issue.location === `--set ${issue.path}` ? "" : issue.path;
  return [issue.location, path, issue.message].filter((part) => part !== "").join(": ");
}

const longestValueText = 60;

/**
 * A value as the user wrote it, short enough for one line: strings quoted, long lists and objects
 * summarised by size or keys, anything else cut at 60 characters.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  const json = JSON.stringify(value) ?? String(value);
  if (json.length <= longestValueText) return json;
  if (Array.isArray(value)) return `[${value.length} items]`;
  if (typeof value === "object") return truncate(`{${Object.keys(value).join(", ")}}`);
  return truncate(json);
}

function truncate(text: string): string {
  return text.length <= longestValueText ? text : `${text.slice(0, longestValueText - 3)}...`;
}

/** Enum options for a message: `isolated, cross`. */
export function listOptions(options: readonly unknown[]): string {
  return options.map((option) => (typeof option === "string" ? option : String(option))).join(", ");
}

/** The closest candidate to a misspelt word, when it is close enough to be a likely typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(left: string, right: string): number {
  let previousRow = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const currentRow = [row];
    for (let column = 1; column <= right.length; column++) {
      const substitution = previousRow[column - 1] + (left[row - 1] === right[column - 1] ? 0 : 1);
      currentRow[column] = Math.min(
        substitution,
        previousRow[column] + 1,
        currentRow[column - 1] + 1,
      );
    }
    previousRow = currentRow;
  }
  return previousRow[right.length];
}

const typeNames: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  object: "an object (key: value mapping)",
  record: "an object (key: value mapping)",
  array: "a list",
  null: "null",
};

function expectedTypeName(expected: string): string {
  return typeNames[expected] ?? expected;
}

function receivedTypeName(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return typeof value;
}

function bound(origin: string, comparison: string, limit: number | bigint, lower: boolean): string {
  if (origin === "array" || origin === "set") {
    return `needs ${lower ? "at least" : "at most"} ${limit} item${limit === 1 ? "" : "s"}`;
  }
  if (origin === "string") {
    if (lower && limit === 1) return "must not be empty";
    return `needs ${lower ? "at least" : "at most"} ${limit} characters`;
  }
  return `must be ${comparison} ${limit}`;
}

/**
 * The "must be" phrase of one union branch, so that branches read as alternatives
 * (`must be > 0 or "none"`) instead of as a list of separate failures.
 */
function branchRule(issue: z.core.$ZodIssue): string {
  return issue.code === "invalid_type"
    ? `must be ${expectedTypeName(issue.expected)}`
    : issue.message;
}

function joinAlternatives(rules: readonly string[]): string {
  const prefix = "must be ";
  if (rules.every((rule) => rule.startsWith(prefix))) {
    return prefix + rules.map((rule) => rule.slice(prefix.length)).join(" or ");
  }
  return rules.join(" or ");
}

/**
 * Messages for zod's built-in checks, phrased as the rule that was broken ("must be >= 0",
 * "must be one of isolated, cross"). Messages written in the schema take precedence over this map,
 * and they are phrased the same way, so {@link describeZodIssue} can put the offending value in
 * front of either. Type mismatches already name the received value here.
 */
export const scenarioErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) {
        return `required field is missing; expected ${expectedTypeName(issue.expected)}`;
      }
      if (issue.input === null)
        return `expected ${expectedTypeName(issue.expected)}, received null`;
      return `expected ${expectedTypeName(issue.expected)}, received ${receivedTypeName(issue.input)} ${describeValue(issue.input)}`;
    case "too_small":
      return bound(issue.origin, issue.inclusive ? ">=" : ">", issue.minimum, true);
    case "too_big":
      return bound(issue.origin, issue.inclusive ? "<=" : "<", issue.maximum, false);
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${listOptions(issue.values)}`;
    case "invalid_format":
      return issue.pattern === undefined
        ? `must be a valid ${issue.format}`
        : `must match ${issue.pattern}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "invalid_union":
      if (issue.discriminator !== undefined && "options" in issue && Array.isArray(issue.options)) {
        return `must be one of ${listOptions(issue.options)}`;
      }
      return joinAlternatives(
        issue.errors.flatMap((branch) => (branch.length > 0 ? [branchRule(branch[0])] : [])),
      );
    case "invalid_key":
    case "invalid_element":
      return issue.issues.map((inner) => inner.message).join("; ");
    default:
      return undefined;
  }
};

/**
 * The final message of a zod issue (parsed with {@link scenarioErrorMap}): rule-style messages get
 * the offending value in front, `-5 is not allowed; must be >= 0`. `value` is what the document
 * holds at the issue's path (a refinement of a list reports its issues on one item, whose value
 * zod does not carry); for a record key it is the key. Unknown keys are not handled here because
 * their message needs the allowed keys of the object.
 */
export function describeZodIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === "invalid_type") return issue.message;
  if (value === undefined) {
    // A missing discriminator (`kind`) is a missing required field; other rules on an absent
    // optional field (a tier without `rate`) judge its implied value, which the message states.
    return issue.code === "invalid_union" && issue.discriminator !== undefined
      ? `required field is missing; ${issue.message}`
      : issue.message;
  }
  return `${describeValue(value)} is not allowed; ${issue.message}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * An invalid command-line option or request parameter that is not a scenario field (such as
 * `--seed -1`): invalid input all the same, so adapters answer it like a ScenarioError.
 */
export class UsageError extends Error {}
