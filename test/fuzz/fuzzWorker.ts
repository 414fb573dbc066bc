/**
 * One fuzz case in a worker thread (piscina), as `deleverage run FILE --out DIR --json --set ...`
 * runs it: the same command function, the same classification of errors into exit codes. A thread
 * that does not answer in time is ended by the pool (a hang); one that dies is a crash.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { exitCodeOf, failureMessage } from "../../src/cli/failure.ts";
import { runCommand } from "../../src/cli/run.ts";
import { EngineNumericError } from "../../src/engine/errors.ts";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { loadAnyScenario } from "../../src/scenario/load.ts";

export interface FuzzTask {
  index: number;
  bytes: Uint8Array;
  overrides: string[];
  /** The case's scenario file and --out go here. */
  folder: string;
  /** Accepted cases estimated above this many bytes are not run (they would take too long). */
  maxRunBytes: number;
}

export type FuzzKind = "error" | "ran" | "notRun" | "numeric" | "crash";

export interface FuzzOutcome {
  kind: FuzzKind;
  /** What the command would print (first lines), for a report. */
  message: string;
  /** Problems with an exit-2 answer or a failure: unnamed field, written output, quoted file. */
  problems: string[];
}

/** The text of a data file the fuzzer plants; it must never appear in a message. */
const plantedSecrets = ["FUZZ-SECRET", "root:x:0:0"];

function named(error: unknown): boolean {
  if (error instanceof ScenarioError) {
    return (
      error.issues.length > 0 &&
      error.issues.every((issue) => issue.location !== "" && issue.message !== "")
    );
  }
  // Usage errors start with what they are about: an option, a variable, a field.
  return error instanceof Error && /^[\w.-]+( [\w.=-]+)?:|^--/.test(error.message);
}

export default async function runCase(task: FuzzTask): Promise<FuzzOutcome> {
  const file = path.join(task.folder, `case-${task.index}.yaml`);
  const out = path.join(task.folder, `out-${task.index}`);
  writeFileSync(file, task.bytes);
  const problems: string[] = [];
  const checkNothingWritten = (): void => {
    const staged = readdirSync(task.folder).filter((entry) =>
      entry.startsWith(`.out-${task.index}.`),
    );
    if (existsSync(out) || staged.length > 0)
      problems.push(`wrote to --out: ${[out, ...staged].join(", ")}`);
  };
  const failure = (error: unknown): FuzzOutcome => {
    const message = failureMessage(error);
    for (const secret of plantedSecrets) {
      if (message.includes(secret)) problems.push(`quoted a data file: ${secret}`);
    }
    checkNothingWritten();
    const code = exitCodeOf(error);
    if (code === 2) {
      if (!named(error)) problems.push("exit 2 without a located field or option");
      return { kind: "error", message, problems };
    }
    return { kind: error instanceof EngineNumericError ? "numeric" : "crash", message, problems };
  };
  const options = { out, json: true, set: task.overrides, runIndex: "0" };
  try {
    const loaded = await loadAnyScenario(file, { overrides: task.overrides, cwd: task.folder });
    if (loaded.work.bytes > task.maxRunBytes) {
      return { kind: "notRun", message: `estimate ${loaded.work.bytes} bytes`, problems };
    }
    // `--json` prints the summary; the fuzzer only needs to know that the run finished.
    const write = process.stdout.write;
    process.stdout.write = () => true;
    try {
      await runCommand(file, options);
    } finally {
      process.stdout.write = write;
    }
  } catch (error) {
    return failure(error);
  }
  if (!existsSync(path.join(out, "summary.json"))) problems.push("exit 0 without summary.json");
  return { kind: "ran", message: "", problems };
}
