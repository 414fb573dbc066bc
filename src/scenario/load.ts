/**
 * Scenario loading: file or preset → YAML document → `--set` overrides → zod validation → data
 * files → cross-field checks → the engine's view of the scenario. Every problem is reported as
 * `file:line:col: field: what is wrong, what is allowed`, with the position taken from the YAML
 * node that holds the offending value, so users fix their file rather than guess. Loading reads
 * files only; it never writes.
 */
import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Pair,
  parseDocument,
  Scalar,
  YAMLMap,
  YAMLSeq,
} from "yaml";
import { z } from "zod";
import { expectedNotional } from "../engine/agents/population.ts";
import type {
  EngineScenario,
  ExogenousPriceSpec,
  ExplicitPositions,
  MarketSpec,
  PerpMarketSpec,
  PopulationSpec,
  PriceLevel,
  ShockSpec,
} from "../engine/config.ts";
import { accountNameAt, ExplicitPositionsBuilder } from "../engine/explicitPositions.ts";
import type { LendingEngineScenario } from "../engine/lending/run.ts";
import { levelsFromShape } from "../engine/market/orderBook.ts";
import type { TfgParameters } from "../engine/models/tfg.ts";
import { cholesky } from "../engine/prices.ts";
import { MarginTiers } from "../engine/venue/marginTiers.ts";
import { packageRoot } from "../packageFiles.ts";
import { parseNumberAlias, synonymFor } from "./aliases.ts";
import {
  type DataFilePolicy,
  DataFiles,
  FileRefusal,
  fileKind,
  readRegularFile,
} from "./dataFiles.ts";
import { engineExchange } from "./engineExchange.ts";
import {
  closestMatch,
  describeValue,
  describeZodIssue,
  isRecord,
  listOptions,
  maxReportedIssues,
  ScenarioError,
  type ScenarioIssue,
  scenarioErrorMap,
} from "./errors.ts";
import { type FileFieldValue, fileFieldValues } from "./fileFields.ts";
import {
  levelsFromBookDepth,
  parseBookDepthCsv,
  parseUtcTime,
  selectSnapshot,
} from "./importers/bookDepth.ts";
import { parseKlinesCsv, resampleToSteps, selectKlines } from "./importers/klines.ts";
import {
  maxIssues,
  type PositionsCsvOptions,
  type PositionsCsvRows,
  parsePositionsCsv,
} from "./importers/positionsCsv.ts";
import { isParquet, parsePositionsParquet } from "./importers/positionsParquet.ts";
import { applyWallets, parseWalletsCsv, type WalletsCsv } from "./importers/walletsCsv.ts";
import { toLendingEngine } from "./lendingLoad.ts";
import type { LendingScenario } from "./lendingSchema.ts";
import { maxDataFileBytes, maxScenarioFileBytes, memoryLimitBytes } from "./limits.ts";
import {
  type AnyScenario,
  type FundingConfig,
  type MarketConfig,
  type MarkPriceConfig,
  type Scenario,
  type ShockConfig,
  scenarioFileSchema,
  type TfgScenario,
  type TierConfig,
} from "./schema.ts";
import { invalidUtf8Offset, positionOfOffset } from "./utf8.ts";
import { budgetExcess, estimateScenarioWork, type WorkEstimate } from "./workBudget.ts";

export interface LoadedScenario {
  model: "perp";
  /** The validated scenario with every default filled in (file paths still as written). */
  scenario: Scenario;
  /** The same scenario with every file it names read and converted. */
  engine: EngineScenario;
  /** Absolute path of the scenario file. */
  file: string;
  /** sha256 (hex) of the canonical validated scenario and the content hash of each data file. */
  hash: string;
  /** The memory its run is estimated to need (workBudget.ts). */
  work: WorkEstimate;
}

/** A `model: tfg` scenario: the Thurner–Farmer–Geanakoplos model, which names no data files. */
export interface LoadedTfgScenario {
  model: "tfg";
  scenario: TfgScenario;
  /** The model's parameters as the engine takes them. */
  parameters: TfgParameters;
  file: string;
  /** sha256 (hex) of the canonical validated scenario. */
  hash: string;
  work: WorkEstimate;
}

/** A `model: lending` scenario: assets, AMM pools, oracles, gas and credit venues. */
export interface LoadedLendingScenario {
  model: "lending";
  scenario: LendingScenario;
  engine: LendingEngineScenario;
  file: string;
  /** sha256 (hex) of the canonical validated scenario and the content hash of each data file. */
  hash: string;
  work: WorkEstimate;
}

export interface LoadOptions {
  /** `PATH=VALUE` assignments applied to the document before validation. */
  overrides?: string[];
  /** Directory that relative scenario paths and error locations are relative to. */
  cwd?: string;
  /** Which data files the scenario may name and how large they may be (default: any, limits.ts). */
  dataFiles?: Partial<DataFilePolicy>;
  /**
   * The models the caller runs, and why; a scenario of another model is refused before any of
   * its files is read. Default: every model.
   */
  models?: { allowed: readonly AnyScenario["model"][]; reason: string };
  /** False: overrides may not set or change a data-file field (the dashboard). Default true. */
  overridesMayNameFiles?: boolean;
  /** The work budget (workBudget.ts); default: DELEVERAGE_MEMORY_LIMIT, enforced. */
  budget?: { limitBytes?: number; allowLarge?: boolean };
  /**
   * Fields and list items the file may hold, counted before it is parsed (the dashboard's
   * uploads: parsing costs ~15 µs an entry, so 100,000 keys in 1 MB would hold the answer for
   * seconds). Default: no limit beyond the file's size.
   */
  maxEntries?: number;
}

type FieldPath = readonly PropertyKey[];

const presetDirectory = path.join(packageRoot, "scenarios");
const presetExtensions = [".yaml", ".yml", ".json"];

export async function listPresets(): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(presetDirectory);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => presetExtensions.includes(path.extname(entry)))
    .map((entry) => entry.slice(0, -path.extname(entry).length))
    .sort();
}

/** A perpetual-futures scenario; a file with another `model` is an error located at that field. */
export async function loadScenario(
  source: string,
  options: LoadOptions = {},
): Promise<LoadedScenario> {
  const loaded = await loadAnyScenario(source, {
    models: {
      allowed: ["perp"],
      reason: "this command runs perp scenarios only (`deleverage run` runs every model)",
    },
    ...options,
  });
  if (loaded.model !== "perp") throw new Error("the loader let another model through");
  return loaded;
}

type AnyLoaded = LoadedScenario | LoadedTfgScenario | LoadedLendingScenario;

/** A scenario of any model, told apart by its `model` field. */
export async function loadAnyScenario(
  source: string,
  options: LoadOptions = {},
): Promise<AnyLoaded> {
  const cwd = options.cwd ?? process.cwd();
  const file = await resolveSource(source, cwd);
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(file, maxScenarioFileBytes, undefined, "a scenario file");
  } catch (error) {
    if (!(error instanceof FileRefusal)) throw error;
    throw new ScenarioError([
      {
        location: displayPath(file, cwd),
        path: "",
        message: `the scenario file is not allowed: ${error.message}`,
      },
    ]);
  }
  return loadScenarioBytes(bytes, file, options);
}

/**
 * A scenario from its bytes, as if read from `file`: data files are relative to its directory
 * and locations name it relative to `options.cwd`. The dashboard loads uploads this way.
 */
