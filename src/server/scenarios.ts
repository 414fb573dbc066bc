/**
 * Where the dashboard's scenarios come from: the built-in presets and the files people upload.
 * A request names one of them; the catalog turns it into a ScenarioRequestSpec that the
 * validation threads and the run threads load with the dashboard's rules (scenarioRequest.ts), so
 * a scenario the dashboard accepts is one `deleverage run` accepts, with the same messages.
 * Uploads are kept in memory only: nothing is written to disk.
 */
import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { packageRoot } from "../packageFiles.ts";
import { isRecord, ScenarioError, type ScenarioIssue } from "../scenario/errors.ts";
import type { Issue, PresetEntry, ScenarioSource, UploadEntry } from "./protocol.ts";
import type { ScenarioRequestSpec } from "./scenarioRequest.ts";

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
  bytes: Uint8Array;
}

interface PresetFile extends PresetEntry {
  file: string;
  model: "perp" | "lending";
}

function unknownSource(name: string, message: string): ScenarioError {
  return new ScenarioError([{ location: name, path: "", message }]);
}

export class ScenarioCatalog {
  private readonly uploads = new Map<string, StoredUpload>();

  /** `dataDirectory`: the real path of --data-dir, the only folder uploads may read from. */
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

  /** What to load for a request; throws ScenarioError for a source that does not exist. */
  async request(
    source: ScenarioSource,
    overrides: readonly string[],
  ): Promise<ScenarioRequestSpec> {
    if ("preset" in source) {
      const presets = await this.presetFiles();
      const preset = presets.find((entry) => entry.name === source.preset);
      if (preset === undefined) {
        const names = presets.map((entry) => entry.name).join(", ");
        throw unknownSource(source.preset, `no preset of that name; expected one of: ${names}`);
      }
      return { source: { kind: "preset", file: preset.file }, overrides };
    }
    const upload = this.uploads.get(source.upload);
    if (upload === undefined) {
      throw unknownSource(
        source.upload,
        "no upload with that id; upload the file again (uploads last until the server stops)",
      );
    }
    return this.uploadRequest(upload.fileName, upload.bytes, overrides);
  }

  /** What to load to validate a new upload before it is kept. */
  uploadRequest(
    fileName: string,
    bytes: Uint8Array,
    overrides: readonly string[] = [],
  ): ScenarioRequestSpec {
    checkUploadName(fileName);
    checkUploadSize(fileName, bytes.length);
    return {
      source: { kind: "upload", fileName, bytes },
      overrides,
      dataDirectory: this.dataDirectory,
    };
  }

  /** Keeps an upload that validated; the oldest go beyond maxStoredUploads. */
  keepUpload(fileName: string, bytes: Uint8Array, name: string): UploadEntry {
    const upload: StoredUpload = { id: randomUUID(), fileName, name, bytes };
    this.uploads.set(upload.id, upload);
    for (const id of this.uploads.keys()) {
      if (this.uploads.size <= maxStoredUploads) break;
      this.uploads.delete(id);
    }
    return { id: upload.id, fileName, name };
  }
}
