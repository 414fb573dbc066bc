/**
 * The built-in presets (`scenarios/*.yaml`) as a catalogue: name, model, description, and whether
 * the preset replays the shared market data that lives next to the repository in
 * `../shared/data`, not in it. `deleverage run --help` lists them from here and a missing data
 * file's error says which presets need the data and where it comes from, so a fresh clone
 * knows why three presets stop at "cannot be read".
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { packageRoot } from "../packageFiles.ts";

const presetDirectory = path.join(packageRoot, "scenarios");

export interface PresetEntry {
  name: string;
  model: string;
  description: string;
  /** Reads files under ../shared/data (real market data, not in the repository). */
  needsData: boolean;
}

/** How a preset names the shared data: every path into it goes through this folder. */
const sharedDataMarker = "shared/data/";

export function presetCatalogue(): PresetEntry[] {
  let files: string[];
  try {
    files = readdirSync(presetDirectory).filter((file) => file.endsWith(".yaml"));
  } catch {
    return [];
  }
  return files.sort().map((file) => {
    const text = readFileSync(path.join(presetDirectory, file), "utf8");
    const document = (parse(text) ?? {}) as { model?: unknown; description?: unknown };
    return {
      name: file.replace(/\.yaml$/, ""),
      model: typeof document.model === "string" ? document.model : "perp",
      description:
        typeof document.description === "string"
          ? document.description.replace(/\s+/g, " ").trim()
          : "",
      needsData: text.includes(sharedDataMarker),
    };
  });
}

/** Where the shared data comes from, in one sentence (../shared/data/README.md has the rest). */
export const sharedDataSources =
  "public market data kept next to the repository in ../shared/data, not in it: Binance BTCUSDT " +
  "book depth and BTCUSD minute klines of 10 Oct 2025, CoinAPI ETH/USD 10-minute bars and " +
  "Ethereum gas prices of 12 Mar 2020 and 19 May 2021, Uniswap v2 ETH/DAI reserves " +
  "(sources and licences: ../shared/data/README.md)";

/** Whether a scenario's file path points into the shared data. */
export function isSharedDataPath(relativePath: string): boolean {
  return relativePath.replaceAll("\\", "/").includes(sharedDataMarker);
}

/** The advice a missing shared-data file gets: which presets need it and which run without. */
export function missingSharedDataAdvice(): string {
  const catalogue = presetCatalogue();
  const needing = catalogue.filter((preset) => preset.needsData).map((preset) => preset.name);
  const without = catalogue.filter((preset) => !preset.needsData).map((preset) => preset.name);
  return (
    `this file is part of the ${sharedDataSources}; the presets ${needing.join(", ")} replay it. ` +
    `Put that folder next to the repository, or run a preset that needs no data: ${without.join(", ")}`
  );
}

/** The preset list of `deleverage run --help`, the data presets marked. */
export function presetHelp(): string {
  const catalogue = presetCatalogue();
  const width = Math.max(...catalogue.map((preset) => preset.name.length), 0);
  const lines = catalogue.map(
    (preset) =>
      `  ${preset.name.padEnd(width)}  ${preset.needsData ? "*" : " "} ${preset.model.padEnd(7)} ${preset.description}`,
  );
  return (
    `\nPresets (SCENARIO may be one of these names):\n${lines.join("\n")}\n\n` +
    `* needs ${sharedDataSources}. Without it these presets exit 2 naming the missing file.\n`
  );
}
