/**
 * What one Monte Carlo run leaves behind: its summary numbers and a few per-step series. The
 * engine's event log stays in the worker that produced it; shipping hundreds of thousands of
 * events per run across threads would cost more than the run itself.
 */
import type { EngineScenario } from "../engine/config.ts";
import { type EngineSummary, eventTypes, type RunResult } from "../engine/result.ts";
import type { AdlFigures } from "../engine/risk/adlMetrics.ts";
import { runScenario } from "../engine/sim.ts";

/** Summary fields kept per run that are counts (stored as integers). */
export const countFields = [
  "positionCount",
  "liquidationCount",
  "partialLiquidationCount",
  "cascadeRounds",
  "maxRoundsInStep",
  "adlCount",
] as const satisfies readonly (keyof EngineSummary)[];

/** Summary fields kept per run that are amounts, prices or ratios. */
export const amountFields = [
  "liquidatedNotional",
  "badDebt",
  "insuranceFundStart",
  "insuranceFundEnd",
  "insuranceFundUsed",
  "liquidationFees",
  "backstopCapitalStart",
  "backstopCapitalEnd",
  "backstopTakeoverNotional",
  "adlNotional",
  "socializedLoss",
  "exchangeLoss",
  "unfilledNotional",
  "fundingPaid",
  "startPrice",
  "minPrice",
  "endPrice",
  "minIndexPrice",
  "exogenousMove",
  "totalMove",
  "amplification",
  "openInterestStart",
  "openInterestEnd",
] as const satisfies readonly (keyof EngineSummary)[];

/** Figures the runner derives from a run (see `runMetrics`). */
export const derivedFields = ["uncoveredBadDebt", "insuranceFundMin", "ledgerDrift"] as const;

/**
 * The exchange's ADL figures (summary.adl, src/engine/risk/adlMetrics.ts), each `adl` + its name
 * capitalised: counts, then amounts and ratios. NaN where a run has none (no hit account, no ADL).
 * Stored after the columns above, so a store written before them gains them at the end.
 */
export const adlCountFields = ["adlHitAccounts", "adlInnocentAccounts", "adlRounds"] as const;
export const adlAmountFields = [
  "adlShortfall",
  "adlProfitTaken",
  "adlOvershoot",
  "adlHaircut",
  "adlHaircutBeyondProfit",
  "adlTopOnePercentShare",
  "adlTopTenPercentShare",
  "adlHaircutGini",
  "adlHaircutToPnlGini",
  "adlFirstLiquidationToAdlSeconds",
] as const;

export type CountField = (typeof countFields)[number] | (typeof adlCountFields)[number];
export type AmountField =
  | (typeof amountFields)[number]
  | (typeof derivedFields)[number]
  | (typeof adlAmountFields)[number];

/** Every numeric figure of a stored run, for comparisons and risk targets. */
export const numericFields: readonly (CountField | AmountField)[] = [
  ...countFields,
  ...amountFields,
  ...derivedFields,
  ...adlCountFields,
  ...adlAmountFields,
];

/** summary.adl's key of an ADL field: adlTopOnePercentShare → topOnePercentShare. */
function adlKey(field: string): keyof AdlFigures {
  return `${field[3].toLowerCase()}${field.slice(4)}` as keyof AdlFigures;
}

export type RunMetrics = Record<CountField | AmountField, number> & {
  insuranceFundExhausted: boolean;
};

/** Per-step columns kept per run; the step number is the row index. */
export const seriesColumns = [
  "markPrice",
  "indexPrice",
  "liquidatedNotional",
  "insuranceFund",
  "openInterest",
] as const;
export type SeriesColumn = (typeof seriesColumns)[number];
export type RunSeries = Record<SeriesColumn, Float64Array>;

export interface CompletedRun {
  runIndex: number;
  status: "ok";
  metrics: RunMetrics;
  series: RunSeries;
}

export interface FailedRun {
  runIndex: number;
  status: "failed";
  error: string;
}

export type RunRecord = CompletedRun | FailedRun;

const fundCoverCode = eventTypes.indexOf("insurance_fund_cover");

/**
 * The fund counts as exhausted once it was drawn down to this share of its starting balance.
 * Not zero: the liquidation engine caps each fill's loss at what the fund can still pay and
 * hands the rest to ADL, so the balance approaches zero without reaching it (a few dollars of
 * a multi-million fund), and liquidation fees refill it afterwards.
 */
export const exhaustedFraction = 0.001;

/** Lowest balance the fund had after any cover it paid (the start balance if it paid none). */
function insuranceFundMinimum(result: RunResult): number {
  const events = result.events;
  let minimum = result.summary.insuranceFundStart;
  for (let index = 0; index < events.length; index++) {
    if (events.type[index] === fundCoverCode) {
      minimum = Math.min(minimum, events.insuranceFund[index]);
    }
  }
  return minimum;
}

export function runMetrics(result: RunResult): RunMetrics {
  const summary = result.summary;
  const metrics = {} as RunMetrics;
  for (const field of countFields) metrics[field] = summary[field];
  for (const field of amountFields) metrics[field] = summary[field];
  // Bad debt the insurance fund and the backstop could not pay: it was socialised or fell on
  // the exchange. This is the insolvency that Gauntlet's VaR takes the 95th percentile of.
  metrics.uncoveredBadDebt = summary.socializedLoss + summary.exchangeLoss;
  metrics.insuranceFundMin = insuranceFundMinimum(result);
  metrics.ledgerDrift = summary.ledger.drift;
  for (const field of [...adlCountFields, ...adlAmountFields]) {
    metrics[field] = summary.adl[adlKey(field)] ?? Number.NaN;
  }
  // A fund that never paid a cover was never drawn on, whatever its size (zero included).
  metrics.insuranceFundExhausted =
    metrics.insuranceFundMin < summary.insuranceFundStart &&
    metrics.insuranceFundMin <= exhaustedFraction * summary.insuranceFundStart;
  return metrics;
}

/**
 * Run `runIndex` of master seed `seed`: exactly `deleverage run --seed seed --run-index
 * runIndex`. An exception is the run's outcome, not the batch's: it is returned as a failed
 * record so the other runs go on.
 */
export function simulateRun(scenario: EngineScenario, seed: number, runIndex: number): RunRecord {
  let result: RunResult;
  try {
    result = runScenario(scenario, { seed, runIndex });
  } catch (error) {
    return {
      runIndex,
      status: "failed",
      error: error instanceof Error ? error.message : String(error),
    };
  }
  const series = {} as RunSeries;
  for (const column of seriesColumns) series[column] = result.timeseries[column];
  return { runIndex, status: "ok", metrics: runMetrics(result), series };
}
