/**
 * Generated leveraged traders (the population spec of a scenario). Notional and entry price are
 * drawn from the configured distributions; collateral = notional / leverage at entry, so every
 * position starts exactly at its chosen leverage, and no position starts already liquidatable.
 */
import type { NotionalDistribution, PopulationSpec } from "../config.ts";
import type { RandomStream } from "../random.ts";
import type { MarginTiers } from "../venue/marginTiers.ts";
import type { PositionStore } from "../venue/positionStore.ts";

const maxEntryDraws = 100;

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
    const collateral = notional / leverage;
    // Only survivors are alive at the start: a position whose entry is so far from the current
    // price that it is already liquidatable would have been liquidated before the scenario began,
    // so its entry is drawn again (and set to the current price if no draw survives).
    let entryPrice = price;
    for (let attempt = 0; attempt < maxEntryDraws; attempt++) {
      const candidate =
        entry.distribution === "lognormal"
          ? price * Math.exp(entry.sigma * random.normal())
          : price * (entry.low + (entry.high - entry.low) * random.uniform());
      const liquidationPrice = tiers.liquidationPrice(
        side,
        notional / candidate,
        candidate,
        collateral,
      );
      if (side > 0 ? price > liquidationPrice : price < liquidationPrice) {
        entryPrice = candidate;
        break;
      }
    }
    const cross = random.uniform() < spec.crossShare;
    const id = store.add(side, notional / entryPrice, entryPrice, collateral, cross);
    store.liquidationPrice[id] = tiers.liquidationPrice(
      side,
      store.size[id],
      entryPrice,
      collateral,
    );
  }
}

/** Rank buckets of 1 basis point of log liquidation price, ±60 % around the start price. */
const rankWidth = 1e-4;
const rankHalfRange = 0.6;

/**
 * Orders generated positions so that those a falling (rising) price liquidates together are
 * adjacent: longs from the highest liquidation price down, then shorts from the lowest up.
 * Reads the liquidation prices `generatePopulation` stored.
 */
export function orderForLocality(store: PositionStore, from: number, price: number): void {
  const bucketsPerSide = Math.ceil((2 * rankHalfRange) / rankWidth) + 1;
  const rank = new Int32Array(store.count - from);
  const logPrice = Math.log(price);
  for (let id = from; id < store.count; id++) {
    const side = store.side[id];
    const liquidationPrice = store.liquidationPrice[id];
    const offset =
      liquidationPrice > 0
        ? (Math.log(liquidationPrice) - logPrice + rankHalfRange) / rankWidth
        : 0;
    const bucket = Math.min(bucketsPerSide - 1, Math.max(0, Math.floor(offset)));
    rank[id - from] = side > 0 ? bucketsPerSide - 1 - bucket : bucketsPerSide + bucket;
  }
  store.reorder(from, rank, 2 * bucketsPerSide);
}
