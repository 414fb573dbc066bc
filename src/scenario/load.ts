/**
 * Scenario loading: file or preset → YAML document → `--set` overrides → zod validation → data
 * files → cross-field checks → the engine's view of the scenario. Every problem is reported as
 * `file:line:col: field: what is wrong, what is allowed`, with the position taken from the YAML
 * node that holds the offending value, so users fix their file rather than guess. Loading reads
 * files only; it never writes.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import {
  type Document,
  isMap,
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
import type {
  EngineScenario,
  MarketSpec,
  PositionSpec,
  PriceLevel,
  ShockSpec,
} from "../engine/config.ts";
import type { LendingEngineScenario } from "../engine/lending/run.ts";
import { levelsFromShape } from "../engine/market/orderBook.ts";
import type { TfgParameters } from "../engine/models/tfg.ts";
import { MarginTiers } from "../engine/venue/marginTiers.ts";
import { parseNumberAlias, synonymFor } from "./aliases.ts";
import {
  closestMatch,
  describeValue,
  describeZodIssue,
  isRecord,
  listOptions,
  ScenarioError,
  type ScenarioIssue,
  scenarioErrorMap,
} from "./errors.ts";
import {
  levelsFromBookDepth,
  parseBookDepthCsv,
  parseUtcTime,
  selectSnapshot,
} from "./importers/bookDepth.ts";
import { parseKlinesCsv, resampleToSteps, selectKlines } from "./importers/klines.ts";
import { parsePositionsCsv } from "./importers/positionsCsv.ts";
import { toLendingEngine } from "./lendingLoad.ts";
import type { LendingScenario } from "./lendingSchema.ts";
import { isSharedDataPath, missingSharedDataAdvice } from "./presets.ts";
import { type AnyScenario, type Scenario, scenarioFileSchema, type TfgScenario } from "./schema.ts";

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
}

/** A `model: lending` scenario: assets, AMM pools, oracles, gas and credit venues. */
export interface LoadedLendingScenario {
  model: "lending";
  scenario: LendingScenario;
  engine: LendingEngineScenario;
  file: string;
  /** sha256 (hex) of the canonical validated scenario and the content hash of each data file. */
  hash: string;
}

export interface LoadOptions {
  /** `PATH=VALUE` assignments applied to the document before validation. */
  overrides?: string[];
  /** Directory that relative scenario paths and error locations are relative to. */
  cwd?: string;
}

type FieldPath = readonly PropertyKey[];

const presetDirectory = path.resolve(import.meta.dirname, "../../scenarios");
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
  const loaded = await loadAnyScenario(source, options);
  if (loaded.model !== "perp") {
    const location = displayPath(loaded.file, options.cwd ?? process.cwd());
    throw new ScenarioError([
      {
        location,
        path: "model",
        message: `${describeValue(loaded.model)} is not allowed here; this command runs perp scenarios only (\`deleverage run\` runs every model)`,
      },
    ]);
  }
  return loaded;
}

/** A scenario of any model, told apart by its `model` field. */
export async function loadAnyScenario(
  source: string,
  options: LoadOptions = {},
): Promise<LoadedScenario | LoadedTfgScenario | LoadedLendingScenario> {
  const cwd = options.cwd ?? process.cwd();
  const file = await resolveSource(source, cwd);
  const displayName = displayPath(file, cwd);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ScenarioError([
      { location: displayName, path: "", message: `cannot read the file: ${reason(error)}` },
    ]);
  }
  const document = new ScenarioDocument(text, displayName);
  document.applyOverrides(options.overrides ?? []);
  const scenario = document.validate();
  if (scenario.model === "tfg") {
    const parameters: TfgParameters = scenario.tfg;
    const hash = createHash("sha256").update(canonicalJson(scenario)).digest("hex");
    return { model: "tfg", scenario, parameters, file, hash };
  }
  const dataFiles = new DataFiles(path.dirname(file), cwd, document);
  if (scenario.model === "lending") {
    const converted = await toLendingEngine(scenario, {
      read: (fieldPath, relativePath) => dataFiles.read(fieldPath, relativePath),
      issue: (fieldPath, message) => document.issue(fieldPath, message),
    });
    if ("issues" in converted) throw new ScenarioError(converted.issues);
    const hash = createHash("sha256")
      .update(canonicalJson({ scenario, dataFiles: dataFiles.contentHashes }))
      .digest("hex");
    return { model: "lending", scenario, engine: converted.engine, file, hash };
  }
  const engine = await toEngineScenario(scenario, document, dataFiles);
  const hash = createHash("sha256")
    .update(canonicalJson({ scenario, dataFiles: dataFiles.contentHashes }))
    .digest("hex");
  return { model: "perp", scenario, engine, file, hash };
}

