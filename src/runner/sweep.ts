/**
 * Sweeps: the points a scenario's `sweep:` section (and `--sweep` options) describe, each one the
 * scenario with a few `--set` overrides, every one loaded and validated before any run starts.
 *
 * Points are run with common random numbers: run i of every point is `runScenario(point, { seed,
 * runIndex: i })` with the same master seed, so the population and the shock path of run i are
 * the same draws at every point (src/engine/random.ts gives each component its own stream) and
 * a difference between two points is the parameter's effect, not sampling noise.
 */
import { createHash } from "node:crypto";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { parse as parseYaml } from "yaml";
import { RandomStream, runSeed } from "../engine/random.ts";
import { describeValue, ScenarioError, UsageError } from "../scenario/errors.ts";
import { type LoadedScenario, type LoadOptions, loadScenario } from "../scenario/load.ts";
import {
  maxSweepPoints,
  type Sweep,
  type SweepRange,
  sweepRangeSchema,
} from "../scenario/sweepSchema.ts";

/** Where a swept path was declared, as the error messages name it. */
export type SweepOrigin = "sweep.grid" | "sweep.random.parameters" | "--sweep";

export interface GridParameter {
  kind: "grid";
  path: string;
  origin: SweepOrigin;
  values: readonly unknown[];
}

export interface RandomParameter {
  kind: "random";
  path: string;
  origin: SweepOrigin;
  range: SweepRange;
}

export type SweepParameter = GridParameter | RandomParameter;

export interface SweepDefinition {
  parameters: readonly SweepParameter[];
  /** Latin hypercube samples per grid point (0 when nothing is drawn). */
  samples: number;
  /** Seed of the draws: the sweep's `random.seed`, else the scenario's seed. */
  samplingSeed: number;
}

export interface SweepPoint {
  index: number;
  /** Path → value, in the order the parameters were declared. */
  values: Record<string, unknown>;
  /** The `--set` assignments that make this point out of the scenario. */
  overrides: string[];
}

export interface LoadedSweepPoint extends SweepPoint {
  loaded: LoadedScenario;
}

/** Samples of a `--sweep PATH=MIN..MAX` range when neither --samples nor the file says. */
export const defaultSamples = 16;

const rangePattern =
  /^\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*\.\.\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*((?::\s*(?:log|int|linear)\s*)*)$/i;

/**
 * One `--sweep` option: `PATH=V1,V2,...` (a grid; each value a YAML scalar or flow value, so
 * `exchange.maintenanceMarginTiers=[{...}],[{...}]` gives whole lists) or `PATH=MIN..MAX[:log][:int]`
 * (a range, sampled).
 */