export async function loadScenarioBytes(
  bytes: Uint8Array,
  file: string,
  options: LoadOptions = {},
): Promise<AnyLoaded> {
  const cwd = options.cwd ?? process.cwd();
  const document = new ScenarioDocument(bytes, displayPath(file, cwd), options.maxEntries);
  const fileFieldsBefore =
    options.overridesMayNameFiles === false ? fileFieldValues(document.plain()) : undefined;
  document.applyOverrides(options.overrides ?? []);
  if (fileFieldsBefore !== undefined) document.checkFileFieldsUnchanged(fileFieldsBefore);
  const scenario = document.validate();
  const issues: ScenarioIssue[] = [];
  if (options.models !== undefined && !options.models.allowed.includes(scenario.model)) {
    issues.push(
      document.issue(
        ["model"],
        `${describeValue(scenario.model)} is not allowed here; ${options.models.reason}`,
      ),
    );
  }
  // Every file is checked (type, size, place) before any is read: one bad file reads none.
  const dataFiles = new DataFiles(
    path.dirname(file),
    cwd,
    (fieldPath, message) => document.issue(fieldPath, message),
    {
      scope: options.dataFiles?.scope ?? { kind: "anywhere" },
      maxBytes: options.dataFiles?.maxBytes ?? maxDataFileBytes(),
    },
  );
  issues.push(...(await dataFiles.checkAll(fileFieldValues(scenario))));
  if (issues.length > 0) throw new ScenarioError(issues);
  const work = estimateScenarioWork(scenario, (fieldPath) => dataFiles.size(fieldPath));
  const excess = budgetExcess(work, {
    limitBytes: options.budget?.limitBytes ?? memoryLimitBytes(),
    allowLarge: options.budget?.allowLarge ?? false,
  });
  if (excess !== undefined) {
    throw new ScenarioError([document.issue(excess.term.fieldPath, excess.message)]);
  }
  if (scenario.model === "tfg") {
    const parameters: TfgParameters = scenario.tfg;
    const hash = createHash("sha256").update(canonicalJson(scenario)).digest("hex");
    return { model: "tfg", scenario, parameters, file, hash, work };
  }
  if (scenario.model === "lending") {
    const converted = await toLendingEngine(scenario, {
      read: (fieldPath, relativePath) => dataFiles.read(fieldPath, relativePath),
      issue: (fieldPath, message) => document.issue(fieldPath, message),
    });
    if ("issues" in converted) throw new ScenarioError(converted.issues);
    const hash = createHash("sha256")
      .update(canonicalJson({ scenario, dataFiles: dataFiles.contentHashes }))
      .digest("hex");
    return { model: "lending", scenario, engine: converted.engine, file, hash, work };
  }
  const engine = await toEngineScenario(scenario, document, dataFiles);
  const hash = createHash("sha256")
    .update(canonicalJson({ scenario, dataFiles: dataFiles.contentHashes }))
    .digest("hex");
  return { model: "perp", scenario, engine, file, hash, work };
}

async function resolveSource(source: string, cwd: string): Promise<string> {
  const candidate = path.resolve(cwd, source);
  // stat, not open: it never blocks, whatever the path is.
  const found = await stat(candidate).catch(() => undefined);
  if (found?.isFile()) return candidate;
  if (found !== undefined) {
    throw new ScenarioError([
      {
        location: source,
        path: "",
        message: `${candidate} is ${fileKind(found)}; a scenario must be a regular YAML or JSON file`,
      },
    ]);
  }
  if (/^[\w-]+$/.test(source)) {
    for (const extension of presetExtensions) {
      const preset = path.join(presetDirectory, source + extension);
      if ((await stat(preset).catch(() => undefined))?.isFile()) return preset;
    }
  }
  const presets = await listPresets();
  throw new ScenarioError([
    {
      location: source,
      path: "",
      message: `no scenario file at ${candidate} and no preset of that name; presets: ${presets.length > 0 ? presets.join(", ") : "none"}`,
    },
  ]);
}

function displayPath(file: string, cwd: string): string {
  return path.relative(cwd, file) || file;
}

function formatPath(fieldPath: FieldPath): string {
  return fieldPath.map(String).join(".");
}

interface Override {
  keys: string[];
  /** The PATH as typed, which is how the user finds the override again. */
  text: string;
}

/**
 * The parsed scenario file plus the overrides applied to it. Keeps the YAML node tree (not just
 * the plain data) because error locations come from the nodes' source ranges: a node from the file
 * has a range, a node created by `--set` has none.
 */
class ScenarioDocument {
  private readonly document: Document;
  private readonly lineCounter = new LineCounter();
  private readonly overrides: Override[] = [];

  constructor(
    bytes: Uint8Array,
    private readonly fileName: string,
    maxEntries = Number.POSITIVE_INFINITY,
  ) {
    const invalid = invalidUtf8Offset(bytes);
    if (invalid >= 0) {
      const { line, column } = positionOfOffset(bytes, invalid);
      throw new ScenarioError([
        {
          location: `${fileName}:${line}:${column}`,
          path: "",
          message: `the file is not UTF-8 text (byte ${invalid} is not allowed); expected a YAML or JSON scenario`,
        },
      ]);
    }
    const text = Buffer.from(bytes).toString("utf8");
    if (text.trim() === "") {
      throw new ScenarioError([
        {
          location: fileName,
          path: "",
          message: `the file is empty; expected a YAML or JSON scenario such as "name: my-crash" with the fields of its model (deleverage schema lists them)`,
        },
      ]);
    }
    const past = offsetPastEntries(text, maxEntries);
    if (past >= 0) {
      const { line, column } = positionOfOffset(bytes, Buffer.byteLength(text.slice(0, past)));
      throw new ScenarioError([
        {
          location: `${fileName}:${line}:${column}`,
          path: "",
          message: `the file holds more than ${maxEntries.toLocaleString("en-US")} fields and list items (this is the next one); refused before it is parsed: a scenario has a few hundred, and positions belong in a CSV file (positions.csv)`,
        },
      ]);
    }
    this.document = parseYaml(text, this.lineCounter, (offset) => this.position(offset));
    const contents = this.document.contents;
    if (!isMap(contents)) {
      const held =
        contents === null
          ? "only comments"
          : isSeq(contents)
            ? "a list"
            : `a single value (${isScalar(contents) ? describeValue(contents.value) : "an alias"})`;
      throw new ScenarioError([
        {
          location: contents === null ? fileName : this.position(contents.range?.[0] ?? 0),
          path: "",
          message: `the file is not a scenario: it holds ${held}, not YAML "key: value" fields; expected a YAML or JSON scenario such as "name: my-crash" with the fields of its model`,
        },
      ]);
    }
  }

  /** The document as plain data; aliases that expand to too much are an input error, not a crash. */
  plain(): unknown {
    return plainData(this.document, (offset) => this.position(offset));
  }

  /**
   * Refuses overrides that set, change or remove a data-file field: the value after the
   * overrides must be what the file itself says.
   */
  checkFileFieldsUnchanged(before: readonly FileFieldValue[]): void {
    const key = (field: FileFieldValue): string => formatPath(field.fieldPath);
    const original = new Map(before.map((field) => [key(field), field.value]));
    const after = fileFieldValues(this.plain());
    const changed = new Map(after.map((field) => [key(field), field.value]));
    const issues: ScenarioIssue[] = [];
    for (const fieldKey of new Set([...original.keys(), ...changed.keys()])) {
      if (original.get(fieldKey) === changed.get(fieldKey)) continue;
      const keys = fieldKey.split(".");
      const culprit = this.lastOverride((override) => {
        const shorter = Math.min(override.keys.length, keys.length);
        return override.keys.slice(0, shorter).every((part, index) => part === keys[index]);
      });
      issues.push({
        location: `--set ${culprit?.text ?? fieldKey}`,
        path: fieldKey,
        message: `${describeValue(changed.get(fieldKey))} is not allowed; data files cannot be set from the dashboard, only named in the scenario file itself`,
      });
    }
    if (issues.length > 0) throw new ScenarioError(issues);
  }

