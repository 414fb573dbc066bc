/** Runs the real `deleverage` command line in a child process, as a user would. */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export const repositoryRoot = resolve(import.meta.dirname, "../..");
export const cliPath = join(repositoryRoot, "bin/deleverage.js");
const execute = promisify(execFile);

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file args` from the repository root; a non-zero exit is an outcome, not a throw. */
export async function runProcess(file: string, args: readonly string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await execute(file, args, {
      cwd: repositoryRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

export function deleverage(...args: string[]): Promise<Outcome> {
  return runProcess(process.execPath, [cliPath, ...args]);
}

/** A fresh temporary folder for one test's outputs. */
export function scratchFolder(prefix = "deleverage-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
