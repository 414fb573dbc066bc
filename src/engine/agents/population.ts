/**
 * Generated leveraged traders (the population spec of a scenario). Notional and entry price are
 * drawn from the configured distributions; collateral = notional / leverage at entry, so every
 * position starts exactly at its chosen leverage.
 */
import type { NotionalDistribution, PopulationSpec } from "../config.ts";
import type { RandomStream } from "../random.ts";
import type { MarginTiers } from "../venue/marginTiers.ts";
import type { PositionStore } from "../venue/positionStore.ts";

function drawNotional(distribution: NotionalDistribution, random: RandomStream): number {
  switch (distribution.distribution) {
    case "fixed":
      return distribution.value;
    case "lognormal":
      return distribution.median * Math.exp(distribution.sigma * random.normal());
    case "pareto": {
      // Inverse CDF of the Pareto law: x_min × U^(−1/alpha).
      const value = distribution.min * random.uniformOpen() ** (-1 / distribution.alpha);
      return distribution.max === undefined ? value : Math.min(value, distribution.max);
    }
  }
}

/**
 * Appends `spec.count` positions. A notional above what the drawn leverage allows in the margin
 * brackets is capped at the bracket limit: the trader took the largest position the exchange
 * would open at that leverage.
 */
export function generatePopulation(
  spec: PopulationSpec,
  price: number,
  tiers: MarginTiers,
  store: PositionStore,
  random: RandomStream,
): void {
  const leverages = Object.keys(spec.leverage).map(Number);
  const cumulative = new Float64Array(leverages.length);
  const notionalCap = new Float64Array(leverages.length);
  let running = 0;
  for (let index = 0; index < leverages.length; index++) {
    running += spec.leverage[Object.keys(spec.leverage)[index]];
    cumulative[index] = running;
    // Just inside the bound, so size × entry price cannot round into the next bracket.
    notionalCap[index] = tiers.maxNotionalAtLeverage(leverages[index]) * (1 - 1e-12);
  }
  const entry = spec.entryPrice;
  for (let count = 0; count < spec.count; count++) {
    const side = random.uniform() < spec.longShare ? 1 : -1;
    const draw = random.uniform() * running;
    let choice = 0;
    while (choice < leverages.length - 1 && draw >= cumulative[choice]) choice++;
    const leverage = leverages[choice];
    const notional = Math.min(drawNotional(spec.notional, random), notionalCap[choice]);
    const entryPrice =
      entry.distribution === "lognormal"
        ? price * Math.exp(entry.sigma * random.normal())
        : price * (entry.low + (entry.high - entry.low) * random.uniform());
    const cross = random.uniform() < spec.crossShare;
    store.add(side, notional / entryPrice, entryPrice, notional / leverage, cross);
  }
}