  private position(offset: number): string {
    const { line, col } = this.lineCounter.linePos(offset);
    return `${this.fileName}:${line}:${col}`;
  }

  applyOverrides(assignments: readonly string[]): void {
    const issues: ScenarioIssue[] = [];
    for (const assignment of assignments) {
      const problem = this.applyOverride(assignment);
      if (problem !== undefined) issues.push(problem);
    }
    if (issues.length > 0) throw new ScenarioError(issues);
  }

  private applyOverride(assignment: string): ScenarioIssue | undefined {
    const equals = assignment.indexOf("=");
    const pathText = equals < 0 ? assignment : assignment.slice(0, equals);
    const keys = pathText.split(".");
    const issue = (message: string): ScenarioIssue => ({
      location: `--set ${pathText}`,
      path: pathText,
      message,
    });
    if (equals < 1 || keys.some((key) => key === "")) {
      return {
        location: `--set ${assignment}`,
        path: "",
        message: `${describeValue(assignment)} is not allowed; expected PATH=VALUE with a dotted PATH, e.g. exchange.insuranceFund=5e6 or exchange.maintenanceMarginTiers.0.rate=0.01`,
      };
    }
    const valueText = assignment.slice(equals + 1);
    let plainValue: unknown;
    try {
      const valueDocument = parseYaml(valueText, new LineCounter(), () => "");
      plainValue = plainData(valueDocument, () => "");
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      return issue(
        `${describeValue(valueText)} is not allowed; the value must be a YAML scalar or flow value such as 5e6, cross or [1, 2] (${error.issues[0].message.replace(/^YAML syntax error: /, "")})`,
      );
    }
    const value = this.document.createNode(plainValue);
    const problem = this.setAt(keys, value);
    if (problem !== undefined) return issue(problem);
    this.overrides.push({ keys, text: pathText });
    return undefined;
  }

  /** Sets the node at `keys`, creating missing objects and lists on the way; returns a problem if it cannot. */
  private setAt(keys: readonly string[], value: Node): string | undefined {
    if (this.document.contents === null) this.document.contents = new YAMLMap();
    let parent: unknown = this.document.contents;
    for (let depth = 0; depth < keys.length; depth++) {
      const key = keys[depth];
      const last = depth === keys.length - 1;
      const where = formatPath(keys.slice(0, depth));
      let child: unknown;
      if (isMap(parent)) {
        let pair = findPair(parent, key);
        if (pair === undefined) {
          pair = new Pair(new Scalar(key), null);
          parent.items.push(pair);
        }
        if (last) {
          pair.value = value;
          return undefined;
        }
        if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
          // A field left to its default is filled with that default first, so that setting one
          // tier's rate keeps the other default tiers instead of replacing the list with one tier.
          const fallback = defaultAt(keys.slice(0, depth + 1), this.plain());
          pair.value =
            fallback !== undefined
              ? this.document.createNode(fallback)
              : /^\d+$/.test(keys[depth + 1])
                ? new YAMLSeq()
                : new YAMLMap();
        }
        child = pair.value;
      } else if (isSeq(parent)) {
        if (!/^\d+$/.test(key)) {
          return `${where} is a list; "${key}" is not allowed; expected an item index 0..${parent.items.length}`;
        }
        const index = Number(key);
        if (index > parent.items.length) {
          const count = parent.items.length;
          return `${where} has ${count} item${count === 1 ? "" : "s"}; index ${index} is not allowed; expected 0..${count} (${count} appends)`;
        }
        if (last) {
          parent.items[index] = value;
          return undefined;
        }
        if (index === parent.items.length) {
          parent.items.push(/^\d+$/.test(keys[depth + 1]) ? new YAMLSeq() : new YAMLMap());
        }
        child = parent.items[index];
      } else {
        return `${where || "the scenario"} is not an object or list, so it has no field "${key}"`;
      }
      if (!isMap(child) && !isSeq(child)) {
        const found = isScalar(child) ? describeValue(child.value) : "an alias";
        return `${formatPath(keys.slice(0, depth + 1))} is ${found}, not an object or list, so it has no field "${keys[depth + 1]}"`;
      }
      parent = child;
    }
    return undefined;
  }

  /**
   * The zod-validated scenario, or a ScenarioError with one located issue per problem, up to
   * maxReportedIssues: locating an issue walks the document, so a file of 100,000 unknown keys
   * locates the first few and counts the rest.
   */
  validate(): AnyScenario {
    const data: unknown = this.plain();
    const parse = () =>
      scenarioFileSchema.safeParse(data, { error: scenarioErrorMap, reportInput: true });
    let result = parse();
    // "10M" or "8%" where a number belongs: replace and validate again, until nothing changes.
    for (let pass = 0; !result.success && pass < 8; pass++) {
      if (!replaceNumberAliases(data, result.error.issues, [])) break;
      result = parse();
    }
    if (result.success) return result.data;
    const issues: ScenarioIssue[] = [];
    let omitted = 0;
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const room = Math.max(0, maxReportedIssues - issues.length);
        omitted += Math.max(0, issue.keys.length - room);
        if (room === 0) continue;
        const allowed = allowedKeys(issue.path, data);
        for (const key of issue.keys.slice(0, room)) {
          const keyPath = [...issue.path, key];
          const suggestion = closestMatch(key, allowed) ?? synonymFor(key, allowed);
          issues.push({
            location: this.locate(keyPath, "key"),
            path: formatPath(keyPath),
            message: `unknown field ${describeValue(key)}${suggestion === undefined ? "" : ` (did you mean ${describeValue(suggestion)}?)`}; allowed fields: ${listOptions(allowed)}`,
          });
        }
      } else if (issues.length >= maxReportedIssues) {
        omitted++;
      } else {
        const value = issue.code === "invalid_key" ? issue.input : valueAt(data, issue.path);
        issues.push(this.issue(issue.path, describeZodIssue(issue, value)));
      }
    }
    throw new ScenarioError(issues, omitted);
  }

  issue(fieldPath: FieldPath, message: string, target: "value" | "key" = "value"): ScenarioIssue {
    return { location: this.locate(fieldPath, target), path: formatPath(fieldPath), message };
  }

  /**
   * Where the value at `fieldPath` came from. An override at or above the path wins (its value
   * replaced whatever the file had). Otherwise the YAML node: a scalar's own position, an object's
   * or list's key (the line that names it), or a key itself for unknown fields. A path that does
   * not exist (a missing field) points at the nearest enclosing object that does.
   */
  locate(fieldPath: FieldPath, target: "value" | "key" = "value"): string {
    const keys = fieldPath.map(String);
    const overrideAbove = this.lastOverride((override) => isPrefix(override.keys, keys));
    if (overrideAbove !== undefined) return `--set ${overrideAbove.text}`;

    let node: unknown = this.document.contents;
    let keyNode: Scalar | undefined;
    for (let depth = 0; depth < keys.length; depth++) {
      let next: unknown;
      let nextKey: Scalar | undefined;
      if (isMap(node)) {
        const pair = findPair(node, keys[depth]);
        if (pair === undefined) break;
        next = pair.value;
        nextKey = isScalar(pair.key) ? pair.key : undefined;
      } else if (isSeq(node)) {
        next = node.items[Number(keys[depth])];
      }
      if (next === undefined) break;
      if (sourceOffset(next) === undefined && sourceOffset(nextKey) === undefined) {
        // Created by an override that set something below this path (e.g. one field of a new object).
        const creator = this.lastOverride((override) =>
          isPrefix(keys.slice(0, depth + 1), override.keys),
        );
        if (creator !== undefined) return `--set ${creator.text}`;
        break;
      }
      node = next;
      keyNode = nextKey;
      if (depth === keys.length - 1 && target === "key" && keyNode !== undefined) {
        return this.position(sourceOffset(keyNode) ?? 0);
      }
    }
    const offset = isScalar(node)
      ? sourceOffset(node)
      : (sourceOffset(keyNode) ?? sourceOffset(node));
    return this.position(offset ?? 0);
  }

  /** The latest matching override: a later `--set` of the same path replaced the earlier one. */
  private lastOverride(matches: (override: Override) => boolean): Override | undefined {
    for (let index = this.overrides.length - 1; index >= 0; index--) {
      if (matches(this.overrides[index])) return this.overrides[index];
    }
    return undefined;
  }
}

