/**
 * Where the dashboard's scenarios come from: the built-in presets and the files people upload.
 * Everything goes through loadScenario with `--set`-style overrides, so a scenario the dashboard
 * accepts is one `deleverage run` accepts, with the same messages. Uploads are kept in memory;
 * loading one writes it to a private temporary folder (with links to the data files it may read)
 * that is removed again, so a bad upload leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { packageRoot } from "../packageFiles.ts";
import { isRecord, ScenarioError, type ScenarioIssue } from "../scenario/errors.ts";
import {
  type LoadedLendingScenario,
  type LoadedScenario,
  loadAnyScenario,
} from "../scenario/load.ts";
import { overrideDataFileIssues, uploadDataFiles } from "./dataFiles.ts";
import type {
  Issue,
  ParameterValues,
  PresetEntry,
  ScenarioInfo,
  ScenarioSource,
  UploadEntry,
} from "./protocol.ts";

const presetDirectory = path.join(packageRoot, "scenarios");
const scenarioExtensions = [".yaml", ".yml", ".json"];

/** Uploads larger than this are refused (HTTP 413): scenarios are a few kilobytes. */
export const maxUploadBytes = 1024 * 1024;
/** The oldest uploads are forgotten beyond this many. */
const maxStoredUploads = 50;

/** A plain file name: no directories, no leading dot, a scenario extension. */
const uploadNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(ya?ml|json)$/;

/** An upload refused before its content is looked at, with the HTTP status to answer. */
export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly issue: ScenarioIssue,
  ) {
    super(issue.message);
  }
}

/** `location: path: message` exactly as the CLI prints it (ScenarioError formats it). */
export function toIssue(issue: ScenarioIssue): Issue {
  return { ...issue, text: new ScenarioError([issue]).message };
}

export function checkUploadName(fileName: string): void {
  if (!uploadNamePattern.test(fileName) || fileName.includes("..")) {
    throw new UploadError(400, {
      location: "upload",
      path: "",
      message: `file name ${JSON.stringify(fileName)} is not allowed; expected a plain file name of letters, digits, ".", "_" and "-" ending in .yaml, .yml or .json, e.g. crash.yaml`,
    });
  }
}

export function checkUploadSize(fileName: string, bytes: number): void {
  if (bytes > maxUploadBytes) {
    throw new UploadError(413, {
      location: fileName,
      path: "",
      message: `${bytes} bytes is not allowed; an uploaded scenario may be at most ${maxUploadBytes} bytes (1 MB)`,
    });
  }
}

interface StoredUpload extends UploadEntry {
  text: string;
}

/** What the dashboard runs: perp scenarios (with charts) and lending scenarios (with their report). */
export type DashboardScenario = LoadedScenario | LoadedLendingScenario;

/** The form edits perp fields: a lending scenario offers its steps and seed only. */
function lendingParameterValues(loaded: LoadedLendingScenario): ParameterValues {
  return {
    shockDrop: null,
    leverage: null,
    depthPerPercent: null,
    insuranceFund: null,
    adlRanking: null,
    steps: String(loaded.scenario.steps),
    seed: String(loaded.scenario.seed),
  };
}

/** The form's parameters as they stand in a loaded scenario. */
function parameterValues(loaded: LoadedScenario): ParameterValues {
  const scenario = loaded.scenario;
  const shock = scenario.shock;
  const leverage = scenario.positions.population?.leverage;
  const depth = (scenario.market ?? scenario.markets?.[0])?.orderBook?.shape?.depthPerPercent;
  return {
    shockDrop: shock.kind === "instant" || shock.kind === "linear" ? String(shock.drop) : null,
    leverage:
      leverage === undefined
        ? null
        : `{${Object.entries(leverage)
            .map(([key, share]) => `${key}: ${share}`)
            .join(", ")}}`,
    depthPerPercent: depth === undefined ? null : String(depth),
    insuranceFund: String(scenario.exchange.insuranceFund),
    adlRanking: scenario.exchange.adl.ranking ?? null,
    steps: String(scenario.steps),
    seed: String(scenario.seed),
  };
}

export function scenarioInfo(source: ScenarioSource, loaded: DashboardScenario): ScenarioInfo {
  return {
    source,
    name: loaded.scenario.name,
    description: loaded.scenario.description ?? "",
    parameters:
      loaded.model === "lending" ? lendingParameterValues(loaded) : parameterValues(loaded),
  };
}

/** A TFG scenario is valid but has no dashboard view: said as such, at its `model` field. */
function dashboardModel(
  loaded: Awaited<ReturnType<typeof loadAnyScenario>>,
  location: string,
): DashboardScenario {
  if (loaded.model !== "tfg") return loaded;
  throw new ScenarioError([
    {
      location,
      path: "model",
      message:
        '"tfg" is not allowed here; the dashboard runs perp and lending scenarios (run a tfg scenario with `deleverage run`)',
    },
  ]);
}

