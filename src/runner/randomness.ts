/**
 * What a stress batch randomises, read off the scenario: run i draws from its own streams
 * (engine/random.ts), but a stream only changes what the scenario lets it draw. A linear shock
 * is the same path in every run; a population is redrawn; a positions list never is. Each
 * batch's summary and report say this, so "1,000 runs" is never read as 1,000 price paths when
 * only the population moved.
 */

import type { EngineScenario, ShockSpec } from "../engine/config.ts";
import type { LendingEngineScenario } from "../engine/lending/run.ts";
import { shockSources } from "../engine/prices.ts";

export interface Randomness {
  /** What differs from run to run. */
  varies: string[];
  /** What every run shares. */
  fixed: string[];
}

/** Shock kinds that draw from the run's shock stream. */
const randomShocks: ReadonlySet<ShockSpec["kind"]> = new Set(["gbm", "jump", "garch", "regimes"]);

function shockName(shock: ShockSpec): string {
  if (shock.kind === "none") return "no shock";
  return shock.kind === "path" ? "a data path" : `${shock.kind} shock`;
}

function addShock(randomness: Randomness, what: string, shock: ShockSpec): void {
  if (randomShocks.has(shock.kind))
    randomness.varies.push(`${what} (${shockName(shock)}, drawn anew)`);
  else randomness.fixed.push(`${what} (${shockName(shock)})`);
}

function addPerp(randomness: Randomness, engine: EngineScenario, prefix = ""): void {
  for (const source of shockSources(engine)) {
    const what =
      source.market === null
        ? engine.markets.length > 1
          ? "the common factor of the index paths"
          : "the index path"
        : engine.markets.length > 1
          ? `${source.market}'s index path`
          : "the index path";
    addShock(randomness, `${prefix}${what}`, source.shock);
  }
  if (
    engine.markets.some(
      (market) =>
        market.exogenous.kind === "factor" && market.exogenous.idiosyncraticVolatility > 0,
    )
  ) {
    randomness.varies.push(`${prefix}the markets' idiosyncratic moves`);
  }
  const population = engine.positions.population;
  if (population !== undefined) {
    randomness.varies.push(
      `${prefix}the position population (${population.count} positions: sides, leverage, entry prices, sizes)`,
    );
  }
  if (engine.positions.explicit.count > 0) {
    randomness.fixed.push(
      `${prefix}the ${engine.positions.explicit.count} positions given in the scenario`,
    );
  }
  if (engine.stopLosses !== undefined) randomness.varies.push(`${prefix}the stop-loss distances`);
  randomness.fixed.push(`${prefix}the order book, the exchange's rules and funds`);
}

export function perpRandomness(engine: EngineScenario): Randomness {
  const randomness: Randomness = { varies: [], fixed: [] };
  addPerp(randomness, engine);
  return randomness;
}

export function lendingRandomness(engine: LendingEngineScenario): Randomness {
  const randomness: Randomness = { varies: [], fixed: [] };
  engine.assets.forEach((asset, index) => {
    if (asset.shock.kind === "none") return;
    addShock(randomness, `the ${engine.symbols[index]} path`, asset.shock);
  });
  for (const venue of engine.venues) {
    if (venue.kind === "aave") {
      if (venue.population !== undefined) {
        randomness.varies.push(
          `${venue.name}'s accounts (${venue.population.count}: sizes, health factors, loopers)`,
        );
      }
      if (venue.inline.length > 0)
        randomness.fixed.push(
          `${venue.name}'s ${venue.inline.length} accounts given in the scenario`,
        );
      const reaction = venue.looping.reactionProbability;
      if (reaction > 0 && reaction < 1)
        randomness.varies.push(`which of ${venue.name}'s loopers react in a step`);
    } else if (venue.kind === "maker") {
      if ((venue.maker.vaults.population ?? []).length > 0) {
        randomness.varies.push(`${venue.name}'s vaults (sizes and collateral ratios)`);
      }
      randomness.fixed.push(`${venue.name}'s keepers and auction rules`);
    } else {
      addPerp(randomness, venue.engine, `${venue.name}: `);
    }
  }
  randomness.fixed.push("the pools, oracles and gas prices");
  return randomness;
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** "Between runs only X varies; the same in every run: Y and Z." */
export function randomnessText(randomness: Randomness): string {
  const varies =
    randomness.varies.length === 0
      ? "Nothing is random in this scenario: every run is the same run"
      : `Between runs only ${listed(randomness.varies)} ${randomness.varies.length === 1 ? "varies" : "vary"}`;
  const fixed =
    randomness.fixed.length === 0 ? "" : `; the same in every run: ${listed(randomness.fixed)}`;
  return `${varies}${fixed}.`;
}