/**
 * Replaces every string the issues say should be a number and that reads as one ("10M", "8%"),
 * looking into the branches of unions too (their issue paths are relative to the union's).
 * Returns whether anything changed.
 */
function replaceNumberAliases(
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  base: readonly PropertyKey[],
): boolean {
  let changed = false;
  for (const issue of issues) {
    const at = [...base, ...issue.path];
    if (issue.code === "invalid_union") {
      for (const branch of issue.errors)
        changed = replaceNumberAliases(data, branch, at) || changed;
      continue;
    }
    if (issue.code !== "invalid_type" || issue.expected !== "number") continue;
    const value = valueAt(data, at);
    const number = typeof value === "string" ? parseNumberAlias(value) : undefined;
    const parent = valueAt(data, at.slice(0, -1));
    if (number === undefined || !(isRecord(parent) || Array.isArray(parent))) continue;
    Reflect.set(parent, at[at.length - 1], number);
    changed = true;
  }
  return changed;
}

/**
 * Offset of the entry past the first `limit` in YAML or JSON text, or −1 if it holds no more. An
 * entry is counted at each ":" followed by a blank or the end (a field), "," (a flow item) and
 * "- " (a block list item), so quoted text can only over-count; the count takes one pass over the
 * characters, before any node is made.
 */
function offsetPastEntries(text: string, limit: number): number {
  if (!Number.isFinite(limit)) return -1;
  let count = 0;
  const length = text.length;
  for (let offset = 0; offset < length; offset++) {
    const code = text.charCodeAt(offset);
    let entry = code === 44; // ","
    if (code === 58 || code === 45) {
      // ":" or "-" followed by a space, tab, line end or the end of the text.
      const next = offset + 1 < length ? text.charCodeAt(offset + 1) : 10;
      entry = next === 32 || next === 9 || next === 10 || next === 13;
    }
    if (entry && ++count > limit) return offset;
  }
  return -1;
}

/** Nesting deeper than this is refused: scenarios are about ten levels deep. */
const maxNesting = 64;

/**
 * Parses YAML (or JSON) text; syntax errors and nesting deeper than maxNesting are located
 * issues. The nesting is checked by an explicit stack before anything recurses over the tree
 * (toJS, zod, error messages), so 5,000 nested lists are an input error, not a stack overflow.
 */
function parseYaml(
  text: string,
  lineCounter: LineCounter,
  position: (offset: number) => string,
): Document {
  const tooDeep = (offset: number): ScenarioError =>
    new ScenarioError([
      {
        location: position(offset),
        path: "",
        message: `nesting deeper than ${maxNesting} levels is not allowed; a scenario is a few levels of fields and lists`,
      },
    ]);
  let document: Document;
  try {
    // uniqueKeys is checked below with a set per map: the yaml package compares each key with
    // every earlier one, minutes for a map of 100,000 keys.
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep(0);
    throw error;
  }
  if (document.errors.length > 0) {
    const stackError = document.errors.find((error) => /call stack/i.test(error.message));
    if (stackError !== undefined) throw tooDeep(stackError.pos[0]);
    throw new ScenarioError(
      document.errors.map((error) => ({
        location: position(error.pos[0]),
        path: "",
        message: `YAML syntax error: ${error.message}`,
      })),
    );
  }
  const duplicates: ScenarioIssue[] = [];
  const stack: { node: unknown; depth: number }[] = [{ node: document.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= maxNesting) throw tooDeep(node.range?.[0] ?? 0);
    const keys = isMap(node) ? new Set<unknown>() : undefined;
    for (const item of node.items) {
      if (isPair(item)) {
        const key = isScalar(item.key) ? item.key.value : item.key;
        if (keys?.has(key) && duplicates.length < maxReportedIssues) {
          duplicates.push({
            location: position(isScalar(item.key) ? (item.key.range?.[0] ?? 0) : 0),
            path: "",
            message: `YAML syntax error: map keys must be unique; ${describeValue(key)} appears twice`,
          });
        }
        keys?.add(key);
        stack.push({ node: item.key, depth: depth + 1 });
        stack.push({ node: item.value, depth: depth + 1 });
      } else stack.push({ node: item, depth: depth + 1 });
    }
  }
  if (duplicates.length > 0) throw new ScenarioError(duplicates);
  return document;
}

/** The yaml package's limit: an alias bomb ("billion laughs") expands past it and is refused. */
const maxAliasCount = 100;

function plainData(document: Document, position: (offset: number) => string): unknown {
  try {
    return document.toJS({ maxAliasCount });
  } catch (error) {
    if (!(error instanceof ReferenceError || error instanceof RangeError)) throw error;
    let offset = 0;
    // The first alias is where to look: aliases of aliases are what multiplies the size.
    const stack: unknown[] = [document.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      if (isAlias(node)) {
        offset = node.range?.[0] ?? 0;
        break;
      }
      if (isMap(node) || isSeq(node)) {
        for (let index = node.items.length - 1; index >= 0; index--) {
          const item = node.items[index];
          if (isPair(item)) stack.push(item.value, item.key);
          else stack.push(item);
        }
      }
    }
    throw new ScenarioError([
      {
        location: position(offset),
        path: "",
        message: `anchors and aliases that expand to more than ${maxAliasCount} times their size are not allowed (a YAML alias bomb); write the values out or use fewer aliases of aliases`,
      },
    ]);
  }
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find(
    (pair): pair is Pair => isScalar(pair.key) && String(pair.key.value) === key,
  );
}

function sourceOffset(node: unknown): number | undefined {
  if (node instanceof Scalar || node instanceof YAMLMap || node instanceof YAMLSeq) {
    return node.range?.[0];
  }
  return undefined;
}

function isPrefix(prefix: readonly string[], keys: readonly string[]): boolean {
  return prefix.length <= keys.length && prefix.every((key, index) => keys[index] === key);
}

function valueAt(data: unknown, fieldPath: FieldPath): unknown {
  let value = data;
  for (const key of fieldPath) {
    value = isRecord(value) || Array.isArray(value) ? Reflect.get(value, key) : undefined;
  }
  return value;
}

