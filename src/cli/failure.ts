/**
 * One place that turns an exception into a message and an exit code: invalid input exits 2,
 * anything else is an internal error and exits 1.
 */
import { CommanderError } from "commander";
import { EngineNumericError } from "../engine/errors.ts";
import { ScenarioError, UsageError } from "../scenario/errors.ts";

export function exitCodeOf(error: unknown): number {
  if (error instanceof ScenarioError || error instanceof UsageError) return 2;
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  return 1;
}

export function exitWithError(error: unknown): never {
  const code = exitCodeOf(error);
  if (error instanceof CommanderError) process.exit(code);
  if (error instanceof EngineNumericError) {
    process.stderr.write(`deleverage: numeric error: ${error.message}\n`);
  } else if (error instanceof Error) {
    const prefix = code === 2 ? "deleverage: invalid input:\n" : "deleverage: internal error: ";
    process.stderr.write(
      `${prefix}${code === 1 ? (error.stack ?? error.message) : error.message}\n`,
    );
  } else {
    process.stderr.write(`deleverage: internal error: ${String(error)}\n`);
  }
  process.exit(code);
}
