import cliProgress from "cli-progress";
import { runScenario } from "../engine/sim.ts";
import { eventsCsv, timeseriesCsv } from "../report/csv.ts";
import { reportHtml } from "../report/html.ts";
import { type Summary, summaryJson, summaryText } from "../report/summary.ts";
import { writeOutputs } from "./outputs.ts";
import { loadFromOptions, type ScenarioOptions } from "./scenarioOptions.ts";
import { packageVersion } from "./version.ts";

export interface RunCommandOptions extends ScenarioOptions {
  out: string;
  json?: boolean;
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
  const loaded = await loadFromOptions(source, options);
  const progress = progressReporter(loaded.engine.steps);
  let result: ReturnType<typeof runScenario>;
  try {
    result = runScenario(loaded.engine, { seed: loaded.scenario.seed, onStep: progress.onStep });
  } finally {
    progress.stop();
  }
  const summary: Summary = {
    ...result.summary,
    seed: loaded.scenario.seed,
    scenarioHash: loaded.hash,
    version: packageVersion(),
  };
  const json = summaryJson(summary);
  writeOutputs(options.out, {
    "summary.json": json,
    "timeseries.csv": timeseriesCsv(result),
    "events.csv": eventsCsv(result),
    "report.html": reportHtml(summary, result, { title: loaded.scenario.name }),
  });
  if (options.json) process.stdout.write(json);
  else process.stdout.write(`${summaryText(summary)}\nOutputs written to ${options.out}/\n`);
}
