/**
 * One run of a `model: lending` scenario: external price paths, accounts, venues, the world's
 * step loop. Run i of a batch draws from `runStreams(seed, i)`, so it replays alone.
 */

import type { LiquidatorSpec } from "../agents/liquidators.ts";
import type { LoopingSpec } from "../agents/looping.ts";
import type { ShockSpec } from "../config.ts";
import { runStreams } from "../random.ts";
import type { EngineSummary, EventLog } from "../result.ts";
import { exogenousPath } from "../shock.ts";
import {
  type AaveExtraSummary,
  type AaveReserveSpec,
  AaveVenue,
  type AaveVersion,
  type EModeSpec,
} from "../venue/aave.ts";
import { createMakerVenue, type MakerVenueSpec } from "../venue/maker.ts";
import type { LendingVenue, VenueSummary } from "./contracts.ts";
import { PerpVenue, type PerpVenueSpec } from "./perpVenue.ts";
import { buildAccounts, type InlineAccountSpec, type LendingPopulationSpec } from "./population.ts";
import { LendingWorld, type LendingWorldResult, type LendingWorldSpec } from "./world.ts";

export interface AaveEngineSpec {
  kind: "aave";
  name: string;
  version: AaveVersion;
  reserves: readonly (AaveReserveSpec | undefined)[];
  eModes: readonly EModeSpec[];
  liquidators: LiquidatorSpec;
  looping: LoopingSpec;
  population: LendingPopulationSpec | undefined;
  inline: readonly InlineAccountSpec[];
}

export interface MakerEngineSpec {
  kind: "maker";
  name: string;
  maker: MakerVenueSpec;
}

/** A perpetual exchange whose index the world computes (see perpVenue.ts). */
export type PerpEngineSpec = { kind: "perp" } & PerpVenueSpec;

/** Venues the world can hold. */
export type EngineVenueSpec = AaveEngineSpec | MakerEngineSpec | PerpEngineSpec;

export interface LendingEngineScenario {
  name: string;
  steps: number;
  dt: number;
  symbols: readonly string[];
  /** Start price and exogenous process (a `path` already resampled to steps) per asset. */
  assets: readonly { start: number; shock: ShockSpec }[];
  world: Omit<LendingWorldSpec, "externalPaths" | "steps" | "dt" | "symbols">;
  venues: readonly EngineVenueSpec[];
}

export interface LendingRun {
  world: LendingWorldResult;
  venues: VenueSummary[];
  /** Per venue, the Aave-only figures (insolvent debt, agents); undefined for other kinds. */
  aave: (AaveExtraSummary | undefined)[];
  /** Per venue, the perp engine's own summary; undefined for other kinds. */
  perp: (EngineSummary | undefined)[];
  /** Per venue, the perp engine's event log and the asset it trades; undefined for other kinds. */
  perpEvents: ({ asset: number; events: EventLog } | undefined)[];
  /** Pre-shock liquidatable collateral by price, per venue and asset. */
  heatmaps: {
    venue: string;
    asset: string;
    /** The asset's oracle price at the start. */
    startPrice: number;
    prices: number[];
    collateralUsd: number[];
  }[];
}

export interface LendingRunOptions {
  seed: number;
  runIndex: number;
  onStep?: (step: number, steps: number) => void;
  /** Relative prices (multiples of the start price) at which the heatmap is evaluated. */
  heatmapMultiples?: readonly number[];
}

export const defaultHeatmapMultiples: readonly number[] = Array.from(
  { length: 40 },
  (_, index) => 0.3 + index * 0.025,
);

export function buildLendingWorld(
  scenario: LendingEngineScenario,
  seed: number,
  runIndex: number,
): { world: LendingWorld; venues: LendingVenue[] } {
  const streams = runStreams(seed, runIndex);
  const externalPaths = scenario.assets.map((asset) =>
    exogenousPath(asset.shock, asset.start, scenario.steps, scenario.dt, streams.shock),
  );
  const startPrices = Float64Array.from(externalPaths, (path) => path[0]);
  const indexBySymbol = new Map(scenario.symbols.map((symbol, index) => [symbol, index]));
  const venues: LendingVenue[] = scenario.venues.map((venue) => {
    if (venue.kind === "perp") return new PerpVenue(venue, seed, runIndex);
    if (venue.kind === "maker") {
      const initialPrice = (asset: number): number => startPrices[asset];
      return createMakerVenue(venue.maker, { indexBySymbol, initialPrice }, streams.population);
    }
    const accounts = buildAccounts(
      scenario.symbols.length,
      startPrices,
      venue.reserves,
      venue.eModes,
      venue.population,
      venue.inline,
      streams.population,
    );
    return new AaveVenue(
      {
        name: venue.name,
        version: venue.version,
        assetCount: scenario.symbols.length,
        reserves: venue.reserves,
        eModes: venue.eModes,
        liquidators: venue.liquidators,
        looping: venue.looping,
        accounts,
      },
      streams.lending,
    );
  });
  const world = new LendingWorld(
    {
      ...scenario.world,
      steps: scenario.steps,
      dt: scenario.dt,
      symbols: scenario.symbols,
      externalPaths,
    },
    venues,
  );
  return { world, venues };
}

export type LendingHeatmap = LendingRun["heatmaps"][number];

/**
 * Liquidatable collateral by price, per venue and asset, before any step: the world at its start
 * prices, each asset moved alone to `multiples` of its oracle price.
 */
export function lendingHeatmaps(
  scenario: LendingEngineScenario,
  seed: number,
  runIndex: number,
  multiples: readonly number[] = defaultHeatmapMultiples,
): LendingHeatmap[] {
  const { world, venues } = buildLendingWorld(scenario, seed, runIndex);
  world.prime();
  const heatmaps: LendingHeatmap[] = [];
  for (const venue of venues) {
    scenario.symbols.forEach((symbol, asset) => {
      const start = world.oraclePrice(asset);
      const prices = Float64Array.from(multiples, (multiple) => multiple * start);
      const collateral = venue.liquidatableByPrice(asset, prices, world);
      if (collateral.every((value) => value === 0)) return;
      heatmaps.push({
        venue: venue.name,
        asset: symbol,
        startPrice: start,
        prices: Array.from(prices),
        collateralUsd: Array.from(collateral),
      });
    });
  }
  return heatmaps;
}

export function runLending(
  scenario: LendingEngineScenario,
  options: LendingRunOptions,
): LendingRun {
  // No multiples, no heatmap: a batch run skips building the world a second time for it.
  const heatmaps =
    options.heatmapMultiples?.length === 0
      ? []
      : lendingHeatmaps(scenario, options.seed, options.runIndex, options.heatmapMultiples);
  const { world, venues } = buildLendingWorld(scenario, options.seed, options.runIndex);
  const result = world.run(options.onStep);
  return {
    world: result,
    venues: venues.map((venue) => venue.summary(world)),
    aave: venues.map((venue) =>
      venue instanceof AaveVenue ? venue.extraSummary(world) : undefined,
    ),
    perp: venues.map((venue) =>
      venue instanceof PerpVenue ? venue.runResult().summary : undefined,
    ),
    perpEvents: venues.map((venue) =>
      venue instanceof PerpVenue
        ? { asset: venue.asset, events: venue.runResult().events }
        : undefined,
    ),
    heatmaps,
  };
}
