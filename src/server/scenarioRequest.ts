/**
 * What the dashboard loads, and how: a preset file or an uploaded file's bytes, with overrides,
 * through the same loader as `deleverage run --set`. The rules of the dashboard are loader
 * options, applied before any data file is read:
 *
 * - perp and lending scenarios (a tfg scenario has no dashboard view);
 * - overrides may not set or change a data-file field, for presets and uploads alike;
 * - a preset keeps the files it names (the operator installed them);
 * - an upload may name files only inside the server's data directory (--data-dir), by a relative
 *   path without ".." that resolves, links followed, to a regular file there; without a data
 *   directory it may name none. Every file field of every model is covered (fileFields.ts).
 *
 * This module runs in worker threads (validation and runs), so it takes plain data only.
 */
import path from "node:path";
import { packageRoot } from "../packageFiles.ts";
import type { DataFileScope } from "../scenario/dataFiles.ts";
import type { ScenarioIssue } from "../scenario/errors.ts";
import {
  type LoadedLendingScenario,
  type LoadedScenario,
  type LoadOptions,
  loadAnyScenario,
  loadScenarioBytes,
} from "../scenario/load.ts";
import type { ParameterValues, ScenarioInfo } from "./protocol.ts";

export type RequestedSource =
  | { kind: "preset"; file: string }
  | { kind: "upload"; fileName: string; bytes: Uint8Array };

export interface ScenarioRequestSpec {
  source: RequestedSource;
  overrides: readonly string[];
  /** The real path of --data-dir, when the server has one. */
  dataDirectory?: string;
}

/** What the dashboard runs: perp scenarios (with charts) and lending scenarios (with their report). */
export type DashboardScenario = LoadedScenario | LoadedLendingScenario;

/**
 * Fields and list items an upload may hold: presets have a few hundred; past this the upload is
 * refused before it is parsed, so a 1 MB file of 100,000 keys is answered at once.
 */
export const maxUploadEntries = 20_000;

export async function loadRequested(spec: ScenarioRequestSpec): Promise<DashboardScenario> {
  const options: LoadOptions = {
    overrides: [...spec.overrides],
    models: {
      allowed: ["perp", "lending"],
      reason:
        "the dashboard runs perp and lending scenarios (run a tfg scenario with `deleverage run`)",
    },
    overridesMayNameFiles: false,
  };
  let loaded: Awaited<ReturnType<typeof loadAnyScenario>>;
  if (spec.source.kind === "preset") {
    // The absolute path, never the name: the loader would take a same-named file in the working
    // directory first. Locations read relative to the project, as the CLI run from there.
    loaded = await loadAnyScenario(spec.source.file, { ...options, cwd: packageRoot });
  } else {
    const directory = spec.dataDirectory ?? packageRoot;
    const scope: DataFileScope =
      spec.dataDirectory === undefined ? { kind: "nowhere" } : { kind: "inside", directory };
    loaded = await loadScenarioBytes(
      spec.source.bytes,
      path.join(directory, spec.source.fileName),
      {
        ...options,
        cwd: directory,
        dataFiles: { scope },
        maxEntries: maxUploadEntries,
      },
    );
  }
  if (loaded.model === "tfg") throw new Error("the loader let another model through");
  return loaded;
}

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

/** A loaded scenario as the dashboard shows it (the caller adds its source). */
export type LoadedInfo = Omit<ScenarioInfo, "source"> & {
  steps: number;
  model: DashboardScenario["model"];
};

export function loadedInfo(loaded: DashboardScenario): LoadedInfo {
  return {
    name: loaded.scenario.name,
    description: loaded.scenario.description ?? "",
    parameters:
      loaded.model === "lending" ? lendingParameterValues(loaded) : parameterValues(loaded),
    steps: loaded.engine.steps,
    model: loaded.model,
  };
}

/** A validation's answer: plain data, as it crosses from the validation thread. */
export type ValidationResult =
  | { ok: true; info: LoadedInfo }
  | { ok: false; issues: ScenarioIssue[]; omitted: number }
  | { ok: false; usage: string };