/** The schema of the field at `fieldPath`, following `data` through unions; undefined if there is none. */
function fieldSchema(fieldPath: FieldPath, data: unknown): z.core.$ZodType | undefined {
  let schema: z.core.$ZodType | undefined = scenarioFileSchema;
  for (let depth = 0; depth < fieldPath.length; depth++) {
    const container = unwrapSchema(schema, valueAt(data, fieldPath.slice(0, depth)));
    const key = fieldPath[depth];
    if (container instanceof z.ZodObject) schema = container.shape[String(key)];
    else if (container instanceof z.ZodArray) schema = container.element;
    else if (container instanceof z.ZodRecord) schema = container.valueType;
    else return undefined;
  }
  return schema;
}

/** The keys the schema allows for the object at `fieldPath`. */
function allowedKeys(fieldPath: FieldPath, data: unknown): string[] {
  const schema = unwrapSchema(fieldSchema(fieldPath, data), valueAt(data, fieldPath));
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** The schema default of the field at `fieldPath`, or undefined if it has none. */
function defaultAt(fieldPath: FieldPath, data: unknown): unknown {
  let schema = fieldSchema(fieldPath, data);
  while (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    schema = schema.unwrap();
  }
  return schema instanceof z.ZodDefault ? schema.def.defaultValue : undefined;
}

/** Strips optional/default/nullable wrappers and picks the union member `value` was meant for. */
function unwrapSchema(
  schema: z.core.$ZodType | undefined,
  value: unknown,
): z.core.$ZodType | undefined {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap();
    } else if (current instanceof z.ZodLazy) {
      current = current.unwrap();
    } else if (current instanceof z.ZodUnion) {
      const objects = current.options
        .map((option) => (option instanceof z.ZodLazy ? option.unwrap() : option))
        .filter((option): option is z.ZodObject => option instanceof z.ZodObject);
      const discriminator =
        current instanceof z.ZodDiscriminatedUnion ? current.def.discriminator : undefined;
      const tag = discriminator !== undefined && isRecord(value) ? value[discriminator] : undefined;
      return (
        objects.find(
          (option) =>
            discriminator !== undefined && option.shape[discriminator]?.safeParse(tag).success,
        ) ?? objects[0]
      );
    } else {
      return current;
    }
  }
}

/**
 * Runs a helper that rejects input with a plain Error whose message starts with where the problem
 * is: `file.csv:LINE:COL: ...` (an importer reading `fileName`) or `field.sub: ...` naming a field
 * of the scenario object at `parentPath` (e.g. `shape.levels: ...` under market.orderBook). The
 * message is re-anchored there; anything else is placed at `parentPath`. Other error classes
 * (TypeError, RangeError) are bugs, not input problems, and propagate.
 */
function collectIssues<T>(
  issues: ScenarioIssue[],
  document: ScenarioDocument,
  parentPath: FieldPath,
  fileName: string | undefined,
  helper: () => T,
): T | undefined {
  try {
    return helper();
  } catch (error) {
    if (error instanceof ScenarioError) {
      issues.push(...error.issues);
      return undefined;
    }
    if (!(error instanceof Error) || error.constructor !== Error) throw error;
    const inFile =
      fileName !== undefined && error.message.startsWith(`${fileName}:`)
        ? /^(\d+:\d+): ([\s\S]*)$/.exec(error.message.slice(fileName.length + 1))
        : null;
    if (inFile !== null) {
      issues.push({ location: `${fileName}:${inFile[1]}`, path: "", message: inFile[2] });
      return undefined;
    }
    const field = /^([A-Za-z][\w.]*): ([\s\S]*)$/.exec(error.message);
    if (field !== null) {
      issues.push(document.issue([...parentPath, ...field[1].split(".")], field[2]));
    } else {
      issues.push(document.issue(parentPath, error.message));
    }
    return undefined;
  }
}

/** A market as the scenario declares it, before its files are read. */
interface DeclaredMarket {
  symbol: string;
  price: number;
  liquidity: Pick<MarketConfig, "orderBook" | "impact">;
  /** Where the market's fields are: `market` (one market) or `markets.i`. */
  liquidityPath: FieldPath;
  tiers: TierConfig[];
  tiersPath: FieldPath;
  markPrice: MarkPriceConfig;
  funding?: FundingConfig;
  openInterestCap?: number;
  insuranceFund: number;
  /** Its own exogenous path, or undefined to follow the scenario's shock with a beta. */
  shock?: ShockConfig;
  shockPath: FieldPath;
  beta: number;
  idiosyncraticVolatility: number;
}

/** The markets a scenario declares: `asset` + `market`, or each of `markets` with the exchange's rules as defaults. */
function declaredMarkets(scenario: Scenario): DeclaredMarket[] {
  const exchange = scenario.exchange;
  if (scenario.markets === undefined) {
    const asset = scenario.asset as NonNullable<Scenario["asset"]>;
    return [
      {
        symbol: asset.symbol,
        price: asset.price,
        liquidity: scenario.market as MarketConfig,
        liquidityPath: ["market"],
        tiers: exchange.maintenanceMarginTiers,
        tiersPath: ["exchange", "maintenanceMarginTiers"],
        markPrice: exchange.markPrice,
        funding: exchange.funding,
        insuranceFund: 0,
        shock: scenario.shock,
        shockPath: ["shock"],
        beta: 1,
        idiosyncraticVolatility: 0,
      },
    ];
  }
  return scenario.markets.map((market, index) => {
    const here = ["markets", index];
    // Hyperliquid "Margining": maintenance margin is half the initial margin at max leverage.
    const tiers =
      market.maintenanceMarginTiers ??
      (market.maxLeverage !== undefined
        ? [{ maxNotional: null, maxLeverage: market.maxLeverage }]
        : exchange.maintenanceMarginTiers);
    return {
      symbol: market.symbol,
      price: market.price,
      liquidity: market,
      liquidityPath: here,
      tiers,
      tiersPath:
        market.maintenanceMarginTiers !== undefined
          ? [...here, "maintenanceMarginTiers"]
          : market.maxLeverage !== undefined
            ? [...here, "maxLeverage"]
            : ["exchange", "maintenanceMarginTiers"],
      markPrice: market.markPrice ?? exchange.markPrice,
      funding: market.funding ?? exchange.funding,
      openInterestCap: market.openInterestCap,
      insuranceFund: market.insuranceFund,
      shock: market.shock,
      shockPath: [...here, "shock"],
      beta: market.beta,
      idiosyncraticVolatility: market.idiosyncraticVolatility,
    };
  });
}

