/**
 * What one Monte Carlo run of a `model: lending` scenario leaves behind: per venue, the figures
 * issue 3 asks of every lending summary (liquidated collateral, insolvent debt, bad debt, TVL at
 * the start and the end, liquidation count). Run i is `deleverage run --run-index i`: the same
 * `runLending` call, so a stored record replays alone.
 *
 * What varies between runs of a scenario: everything drawn from the run's random streams
 * (`runStreams(seed, i)`): the account population (sizes, health factors, loopers), the perp
 * venue's positions, the loopers' reactions, and the external price path when it is a random
 * process (gbm, jumps, ...). A data-driven path (`path: coinApi` or a resampled file) is the same
 * in every run: the batch measures the spread due to who holds the positions and how they react,
 * not to the price path.
 */
import { type LendingEngineScenario, runLending } from "../engine/lending/run.ts";
import type { FailedRun } from "./runRecord.ts";

/** Per-venue figures kept per run, in the store's column order. */
export const lendingVenueFields = [
  "liquidatedCollateralUsd",
  "insolventDebtUsd",
  "badDebtUsd",
  "tvlStartUsd",
  "tvlEndUsd",
  "liquidationCount",
] as const;
export type LendingVenueField = (typeof lendingVenueFields)[number];

export type LendingVenueMetrics = { name: string; kind: string } & Record<
  LendingVenueField,
  number
>;

export interface CompletedLendingRun {
  runIndex: number;
  status: "ok";
  venues: LendingVenueMetrics[];
}

export type LendingRunRecord = CompletedLendingRun | FailedRun;

/**
 * Run `runIndex` of master seed `seed`; an exception is the run's outcome, returned as a failed
 * record so the other runs go on. Insolvent debt is Aave's (debt above collateral at the oracle
 * price, bad debt or not yet); other venues' is their bad debt, as in summary.json's venues.
 */
export function simulateLendingRun(
  scenario: LendingEngineScenario,
  seed: number,
  runIndex: number,
): LendingRunRecord {
  try {
    const run = runLending(scenario, { seed, runIndex, heatmapMultiples: [] });
    const venues = run.venues.map((venue, index) => ({
      name: venue.name,
      kind: venue.kind,
      liquidatedCollateralUsd: venue.liquidatedCollateralUsd,
      insolventDebtUsd: run.aave[index]?.insolventDebtUsd ?? venue.badDebtUsd,
      badDebtUsd: venue.badDebtUsd,
      tvlStartUsd: venue.tvlStartUsd,
      tvlEndUsd: venue.tvlEndUsd,
      liquidationCount: venue.liquidationCount,
    }));
    for (const venue of venues) {
      for (const field of lendingVenueFields) {
        if (!Number.isFinite(venue[field])) {
          throw new Error(`venue ${venue.name}: ${field} is ${venue[field]}`);
        }
      }
    }
    return { runIndex, status: "ok", venues };
  } catch (error) {
    return {
      runIndex,
      status: "failed",
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
