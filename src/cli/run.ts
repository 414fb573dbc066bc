import { rmSync } from "node:fs";
import cliProgress from "cli-progress";
import { reportPngCharts } from "../report/png.ts";
import { lendingRun, perpRun, type RunOutput, tfgRun } from "../report/runOutputs.ts";
import { UsageError } from "../scenario/errors.ts";
import { loadAnyScenario } from "../scenario/load.ts";
import { checkOutputFolder, type OutputFile, preparedOutput, writeOutputs } from "./outputs.ts";
import { loadFromOptions, type ScenarioOptions } from "./scenarioOptions.ts";

export interface RunCommandOptions extends ScenarioOptions {
  out: string;
  json?: boolean;
  /** `--png`: one PNG per chart, next to report.html (true) or in the folder given. */
  png?: string | boolean;
  /** Run i of a stress batch: `deleverage stress` runs 0 … N−1 from the same seed. */
  runIndex: string;
  /** `--events csv|parquet`: events.csv (default) or events.parquet. */
  events?: string;
}

const eventFormats = ["csv", "parquet"] as const;

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
  const runIndex = Number(options.runIndex);
  const events = options.events ?? "csv";
  if (!(eventFormats as readonly string[]).includes(events)) {
    throw new UsageError(
      `--events: "${events}" is not allowed; expected one of ${eventFormats.join(", ")}`,
    );
  }
  // `run` is the one command that accepts every model, `model: tfg` as well as perp scenarios.
  const loaded = await loadFromOptions(source, options, loadAnyScenario);
  // Before the run, not after it: a folder that cannot take the outputs is the user's to fix.
  checkOutputFolder(options.out);
  if (typeof options.png === "string") checkOutputFolder(options.png, "--png");
  if (loaded.model !== "perp" && events !== "csv") {
    throw new UsageError(
      `--events ${events} is not allowed for a model: ${loaded.model} scenario; only perp runs write events.parquet`,
    );
  }
  if (loaded.model !== "perp" && options.png !== undefined) {
    throw new UsageError(
      `--png is not allowed for a model: ${loaded.model} scenario; its report.html draws every chart inline`,
    );
  }
  const progress = progressReporter(
    loaded.model === "tfg" ? loaded.scenario.steps : loaded.engine.steps,
  );
  let output: RunOutput;
  try {
    const settings = { runIndex, onStep: progress.onStep };
    output =
      loaded.model === "tfg"
        ? tfgRun(loaded, settings)
        : loaded.model === "lending"
          ? lendingRun(loaded, settings)
          : perpRun(loaded, settings);
  } finally {
    progress.stop();
  }
  const files: Record<string, OutputFile> = { ...output.files };
  // `--png` alone puts the charts next to report.html; `--png DIR` puts them in DIR.
  const pngFolder = options.png === true ? options.out : options.png || undefined;
  const pngs: Record<string, Uint8Array> = {};
  if (pngFolder !== undefined && output.model === "perp") {
    const summary = output.summary;
    const subtitle = `${summary.name} (${summary.symbol}), seed ${summary.seed}`;
    for (const chart of reportPngCharts(output.chartData, subtitle))
      pngs[chart.fileName] = chart.png;
  }
  if (pngFolder === options.out) Object.assign(files, pngs);
  if (events === "parquet" && output.model === "perp") {
    delete files["events.csv"];
    // DuckDB loads only for this: a plain run does not pay for it.
    const { writeEventsParquet } = await import("../report/eventsParquet.ts");
    const prepared = preparedOutput(options.out, "events.parquet");
    try {
      await writeEventsParquet(output.result, prepared.prepared);
    } catch (error) {
      rmSync(prepared.prepared, { force: true });
      throw error;
    }
    files["events.parquet"] = prepared;
  }
  writeOutputs(options.out, files);
  if (pngFolder !== undefined && pngFolder !== options.out) writeOutputs(pngFolder, pngs);
  if (options.json) process.stdout.write(output.files["summary.json"] as string);
  else {
    const charts = pngFolder === undefined ? "" : `Charts written to ${pngFolder}/\n`;
    process.stdout.write(`${output.summaryText}\nOutputs written to ${options.out}/\n${charts}`);
  }
}
