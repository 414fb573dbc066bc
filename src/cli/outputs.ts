/**
 * Writes a command's files so that `--out` never holds half a result: every file is written to a
 * staging folder next to it, and the staging folder then takes the place of `--out` as a whole
 * (a rename of the directory). Entries of `--out` the command does not write (another command's
 * outputs, a results store) are moved into the staging folder first, so they stay where they
 * were. A failure at any point before the rename leaves `--out` exactly as it was; only the
 * rename itself, one system call, changes it. A file may be given whole; as a function that
 * writes it in pieces (events.csv of a million rows goes to disk as it is made instead of being
 * held as one string); or as a file already written beside the folder (`preparedOutput`, for
 * writers that need a path, such as DuckDB's Parquet export).
 */

import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../scenario/errors.ts";

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EROFS") return "the file system is read-only";
  if (code === "ENOTDIR") return "a part of the path is a file, not a folder";
  if (code === "ENOSPC") return "no space left on the device";
  return error instanceof Error ? error.message : String(error);
}

/** Creates and removes an empty folder in `directory`: the one test that cannot be wrong. */
function probe(directory: string): void {
  rmdirSync(mkdtempSync(join(directory, ".deleverage-probe-")));
}

/**
 * Proves, before a run spends any time, that `outDirectory` can be written the way writeOutputs
 * writes it: an existing one is a folder that takes new entries inside a parent that takes new
 * ones; a missing one can be created. Invalid input (exit 2) otherwise, naming the option.
 */
export function checkOutputFolder(outDirectory: string, option = "--out"): void {
  const target = resolve(outDirectory);
  try {
    let existing = target;
    while (!existsSync(existing)) existing = dirname(existing);
    if (!statSync(existing).isDirectory()) {
      throw new UsageError(
        `${option}: ${outDirectory} is not allowed; ${existing} is a file, and the outputs need a folder`,
      );
    }
    probe(existing === target ? dirname(target) : existing);
    if (existing === target) probe(target);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${option}: cannot write to ${outDirectory}: ${reason(error)}`);
  }
}

/**
 * Writes a file's content by calling `write` with each piece in order; a byte piece may be a
 * view of a buffer the writer reuses, so it is written before `write` returns.
 */
export type StreamedFile = (write: (piece: string | Uint8Array) => void) => void;

/** A file written in advance at `prepared` (see preparedOutput); moved in with the rest. */
export interface PreparedFile {
  prepared: string;
}

export type OutputFile = string | Uint8Array | StreamedFile | PreparedFile;

/**
 * A path for a file that writeOutputs(outDirectory, …) then moves into place: beside `--out`, so
 * the move is a rename on the same file system. Removed by writeOutputs whatever happens; remove
 * it yourself if writeOutputs is never called.
 */
export function preparedOutput(outDirectory: string, name: string): PreparedFile {
  const target = resolve(outDirectory);
  mkdirSync(dirname(target), { recursive: true });
  return {
    prepared: join(dirname(target), `.${basename(target)}.prepared-${process.pid}-${name}`),
  };
}

function writeFile(file: string, content: OutputFile): void {
  if (typeof content === "function") {
    const descriptor = openSync(file, "w");
    try {
      content((piece) => {
        if (typeof piece === "string") {
          writeSync(descriptor, piece);
          return;
        }
        // writeSync may write fewer bytes than asked; the rest follows until none is left.
        for (let offset = 0; offset < piece.length; ) {
          offset += writeSync(descriptor, piece, offset, piece.length - offset);
        }
      });
    } finally {
      closeSync(descriptor);
    }
  } else if (typeof content === "string" || content instanceof Uint8Array) {
    writeFileSync(file, content);
  } else {
    renameSync(content.prepared, file);
  }
}

/** A result file could not be written (full disk, permissions); `--out` was left as it was. */
export class OutputWriteError extends Error {
  override name = "OutputWriteError";
}

export function writeOutputs(outDirectory: string, files: Record<string, OutputFile>): void {
  try {
    replaceFolder(resolve(outDirectory), files);
  } catch (error) {
    if (error instanceof OutputWriteError) throw error;
    throw new OutputWriteError(
      `cannot write ${outDirectory}: ${reason(error)}; the folder was left as it was`,
    );
  } finally {
    for (const content of Object.values(files)) {
      if (typeof content === "object" && "prepared" in content) {
        rmSync(content.prepared, { force: true });
      }
    }
  }
}

function replaceFolder(target: string, files: Record<string, OutputFile>): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  // mkdir, not mkdtemp: the folder becomes --out and keeps the usual permissions (umask).
  const staging = join(
    parent,
    `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  mkdirSync(staging);
  /** Entries of the old folder moved into the staging folder, which must go back on failure. */
  const carried: string[] = [];
  let placed = false;
  try {
    for (const [name, content] of Object.entries(files)) writeFile(join(staging, name), content);
    if (!existsSync(target)) {
      renameSync(staging, target);
      placed = true;
      return;
    }
    chmodSync(staging, statSync(target).mode & 0o7777);
    for (const entry of readdirSync(target)) {
      if (Object.hasOwn(files, entry)) continue;
      renameSync(join(target, entry), join(staging, entry));
      carried.push(entry);
    }
    const previous = `${staging}.previous`;
    renameSync(target, previous);
    try {
      renameSync(staging, target);
    } catch (error) {
      renameSync(previous, target);
      throw error;
    }
    placed = true;
    rmSync(previous, { recursive: true, force: true });
  } finally {
    if (!placed) restore(target, staging, carried);
  }
}

/** Moves the carried entries back; the staging folder goes only once none of them is left in it. */
function restore(target: string, staging: string, carried: readonly string[]): void {
  const stranded = carried.filter((entry) => {
    try {
      renameSync(join(staging, entry), join(target, entry));
      return false;
    } catch {
      return true;
    }
  });
  if (stranded.length > 0) {
    throw new OutputWriteError(
      `cannot write ${target}, and ${stranded.join(", ")} could not be moved back from ${staging}; move them back by hand`,
    );
  }
  rmSync(staging, { recursive: true, force: true });
}
