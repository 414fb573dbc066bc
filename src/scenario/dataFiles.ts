/**
 * The one place that opens the data files a scenario names. Each path is resolved relative to the
 * scenario file's directory and checked before anything is read: it must be a regular file (a
 * FIFO would block the read forever, /dev/zero or /dev/urandom would never end), no larger than
 * the size cap, and, for scenarios the dashboard received, inside its data directory. The file is
 * then opened without blocking and checked again on the open descriptor, so a file swapped for a
 * FIFO or a device in between is refused too. Problems are issues located at the field that
 * names the file; they say what the path resolved to and never quote the file's contents.
 */
import { createHash } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { type FileHandle, open, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { describeValue, isRecord, type ScenarioIssue } from "./errors.ts";
import type { FileFieldValue } from "./fileFields.ts";
import { isSharedDataPath, missingSharedDataAdvice } from "./presets.ts";
import { invalidUtf8Offset, positionOfOffset } from "./utf8.ts";

type FieldPath = readonly PropertyKey[];

/**
 * Which files a scenario may name: any the user can read (the command line), only files inside a
 * directory (a scenario uploaded to the dashboard started with --data-dir), or none (uploaded
 * without one).
 */
export type DataFileScope =
  | { kind: "anywhere" }
  | { kind: "inside"; directory: string }
  | { kind: "nowhere" };

export interface DataFilePolicy {
  scope: DataFileScope;
  /** Largest file read, in bytes. */
  maxBytes: number;
}

/** A data file's bytes after the checks, and its name as messages show it. */
export interface DataFileBytes {
  bytes: Uint8Array;
  fileName: string;
}

interface CheckedFile {
  /** The path that is opened: the real path, links resolved. */
  real: string;
  size: number;
  fileName: string;
  device: number;
  inode: number;
}

const allowedExample = "e.g. oct-10-2025/bookDepth.csv";

/** What a non-regular file is, for the message that refuses it. */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "an unknown kind of file";
}

function reason(error: unknown): string {
  if (isRecord(error)) {
    if (error.code === "ENOENT") return "no such file";
    if (error.code === "ENOTDIR") return "a part of the path is not a directory";
    if (error.code === "EACCES" || error.code === "EPERM") return "permission denied";
    if (error.code === "ELOOP") return "too many symbolic links";
    if (error.code === "ENAMETOOLONG") return "the path is too long";
  }
  return error instanceof Error ? error.message : String(error);
}

