/**
 * What a `model: lending` batch says about tail risk, per venue, computed from the runs in the
 * store (a resumed batch counts every run once).
 *
 * LaR and VaR as Gauntlet defines them, from memory of Gauntlet's market risk reports and its Aave
 * and Compound risk dashboards (not re-checked against a document here): "Value at Risk (VaR)
 * conveys capital at risk due to insolvencies when markets are under duress", reported as the
 * 95th percentile of insolvent value over the simulated runs, and "Liquidations at Risk (LaR)
 * conveys the liquidation volume at risk", the 95th percentile of liquidated collateral value.
 * Here VaR is the p95 over runs of a venue's insolvent debt (Aave: debt above collateral at the
 * oracle price at the end, liquidated or not; other venues: their bad debt) and LaR the p95 of
 * its liquidated collateral (USD at the price of each liquidation).
 */
import type { LendingVenueField, LendingVenueMetrics } from "./lendingRecord.ts";
import { type Distribution, distribution, type Proportion, proportion } from "./statistics.ts";
import type { BatchInfo, StoredRun } from "./store.ts";
import { type BatchHeader, batchHeader, type RunFailure } from "./stressSummary.ts";

export const lendingDistributionFields = [
  "liquidatedCollateralUsd",
  "insolventDebtUsd",
  "badDebtUsd",
  "tvlEndUsd",
  "liquidationCount",
] as const satisfies readonly LendingVenueField[];
export type LendingDistributionField = (typeof lendingDistributionFields)[number];

export interface LendingVenueStress {
  name: string;
  kind: string;
  /** p95 of liquidated collateral (Gauntlet's LaR). */
  liquidationsAtRisk: number;
  /** p95 of insolvent debt (Gauntlet's VaR). */
  valueAtRisk: number;
  badDebtPositive: Proportion;
  tvlStart: Distribution;
  distributions: Record<LendingDistributionField, Distribution>;
}

export interface LendingStressSummary extends BatchHeader {
  model: "lending";
  venues: LendingVenueStress[];
  failures: RunFailure[];
}

export function summarizeLendingBatch(
  batch: BatchInfo,
  runs: readonly StoredRun[],
  venueRows: readonly ({ venueIndex: number } & LendingVenueMetrics)[],
): LendingStressSummary {
  const failures: RunFailure[] = runs
    .filter((run) => run.status === "failed")
    .map((run) => ({ runIndex: run.runIndex, seed: run.seed, error: run.error ?? "" }));
  const byVenue = new Map<number, ({ venueIndex: number } & LendingVenueMetrics)[]>();
  for (const row of venueRows) {
    const rows = byVenue.get(row.venueIndex) ?? [];
    rows.push(row);
    byVenue.set(row.venueIndex, rows);
  }
  const completed = runs.length - failures.length;
  const venues = [...byVenue.entries()]
    .sort(([first], [second]) => first - second)
    .map(([, rows]): LendingVenueStress => {
      const distributions = {} as Record<LendingDistributionField, Distribution>;
      for (const field of lendingDistributionFields) {
        distributions[field] = distribution(rows.map((row) => row[field]));
      }
      const withBadDebt = rows.filter((row) => row.badDebtUsd > 0).length;
      return {
        name: rows[0].name,
        kind: rows[0].kind,
        liquidationsAtRisk: distributions.liquidatedCollateralUsd.p95,
        valueAtRisk: distributions.insolventDebtUsd.p95,
        badDebtPositive: proportion(withBadDebt, rows.length),
        tvlStart: distribution(rows.map((row) => row.tvlStartUsd)),
        distributions,
      };
    });
  return {
    model: "lending",
    ...batchHeader(batch, completed, failures.length),
    venues,
    failures,
  };
}