async function toEngineScenario(
  scenario: Scenario,
  document: ScenarioDocument,
  dataFiles: DataFiles,
): Promise<EngineScenario> {
  const issues: ScenarioIssue[] = [];
  const declared = declaredMarkets(scenario);
  const markets: PerpMarketSpec[] = [];
  for (const market of declared) {
    const liquidity = await liquiditySpec(market, document, dataFiles, issues);
    let exogenous: ExogenousPriceSpec | undefined;
    if (market.shock !== undefined) {
      const shock = await shockSpec(
        market.shock,
        market.shockPath,
        market.price,
        scenario,
        document,
        dataFiles,
        issues,
      );
      if (shock !== undefined) exogenous = { kind: "own", shock };
    } else {
      exogenous = {
        kind: "factor",
        beta: market.beta,
        idiosyncraticVolatility: market.idiosyncraticVolatility,
      };
    }
    if (liquidity === undefined || exogenous === undefined) continue;
    markets.push({
      symbol: market.symbol,
      price: market.price,
      liquidity,
      maintenanceMarginTiers: market.tiers,
      markPrice: market.markPrice,
      ...(market.funding === undefined ? {} : { funding: market.funding }),
      ...(market.openInterestCap === undefined ? {} : { openInterestCap: market.openInterestCap }),
      insuranceFund: market.insuranceFund,
      exogenous,
    });
  }
  const factorDriven = declared.some((market) => market.shock === undefined);
  const factor = factorDriven
    ? await shockSpec(scenario.shock, ["shock"], 1, scenario, document, dataFiles, issues)
    : undefined;
  const explicit = await explicitPositions(scenario, declared, document, dataFiles, issues);
  const population = populationSpec(scenario, declared, document, issues);
  checkCorrelation(scenario, document, issues);
  if (issues.length > 0 || markets.length !== declared.length || (factorDriven && !factor)) {
    throw new ScenarioError(issues);
  }
  const engine: EngineScenario = {
    name: scenario.name,
    steps: scenario.steps,
    dt: scenario.dt,
    markets,
    exchange: engineExchange(scenario.exchange),
    positions: population === undefined ? { explicit } : { explicit, population },
    ...(factor === undefined ? {} : { factor }),
    ...(scenario.correlation === undefined ? {} : { correlation: scenario.correlation }),
  };
  // The leverage-cycle sections are copied only when present, so other scenarios are unchanged.
  if (scenario.marketMakers !== undefined && scenario.market?.orderBook === undefined) {
    throw new ScenarioError([
      document.issue(
        ["marketMakers"],
        "is not allowed with market.impact; market makers re-quote an order book (use market.orderBook)",
      ),
    ]);
  }
  const cycleKeys = [
    "policy",
    "marketMakers",
    "stopLosses",
    "accumulation",
    "decomposition",
  ] as const;
  for (const key of cycleKeys) {
    if (scenario[key] !== undefined) Object.assign(engine, { [key]: scenario[key] });
  }
  return engine;
}

/** A correlation matrix: markets × markets, symmetric, unit diagonal, positive definite. */
function checkCorrelation(
  scenario: Scenario,
  document: ScenarioDocument,
  issues: ScenarioIssue[],
): void {
  const matrix = scenario.correlation;
  const count = scenario.markets?.length ?? 1;
  if (matrix === undefined) return;
  if (matrix.length !== count || matrix.some((row) => row.length !== count)) {
    issues.push(
      document.issue(
        ["correlation"],
        `must be ${count} × ${count} (one row and one column per market, in markets order); got ${matrix.length} rows of ${matrix.map((row) => row.length).join(", ")}`,
      ),
    );
    return;
  }
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < count; column++) {
      const value = matrix[row][column];
      const wrong =
        row === column
          ? value !== 1 && "the diagonal must be 1"
          : Math.abs(value) > 1
            ? "must be between -1 and 1"
            : value !== matrix[column][row] &&
              `must equal correlation.${column}.${row} (${matrix[column][row]}): the matrix is symmetric`;
      if (wrong) {
        issues.push(
          document.issue(["correlation", row, column], `${value} is not allowed; ${wrong}`),
        );
        return;
      }
    }
  }
  collectIssues(issues, document, [], undefined, () => cholesky(matrix));
}

async function liquiditySpec(
  market: DeclaredMarket,
  document: ScenarioDocument,
  dataFiles: DataFiles,
  issues: ScenarioIssue[],
): Promise<MarketSpec | undefined> {
  if (market.liquidity.impact !== undefined) return market.liquidity.impact;
  const book = market.liquidity.orderBook;
  if (book === undefined) throw new Error("the schema lets no market through without a model");
  const bookPath = [...market.liquidityPath, "orderBook"];
  let levels: { bids: PriceLevel[]; asks: PriceLevel[] } | undefined;
  let sourcePath: FieldPath;
  if (book.levels !== undefined) {
    sourcePath = [...bookPath, "levels"];
    levels = { bids: [...book.levels.bids], asks: [...book.levels.asks] };
  } else if (book.shape !== undefined) {
    const shape = book.shape;
    sourcePath = [...bookPath, "shape"];
    levels = collectIssues(issues, document, bookPath, undefined, () =>
      levelsFromShape(market.price, shape),
    );
  } else if (book.depthCsv !== undefined) {
    const depthCsv = book.depthCsv;
    sourcePath = [...bookPath, "depthCsv"];
    const file = await dataFiles.read([...sourcePath, "file"], depthCsv.file);
    if ("location" in file) {
      issues.push(file);
      return undefined;
    }
    const snapshots = collectIssues(issues, document, sourcePath, file.fileName, () =>
      parseBookDepthCsv(file.text, file.fileName),
    );
    if (snapshots === undefined) return undefined;
    const snapshot = collectIssues(issues, document, sourcePath, undefined, () =>
      selectSnapshot(snapshots, depthCsv.at),
    );
    if (snapshot === undefined) return undefined;
    levels = collectIssues(issues, document, sourcePath, undefined, () =>
      levelsFromBookDepth(snapshot, market.price, depthCsv.levelsPerPercent),
    );
  } else {
    throw new Error("the schema lets no order book through without levels, shape or depthCsv");
  }
  if (levels === undefined) return undefined;

  // Best first: the engine walks the book from the top without sorting.
  levels.bids.sort((left, right) => right.price - left.price);
  levels.asks.sort((left, right) => left.price - right.price);
  for (const side of ["bids", "asks"] as const) {
    if (levels[side].length === 0) {
      issues.push(
        document.issue(sourcePath, `produced no ${side}; a book needs at least one level per side`),
      );
    }
  }
  const bestBid = levels.bids[0]?.price;
  const bestAsk = levels.asks[0]?.price;
  if (bestBid !== undefined && bestAsk !== undefined && bestBid >= bestAsk) {
    issues.push(
      document.issue(
        sourcePath,
        `best bid ${bestBid} is not allowed; must be below the best ask ${bestAsk} (a crossed book would trade with itself)`,
      ),
    );
  }
  return {
    kind: "orderBook",
    bids: levels.bids,
    asks: levels.asks,
    resilienceHalfLife: book.resilienceHalfLife === "none" ? null : book.resilienceHalfLife,
  };
}

