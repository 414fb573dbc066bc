/**
 * One place that turns an exception into a message and an exit code: invalid input exits 2,
 * anything else is an internal error and exits 1.
 */
import { CommanderError } from "commander";
import { EngineInputError, EngineNumericError } from "../engine/errors.ts";
import { ScenarioError, UsageError } from "../scenario/errors.ts";
import { OutputWriteError } from "./outputs.ts";

export function exitCodeOf(error: unknown): number {
  if (
    error instanceof ScenarioError ||
    error instanceof UsageError ||
    error instanceof EngineInputError
  ) {
    return 2;
  }
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  return 1;
}

export function exitWithError(error: unknown): never {
  const code = exitCodeOf(error);
  if (error instanceof CommanderError) process.exit(code);
  process.stderr.write(failureMessage(error));
  process.exit(code);
}

/** What the command prints for `error`: a stack trace for bugs only. */
export function failureMessage(error: unknown): string {
  if (error instanceof EngineNumericError) return `deleverage: numeric error: ${error.message}\n`;
  if (error instanceof OutputWriteError) return `deleverage: ${error.message}\n`;
  if (isOutOfMemory(error)) {
    return `deleverage: out of memory: ${(error as Error).message}; the run needed more memory than this machine gave it (past the work budget with --allow-large, or beyond its estimate). Outputs are moved into --out only when complete, so none were\n`;
  }
  if (error instanceof Error) {
    const code = exitCodeOf(error);
    const prefix = code === 2 ? "deleverage: invalid input:\n" : "deleverage: internal error: ";
    return `${prefix}${code === 1 ? (error.stack ?? error.message) : error.message}\n`;
  }
  return `deleverage: internal error: ${String(error)}\n`;
}

/** V8's errors for an allocation that cannot be made: buffers, typed arrays, arrays, strings. */
function isOutOfMemory(error: unknown): boolean {
  return (
    error instanceof RangeError &&
    /Array buffer allocation failed|Invalid typed array length|Invalid array length|Invalid string length/.test(
      error.message,
    )
  );
}
