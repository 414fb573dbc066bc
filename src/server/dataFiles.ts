/**
 * Which files a scenario sent to the server may make it read. A scenario names data files
 * (a depth snapshot, a positions CSV, a price path) and loadScenario reads whatever path it is
 * given, so the server decides before loading:
 *
 * - built-in presets keep the files they name (the operator installed them);
 * - `--set`-style overrides may not set or change any data-file field;
 * - uploaded scenarios may name a file only by a relative path, without `..`, that resolves
 *   (symbolic links followed) to a regular file inside the server's data directory
 *   (`deleverage serve --data-dir DIR`); without a data directory they may name none.
 *
 * Anything else is an issue in the same `location: field: value is not allowed; ...` form as
 * every other scenario error, and nothing is read.
 */
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument } from "yaml";
import { describeValue, isRecord, type ScenarioIssue } from "../scenario/errors.ts";

/**
 * The scenario fields that name a file (src/scenario/schema.ts, lendingSchema.ts); `*` stands
 * for every index of a list (a lending scenario's assets, markets and venues).
 */
const dataFileFields: readonly (readonly string[])[] = [
  ["market", "orderBook", "depthCsv", "file"],
  ["positions", "csv"],
  ["shock", "csv"],
  ["assets", "*", "path", "file"],
  ["assets", "*", "path", "csv"],
  ["markets", "*", "reservesFile", "file"],
  ["gas", "file"],
  ["venues", "*", "market", "orderBook", "depthCsv", "file"],
  ["venues", "*", "positions", "csv"],
  ["venues", "*", "shock", "csv"],
];

/** The concrete fields of `dataFileFields` in each of the documents, `*` expanded over lists. */
function concreteFields(...documents: unknown[]): string[][] {
  const found = new Map<string, string[]>();
  const expand = (node: unknown, pattern: readonly string[], done: string[]): void => {
    if (pattern.length === 0) {
      found.set(done.join("."), done);
      return;
    }
    const [key, ...rest] = pattern;
    if (key !== "*") {
      expand(isRecord(node) ? node[key] : undefined, rest, [...done, key]);
      return;
    }
    if (!Array.isArray(node)) return;
    node.forEach((item, index) => {
      expand(item, rest, [...done, String(index)]);
    });
  };
  for (const field of dataFileFields) for (const document of documents) expand(document, field, []);
  return [...found.values()];
}

/** A data file an uploaded scenario may read: the path as written and the real file. */
export interface AllowedDataFile {
  relativePath: string;
  realPath: string;
}

function valueAt(data: unknown, keys: readonly string[]): unknown {
  let value = data;
  for (const key of keys) {
    if (isRecord(value)) value = value[key];
    else if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else return undefined;
  }
  return value;
}

/**
 * The document as plain data after `PATH=VALUE` overrides, following the same rules as the
 * loader's `--set`. Only its data-file fields are looked at, and the loader reads no file
 * unless the document and every override are valid, so the valid cases are what matter here;
 * anything unparseable is left for the loader to report.
 */
function withOverrides(data: unknown, overrides: readonly string[]): unknown {
  let root: unknown = structuredClone(data) ?? {};
  for (const assignment of overrides) {
    const equals = assignment.indexOf("=");
    if (equals < 1) continue;
    const keys = assignment.slice(0, equals).split(".");
    let value: unknown;
    try {
      value = parse(assignment.slice(equals + 1));
    } catch {
      continue;
    }
    if (!isRecord(root) && !Array.isArray(root)) root = {};
    let parent: Record<string, unknown> | unknown[] = root as Record<string, unknown>;
    for (let depth = 0; depth < keys.length; depth++) {
      const key = keys[depth];
      const last = depth === keys.length - 1;
      const container = parent as Record<string, unknown>;
      if (last) {
        container[key] = value;
        break;
      }
      const child = container[key];
      if (!isRecord(child) && !Array.isArray(child)) {
        container[key] = /^\d+$/.test(keys[depth + 1]) ? [] : {};
      }
      parent = container[key] as Record<string, unknown> | unknown[];
    }
  }
  return root;
}