export function parseSweepOption(text: string): SweepParameter {
  const equals = text.indexOf("=");
  const path = equals < 0 ? "" : text.slice(0, equals).trim();
  const body = equals < 0 ? "" : text.slice(equals + 1).trim();
  if (!/^[A-Za-z_]\w*(\.\w+)*$/.test(path) || body === "") {
    throw new UsageError(
      `--sweep: ${describeValue(text)} is not allowed; expected PATH=V1,V2,... (a grid) or PATH=MIN..MAX[:log][:int] (a sampled range), e.g. exchange.insuranceFund=5e5,1e6,2e6`,
    );
  }
  const range = rangePattern.exec(body);
  if (range !== null) {
    const flags = range[3].toLowerCase();
    const min = Number(range[1]);
    const max = Number(range[2]);
    const candidate = {
      min,
      max,
      scale: flags.includes("log") ? ("log" as const) : ("linear" as const),
      integer: flags.includes("int"),
    };
    const checked = sweepRangeSchema.safeParse(candidate);
    if (!checked.success) {
      throw new UsageError(
        `--sweep ${path}: range ${body} is not allowed; ${checked.error.issues.map((issue) => issue.message).join("; ")}`,
      );
    }
    return { kind: "random", path, origin: "--sweep", range: checked.data };
  }
  let values: unknown;
  try {
    values = parseYaml(`[${body}]`);
  } catch (error) {
    throw new UsageError(
      `--sweep ${path}: ${describeValue(body)} is not allowed; expected comma-separated YAML values such as 5e5,1e6 or [{...}],[{...}] (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
    );
  }
  if (!Array.isArray(values) || values.length === 0) {
    throw new UsageError(`--sweep ${path}: needs at least one value`);
  }
  return { kind: "grid", path, origin: "--sweep", values };
}

/**
 * The sweep of a scenario file plus `--sweep` options; an option replaces the file's entry for
 * the same path, as `--set` replaces a field. Undefined when nothing is swept.
 */
export function sweepDefinition(
  fileSweep: Sweep | undefined,
  options: readonly SweepParameter[],
  settings: { samples?: number; scenarioSeed: number; setPaths: readonly string[] },
): SweepDefinition | undefined {
  const byPath = new Map<string, SweepParameter>();
  for (const [path, values] of Object.entries(fileSweep?.grid ?? {})) {
    byPath.set(path, { kind: "grid", path, origin: "sweep.grid", values });
  }
  for (const [path, range] of Object.entries(fileSweep?.random?.parameters ?? {})) {
    if (byPath.has(path)) {
      throw new UsageError(
        `sweep.random.parameters.${path}: ${path} is already in sweep.grid; sweep each path one way`,
      );
    }
    byPath.set(path, { kind: "random", path, origin: "sweep.random.parameters", range });
  }
  for (const option of options) {
    if (byPath.get(option.path)?.origin === "--sweep") {
      throw new UsageError(`--sweep ${option.path}: given twice; give each path once`);
    }
    byPath.set(option.path, option);
  }
  if (byPath.size === 0) return undefined;
  const parameters = [...byPath.values()];
  for (const parameter of parameters) {
    const name = describeOrigin(parameter);
    for (const other of parameters) {
      if (other !== parameter && other.path.startsWith(`${parameter.path}.`)) {
        throw new UsageError(
          `${name}: ${other.path} is swept too and lies inside ${parameter.path}; sweep one of them`,
        );
      }
    }
    for (const set of settings.setPaths) {
      if (set === parameter.path || set.startsWith(`${parameter.path}.`)) {
        throw new UsageError(
          `${name}: --set ${set} sets a field this sweep varies; drop one of them`,
        );
      }
    }
  }
  const hasRandom = parameters.some((parameter) => parameter.kind === "random");
  const samples = hasRandom
    ? (settings.samples ?? fileSweep?.random?.samples ?? defaultSamples)
    : 0;
  const gridSize = parameters.reduce(
    (product, parameter) =>
      parameter.kind === "grid" ? product * parameter.values.length : product,
    1,
  );
  const total = gridSize * Math.max(1, samples);
  if (total > maxSweepPoints) {
    throw new UsageError(
      `sweep: ${total.toLocaleString("en-US")} points (${parameters.map((parameter) => `${parameter.path}: ${parameter.kind === "grid" ? parameter.values.length : `${samples} samples`}`).join(" × ")}) is more than the ${maxSweepPoints.toLocaleString("en-US")} allowed; sweep fewer values`,
    );
  }
  return {
    parameters,
    samples,
    samplingSeed: fileSweep?.random?.seed ?? settings.scenarioSeed,
  };
}

export function describeOrigin(parameter: SweepParameter): string {
  return parameter.origin === "--sweep"
    ? `--sweep ${parameter.path}`
    : `${parameter.origin}.${parameter.path}`;
}

/**
 * Latin hypercube samples: for each range, `samples` equal strata (in the range's scale), one
 * uniform draw inside each, and the strata shuffled independently per range, so every range is
 * covered evenly even with few samples. Draws come from xoroshiro128+ seeded from `seed`, in the
 * order the ranges are given: first the shuffle, then the draws, range by range.
 */
export function latinHypercube(
  ranges: readonly SweepRange[],
  samples: number,
  seed: number,
): number[][] {
  // Mixed like a run's seed (a raw small seed starts xoroshiro128+ in a poorly mixed state), at
  // run index −2, which no run has, so the draws share no stream with any run.
  const stream = new RandomStream(xoroshiro128plus(runSeed(seed, samplingRunIndex)));
  const columns = ranges.map((range) => {
    const strata = Array.from({ length: samples }, (_, index) => index);
    for (let index = samples - 1; index > 0; index--) {
      const swap = Math.floor(stream.uniform() * (index + 1));
      [strata[index], strata[swap]] = [strata[swap], strata[index]];
    }
    return strata.map((stratum) => scaleDraw(range, (stratum + stream.uniform()) / samples));
  });
  return Array.from({ length: samples }, (_, sample) => columns.map((column) => column[sample]));
}

/** The run index whose seed the sampling stream takes: below every real run's. */
const samplingRunIndex = -2;

/** Significant digits a drawn value keeps: enough to tell samples apart, short enough to read. */
const drawDigits = 6;

/** A uniform u in [0, 1) mapped into the range: linearly, or linearly in log(value). */
export function scaleDraw(range: SweepRange, unit: number): number {
  const value =
    range.scale === "log"
      ? Math.exp(Math.log(range.min) + unit * (Math.log(range.max) - Math.log(range.min)))
      : range.min + unit * (range.max - range.min);
  if (!range.integer) {
    return Math.min(range.max, Math.max(range.min, Number(value.toPrecision(drawDigits))));
  }
  return Math.min(Math.floor(range.max), Math.max(Math.ceil(range.min), Math.round(value)));
}

/**
 * Every point: the grid's cartesian product (the first path varies slowest) with, for each grid
 * point, the random samples. Points whose values coincide (integer draws rounding to the same
 * value) are kept once.
 */
export function expandSweep(definition: SweepDefinition): SweepPoint[] {
  const grid = definition.parameters.filter(
    (parameter): parameter is GridParameter => parameter.kind === "grid",
  );
  const random = definition.parameters.filter(
    (parameter): parameter is RandomParameter => parameter.kind === "random",
  );
  const draws =
    random.length === 0
      ? [[]]
      : latinHypercube(
          random.map((parameter) => parameter.range),
          definition.samples,
          definition.samplingSeed,
        );
  let combinations: unknown[][] = [[]];
  for (const parameter of grid) {
    combinations = combinations.flatMap((prefix) =>
      parameter.values.map((value) => [...prefix, value]),
    );
  }
  const points: SweepPoint[] = [];
  const seen = new Set<string>();
  for (const combination of combinations) {
    for (const draw of draws) {
      const values: Record<string, unknown> = {};
      grid.forEach((parameter, index) => {
        values[parameter.path] = combination[index];
      });
      random.forEach((parameter, index) => {
        values[parameter.path] = draw[index];
      });
      // Declared order, so a point reads the way the sweep was written.
      const ordered: Record<string, unknown> = {};
      for (const parameter of definition.parameters)
        ordered[parameter.path] = values[parameter.path];
      const overrides = Object.entries(ordered).map(
        ([path, value]) => `${path}=${JSON.stringify(value)}`,
      );
      const key = overrides.join("\n");
      if (seen.has(key)) continue;
      seen.add(key);
      points.push({ index: points.length, values: ordered, overrides });
    }
  }
  return points;
}

/** `exchange.insuranceFund=500000, market.orderBook.shape.depthPerPercent=2e6`: a point in one line. */
export function pointLabel(point: Pick<SweepPoint, "values">): string {
  return Object.entries(point.values)
    .map(([path, value]) => `${path}=${describeValue(value)}`)
    .join(", ");
}

/**
 * Loads every point through the scenario loader (the `--set` machinery) before anything runs.
 * All problems are collected; each names the sweep entry, the value and the loader's reason.
 */
export async function loadSweepPoints(
  source: string,
  baseOptions: LoadOptions,
  definition: SweepDefinition,
  points: readonly SweepPoint[],
): Promise<LoadedSweepPoint[]> {
  const loaded: LoadedSweepPoint[] = [];
  // One problem per sweep entry and message: a path that does not exist fails every point the
  // same way and is said once, with the values and points it hit.
  const problems = new Map<string, { where: string; values: string[]; points: number[] }>();
  for (const point of points) {
    try {
      const scenario = await loadScenario(source, {
        ...baseOptions,
        overrides: [...(baseOptions.overrides ?? []), ...point.overrides],
      });
      loaded.push({ ...point, loaded: scenario });
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      for (const issue of error.issues) {
        const parameter = definition.parameters.find(
          (candidate) =>
            issue.location === `--set ${candidate.path}` ||
            issue.path === candidate.path ||
            issue.path.startsWith(`${candidate.path}.`),
        );
        const field = issue.path === "" || issue.path === parameter?.path ? "" : `${issue.path}: `;
        const where =
          parameter === undefined
            ? `sweep point ${point.index} (${pointLabel(point)})`
            : describeOrigin(parameter);
        const key = `${where}\n${field}${issue.message}`;
        const problem = problems.get(key) ?? { where, values: [], points: [] };
        if (parameter !== undefined) {
          const value = describeValue(point.values[parameter.path]);
          if (!problem.values.includes(value)) problem.values.push(value);
        }
        problem.points.push(point.index);
        problems.set(key, problem);
      }
    }
    // One bad value usually fails many points: the first few problems say enough.
    if (problems.size >= 10) break;
  }
  if (problems.size > 0) {
    const lines = [...problems].map(([key, problem]) => {
      const message = key.slice(key.indexOf("\n") + 1);
      const pointList = `point${problem.points.length === 1 ? "" : "s"} ${problem.points.join(", ")}`;
      if (problem.values.length === 0) return `${problem.where}: ${message}`;
      const valueList = `value${problem.values.length === 1 ? "" : "s"} ${problem.values.join(", ")}`;
      return `${problem.where}: ${valueList} (${pointList}): ${message}`;
    });
    throw new UsageError(`the sweep has invalid points; nothing was run:\n${lines.join("\n")}`);
  }
  return loaded;
}

/**
 * A sweep is named by its points (each point's scenario hash) and the master seed: the same
 * sweep given in a file or with --sweep finds its stored runs again.
 */
export function sweepIdOf(points: readonly LoadedSweepPoint[], seed: number): string {
  const hash = createHash("sha256").update(`${seed}`);
  for (const point of points) hash.update(`\n${point.loaded.hash}`);
  return hash.digest("hex").slice(0, 16);
}

/** A numeric field of a loaded point (an objective such as exchange.insuranceFund). */
export function numberAt(point: LoadedSweepPoint, path: string): number | undefined {
  let value: unknown = point.loaded.scenario;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
