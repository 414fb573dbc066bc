import cliProgress from "cli-progress";
import { decomposePriceFall } from "../engine/metrics/fallDecomposition.ts";
import type { RunResult } from "../engine/result.ts";
import { runScenario } from "../engine/sim.ts";
import { reportChartData } from "../report/chartData.ts";
import { eventsCsv, timeseriesCsv } from "../report/csv.ts";
import { reportHtml } from "../report/html.ts";
import { reportPngCharts } from "../report/png.ts";
import { type Summary, summaryJson, summaryText } from "../report/summary.ts";
import { startTimeIso } from "../report/timeAxis.ts";
import { packageVersion } from "../report/version.ts";
import { UsageError } from "../scenario/errors.ts";
import { loadAnyScenario } from "../scenario/load.ts";
import { writeOutputs } from "./outputs.ts";
import { runLendingCommand } from "./runLending.ts";
import { runTfgCommand } from "./runTfg.ts";
import { loadFromOptions, type ScenarioOptions } from "./scenarioOptions.ts";

export interface RunCommandOptions extends ScenarioOptions {
  out: string;
  json?: boolean;
  /** `--png`: one PNG per chart, next to report.html (true) or in the folder given. */
  png?: string | boolean;
  /** Run i of a stress batch: `deleverage stress` runs 0 … N−1 from the same seed. */
  runIndex: string;
}

/** A progress bar on an interactive terminal only: logs and CI get no control characters. */
function progressReporter(steps: number): {
  onStep?: (step: number, steps: number) => void;
  stop: () => void;
} {
  if (!process.stderr.isTTY || steps < 200) return { stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: "{bar} {percentage}% | step {value}/{total} | ETA {eta}s" },
    cliProgress.Presets.shades_classic,
  );
  bar.start(steps, 0);
  const every = Math.max(1, Math.floor(steps / 200));
  return {
    onStep: (step) => {
      if (step % every === 0 || step === steps) bar.update(step);
    },
    stop: () => bar.stop(),
  };
}

export async function runCommand(source: string, options: RunCommandOptions): Promise<void> {
  if (!/^\d+$/.test(options.runIndex) || !Number.isSafeInteger(Number(options.runIndex))) {
    throw new UsageError(
      `--run-index: "${options.runIndex}" is not allowed; expected a non-negative integer`,
    );
  }
  // `run` is the one command that accepts every model, `model: tfg` as well as perp scenarios.
  const loaded = await loadFromOptions(source, options, loadAnyScenario);
  if (loaded.model === "tfg") {
    if (options.png !== undefined) {
      throw new UsageError(
        "--png is not allowed for a model: tfg scenario; its report.html draws every chart inline",
      );
    }
    const progress = progressReporter(loaded.scenario.steps);
    try {
      runTfgCommand(loaded, { ...options, runIndex: Number(options.runIndex) }, progress.onStep);
    } finally {
      progress.stop();
    }
    return;
  }
  if (loaded.model === "lending") {
    if (options.png !== undefined) {
      throw new UsageError(
        "--png is not allowed for a model: lending scenario; its report.html draws every chart inline",
      );
    }
    const progress = progressReporter(loaded.engine.steps);
    try {
      runLendingCommand(
        loaded,
        { ...options, runIndex: Number(options.runIndex) },
        progress.onStep,
      );
    } finally {
      progress.stop();
    }
    return;
  }
  const progress = progressReporter(loaded.engine.steps);
  let result: RunResult;
  try {
    result = runScenario(loaded.engine, {
      seed: loaded.scenario.seed,
      runIndex: Number(options.runIndex),
      onStep: progress.onStep,
    });
  } finally {
    progress.stop();
  }
  const startTime = loaded.engine.shock.kind === "path" ? loaded.engine.shock.startTime : undefined;
  const summary: Summary = {
    ...result.summary,
    ...(startTime === undefined ? {} : { startTime: startTimeIso(startTime) }),
    seed: loaded.scenario.seed,
    scenarioHash: loaded.hash,
    version: packageVersion(),
  };
  if (loaded.engine.decomposition) {
    // Counterfactual re-runs: only their falls are kept, in the summary's decomposition.
    summary.priceFallDecomposition = decomposePriceFall(
      loaded.engine,
      { seed: loaded.scenario.seed, runIndex: Number(options.runIndex) },
      result,
    );
  }
  const json = summaryJson(summary);
  const chartData = reportChartData(result, {
    decomposition: summary.priceFallDecomposition,
    startTime,
  });
  const files: Record<string, string | Uint8Array> = {
    "summary.json": json,
    "timeseries.csv": timeseriesCsv(result),
    "events.csv": eventsCsv(result),
    "report.html": reportHtml(summary, result, { title: loaded.scenario.name, chartData }),
  };
  // `--png` alone puts the charts next to report.html; `--png DIR` puts them in DIR.
  const pngFolder = options.png === true ? options.out : options.png || undefined;
  const pngs: Record<string, Uint8Array> = {};
  if (pngFolder !== undefined) {
    const subtitle = `${summary.name} (${summary.symbol}), seed ${summary.seed}`;
    for (const chart of reportPngCharts(chartData, subtitle)) pngs[chart.fileName] = chart.png;
  }
  if (pngFolder === options.out) Object.assign(files, pngs);
  writeOutputs(options.out, files);
  if (pngFolder !== undefined && pngFolder !== options.out) writeOutputs(pngFolder, pngs);
  if (options.json) process.stdout.write(json);
  else {
    const charts = pngFolder === undefined ? "" : `Charts written to ${pngFolder}/\n`;
    process.stdout.write(`${summaryText(summary)}\nOutputs written to ${options.out}/\n${charts}`);
  }
}
