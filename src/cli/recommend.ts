/**
 * `deleverage recommend SCENARIO --target "P(badDebt > 1e6) < 0.01" --minimize PATH ...`: runs
 * the scenario's sweep (or `--sweep`), judges each point against the targets, adds runs where
 * the verdict is open, and prints the points, the Pareto frontier and the recommendation. Writes
 * recommend.json and recommend-report.html (the stress report of the recommended point, with the
 * sweep frontier on top) into --out, next to the results store the runs are kept in.
 *
 * Exit codes as `stress`: 0 done (with or without a feasible point), 1 runs failed or the store
 * failed, 2 invalid input before any run, 130/143 interrupted (stored runs are kept).
 */

import { join } from "node:path";
import { formatCount, formatPercent } from "../report/format.ts";
import { costChartData, recommendChartData } from "../report/frontier.ts";
import { stressReportHtml } from "../report/stressHtml.ts";
import { stressPngCharts } from "../report/stressPng.ts";
import { packageVersion } from "../report/version.ts";
import type { Objective } from "../runner/pareto.ts";
import { defaultWorkerCount } from "../runner/pool.ts";
import { perpRandomness } from "../runner/randomness.ts";
import { feasibilityRule, type RecommendResult, recommend, tieRule } from "../runner/recommend.ts";
import { parseTarget } from "../runner/recommendTarget.ts";
import { summarizeBatch } from "../runner/stressSummary.ts";
import { numberAt, pointLabel } from "../runner/sweep.ts";
import { commonRandomNumbersNote, describeParameter } from "../runner/sweepSummary.ts";
import { describeValue, UsageError } from "../scenario/errors.ts";
import { loadFromOptions } from "./scenarioOptions.ts";
import { reportStoreFailure } from "./storeFailure.ts";
import {
  type BatchCommandOptions,
  checkSweepBudget,
  openSweep,
  positiveInteger,
  prepareSweep,
  progressReporter,
  resultsDatabaseName,
  sweepOf,
  writeSweepOutputs,
} from "./stress.ts";
import { renderTable } from "./table.ts";

export interface RecommendCommandOptions extends BatchCommandOptions {
  target: string[];
  /** `minimize:PATH` / `maximize:PATH` in the order given on the command line. */
  objectives: string[];
  maxRuns?: string;
}

export function recommendCommand(source: string, options: RecommendCommandOptions): Promise<void> {
  return reportStoreFailure(() => recommendRun(source, options));
}

function parseObjectives(texts: readonly string[]): Objective[] {
  if (texts.length === 0) {
    throw new UsageError(
      "recommend needs a cost to optimise: --minimize PATH or --maximize PATH (e.g. --minimize exchange.insuranceFund)",
    );
  }
  return texts.map((text) => {
    const colon = text.indexOf(":");
    const direction = text.slice(0, colon) === "maximize" ? "maximize" : "minimize";
    const path = text.slice(colon + 1).trim();
    if (!/^[A-Za-z_]\w*(\.\w+)*$/.test(path)) {
      throw new UsageError(
        `--${direction} ${describeValue(path)}: expected a dotted scenario path such as exchange.insuranceFund`,
      );
    }
    return { path, direction };
  });
}

