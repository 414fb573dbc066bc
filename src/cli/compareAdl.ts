/**
 * `deleverage compare-adl SCENARIO [--mechanisms a,b,...] [--seed N] [--run-index I] [--set ...]
 * [--out DIR] [--json] [--png [DIR]]`: the scenario under every ADL mechanism (same seed, same
 * run), a table on stdout and compare-adl.csv, compare-adl.json and compare-adl.html in DIR.
 */
import type { AdlMechanism } from "../engine/config.ts";
import {
  adlComparisonCharts,
  adlComparisonCsv,
  adlComparisonHtml,
  adlComparisonSummary,
  adlTableColumns,
  adlTableRows,
} from "../report/adlCompare.ts";
import { svgToPng } from "../report/png.ts";
import { compareAdl, comparedMechanisms } from "../runner/compareAdl.ts";
import { describeValue, UsageError } from "../scenario/errors.ts";
import { writeOutputs } from "./outputs.ts";
import { loadFromOptions, type ScenarioOptions } from "./scenarioOptions.ts";
import { renderTable } from "./table.ts";

export interface CompareAdlOptions extends ScenarioOptions {
  out: string;
  json?: boolean;
  png?: string | boolean;
  runIndex: string;
  /** Comma-separated mechanisms; all of them when absent. */
  mechanisms?: string;
}

function mechanismsOf(text: string | undefined): AdlMechanism[] {
  if (text === undefined) return [...comparedMechanisms];
  const names = text.split(",").map((name) => name.trim());
  const unknown = names.filter(
    (name) => !comparedMechanisms.some((mechanism) => mechanism === name),
  );
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `--mechanisms: ${describeValue(unknown[0] ?? text)} is not allowed; expected a comma-separated list of ${comparedMechanisms.join(", ")}`,
    );
  }
  return [...new Set(names)] as AdlMechanism[];
}

export async function compareAdlCommand(source: string, options: CompareAdlOptions): Promise<void> {
  if (!/^\d+$/.test(options.runIndex) || !Number.isSafeInteger(Number(options.runIndex))) {
    throw new UsageError(
      `--run-index: "${options.runIndex}" is not allowed; expected a non-negative integer`,
    );
  }
  const mechanisms = mechanismsOf(options.mechanisms);
  const loaded = await loadFromOptions(source, options);
  const comparison = compareAdl(loaded.engine, {
    seed: loaded.scenario.seed,
    runIndex: Number(options.runIndex),
    mechanisms,
    onRun: (mechanism, index, count) =>
      process.stderr.write(`compare-adl: ${index + 1}/${count} ${mechanism}\n`),
  });
  const json = `${JSON.stringify({ ...comparison, scenarioHash: loaded.hash }, null, 2)}\n`;
  const files: Record<string, string | Uint8Array> = {
    "compare-adl.json": json,
    "compare-adl.csv": adlComparisonCsv(comparison),
    "compare-adl.html": adlComparisonHtml(comparison),
  };
  const pngFolder = options.png === true ? options.out : options.png || undefined;
  const pngs: Record<string, Uint8Array> = {};
  if (pngFolder !== undefined) {
    for (const chart of adlComparisonCharts(comparison)) pngs[chart.fileName] = svgToPng(chart.svg);
  }
  if (pngFolder === options.out) Object.assign(files, pngs);
  writeOutputs(options.out, files);
  if (pngFolder !== undefined && pngFolder !== options.out) writeOutputs(pngFolder, pngs);
  if (options.json) {
    process.stdout.write(json);
    return;
  }
  const table = renderTable(
    adlTableColumns.map((title, index) => ({ title, align: index < 2 ? "left" : "right" })),
    adlTableRows(comparison),
  );
  const charts = pngFolder === undefined ? "" : `Charts written to ${pngFolder}/\n`;
  process.stdout.write(
    `${adlComparisonSummary(comparison)}\n\n${table}\nOutputs written to ${options.out}/ (compare-adl.csv, compare-adl.json, compare-adl.html)\n${charts}`,
  );
}
