/**
 * `--allow-large` runs a scenario past the work budget, so it may really run out of memory. A
 * typed array that cannot be allocated throws (failure.ts turns that into exit 1), but a V8 heap
 * that runs out aborts the process, and the kernel's out-of-memory killer sends SIGKILL; neither
 * can be caught from inside. So the command runs again in a child process, with a V8 heap sized to
 * three quarters of the machine's memory, and this parent turns an abort or a kill into the same
 * clean failure: a message, exit 1. Outputs are staged and moved into place only once complete
 * (outputs.ts), so a child that dies writes nothing to --out.
 */
import { spawn } from "node:child_process";
import { machineMemoryBytes } from "../scenario/limits.ts";

const signalExitCodes: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** A heap limit of the user's own (NODE_OPTIONS or node's flags) is kept. */
function heapArguments(): string[] {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((argument) =>
    argument.includes("--max-old-space-size"),
  );
  if (given) return [];
  const megabytes = Math.floor((machineMemoryBytes() * 0.75) / 2 ** 20);
  return [`--max-old-space-size=${megabytes}`];
}

/** Runs this command line again as a supervised child and exits as it did; never returns. */
export async function superviseLargeRun(): Promise<never> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...heapArguments(), ...process.argv.slice(1)],
    { stdio: "inherit", env: { ...process.env, DELEVERAGE_SUPERVISED: "1" } },
  );
  // Ctrl-C in a terminal reaches the child directly (same process group); a signal sent to this
  // process alone is passed on, so the child stops the way it would on its own.
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    process.on(name, () => child.kill(name));
  }
  const { code, signal } = await new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
  });
  if (signal === null && code !== null && code !== 134) process.exit(code);
  if (signal !== null && signalExitCodes[signal] !== undefined)
    process.exit(signalExitCodes[signal]);
  const how =
    signal === "SIGKILL"
      ? "the run was killed (SIGKILL), most likely by the system for lack of memory"
      : signal === "SIGABRT" || code === 134
        ? "the run ran out of memory (its JavaScript heap is full)"
        : `the run stopped on ${signal}`;
  process.stderr.write(
    `deleverage: out of memory: ${how}; it was allowed past the work budget by --allow-large. Outputs are moved into --out only when complete, so none were (a stress batch keeps the shards it stored and resumes)\n`,
  );
  process.exit(1);
}