function unknownSource(name: string, message: string): ScenarioError {
  return new ScenarioError([{ location: name, path: "", message }]);
}

interface PresetFile extends PresetEntry {
  file: string;
  model: "perp" | "lending";
}

export class ScenarioCatalog {
  private readonly uploads = new Map<string, StoredUpload>();

  constructor(private readonly dataDirectory: string | undefined) {}

  /**
   * Perp presets by name, then lending presets by name: the dashboard opens on the first, and
   * its form and charts are a perp run's.
   */
  async presets(): Promise<PresetEntry[]> {
    const files = await this.presetFiles();
    return [
      ...files.filter((file) => file.model === "perp"),
      ...files.filter((file) => file.model === "lending"),
    ].map(({ name, description }) => ({ name, description }));
  }

  private async presetFiles(): Promise<PresetFile[]> {
    const entries: PresetFile[] = [];
    for (const file of (await readdir(presetDirectory)).sort()) {
      const extension = path.extname(file);
      if (!scenarioExtensions.includes(extension)) continue;
      const absolute = path.join(presetDirectory, file);
      const data = parse(await readFile(absolute, "utf8")) as unknown;
      if (!isRecord(data)) continue;
      if (data.model !== undefined && data.model !== "perp" && data.model !== "lending") continue;
      entries.push({
        name: file.slice(0, -extension.length),
        description: typeof data.description === "string" ? data.description : "",
        file: absolute,
        model: data.model === "lending" ? "lending" : "perp",
      });
    }
    return entries;
  }

  uploadList(): UploadEntry[] {
    return [...this.uploads.values()].map(({ id, fileName, name }) => ({ id, fileName, name }));
  }

  /** Loads a preset or an upload with overrides; throws ScenarioError for anything invalid. */
  async load(source: ScenarioSource, overrides: readonly string[]): Promise<DashboardScenario> {
    if ("preset" in source) return this.loadPreset(source.preset, overrides);
    const upload = this.uploads.get(source.upload);
    if (upload === undefined) {
      throw unknownSource(
        source.upload,
        "no upload with that id; upload the file again (uploads last until the server stops)",
      );
    }
    return this.loadUpload(upload.fileName, upload.text, overrides);
  }

  /**
   * Validates an upload in full and keeps it only if it is a valid scenario; a refused upload
   * changes nothing.
   */
  async addUpload(
    fileName: string,
    text: string,
  ): Promise<{ upload: UploadEntry; scenario: ScenarioInfo }> {
    checkUploadName(fileName);
    checkUploadSize(fileName, Buffer.byteLength(text, "utf8"));
    const loaded = await this.loadUpload(fileName, text, []);
    const upload: StoredUpload = { id: randomUUID(), fileName, name: loaded.scenario.name, text };
    this.uploads.set(upload.id, upload);
    for (const id of this.uploads.keys()) {
      if (this.uploads.size <= maxStoredUploads) break;
      this.uploads.delete(id);
    }
    return {
      upload: { id: upload.id, fileName, name: upload.name },
      scenario: scenarioInfo({ upload: upload.id }, loaded),
    };
  }

  private async loadPreset(name: string, overrides: readonly string[]): Promise<DashboardScenario> {
    const presets = await this.presetFiles();
    const preset = presets.find((entry) => entry.name === name);
    if (preset === undefined) {
      const names = presets.map((entry) => entry.name).join(", ");
      throw unknownSource(name, `no preset of that name; expected one of: ${names}`);
    }
    const issues = overrideDataFileIssues(await readFile(preset.file, "utf8"), overrides);
    if (issues.length > 0) throw new ScenarioError(issues);
    // The absolute path, never the name: the loader would take a same-named file in the
    // working directory first. Locations are shown relative to the project, as the CLI run
    // from there shows them.
    return dashboardModel(
      await loadAnyScenario(preset.file, { overrides: [...overrides], cwd: packageRoot }),
      `${name}`,
    );
  }

  private async loadUpload(
    fileName: string,
    text: string,
    overrides: readonly string[],
  ): Promise<DashboardScenario> {
    const dataFiles = await uploadDataFiles(text, fileName, this.dataDirectory);
    const issues = [...dataFiles.issues, ...overrideDataFileIssues(text, overrides)];
    if (issues.length > 0) throw new ScenarioError(issues);
    const directory = await mkdtemp(path.join(tmpdir(), "deleverage-upload-"));
    try {
      const file = path.join(directory, fileName);
      await writeFile(file, text);
      const linked = new Set<string>();
      for (const dataFile of dataFiles.files) {
        if (linked.has(dataFile.relativePath)) continue;
        linked.add(dataFile.relativePath);
        const link = path.join(directory, dataFile.relativePath);
        await mkdir(path.dirname(link), { recursive: true });
        await symlink(dataFile.realPath, link);
      }
      return dashboardModel(
        await loadAnyScenario(file, { overrides: [...overrides], cwd: directory }),
        fileName,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
}