async function explicitPositions(
  scenario: Scenario,
  markets: readonly DeclaredMarket[],
  document: ScenarioDocument,
  dataFiles: DataFiles,
  issues: ScenarioIssue[],
): Promise<ExplicitPositions> {
  const defaultMode = scenario.exchange.marginMode;
  const builder = new ExplicitPositionsBuilder();
  const symbols = markets.map((market) => market.symbol);
  const marketIndex = new Map(symbols.map((symbol, index) => [symbol, index]));
  /** Inline positions whose market is missing or unknown: not added, and reported here. */
  const inlineIssues: ScenarioIssue[] = [];
  /** Input index of each inline position added. */
  const inlineRows: number[] = [];
  scenario.positions.inline?.forEach((position, index) => {
    const market =
      position.market === undefined
        ? markets.length === 1
          ? 0
          : undefined
        : marketIndex.get(position.market);
    if (market === undefined) {
      inlineIssues.push(
        document.issue(
          ["positions", "inline", index, position.market === undefined ? "account" : "market"],
          `account ${describeValue(position.account)}: ${position.market === undefined ? "a market is required with several markets" : `${describeValue(position.market)} is not one of the scenario's markets`}; allowed: ${listOptions(symbols)}`,
        ),
      );
      return;
    }
    inlineRows.push(index);
    builder.add(
      builder.accountNamed(position.account),
      market,
      position.side === "long" ? 1 : -1,
      position.size,
      position.entryPrice,
      position.collateral,
      (position.marginMode ?? defaultMode) === "cross",
    );
  });
  issues.push(...inlineIssues);
  const inlineCount = builder.count;
  /** Problems of the files, reported after those of the inline positions. */
  const fileIssues: ScenarioIssue[] = [];
  let wallets: WalletsCsv | undefined;
  const walletsPath = scenario.positions.wallets;
  if (walletsPath !== undefined) {
    const file = await dataFiles.readBytes(["positions", "wallets"], walletsPath);
    if ("location" in file) fileIssues.push(file);
    else {
      wallets = collectIssues(fileIssues, document, ["positions", "wallets"], file.fileName, () =>
        parseWalletsCsv(file.bytes, builder, file.fileName),
      );
    }
  }
  let rows: PositionsCsvRows | undefined;
  let rowLocation = (line: number, fileName: string): string => `${fileName}:${line}:1`;
  let csvFileName = "";
  const csv = scenario.positions.csv;
  if (csv !== undefined && (walletsPath === undefined || wallets !== undefined)) {
    const fieldPath = typeof csv === "string" ? ["positions", "csv"] : ["positions", "csv", "file"];
    const file = await dataFiles.readBytes(fieldPath, typeof csv === "string" ? csv : csv.file);
    if ("location" in file) fileIssues.push(file);
    else {
      csvFileName = file.fileName;
      const options: PositionsCsvOptions = {
        fileName: file.fileName,
        columns: typeof csv === "string" ? undefined : csv.columns,
        markets: marketIndex,
        defaultCross: defaultMode === "cross",
        walletAccounts: wallets?.walletAccounts,
      };
      if (isParquet(file.bytes)) {
        rowLocation = (row, fileName) => `${fileName} row ${row}`;
        try {
          rows = await parsePositionsParquet(file.bytes, builder, options);
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          fileIssues.push(...error.issues);
        }
      } else {
        rows = collectIssues(fileIssues, document, ["positions", "csv"], file.fileName, () =>
          parsePositionsCsv(file.bytes, builder, options),
        );
      }
    }
  }
  const positions = builder.finish();
  if (rows !== undefined && wallets !== undefined) {
    const tiers = markets.map((market) => new MarginTiers(market.tiers));
    const initialMargin = (index: number): number => {
      const notional = positions.size[index] * positions.entryPrice[index];
      return notional / tiers[positions.market[index]].maxLeverageFor(notional);
    };
    fileIssues.push(...applyWallets(positions, rows, wallets, initialMargin));
  }
  const check = new PositionChecks(markets, positions);
  const inlineIssue = (index: number, message: string): ScenarioIssue =>
    document.issue(["positions", "inline", inlineRows[index]], message);
  for (let index = 0; index < inlineCount; index++) check.position(index, inlineIssue, true);
  issues.push(...check.issues);
  issues.push(...fileIssues);
  if (rows !== undefined && fileIssues.length === 0) {
    check.issues.length = 0;
    const { first, lines } = rows;
    const rowIssue = (index: number, message: string): ScenarioIssue => ({
      location: rowLocation(lines[index - first], csvFileName),
      path: "positions.csv",
      message,
    });
    for (let index = first; index < first + rows.count; index++) {
      check.position(index, rowIssue, false);
    }
    issues.push(...check.issues);
    if (check.issues.length >= maxIssues) {
      issues.push({
        location: csvFileName,
        path: "",
        message: `stopped after ${maxIssues} issues`,
      });
    }
  }
  return positions;
}

/**
 * Checks each explicit position: its initial leverage within its bracket's limit ("beyond the
 * tiers"), and a cross-margin account holding one side per market (one-way mode). Keeps at most
 * `maxIssues` issues.
 */
class PositionChecks {
  readonly issues: ScenarioIssue[] = [];
  private readonly tiers: MarginTiers[];
  /** Side held on cross margin by (account, market), 0 = none yet. */
  private readonly crossSides = new Map<number, number>();

  constructor(
    private readonly markets: readonly DeclaredMarket[],
    private readonly positions: ExplicitPositions,
  ) {
    this.tiers = markets.map((market) => new MarginTiers(market.tiers));
  }