async function isFile(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isFile();
  } catch {
    return false;
  }
}

async function resolveSource(source: string, cwd: string): Promise<string> {
  const candidate = path.resolve(cwd, source);
  if (await isFile(candidate)) return candidate;
  if (/^[\w-]+$/.test(source)) {
    for (const extension of presetExtensions) {
      const preset = path.join(presetDirectory, source + extension);
      if (await isFile(preset)) return preset;
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

function reason(error: unknown): string {
  if (isRecord(error)) {
    if (error.code === "ENOENT") return "no such file";
    if (error.code === "EISDIR") return "it is a directory";
    if (error.code === "EACCES") return "permission denied";
  }
  return error instanceof Error ? error.message : String(error);
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
    text: string,
    private readonly fileName: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false });
    if (this.document.errors.length > 0) {
      throw new ScenarioError(
        this.document.errors.map((error) => ({
          location: this.position(error.pos[0]),
          path: "",
          message: `YAML syntax error: ${error.message}`,
        })),
      );
    }
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
    const valueDocument = parseDocument(valueText, { prettyErrors: false });
    if (valueDocument.errors.length > 0) {
      return issue(
        `${describeValue(valueText)} is not allowed; the value must be a YAML scalar or flow value such as 5e6, cross or [1, 2] (${valueDocument.errors[0].message})`,
      );
    }
    const value = this.document.createNode(valueDocument.toJS());
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
          const fallback = defaultAt(keys.slice(0, depth + 1), this.document.toJS());
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

  /** The zod-validated scenario, or a ScenarioError with one located issue per problem. */
  validate(): AnyScenario {
    const data: unknown = this.document.toJS();
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
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const allowed = allowedKeys(issue.path, data);
        for (const key of issue.keys) {
          const keyPath = [...issue.path, key];
          const suggestion = closestMatch(key, allowed) ?? synonymFor(key, allowed);
          issues.push({
            location: this.locate(keyPath, "key"),
            path: formatPath(keyPath),
            message: `unknown field ${describeValue(key)}${suggestion === undefined ? "" : ` (did you mean ${describeValue(suggestion)}?)`}; allowed fields: ${listOptions(allowed)}`,
          });
        }
      } else {
        const value = issue.code === "invalid_key" ? issue.input : valueAt(data, issue.path);
        issues.push(this.issue(issue.path, describeZodIssue(issue, value)));
      }
    }
    throw new ScenarioError(issues);
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

/** Reads the files a scenario names (relative to the scenario's directory) and remembers their hashes. */
class DataFiles {
  /** Field path → sha256 of the file's bytes, so the scenario hash changes when the data does. */
  readonly contentHashes: Record<string, string> = {};

  constructor(
    private readonly directory: string,
    private readonly cwd: string,
    private readonly document: ScenarioDocument,
  ) {}

  /** The file's text and display name, or an issue located at the field that names it. */
  async read(
    fieldPath: FieldPath,
    relativePath: string,
  ): Promise<{ text: string; fileName: string } | ScenarioIssue> {
    const absolute = path.resolve(this.directory, relativePath);
    let bytes: Buffer;
    try {
      bytes = await readFile(absolute);
    } catch (error) {
      return this.document.issue(
        fieldPath,
        `${describeValue(relativePath)} cannot be read (resolved to ${absolute}): ${reason(error)}; paths are relative to the scenario file's directory` +
          (isSharedDataPath(relativePath) ? `; ${missingSharedDataAdvice()}` : ""),
      );
    }
    this.contentHashes[formatPath(fieldPath)] = createHash("sha256").update(bytes).digest("hex");
    return { text: bytes.toString("utf8"), fileName: displayPath(absolute, this.cwd) };
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

async function toEngineScenario(
  scenario: Scenario,
  document: ScenarioDocument,
  dataFiles: DataFiles,
): Promise<EngineScenario> {
  const issues: ScenarioIssue[] = [];
  const market = await marketSpec(scenario, document, dataFiles, issues);
  const explicit = await explicitPositions(scenario, document, dataFiles, issues);
  checkPopulationLeverage(scenario, document, issues);
  const shock = await shockSpec(scenario, document, dataFiles, issues);
  if (issues.length > 0 || market === undefined || shock === undefined) {
    throw new ScenarioError(issues);
  }
  const population = scenario.positions.population;
  const engine: EngineScenario = {
    name: scenario.name,
    steps: scenario.steps,
    dt: scenario.dt,
    asset: scenario.asset,
    market,
    exchange: scenario.exchange,
    positions: population === undefined ? { explicit } : { explicit, population },
    shock,
  };
  // The leverage-cycle sections are copied only when present, so other scenarios are unchanged.
  if (scenario.marketMakers !== undefined && scenario.market.orderBook === undefined) {
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

async function marketSpec(
  scenario: Scenario,
  document: ScenarioDocument,
  dataFiles: DataFiles,
  issues: ScenarioIssue[],
): Promise<MarketSpec | undefined> {
  if (scenario.market.impact !== undefined) return scenario.market.impact;
  const book = scenario.market.orderBook;
  if (book === undefined) throw new Error("the schema lets no market through without a model");
  let levels: { bids: PriceLevel[]; asks: PriceLevel[] } | undefined;
  let sourcePath: FieldPath;
  if (book.levels !== undefined) {
    sourcePath = ["market", "orderBook", "levels"];
    levels = { bids: [...book.levels.bids], asks: [...book.levels.asks] };
  } else if (book.shape !== undefined) {
    const shape = book.shape;
    sourcePath = ["market", "orderBook", "shape"];
    levels = collectIssues(issues, document, ["market", "orderBook"], undefined, () =>
      levelsFromShape(scenario.asset.price, shape),
    );
  } else if (book.depthCsv !== undefined) {
    const depthCsv = book.depthCsv;
    sourcePath = ["market", "orderBook", "depthCsv"];
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
      levelsFromBookDepth(snapshot, scenario.asset.price, depthCsv.levelsPerPercent),
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
  document: ScenarioDocument,
  dataFiles: DataFiles,
  issues: ScenarioIssue[],
): Promise<PositionSpec[]> {
  const tiers = new MarginTiers(scenario.exchange.maintenanceMarginTiers);
  /** Side of each account's cross-margin position: one-way mode allows only one per account. */
  const crossSides = new Map<string, PositionSpec["side"]>();
  /**
   * Adds an issue when the position's initial leverage exceeds its bracket's limit ("beyond the
   * tiers"), or when a cross-margin account would hold both a long and a short.
   */
  const checkPosition = (
    position: PositionSpec,
    issueWith: (message: string) => ScenarioIssue,
  ): void => {
    if ((position.marginMode ?? scenario.exchange.marginMode) === "cross") {
      const held = crossSides.get(position.account);
      if (held !== undefined && held !== position.side) {
        issues.push(
          issueWith(
            `account ${describeValue(position.account)}: a ${position.side} on cross margin next to its ${held}; one cross account holds one position per symbol (one-way mode), so use isolated margin or separate accounts`,
          ),
        );
      }
      crossSides.set(position.account, position.side);
    }
    const notional = position.size * position.entryPrice;
    const leverage = notional / position.collateral;
    const allowed = tiers.maxLeverageFor(notional);
    // A relative tolerance so that collateral written as notional / maxLeverage passes exactly.
    if (leverage > allowed * (1 + 1e-9)) {
      issues.push(
        issueWith(
          `account ${describeValue(position.account)}: leverage ${round(leverage)}x (size ${position.size} x entryPrice ${position.entryPrice} / collateral ${position.collateral}) is beyond the tiers; a notional of ${round(notional)} allows at most ${allowed}x (exchange.maintenanceMarginTiers), so collateral must be at least ${round(notional / allowed)}`,
        ),
      );
    }
  };

  const explicit: PositionSpec[] = [];
  scenario.positions.inline?.forEach((position, index) => {
    checkPosition(position, (message) => document.issue(["positions", "inline", index], message));
    explicit.push(position);
  });
  const csvPath = scenario.positions.csv;
  if (csvPath !== undefined) {
    const file = await dataFiles.read(["positions", "csv"], csvPath);
    if ("location" in file) {
      issues.push(file);
    } else {
      const imported = collectIssues(issues, document, ["positions", "csv"], file.fileName, () =>
        parsePositionsCsv(file.text, file.fileName),
      );
      imported?.positions.forEach((position, index) => {
        checkPosition(position, (message) => ({
          location: `${file.fileName}:${imported.lines[index]}:1`,
          path: "positions.csv",
          message,
        }));
        explicit.push(position);
      });
    }
  }
  return explicit;
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

function checkPopulationLeverage(
  scenario: Scenario,
  document: ScenarioDocument,
  issues: ScenarioIssue[],
): void {
  const population = scenario.positions.population;
  if (population === undefined) return;
  const firstTier = scenario.exchange.maintenanceMarginTiers[0];
  for (const key of Object.keys(population.leverage)) {
    if (Number(key) > firstTier.maxLeverage) {
      issues.push(
        document.issue(
          ["positions", "population", "leverage", key],
          `leverage ${key} is beyond the tiers; the first tier (exchange.maintenanceMarginTiers.0) allows at most ${firstTier.maxLeverage}`,
          "key",
        ),
      );
    }
  }
}

async function shockSpec(
  scenario: Scenario,
  document: ScenarioDocument,
  dataFiles: DataFiles,
  issues: ScenarioIssue[],
): Promise<ShockSpec | undefined> {
  const shock = scenario.shock;
  const steps = scenario.steps;
  const checkStep = (fieldPath: FieldPath, step: number): void => {
    if (step >= steps) {
      issues.push(
        document.issue(
          fieldPath,
          `${step} is not allowed; must be below steps (${steps}), or it never happens`,
        ),
      );
    }
  };
  switch (shock.kind) {
    case "instant":
      checkStep(["shock", "at"], shock.at);
      return shock;
    case "linear":
      checkStep(["shock", "from"], shock.from);
      checkStep(["shock", "to"], shock.to);
      if (shock.to <= shock.from) {
        issues.push(
          document.issue(
            ["shock", "to"],
            `${shock.to} is not allowed; must be after from (${shock.from}); use kind: instant for a one-step drop`,
          ),
        );
      }
      return shock;
    case "steps":
      shock.points.forEach((point, index) => {
        checkStep(["shock", "points", index, "at"], point.at);
      });
      return shock;
    case "path": {
      const file = await dataFiles.read(["shock", "csv"], shock.csv);
      if ("location" in file) {
        issues.push(file);
        return undefined;
      }
      const klines = collectIssues(issues, document, ["shock", "csv"], file.fileName, () =>
        parseKlinesCsv(file.text, file.fileName),
      );
      const bounds: Record<"from" | "to", number | undefined> = { from: undefined, to: undefined };
      for (const bound of ["from", "to"] as const) {
        const text = shock[bound];
        if (text === undefined) continue;
        bounds[bound] = parseUtcTime(text.trim()) ?? undefined;
        if (bounds[bound] === undefined) {
          issues.push(
            document.issue(
              ["shock", bound],
              `${describeValue(text)} is not allowed; must be an ISO time in UTC such as 2025-10-10T21:00:00Z or 2025-10-10`,
            ),
          );
        }
      }
      if (klines === undefined || issues.length > 0) return undefined;
      const selected = selectKlines(klines, bounds.from, bounds.to);
      if (selected.openTime.length === 0) {
        const first = new Date(klines.openTime[0]).toISOString();
        const last = new Date(klines.openTime[klines.openTime.length - 1]).toISOString();
        issues.push(
          document.issue(
            shock.from === undefined ? ["shock", "to"] : ["shock", "from"],
            `no bars between ${shock.from ?? "the start"} and ${shock.to ?? "the end"}; ${file.fileName} covers ${first} to ${last}`,
          ),
        );
        return undefined;
      }
      const prices = resampleToSteps(selected.openTime, selected[shock.column], scenario.dt, steps);
      if (shock.rebase) {
        const factor = scenario.asset.price / prices[0];
        for (let step = 0; step < prices.length; step++) prices[step] *= factor;
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