/** Inside `directory` (a real path), not the directory itself. */
function isInside(directory: string, candidate: string): boolean {
  const relative = path.relative(directory, candidate);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

function fieldKey(fieldPath: FieldPath): string {
  return fieldPath.map(String).join(".");
}

export class DataFiles {
  /** Field path → sha256 of the file's bytes, so the scenario hash changes when the data does. */
  readonly contentHashes: Record<string, string> = {};
  private readonly checked = new Map<string, CheckedFile>();

  constructor(
    /** The scenario file's directory: paths are relative to it. */
    private readonly directory: string,
    /** Names in messages are relative to this directory. */
    private readonly cwd: string,
    private readonly issue: (fieldPath: FieldPath, message: string) => ScenarioIssue,
    private readonly policy: DataFilePolicy,
  ) {}

  /**
   * Checks every file field before any file is read, so a scenario that names one bad file
   * reads none. Returns every problem found.
   */
  async checkAll(fields: readonly FileFieldValue[]): Promise<ScenarioIssue[]> {
    const issues: ScenarioIssue[] = [];
    for (const field of fields) {
      const checked = await this.check(field.fieldPath, field.value);
      if ("location" in checked) issues.push(checked);
    }
    return issues;
  }

  /** Size in bytes of a file `checkAll` accepted, for the work budget. */
  size(fieldPath: FieldPath): number | undefined {
    return this.checked.get(fieldKey(fieldPath))?.size;
  }

  /** The file's text (UTF-8), or an issue located at the field that names it. */
  async read(
    fieldPath: FieldPath,
    relativePath: string,
  ): Promise<{ text: string; fileName: string } | ScenarioIssue> {
    const file = await this.readBytes(fieldPath, relativePath);
    if ("location" in file) return file;
    const invalid = invalidUtf8Offset(file.bytes);
    if (invalid >= 0) {
      const { line, column } = positionOfOffset(file.bytes, invalid);
      return this.issue(
        fieldPath,
        `${describeValue(relativePath)}: ${file.fileName} is not UTF-8 text (byte ${invalid}, line ${line}, column ${column}); a data file must be CSV or JSON text`,
      );
    }
    return { text: Buffer.from(file.bytes).toString("utf8"), fileName: file.fileName };
  }

  /** The file's bytes after every check, for readers that parse bytes themselves. */
  async readBytes(
    fieldPath: FieldPath,
    relativePath: string,
  ): Promise<DataFileBytes | ScenarioIssue> {
    const checked =
      this.checked.get(fieldKey(fieldPath)) ?? (await this.check(fieldPath, relativePath));
    if ("location" in checked) return checked;
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(checked.real, this.policy.maxBytes, checked);
    } catch (error) {
      if (error instanceof FileRefusal) {
        return this.issue(fieldPath, `${describeValue(relativePath)}: ${error.message}`);
      }
      throw error;
    }
    this.contentHashes[fieldKey(fieldPath)] = createHash("sha256").update(bytes).digest("hex");
    return { bytes, fileName: checked.fileName };
  }

  private async check(
    fieldPath: FieldPath,
    relativePath: string,
  ): Promise<CheckedFile | ScenarioIssue> {
    const scope = this.policy.scope;
    const value = describeValue(relativePath);
    if (relativePath.includes("\0")) {
      return this.issue(
        fieldPath,
        `${value} is not allowed; a path cannot contain a NUL character`,
      );
    }
    if (scope.kind === "nowhere") {
      return this.issue(
        fieldPath,
        `${value} is not allowed; an uploaded scenario may name data files only when the server was started with --data-dir DIR, and then only files inside DIR`,
      );
    }
    if (scope.kind === "inside") {
      const segments = relativePath.split("/");
      if (
        path.isAbsolute(relativePath) ||
        /^[A-Za-z]:/.test(relativePath) ||
        relativePath.includes("\\") ||
        segments.includes("..")
      ) {
        return this.issue(
          fieldPath,
          `${value} is not allowed; must be a relative path inside the server's data directory, without "..", ${allowedExample}`,
        );
      }
    }
    const absolute = path.resolve(this.directory, relativePath);
    const fileName = path.relative(this.cwd, absolute) || absolute;
    const shown = scope.kind === "inside" ? `${fileName} in the data directory` : absolute;
    let real: string;
    let stats: Stats;
    try {
      // stat, not open: it follows links and never blocks, whatever the file is.
      stats = await stat(absolute);
      real = await realpath(absolute);
    } catch (error) {
      if (scope.kind === "inside") {
        return this.issue(
          fieldPath,
          `${value} is not allowed; no such file in the server's data directory, ${allowedExample}`,
        );
      }
      return this.issue(
        fieldPath,
        `${value} cannot be read (resolved to ${absolute}): ${reason(error)}; paths are relative to the scenario file's directory` +
          (isSharedDataPath(relativePath) ? `; ${missingSharedDataAdvice()}` : ""),
      );
    }
    if (scope.kind === "inside" && !isInside(scope.directory, real)) {
      return this.issue(
        fieldPath,
        `${value} is not allowed; it leads outside the server's data directory (through a symbolic link)`,
      );
    }
    if (!stats.isFile()) {
      return this.issue(
        fieldPath,
        `${value} is not allowed (resolved to ${shown}): it is ${fileKind(stats)}, not a regular file`,
      );
    }
    if (stats.size > this.policy.maxBytes)
      return this.tooLarge(fieldPath, relativePath, stats.size);
    const checked: CheckedFile = {
      real,
      size: stats.size,
      fileName,
      device: stats.dev,
      inode: stats.ino,
    };
    this.checked.set(fieldKey(fieldPath), checked);
    return checked;
  }

  private tooLarge(fieldPath: FieldPath, relativePath: string, size: number): ScenarioIssue {
    return this.issue(
      fieldPath,
      `${describeValue(relativePath)} is not allowed: ${tooLargeText(size, this.policy.maxBytes)}`,
    );
  }
}

const dataFileLimit = "a data file (DELEVERAGE_MAX_FILE_BYTES sets it)";

function tooLargeText(size: number, maxBytes: number, limit = dataFileLimit): string {
  return `${size} bytes is over the limit of ${maxBytes} bytes for ${limit}`;
}

/** A file refused by readRegularFile; the message says why, without its contents. */
export class FileRefusal extends Error {}

/**
 * Reads a whole regular file of at most `maxBytes`. It is opened without blocking and checked on
 * the open descriptor (a regular file, the same one `expected` was when given, small enough), so
 * a FIFO, a device or a file swapped after an earlier check is refused, never read. `limit`
 * names the limit in the refusal ("a data file (...)" unless said otherwise).
 */
export async function readRegularFile(
  file: string,
  maxBytes: number,
  expected?: { device: number; inode: number },
  limit = dataFileLimit,
): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileRefusal(`cannot be opened: ${reason(error)}`);
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) {
      throw new FileRefusal(`it is ${fileKind(opened)}; expected a regular file`);
    }
    if (
      expected !== undefined &&
      (opened.dev !== expected.device || opened.ino !== expected.inode)
    ) {
      throw new FileRefusal(
        "changed while it was being opened; expected a file that stays in place",
      );
    }
    if (opened.size > maxBytes) throw new FileRefusal(tooLargeText(opened.size, maxBytes, limit));
    const bytes = new Uint8Array(opened.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const { bytesRead: extra } = await handle.read(new Uint8Array(1), 0, 1, filled);
    if (filled !== bytes.length || extra !== 0) {
      throw new FileRefusal(
        "changed size while it was being read; expected a file nothing writes to",
      );
    }
    return bytes;
  } catch (error) {
    if (error instanceof FileRefusal) throw error;
    throw new FileRefusal(`cannot be read: ${reason(error)}`);
  } finally {
    await handle.close();
  }
}
