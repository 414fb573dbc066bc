/**
 * `deleverage stress SCENARIO --runs N`: a Monte Carlo batch of N seeded runs in a worker pool,
 * stored in DIR/results.duckdb (+ Parquet shards) and summarised in DIR/stress-summary.json.
 * Running the same command again resumes an interrupted batch (see src/runner/store.ts).
 *
 * Exit codes: 0 every run finished; 1 some run failed (the summary is still written and lists
 * them; its statistics cover the runs that finished) or the store failed; 2 invalid input,
 * before any run starts; 130/143 interrupted by SIGINT/SIGTERM (finished shards are kept).
 */

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import cliProgress from "cli-progress";
import {
  formatCount,
  formatMoney,
  formatPercent,
  formatProportion,
  formatReadable,
} from "../report/format.ts";
import { sweepChartData } from "../report/frontier.ts";
import { plural } from "../report/markup.ts";
import { stressReportHtml } from "../report/stressHtml.ts";
import { stressPngCharts } from "../report/stressPng.ts";
import { packageVersion } from "../report/version.ts";
import { batchIdOf, runBatch } from "../runner/batch.ts";
import { defaultWorkerCount } from "../runner/pool.ts";
import { perpRandomness, randomnessText } from "../runner/randomness.ts";
import type { Distribution } from "../runner/statistics.ts";
import { type BatchInfo, ResultsStore, type StoredRun } from "../runner/store.ts";
import {
  type DistributionField,
  distributionFields,
  type StressSummary,
  stressSummaryJson,
  summarizeBatch,
} from "../runner/stressSummary.ts";
import {
  expandSweep,
  type LoadedSweepPoint,
  loadSweepPoints,
  parseSweepOption,
  pointLabel,
  type SweepDefinition,
  sweepDefinition,
  sweepIdOf,
} from "../runner/sweep.ts";
import { SweepRunner } from "../runner/sweepRun.ts";
import {
  type SweepPointSummary,
  type SweepSummary,
  sweepSummary,
  worstPoint,
} from "../runner/sweepSummary.ts";
import { describeValue, UsageError } from "../scenario/errors.ts";
import { memoryLimitBytes } from "../scenario/limits.ts";
import { type LoadedScenario, loadAnyScenario } from "../scenario/load.ts";
import {
  type BatchShape,
  batchWork,
  budgetExcess,
  type WorkEstimate,
} from "../scenario/workBudget.ts";
import { checkOutputFolder, OutputWriteError, writeOutputs } from "./outputs.ts";
import { loadFromOptions, type ScenarioOptions } from "./scenarioOptions.ts";
import { reportStoreFailure } from "./storeFailure.ts";
import { renderTable } from "./table.ts";
import { queueUrlOption, reportQueueFailure } from "./worker.ts";

/** What `stress` and `recommend` both take: runs stored in a results store, over a sweep's points. */
export interface BatchCommandOptions extends ScenarioOptions {
  runs: string;
  workers?: string;
  out: string;
  shardSize: string;
  json?: boolean;
  /** `--png`: the report's charts as PNG, next to it (true) or in the folder given. */
  png?: string | boolean;
  /** `--sweep PATH=V1,V2,...` or `PATH=MIN..MAX[:log][:int]`, repeatable. */
  sweep?: string[];
  /** Latin hypercube samples for the sweep's ranges. */
  samples?: string;
}

export interface StressCommandOptions extends BatchCommandOptions {
  /** Redis URL: the shards become BullMQ jobs for `deleverage worker` processes. */
  queue?: string;
}

export const resultsDatabaseName = "results.duckdb";
/** Failed runs named in the text summary; the JSON lists every one. */
const listedFailures = 20;
const signalExitCodes: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

