/**
 * The dashboard's HTTP contract, shared by the server and the browser code (which imports it
 * for types and the parameter table only, so it must not import anything Node-specific).
 */
import type { ReportChartData } from "../report/chartData.ts";
import type { Summary } from "../report/summary.ts";

/** A built-in scenario from scenarios/, or one uploaded to this server (by upload id). */
export type ScenarioSource = { preset: string } | { upload: string };

/** One problem, as loadScenario reports it; `text` is the line the CLI would print. */
export interface Issue {
  location: string;
  path: string;
  message: string;
  text: string;
}

export const adlRankings = ["binance", "hyperliquid", "proRata", "none"] as const;

/**
 * The key parameters the form edits. Each is one `--set PATH=VALUE` override, so the server
 * validates it exactly as `deleverage run --set` would and the messages match the CLI.
 */
export const parameterFields = [
  {
    key: "shockDrop",
    path: "shock.drop",
    label: "Shock size",
    hint: "fall of the index as a fraction: 0.08 is 8 % (instant and linear shocks)",
  },
  {
    key: "leverage",
    path: "positions.population.leverage",
    label: "Leverage mix",
    hint: "{leverage: share, ...}; the shares add up to 1",
  },
  {
    key: "depthPerPercent",
    path: "market.orderBook.shape.depthPerPercent",
    label: "Book depth",
    hint: "quote notional per side within each 1 % of price (parametric books)",
  },
  {
    key: "insuranceFund",
    path: "exchange.insuranceFund",
    label: "Insurance fund",
    hint: "quote currency, e.g. 2e6",
  },
  {
    key: "adlRanking",
    path: "exchange.adl.ranking",
    label: "ADL ranking",
    hint: "who is deleveraged first",
  },
  { key: "steps", path: "steps", label: "Steps", hint: "number of simulated steps" },
  { key: "seed", path: "seed", label: "Seed", hint: "master seed; same seed, same run" },
] as const;

export type ParameterKey = (typeof parameterFields)[number]["key"];

/** Each parameter as the YAML text of its current value; null when the scenario has no such field. */
export type ParameterValues = Record<ParameterKey, string | null>;

export interface ScenarioInfo {
  source: ScenarioSource;
  name: string;
  description: string;
  parameters: ParameterValues;
}

export interface PresetEntry {
  name: string;
  description: string;
}

export interface UploadEntry {
  id: string;
  fileName: string;
  name: string;
}

/** Every 4xx/5xx answer: a sentence, plus the scenario issues when there are any. */
export interface ErrorResponse {
  error: string;
  issues: Issue[];
  /** Problems found beyond the issues listed (the list stops at 50). */
  omitted?: number;
}

export type RunState = "queued" | "running" | "done" | "failed" | "cancelled";

export interface RunStatus {
  id: string;
  /** perp runs have interactive charts; lending runs have their report.html only. */
  model: "perp" | "lending";
  /** 1, 2, 3 ... in the order runs were started on this server. */
  number: number;
  scenarioName: string;
  overrides: string[];
  state: RunState;
  step: number;
  steps: number;
  /** Why the run failed (state "failed"). */
  error?: string;
  /** The plain-language summary (state "done"). */
  summaryText?: string;
}

/** A finished run: a perp run's summary and chart data; a lending run has neither (its report.html has everything). */
export interface RunReport {
  status: RunStatus;
  summary?: Summary;
  chartData?: ReportChartData;
}

export function isFinished(state: RunState): boolean {
  return state === "done" || state === "failed" || state === "cancelled";
}