function parseQuietly(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** `file:line:col` of the value at `keys` in the YAML text, or the bare file name. */
function locate(text: string, fileName: string, keys: readonly string[]): string {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  let node: unknown = document.contents;
  for (const key of keys) {
    if (isMap(node)) node = node.get(key, true);
    else if (isSeq(node)) node = node.get(Number(key), true);
    else return fileName;
  }
  const offset = isScalar(node) ? node.range?.[0] : undefined;
  if (offset === undefined) return fileName;
  const { line, col } = lineCounter.linePos(offset);
  return `${fileName}:${line}:${col}`;
}

/**
 * Issues for overrides that touch a data-file field: the value after the overrides must be the
 * value the file itself gives.
 */
export function overrideDataFileIssues(
  text: string,
  overrides: readonly string[],
): ScenarioIssue[] {
  if (overrides.length === 0) return [];
  const original = parseQuietly(text);
  const overridden = withOverrides(original, overrides);
  const issues: ScenarioIssue[] = [];
  for (const field of concreteFields(original, overridden)) {
    const before = valueAt(original, field);
    const after = valueAt(overridden, field);
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    const fieldPath = field.join(".");
    const culprit = [...overrides].reverse().find((assignment) => {
      const keys = assignment.slice(0, Math.max(0, assignment.indexOf("="))).split(".");
      const shorter = Math.min(keys.length, field.length);
      return keys.slice(0, shorter).every((key, index) => key === field[index]);
    });
    const overridePath = culprit?.slice(0, culprit.indexOf("=")) ?? fieldPath;
    issues.push({
      location: `--set ${overridePath}`,
      path: fieldPath,
      message: `${describeValue(after)} is not allowed; data files cannot be set from the dashboard, only named in the scenario file itself`,
    });
  }
  return issues;
}

/** Inside `directory` (already a real path) or the directory itself. */
function isInside(directory: string, candidate: string): boolean {
  const relative = path.relative(directory, candidate);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

const allowedExample = "e.g. oct-10-2025/bookDepth.csv";

/**
 * Checks every data file an uploaded scenario names. Returns the files it may read, or the
 * issues that forbid reading any.
 */
export async function uploadDataFiles(
  text: string,
  fileName: string,
  dataDirectory: string | undefined,
): Promise<{ files: AllowedDataFile[]; issues: ScenarioIssue[] }> {
  const data = parseQuietly(text);
  const files: AllowedDataFile[] = [];
  const issues: ScenarioIssue[] = [];
  const realDirectory = dataDirectory === undefined ? undefined : await realpath(dataDirectory);
  for (const field of concreteFields(data)) {
    const value = valueAt(data, field);
    if (typeof value !== "string") continue;
    const issue = (rule: string): void => {
      issues.push({
        location: locate(text, fileName, field),
        path: field.join("."),
        message: `${describeValue(value)} is not allowed; ${rule}`,
      });
    };
    if (realDirectory === undefined) {
      issue(
        "an uploaded scenario may name data files only when the server was started with --data-dir DIR, and then only files inside DIR",
      );
      continue;
    }
    const segments = value.split("/");
    if (
      path.isAbsolute(value) ||
      /^[A-Za-z]:/.test(value) ||
      value.includes("\\") ||
      value.includes("\0") ||
      segments.includes("..")
    ) {
      issue(
        `must be a relative path inside the server's data directory, without "..", ${allowedExample}`,
      );
      continue;
    }
    if (value === fileName) {
      issue("names the uploaded scenario itself; expected a CSV file in the data directory");
      continue;
    }
    let real: string;
    try {
      real = await realpath(path.join(realDirectory, value));
    } catch {
      issue(`no such file in the server's data directory; ${allowedExample}`);
      continue;
    }
    if (!isInside(realDirectory, real)) {
      issue("leads outside the server's data directory (through a symbolic link)");
      continue;
    }
    if (!(await stat(real)).isFile()) {
      issue("is not a regular file in the server's data directory");
      continue;
    }
    files.push({ relativePath: path.posix.normalize(value), realPath: real });
  }
  return { files, issues };
}