export function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${option}: "${text}" is not allowed; expected a positive integer`);
  }
  return value;
}

/** Creates the output folder and proves it writable before any run is spent on it. */
export function prepareOutput(out: string): void {
  checkOutputFolder(out);
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`--out: cannot write to ${out}: ${reason}`);
  }
}

/**
 * Refuses a batch that would not fit the work budget (workBudget.ts), naming the option that
 * drives it: every worker holds a run, the main thread a shard and every run's record.
 */
export function checkBatchBudget(
  perRun: WorkEstimate,
  batch: BatchShape,
  allowLarge: boolean | undefined,
): void {
  const excess = budgetExcess(
    batchWork(perRun, batch),
    { limitBytes: memoryLimitBytes(), allowLarge: allowLarge === true },
    "the batch",
  );
  if (excess !== undefined) {
    throw new UsageError(`${excess.term.fieldPath.join(".")}: ${excess.message}`);
  }
}

/** The budget of a sweep: its largest point's run, and every point's runs stored. */
export function checkSweepBudget(
  points: readonly LoadedSweepPoint[],
  settings: { runsPerPoint: number; workers: number; shardSize: number },
  allowLarge: boolean | undefined,
): void {
  const largest = points.reduce((found, point) =>
    point.loaded.work.bytes > found.loaded.work.bytes ? point : found,
  );
  checkBatchBudget(
    largest.loaded.work,
    {
      runs: points.length * settings.runsPerPoint,
      workers: settings.workers,
      shardSize: settings.shardSize,
      steps: largest.loaded.engine.steps,
    },
    allowLarge,
  );
}

/**
 * A bar with ETA on a terminal; one plain line per tenth of the batch in logs and CI. The first
 * report says how many runs a resumed batch already has; tenths before that are not repeated.
 */
export function progressReporter(
  subject: string,
  total: number,
  command = "stress",
): {
  update: (finished: number) => void;
  stop: () => void;
} {
  let started = false;
  const announceResume = (finished: number): void => {
    if (finished > 0) {
      process.stderr.write(
        `${command}: resuming ${subject}: ${formatCount(finished)} of ${formatCount(total)} runs already stored\n`,
      );
    }
  };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: "{bar} {percentage}% | {value}/{total} runs | ETA {eta_formatted}",
        etaBuffer: 200,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      update: (finished) => {
        // Started at the first report, so the ETA of a resumed batch reflects only this pace.
        if (!started) {
          announceResume(finished);
          bar.start(total, finished);
          started = true;
        } else bar.update(finished);
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let nextTenth = 1;
  return {
    update: (finished) => {
      if (!started) {
        announceResume(finished);
        nextTenth = Math.floor((finished * 10) / total) + 1;
        started = true;
        return;
      }
      while (nextTenth <= 10 && finished >= (total * nextTenth) / 10) {
        process.stderr.write(
          `${command}: ${formatCount(finished)}/${formatCount(total)} runs (${nextTenth * 10} %)\n`,
        );
        nextTenth++;
      }
    },
    stop: () => {},
  };
}

function formatStatistic(field: DistributionField, value: number): string {
  if (Number.isNaN(value)) return "n/a";
  if (field === "amplification") return `${value.toFixed(2)}x`;
  if (field === "totalMove") return formatPercent(value);
  if (field === "minPrice") return formatReadable(value);
  return formatMoney(value);
}

const statistics = [
  "mean",
  "p50",
  "p90",
  "p95",
  "p99",
  "max",
] as const satisfies readonly (keyof Distribution)[];

function stressText(summary: StressSummary): string {
  const heading =
    `${summary.scenario}: ${formatCount(summary.completedRuns)} of ${formatCount(summary.runs)} ` +
    `runs finished, ${formatCount(summary.failedRuns)} failed (seed ${summary.seed}, batch ${summary.batchId})`;
  const table = renderTable(
    [
      { title: "", align: "left" },
      ...statistics.map((title) => ({ title, align: "right" as const })),
    ],
    distributionFields.map((field) => [
      field,
      ...statistics.map((statistic) =>
        formatStatistic(field, summary.distributions[field][statistic]),
      ),
    ]),
  );
  const lines = [
    heading,
    ...(summary.randomised === undefined ? [] : [randomnessText(summary.randomised)]),
    "",
    table.trimEnd(),
    "",
    `VaR (p95 bad debt not covered by the fund or backstop): ${formatMoney(summary.valueAtRisk)}`,
    `LaR (p95 liquidated notional): ${formatMoney(summary.liquidationsAtRisk)}`,
    `P(insurance fund exhausted): ${formatProportion(summary.insuranceFundExhausted)}`,
    `P(ADL fires): ${formatProportion(summary.adlFired)}`,
  ];
  for (const failure of summary.failures.slice(0, listedFailures)) {
    lines.push(`failed run ${failure.runIndex} (seed ${failure.seed}): ${failure.error}`);
  }
  if (summary.failures.length > listedFailures) {
    lines.push(
      `… and ${formatCount(summary.failures.length - listedFailures)} more failed runs (all in stress-summary.json)`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function stressCommand(source: string, options: StressCommandOptions): Promise<void> {
  return reportStoreFailure(() => reportQueueFailure(() => stress(source, options)));
}

async function stress(source: string, options: StressCommandOptions): Promise<void> {
  const runs = positiveInteger("--runs", options.runs);
  const workers =
    options.workers === undefined
      ? defaultWorkerCount()
      : positiveInteger("--workers", options.workers);
  const shardSize = positiveInteger("--shard-size", options.shardSize);
  const queueUrl = options.queue === undefined ? undefined : queueUrlOption(options.queue);
  const any = await loadFromOptions(source, options, loadAnyScenario);
  if (any.model === "lending") {
    const { stressLending } = await import("./stressLending.ts");
    await stressLending(any, options, { runs, workers, shardSize });
    return;
  }
  // Other models are refused with the perp loader's own message (located at `model`).
  const loaded = any.model === "perp" ? any : await loadFromOptions(source, options);
  const definition = sweepOf(loaded, options);
  if (definition === undefined) {
    checkBatchBudget(
      loaded.work,
      { runs, workers, shardSize, steps: loaded.engine.steps },
      options.allowLarge,
    );
  }
  if (definition !== undefined) {
    if (queueUrl !== undefined) {
      throw new UsageError(
        "--queue: sweeps run on this machine's workers for now; drop --queue or the sweep",
      );
    }
    await stressSweep(source, options, loaded, definition, { runs, workers, shardSize });
    return;
  }
  const out = resolve(options.out);
  // Loaded only for --queue, so a local batch does not pay for BullMQ.
  const distributed = queueUrl === undefined ? undefined : await import("../runner/distributed.ts");
  if (queueUrl !== undefined) await distributed?.assertQueueReachable(queueUrl);
  prepareOutput(out);

  const seed = loaded.scenario.seed;
  const store = await ResultsStore.open(join(out, resultsDatabaseName));
  // A second signal exits at once: the store is safe either way (uncommitted shards are dropped).
  const interrupted = interruptions();
  const started = performance.now();
  let progress: ReturnType<typeof progressReporter> | undefined;
  try {
    const batch = await openBatch(store, out, {
      scenarioHash: loaded.hash,
      scenarioName: loaded.scenario.name,
      seed,
      runs,
      shardSize,
      steps: loaded.engine.steps,
    });
    progress = progressReporter(`batch ${batch.batchId}`, runs);
    const batchOptions = {
      scenario: loaded.engine,
      batch,
      store,
      signal: interrupted.signal,
      onProgress: progress.update,
    };
    const outcome =
      queueUrl === undefined || distributed === undefined
        ? await runBatch({ ...batchOptions, workers })
        : await distributed.runDistributedBatch({
            ...batchOptions,
            queueUrl,
            onQueued: (queued, pending) => {
              process.stderr.write(
                `stress: ${pending} shard(s) to compute, ${queued} queued now on ${queueUrl}; start workers with "deleverage worker --queue ${queueUrl}"\n`,
              );
            },
          });
    progress.stop();
    if (outcome.repairedShards > 0) {
      process.stderr.write(
        `stress: re-exported the Parquet files of ${outcome.repairedShards} stored shard(s)\n`,
      );
    }
    if (outcome.interrupted) {
      reportInterrupted(outcome, runs, out, interrupted);
      return;
    }
    await store.checkpoint();
    const storedRuns = await store.runs(batch.batchId);
    const summary = {
      ...summarizeBatch(batch, storedRuns),
      randomised: perpRandomness(loaded.engine),
    };
    const json = stressSummaryJson(summary);
    // Closed before --out is moved into place (outputs.ts moves the store's files with it).
    store.close();
    // `--png` alone puts the charts next to stress-report.html; `--png DIR` puts them in DIR.
    const pngFolder = options.png === true ? out : options.png ? resolve(options.png) : undefined;
    try {
      const pngs: Record<string, Uint8Array> = {};
      if (pngFolder !== undefined) {
        for (const chart of stressPngCharts(summary, storedRuns)) pngs[chart.fileName] = chart.png;
      }
      writeOutputs(out, {
        "stress-summary.json": json,
        "stress-report.html": stressReportHtml(summary, storedRuns),
        ...(pngFolder === out ? pngs : {}),
      });
      if (pngFolder !== undefined && pngFolder !== out) writeOutputs(pngFolder, pngs);
    } catch (error) {
      throw new OutputWriteError(
        `cannot write the batch's outputs (stress-summary.json, stress-report.html${pngFolder === undefined ? "" : ", charts"}): ${error instanceof Error ? error.message : String(error)}; every run is stored, so running the same command again only writes them`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    if (outcome.storedRuns > 0) {
      const usedWorkers = Math.min(workers, outcome.storedRuns);
      const computedBy =
        queueUrl === undefined
          ? `${usedWorkers} worker${usedWorkers === 1 ? "" : "s"}`
          : "queue workers";
      process.stderr.write(
        `stress: ${formatCount(outcome.storedRuns)} runs in ${seconds.toFixed(1)} s ` +
          `(${(outcome.storedRuns / seconds).toFixed(1)} runs/s, ${computedBy})\n`,
      );
    }
    process.stdout.write(
      options.json
        ? json
        : `${stressText(summary)}\nOutputs written to ${options.out}/ (stress-summary.json, stress-report.html, ${resultsDatabaseName}, shards/)\n${pngFolder === undefined ? "" : `Charts written to ${pngFolder}/\n`}`,
    );
    if (summary.failedRuns > 0) {
      process.stderr.write(
        `stress: ${formatCount(summary.failedRuns)} run(s) failed; they are listed in stress-summary.json and in the runs table (status = 'failed')\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    progress?.stop();
    interrupted.dispose();
    store.close();
  }
}

/** The `--set` paths given, so a sweep cannot vary a field `--set` also fixes. */
function setPaths(assignments: readonly string[]): string[] {
  return assignments.map((assignment) => assignment.split("=")[0].trim());
}

/** The scenario's sweep merged with `--sweep` options; undefined when nothing is swept. */
export function sweepOf(
  loaded: LoadedScenario,
  options: Pick<StressCommandOptions, "sweep" | "samples" | "set">,
): SweepDefinition | undefined {
  return sweepDefinition(loaded.scenario.sweep, (options.sweep ?? []).map(parseSweepOption), {
    samples:
      options.samples === undefined ? undefined : positiveInteger("--samples", options.samples),
    scenarioSeed: loaded.scenario.seed,
    setPaths: setPaths(options.set),
  });
}

/** Every point loaded and validated (nothing has run or been written yet). */
export async function prepareSweep(
  source: string,
  options: ScenarioOptions,
  loaded: LoadedScenario,
  definition: SweepDefinition,
): Promise<{ points: LoadedSweepPoint[]; sweepId: string }> {
  const overrides = [...options.set];
  if (options.seed !== undefined) overrides.push(`seed=${options.seed}`);
  const points = await loadSweepPoints(
    source,
    { overrides, cwd: process.cwd(), budget: { allowLarge: options.allowLarge === true } },
    definition,
    expandSweep(definition),
  );
  return { points, sweepId: sweepIdOf(points, loaded.scenario.seed) };
}

/**
 * What a sweep of `stress` or `recommend` works with: --out prepared, the results store in it,
 * SIGINT/SIGTERM handling, the start time and the runner of the sweep's points.
 */
export async function openSweep(
  options: BatchCommandOptions,
  loaded: LoadedScenario,
  sweep: { points: LoadedSweepPoint[]; sweepId: string },
  settings: { workers: number; shardSize: number },
  onProgress: (finishedRuns: number, totalRuns: number) => void,
): Promise<{
  out: string;
  seed: number;
  store: ResultsStore;
  signals: ReturnType<typeof interruptions>;
  started: number;
  runner: SweepRunner;
}> {
  const out = resolve(options.out);
  prepareOutput(out);
  const seed = loaded.scenario.seed;
  const store = await ResultsStore.open(join(out, resultsDatabaseName));
  const signals = interruptions();
  const started = performance.now();
  const runner = new SweepRunner({
    ...sweep,
    seed,
    store,
    workers: settings.workers,
    shardSize: settings.shardSize,
    version: packageVersion(),
    signal: signals.signal,
    onProgress,
  });
  return { out, seed, store, signals, started, runner };
}

/**
 * SIGINT/SIGTERM stop scheduling runs (a second one exits at once); `exitCode` is 130 or 143
 * for the signal received.
 */
/**
 * Registers the batch of (scenario, seed, runs) in the store, or finds it there to resume it. A
 * batch started by another version is refused, so results of two versions are not mixed.
 */
export async function openBatch(
  store: ResultsStore,
  out: string,
  scenario: {
    scenarioHash: string;
    scenarioName: string;
    seed: number;
    runs: number;
    shardSize: number;
    steps: number;
  },
): Promise<BatchInfo> {
  const requested = {
    batchId: batchIdOf(scenario.scenarioHash, scenario.seed, scenario.runs),
    ...scenario,
    version: packageVersion(),
  };
  const batch = await store.registerBatch(requested);
  if (batch.version !== requested.version) {
    throw new UsageError(
      `batch ${batch.batchId} in ${out} was started by deleverage ${batch.version}, this is ${requested.version}; use another --out so results of two versions are not mixed`,
    );
  }
  if (batch.shardSize !== scenario.shardSize) {
    process.stderr.write(
      `stress: batch ${batch.batchId} keeps the shard size it started with (${batch.shardSize}), not --shard-size ${scenario.shardSize}\n`,
    );
  }
  return batch;
}

/** An interrupted batch: how much is stored, where, and the signal's exit code. */
export function reportInterrupted(
  outcome: { resumedRuns: number; storedRuns: number },
  runs: number,
  out: string,
  signals: { exitCode: () => number },
): void {
  process.stderr.write(
    `stress: interrupted; ${formatCount(outcome.resumedRuns + outcome.storedRuns)} of ${formatCount(runs)} runs are stored in ${join(out, resultsDatabaseName)}. Run the same command again to resume.\n`,
  );
  process.exitCode = signals.exitCode();
}

export function interruptions(): {
  signal: AbortSignal;
  exitCode: () => number;
  dispose: () => void;
} {
  const controller = new AbortController();
  let signalName: keyof typeof signalExitCodes | undefined;
  const onSignal = (name: keyof typeof signalExitCodes): void => {
    if (signalName !== undefined) process.exit(signalExitCodes[name]);
    signalName = name;
    controller.abort();
  };
  const onInterrupt = (): void => onSignal("SIGINT");
  const onTerminate = (): void => onSignal("SIGTERM");
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onTerminate);
  return {
    signal: controller.signal,
    exitCode: () => signalExitCodes[signalName ?? "SIGINT"],
    dispose: () => {
      process.off("SIGINT", onInterrupt);
      process.off("SIGTERM", onTerminate);
    },
  };
}

/** Writes the outputs of a sweep or recommendation; a failure leaves the stored runs usable. */
export function writeSweepOutputs(
  out: string,
  files: Record<string, string>,
  png: string | boolean | undefined,
  charts: () => { fileName: string; png: Uint8Array }[],
): string | undefined {
  const pngFolder = png === true ? out : png ? resolve(png) : undefined;
  try {
    const pngs: Record<string, Uint8Array> = {};
    if (pngFolder !== undefined) for (const chart of charts()) pngs[chart.fileName] = chart.png;
    writeOutputs(out, { ...files, ...(pngFolder === out ? pngs : {}) });
    if (pngFolder !== undefined && pngFolder !== out) writeOutputs(pngFolder, pngs);
  } catch (error) {
    throw new OutputWriteError(
      `cannot write the outputs (${Object.keys(files).join(", ")}${pngFolder === undefined ? "" : ", charts"}): ${error instanceof Error ? error.message : String(error)}; every run is stored, so running the same command again only writes them`,
    );
  }
  return pngFolder;
}

function sweepTable(summary: SweepSummary): { columns: string[]; rows: string[][] } {
  const paths = summary.parameters.map((parameter) => parameter.path);
  const columns = [
    "point",
    ...paths,
    "runs",
    "P(fund exhausted)",
    "95 % bounds",
    "P(ADL)",
    "VaR",
    "LaR",
    "mean bad debt",
    "mean ADL overshoot",
  ];
  const rows = summary.points.map((point) => [
    String(point.index),
    ...paths.map((path) => describeValue(point.parameters[path])),
    formatCount(point.summary.completedRuns),
    formatPercent(point.summary.insuranceFundExhausted.probability),
    `${formatPercent(point.summary.insuranceFundExhausted.low)}–${formatPercent(point.summary.insuranceFundExhausted.high)}`,
    formatPercent(point.summary.adlFired.probability),
    formatMoney(point.summary.valueAtRisk),
    formatMoney(point.summary.liquidationsAtRisk),
    formatMoney(point.summary.distributions.badDebt.mean),
    formatMoney(point.summary.distributions.adlOvershoot.mean),
  ]);
  return { columns, rows };
}

async function stressSweep(
  source: string,
  options: StressCommandOptions,
  loaded: LoadedScenario,
  definition: SweepDefinition,
  settings: { runs: number; workers: number; shardSize: number },
): Promise<void> {
  const { points, sweepId } = await prepareSweep(source, options, loaded, definition);
  checkSweepBudget(points, { ...settings, runsPerPoint: settings.runs }, options.allowLarge);
  const total = points.length * settings.runs;
  const progress = progressReporter(`sweep ${sweepId}`, total);
  const { out, seed, store, signals, started, runner } = await openSweep(
    options,
    loaded,
    { points, sweepId },
    settings,
    progress.update,
  );
  process.stderr.write(
    `stress: sweep ${sweepId}: ${formatCount(points.length)} points × ${plural(settings.runs, "run")}\n`,
  );
  try {
    const outcome = await runner.runStage(
      points.map((point) => ({ pointIndex: point.index, firstRun: 0, runs: settings.runs })),
    );
    progress.stop();
    if (outcome.interrupted) {
      reportInterrupted(outcome, total, out, signals);
      return;
    }
    await store.checkpoint();
    const pointSummaries: SweepPointSummary[] = [];
    const pointRuns: StoredRun[][] = [];
    for (const point of points) {
      const [batchId] = runner.batchesOf(point.index);
      const batch = await store.batch(batchId);
      if (batch === undefined) throw new Error(`batch ${batchId} of point ${point.index} vanished`);
      const runs = await store.runs(batchId);
      pointRuns.push(runs);
      pointSummaries.push({
        index: point.index,
        parameters: point.values,
        scenarioHash: point.loaded.hash,
        batchIds: [batchId],
        summary: {
          ...summarizeBatch(batch, runs),
          randomised: perpRandomness(point.loaded.engine),
        },
      });
    }
    const summary = sweepSummary(
      { sweepId, scenario: loaded.scenario.name, seed, runsPerPoint: settings.runs },
      definition,
      pointSummaries,
    );
    const focus = worstPoint(pointSummaries);
    const chart = sweepChartData(summary);
    const table = sweepTable(summary);
    const section = {
      heading: "Sweep",
      lead: `${formatCount(points.length)} points of ${summary.scenario}, ${formatCount(settings.runs)} runs each (seed ${seed}; ${summary.sampling}). ${summary.commonRandomNumbers[0].toUpperCase()}${summary.commonRandomNumbers.slice(1)}, so differences between points are the parameters' effect.`,
      chart,
      table: { ...table, highlight: focus },
      focus: `The distributions below are of point ${focus} (${pointLabel(points[focus])}), the point with the highest LaR; stress-summary.json has every point's.`,
    };
    const focusSummary = pointSummaries[focus].summary;
    const json = `${JSON.stringify(summary, null, 2)}\n`;
    // Closed before --out is moved into place (outputs.ts moves the store's files with it).
    store.close();
    const pngFolder = writeSweepOutputs(
      out,
      {
        "stress-summary.json": json,
        "stress-report.html": stressReportHtml(
          focusSummary,
          pointRuns[focus],
          section,
          pointSummaries.map((point, index) => ({
            label: `${index}: ${pointLabel(points[index])}`,
            summary: point.summary,
          })),
        ),
      },
      options.png,
      () => stressPngCharts(focusSummary, pointRuns[focus], chart),
    );
    const seconds = (performance.now() - started) / 1000;
    if (outcome.storedRuns > 0) {
      process.stderr.write(
        `stress: ${formatCount(outcome.storedRuns)} runs in ${seconds.toFixed(1)} s (${(outcome.storedRuns / seconds).toFixed(1)} runs/s, ${settings.workers} worker${settings.workers === 1 ? "" : "s"})\n`,
      );
    }
    const failed = pointSummaries.reduce((sum, point) => sum + point.summary.failedRuns, 0);
    process.stdout.write(
      options.json
        ? json
        : `${summary.scenario}: sweep ${sweepId}, ${formatCount(points.length)} points × ${plural(settings.runs, "run")} (seed ${seed}; ${summary.sampling})\n\n${renderTable(
            table.columns.map((title, index) => ({
              title,
              align: index === 0 || index <= summary.parameters.length ? "left" : "right",
            })),
            table.rows,
          ).trimEnd()}\n\nOutputs written to ${options.out}/ (stress-summary.json, stress-report.html, ${resultsDatabaseName}, shards/)\n${pngFolder === undefined ? "" : `Charts written to ${pngFolder}/\n`}`,
    );
    if (failed > 0) {
      process.stderr.write(
        `stress: ${formatCount(failed)} run(s) failed; they are listed in stress-summary.json and in the runs table (status = 'failed')\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    progress.stop();
    signals.dispose();
    await runner.close();
    store.close();
  }
}