async function recommendRun(source: string, options: RecommendCommandOptions): Promise<void> {
  const runs = positiveInteger("--runs", options.runs);
  const maxRuns =
    options.maxRuns === undefined ? 8 * runs : positiveInteger("--max-runs", options.maxRuns);
  if (maxRuns < runs) {
    throw new UsageError(`--max-runs ${maxRuns} is below --runs ${runs}; it must be at least that`);
  }
  const workers =
    options.workers === undefined
      ? defaultWorkerCount()
      : positiveInteger("--workers", options.workers);
  const shardSize = positiveInteger("--shard-size", options.shardSize);
  if (options.target.length === 0) {
    throw new UsageError(`recommend needs --target, e.g. --target "P(badDebt > 1e6) < 0.01"`);
  }
  const targets = options.target.map(parseTarget);
  const objectives = parseObjectives(options.objectives);
  const loaded = await loadFromOptions(source, options);
  const definition = sweepOf(loaded, options);
  if (definition === undefined) {
    throw new UsageError(
      `${loaded.scenario.name} declares no sweep: add a sweep: section or --sweep PATH=V1,V2,... (e.g. --sweep exchange.insuranceFund=5e5,1e6,2e6)`,
    );
  }
  const { points, sweepId } = await prepareSweep(source, options, loaded, definition);
  checkSweepBudget(points, { runsPerPoint: maxRuns, workers, shardSize }, options.allowLarge);
  const objectiveValues = new Map<number, number[]>();
  for (const point of points) {
    objectiveValues.set(
      point.index,
      objectives.map((objective) => {
        const value = numberAt(point, objective.path);
        if (value === undefined) {
          throw new UsageError(
            `--${objective.direction} ${objective.path}: point ${point.index} (${pointLabel(point)}) has no number there; an objective must be a numeric scenario field`,
          );
        }
        return value;
      }),
    );
  }
  let progress: ReturnType<typeof progressReporter> | undefined;
  const { out, seed, store, signals, started, runner } = await openSweep(
    options,
    loaded,
    { points, sweepId },
    { workers, shardSize },
    (finished, total) => {
      progress ??= progressReporter(`sweep ${sweepId}`, total, "recommend");
      progress.update(finished);
    },
  );
  try {
    process.stderr.write(
      `recommend: sweep ${sweepId}: ${formatCount(points.length)} points, ${formatCount(runs)} runs each to start, up to ${formatCount(maxRuns)} where the verdict is open\n`,
    );
    const outcome = await recommend(runner, points, {
      targets,
      objectives,
      runs,
      maxRuns,
      objectiveValues,
      onStage: (stage, pointIndexes, runsEach) => {
        progress?.stop();
        progress = undefined;
        if (stage > 1) {
          process.stderr.write(
            `recommend: stage ${stage}: undecided point ${pointIndexes[0]} goes to ${formatCount(runsEach[0])} runs\n`,
          );
        }
      },
    });
    progress?.stop();
    if (outcome.interrupted || outcome.result === undefined) {
      // The sweep id is hex, so it can be inlined in the query.
      const stored = await store.query(
        `SELECT count(*) FROM sweepPoints JOIN runs USING (batchId) WHERE sweepId = '${sweepId}'`,
      );
      process.stderr.write(
        `recommend: interrupted; ${formatCount(Number(stored.rows[0][0]))} runs of this sweep are stored in ${join(out, resultsDatabaseName)} (whole shards only). Run the same command again to resume.\n`,
      );
      process.exitCode = signals.exitCode();
      return;
    }
    const result = outcome.result;
    await store.checkpoint();
    const backingRuns = result.points.reduce((sum, point) => sum + point.runs, 0);
    const focus = result.recommended ?? safestPoint(result);
    const focusRuns = await runner.runsOf(focus);
    const focusBatches = runner.batchesOf(focus);
    const firstBatch = await store.batch(focusBatches[0]);
    if (firstBatch === undefined) throw new Error(`batch ${focusBatches[0]} vanished`);
    const focusSummary = {
      ...summarizeBatch(
        { ...firstBatch, batchId: focusBatches.join("+"), runs: focusRuns.length },
        focusRuns,
      ),
      randomised: perpRandomness(loaded.engine),
    };
    const json = recommendJson(result, {
      sweepId,
      scenario: loaded.scenario.name,
      seed,
      sampling:
        definition.samples > 0
          ? `grid × ${definition.samples} Latin hypercube samples (seed ${definition.samplingSeed})`
          : "grid (every combination)",
      parameters: definition.parameters.map(describeParameter),
      version: packageVersion(),
    });
    const table = recommendTable(result);
    const chart = recommendChartData(result);
    const costChart = costChartData(result) ?? undefined;
    const section = {
      heading: "Sweep frontier",
      lead: recommendationText(result),
      chart,
      costChart,
      table: {
        columns: table.columns,
        rows: table.rows,
        highlight: result.recommended ?? undefined,
      },
      focus: `The distributions below are of point ${focus} (${pointLabel(points[focus])}), ${result.recommended === null ? "the point with the lowest upper bound on the first target (no point meets every target)" : "the recommended point"}, over its ${formatCount(focusRuns.length)} runs. ${feasibilityRule[0].toUpperCase()}${feasibilityRule.slice(1)}. Ties: ${tieRule}.`,
    };
    // Closed before --out is moved into place (outputs.ts moves the store's files with it).
    store.close();
    const pngFolder = writeSweepOutputs(
      out,
      {
        "recommend.json": json,
        "recommend-report.html": stressReportHtml(focusSummary, focusRuns, section),
      },
      options.png,
      () => stressPngCharts(focusSummary, focusRuns, chart, costChart),
    );
    const seconds = (performance.now() - started) / 1000;
    if (runner.computed) {
      process.stderr.write(
        `recommend: ${result.stages} stage(s), ${formatCount(backingRuns)} runs behind the verdicts, ${seconds.toFixed(1)} s (${workers} worker${workers === 1 ? "" : "s"})\n`,
      );
    }
    process.stdout.write(
      options.json
        ? json
        : `${loaded.scenario.name}: sweep ${sweepId}, ${formatCount(points.length)} points (seed ${seed})\n` +
            `${targets.map((target) => `target: ${target.text}`).join("\n")}\n` +
            `cost: ${objectives.map((objective) => `${objective.direction} ${objective.path}`).join(", ")}\n` +
            `rule: ${feasibilityRule}\n\n` +
            `${renderTable(
              table.columns.map((title, index) => ({
                title,
                align: index === 0 || index <= definition.parameters.length ? "left" : "right",
              })),
              table.rows,
            ).trimEnd()}\n\n${recommendationText(result)}\n\nOutputs written to ${options.out}/ (recommend.json, recommend-report.html, ${resultsDatabaseName}, shards/)\n${pngFolder === undefined ? "" : `Charts written to ${pngFolder}/\n`}`,
    );
    const failed = result.points.reduce((sum, point) => sum + point.failedRuns, 0);
    if (failed > 0) {
      process.stderr.write(
        `recommend: ${formatCount(failed)} run(s) failed and are left out of the estimates; they are in the runs table (status = 'failed')\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    progress?.stop();
    signals.dispose();
    await runner.close();
    store.close();
  }
}

/** The point with the lowest conservative bound on the first target (shown when none is met). */
function safestPoint(result: RecommendResult): number {
  const target = result.targets[0];
  const below = target.limit === "<" || target.limit === "<=";
  let best = 0;
  for (const point of result.points) {
    const bound = below ? point.targets[0].high : -point.targets[0].low;
    const bestBound = below
      ? result.points[best].targets[0].high
      : -result.points[best].targets[0].low;
    if (bound < bestBound) best = point.index;
  }
  return best;
}

function recommendTable(result: RecommendResult): { columns: string[]; rows: string[][] } {
  const paths = Object.keys(result.points[0]?.parameters ?? {});
  const several = result.targets.length > 1;
  const columns = [
    "point",
    ...paths,
    "runs",
    ...result.targets.flatMap((_, index) => {
      const name = several ? `T${index + 1} ` : "";
      return [`${name}hits`, `${name}estimate`, `${name}95 % bounds`];
    }),
    "verdict",
    "frontier",
  ];
  const rows = result.points.map((point) => [
    String(point.index),
    ...paths.map((path) => describeValue(point.parameters[path])),
    formatCount(point.runs),
    ...point.targets.flatMap((evaluation) => [
      formatCount(evaluation.hits),
      formatPercent(evaluation.estimate),
      `${formatPercent(evaluation.low)}–${formatPercent(evaluation.high)}`,
    ]),
    point.verdict,
    point.index === result.recommended
      ? "recommended"
      : point.onFrontier
        ? "yes"
        : point.dominatedBy !== null
          ? `dominated by ${point.dominatedBy}`
          : "",
  ]);
  return { columns, rows };
}

export function recommendationText(result: RecommendResult): string {
  if (result.recommended === null) {
    return `No recommendation: ${result.reason}.`;
  }
  const point = result.points[result.recommended];
  const figures = result.targets
    .map(
      (target, index) =>
        `${target.text.replace(/\s*(<=|>=|<|>)\s*[^<>=]*$/, "")} ≈ ${formatPercent(point.targets[index].estimate)} (95 % ${target.limit.startsWith("<") ? "upper" : "lower"} bound ${formatPercent(target.limit.startsWith("<") ? point.targets[index].high : point.targets[index].low)}, limit ${formatPercent(target.probability)})`,
    )
    .join("; ");
  return (
    `Recommended: point ${point.index} (${pointLabel({ values: point.parameters })}), ` +
    `backed by ${formatCount(point.runs)} runs: ${figures}. ${result.reason}.`
  );
}

function recommendJson(
  result: RecommendResult,
  fields: {
    sweepId: string;
    scenario: string;
    seed: number;
    sampling: string;
    parameters: ReturnType<typeof describeParameter>[];
    version: string;
  },
): string {
  const recommended = result.recommended === null ? null : result.points[result.recommended];
  return `${JSON.stringify(
    {
      ...fields,
      commonRandomNumbers: commonRandomNumbersNote,
      rule: result.rule,
      tieRule,
      confidence: result.confidence,
      targets: result.targets,
      objectives: result.objectives,
      runsPerStage: result.runsPerStage,
      maxRuns: result.maxRuns,
      stages: result.stages,
      recommended:
        recommended === null
          ? null
          : {
              index: recommended.index,
              parameters: recommended.parameters,
              runs: recommended.runs,
            },
      reason: result.reason,
      frontier: result.frontier,
      points: result.points,
    },
    null,
    2,
  )}\n`;
}