  /**
   * `quoteAccount` false for positions of a data file: its rows are located by line, and a data
   * file's contents stay out of messages.
   */
  position(
    index: number,
    issueAt: (index: number, message: string) => ScenarioIssue,
    quoteAccount: boolean,
  ): void {
    if (this.issues.length >= maxIssues) return;
    const positions = this.positions;
    const account = positions.account[index];
    const market = positions.market[index];
    const subject = quoteAccount
      ? `account ${describeValue(accountNameAt(positions.accountNames, account))}`
      : "the position's account";
    const side = positions.side[index] > 0 ? "long" : "short";
    if (positions.cross[index] === 1) {
      const key = account * 65_536 + positions.market[index];
      const held = this.crossSides.get(key);
      if (held !== undefined && held !== positions.side[index]) {
        this.issues.push(
          issueAt(
            index,
            `${subject}: a ${side} on cross margin next to its ${held > 0 ? "long" : "short"}${this.markets.length > 1 ? ` in ${this.markets[market].symbol}` : ""}; one cross account holds one position per market (one-way mode), so use isolated margin or separate accounts`,
          ),
        );
      }
      this.crossSides.set(key, positions.side[index]);
    }
    const size = positions.size[index];
    const entryPrice = positions.entryPrice[index];
    const collateral = positions.collateral[index];
    const notional = size * entryPrice;
    const leverage = notional / collateral;
    const allowed = this.tiers[market].maxLeverageFor(notional);
    // A relative tolerance so that collateral written as notional / maxLeverage passes exactly.
    if (leverage > allowed * (1 + 1e-9)) {
      this.issues.push(
        issueAt(
          index,
          `${subject}: leverage ${round(leverage)}x (size ${size} x entryPrice ${entryPrice} / collateral ${collateral}) is beyond the tiers; a notional of ${round(notional)} allows at most ${allowed}x (${formatPath(this.markets[market].tiersPath)}), so collateral must be at least ${round(notional / allowed)}`,
        ),
      );
    }
  }
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

/**
 * The population as the engine draws it: per-market shares (given, derived from open-interest
 * targets, or even), each market's mix with the population's own fields as defaults, and the
 * leverages checked against each market's first bracket.
 */
function populationSpec(
  scenario: Scenario,
  markets: readonly DeclaredMarket[],
  document: ScenarioDocument,
  issues: ScenarioIssue[],
): PopulationSpec | undefined {
  const population = scenario.positions.population;
  if (population === undefined) return undefined;
  const base = ["positions", "population"];
  const symbols = markets.map((market) => market.symbol);
  const checkLeverage = (mix: Record<string, number>, mixPath: FieldPath, market: number): void => {
    const firstTier = markets[market].tiers[0];
    for (const key of Object.keys(mix)) {
      if (Number(key) > firstTier.maxLeverage) {
        issues.push(
          document.issue(
            [...mixPath, key],
            `leverage ${key} is beyond the tiers${markets.length > 1 ? ` of ${symbols[market]}` : ""}; the first tier (${formatPath(markets[market].tiersPath)}${markets[market].tiersPath.at(-1) === "maxLeverage" ? "" : ".0"}) allows at most ${firstTier.maxLeverage}`,
            "key",
          ),
        );
      }
    }
  };
  const own = population.markets;
  const ownKeys = own === undefined ? [] : Object.keys(own);
  for (const key of ownKeys) {
    if (!symbols.includes(key)) {
      issues.push(
        document.issue(
          [...base, "markets", key],
          `${describeValue(key)} is not one of the scenario's markets; allowed: ${listOptions(symbols)}`,
          "key",
        ),
      );
    }
  }
  const crossAccounts = population.crossAccounts;
  if (crossAccounts !== undefined) {
    for (const key of Object.keys(crossAccounts.marketsPerAccount)) {
      if (Number(key) > markets.length) {
        issues.push(
          document.issue(
            [...base, "crossAccounts", "marketsPerAccount", key],
            `${key} markets per account is not allowed; the scenario has ${markets.length}`,
            "key",
          ),
        );
      }
    }
  }
  const entries = markets.map((market, index) => {
    const entry = own?.[market.symbol];
    const mixPath =
      entry?.leverage !== undefined
        ? [...base, "markets", market.symbol, "leverage"]
        : [...base, "leverage"];
    const leverage = entry?.leverage ?? population.leverage;
    if (own === undefined || entry !== undefined) checkLeverage(leverage, mixPath, index);
    return {
      share: entry?.share,
      openInterest: entry?.openInterest,
      longShare: entry?.longShare ?? population.longShare,
      leverage,
      entryPrice: entry?.entryPrice ?? population.entryPrice,
      notional: entry?.notional ?? population.notional,
      listed: own === undefined || entry !== undefined,
    };
  });
  const listed = entries.filter((entry) => entry.listed);
  let shares: number[];
  if (own === undefined) {
    shares = entries.map(() => 1 / entries.length);
  } else if (listed.every((entry) => entry.share !== undefined)) {
    shares = entries.map((entry) => entry.share ?? 0);
    const total = shares.reduce((sum, share) => sum + share, 0);
    if (Math.abs(total - 1) > 1e-9) {
      issues.push(
        document.issue(
          [...base, "markets"],
          `shares add up to ${round(total)}; they must add up to 1 (or give every market an openInterest instead)`,
        ),
      );
    }
  } else {
    // Positions per market ∝ its open interest over the mean notional of its larger side.
    const weights = entries.map((entry, index) => {
      if (!entry.listed) return 0;
      if (entry.openInterest === undefined) {
        issues.push(
          document.issue(
            [...base, "markets", symbols[index]],
            "needs share or openInterest; without a share on every market, shares follow the open-interest targets",
          ),
        );
        return 0;
      }
      const mean = expectedNotional(entry.notional);
      if (!Number.isFinite(mean)) {
        issues.push(
          document.issue(
            [...base, "markets", symbols[index], "openInterest"],
            "cannot be turned into a share: the notional distribution has no mean (give notional.max or alpha > 1, or a share)",
          ),
        );
        return 0;
      }
      return entry.openInterest / (mean * Math.max(entry.longShare, 1 - entry.longShare));
    });
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    shares = weights.map((weight) => (total > 0 ? weight / total : 0));
  }
  const single = markets.length === 1 && own === undefined && crossAccounts === undefined;
  return {
    count: population.count,
    longShare: population.longShare,
    crossShare: population.crossShare,
    leverage: population.leverage,
    entryPrice: population.entryPrice,
    notional: population.notional,
    ...(single
      ? {}
      : {
          markets: entries.map((entry, index) => ({
            share: shares[index],
            ...(entry.openInterest === undefined ? {} : { openInterest: entry.openInterest }),
            longShare: entry.longShare,
            leverage: entry.leverage,
            entryPrice: entry.entryPrice,
            notional: entry.notional,
          })),
        }),
    ...(crossAccounts === undefined ? {} : { crossAccounts }),
  };
}

/**
 * The exogenous path spec of `shock` (the scenario's, or one market's own at `shockPath`); a
 * `path` is read, resampled to the steps and rebased to `price` if asked.
 */
async function shockSpec(
  shock: ShockConfig,
  shockPath: FieldPath,
  price: number,
  scenario: Scenario,
  document: ScenarioDocument,
  dataFiles: DataFiles,
  issues: ScenarioIssue[],
): Promise<ShockSpec | undefined> {
  const steps = scenario.steps;
  const checkStep = (field: string, step: number): void => {
    if (step >= steps) {
      issues.push(
        document.issue(
          [...shockPath, field],
          `${step} is not allowed; must be below steps (${steps}), or it never happens`,
        ),
      );
    }
  };
  switch (shock.kind) {
    case "instant":
      checkStep("at", shock.at);
      return shock;
    case "linear":
      checkStep("from", shock.from);
      checkStep("to", shock.to);
      if (shock.to <= shock.from) {
        issues.push(
          document.issue(
            [...shockPath, "to"],
            `${shock.to} is not allowed; must be after from (${shock.from}); use kind: instant for a one-step drop`,
          ),
        );
      }
      return shock;
    case "steps":
      shock.points.forEach((point, index) => {
        const at = point.at;
        if (at >= steps) {
          issues.push(
            document.issue(
              [...shockPath, "points", index, "at"],
              `${at} is not allowed; must be below steps (${steps}), or it never happens`,
            ),
          );
        }
      });
      return shock;
    case "path": {
      const file = await dataFiles.read([...shockPath, "csv"], shock.csv);
      if ("location" in file) {
        issues.push(file);
        return undefined;
      }
      const klines = collectIssues(issues, document, [...shockPath, "csv"], file.fileName, () =>
        parseKlinesCsv(file.text, file.fileName),
      );
      const bounds: Record<"from" | "to", number | undefined> = { from: undefined, to: undefined };
      const before = issues.length;
      for (const bound of ["from", "to"] as const) {
        const text = shock[bound];
        if (text === undefined) continue;
        bounds[bound] = parseUtcTime(text.trim()) ?? undefined;
        if (bounds[bound] === undefined) {
          issues.push(
            document.issue(
              [...shockPath, bound],
              `${describeValue(text)} is not allowed; must be an ISO time in UTC such as 2025-10-10T21:00:00Z or 2025-10-10`,
            ),
          );
        }
      }
      if (klines === undefined || issues.length > before) return undefined;
      const selected = selectKlines(klines, bounds.from, bounds.to);
      if (selected.openTime.length === 0) {
        const first = new Date(klines.openTime[0]).toISOString();
        const last = new Date(klines.openTime[klines.openTime.length - 1]).toISOString();
        issues.push(
          document.issue(
            [...shockPath, shock.from === undefined ? "to" : "from"],
            `no bars between ${shock.from ?? "the start"} and ${shock.to ?? "the end"}; ${file.fileName} covers ${first} to ${last}`,
          ),
        );
        return undefined;
      }
      const prices = resampleToSteps(selected.openTime, selected[shock.column], scenario.dt, steps);
      if (shock.rebase) {
        const factor = price / prices[0];
        for (let step = 0; step < prices.length; step++) prices[step] *= factor;
      }
      const unusable = prices.findIndex((value) => !(Number.isFinite(value) && value > 0));
      if (unusable >= 0) {
        issues.push(
          document.issue(
            [...shockPath, "csv"],
            `gives no usable price at step ${unusable} (${prices[unusable]}${shock.rebase ? ` after rebasing to the market's price ${price}` : ""}); its prices must stay positive and finite`,
          ),
        );
        return undefined;
      }
      return { kind: "path", prices, startTime: selected.openTime[0] };
    }
    default:
      return shock;
  }
}

/** JSON with object keys sorted at every level, so equal scenarios hash equally whatever the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isRecord(value)) {
    const entries = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
