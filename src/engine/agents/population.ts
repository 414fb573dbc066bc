/**
 * Generated leveraged traders (the population spec of a scenario). Notional and entry price are
 * drawn from the configured distributions; collateral = notional / leverage at entry, so every
 * position starts exactly at its chosen leverage, and no position starts already liquidatable.
 *
 * On an exchange with several markets, positions are spread over the markets by share, each
 * market with its own mix, and a cross account may hold several markets at once: the number of
 * markets it holds is drawn from `crossAccounts.marketsPerAccount`, the markets without
 * replacement by share, and the sides through a Gaussian copula, so each market keeps its own
 * long share while an account's holdings lean the same way with `holdingCorrelation`.
 */
import { probit } from "simple-statistics";
import type { EntryPriceDistribution, NotionalDistribution, PopulationSpec } from "../config.ts";
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
 * Mean of a notional distribution (before the brackets' caps), for turning open-interest targets
 * into shares of positions. Pareto capped at M: E = α m/(α − 1) (1 − (m/M)^(α−1)) + M (m/M)^α
 * (m log(M/m) + m for α = 1); uncapped with α ≤ 1 it has no mean (Infinity).
 */
export function expectedNotional(distribution: NotionalDistribution): number {
  switch (distribution.distribution) {
    case "fixed":
      return distribution.value;
    case "lognormal":
      return distribution.median * Math.exp(0.5 * distribution.sigma * distribution.sigma);
    case "pareto": {
      const { min, alpha, max } = distribution;
      if (max === undefined)
        return alpha > 1 ? (alpha * min) / (alpha - 1) : Number.POSITIVE_INFINITY;
      const ratio = min / max;
      const tail = max * ratio ** alpha;
      if (alpha === 1) return min * Math.log(max / min) + tail;
      return ((alpha * min) / (alpha - 1)) * (1 - ratio ** (alpha - 1)) + tail;
    }
  }
}

/** A market as the population draws it: its start price, brackets and mix. */
export interface PopulationMarket {
  price: number;
  tiers: MarginTiers;
  longShare: number;
  leverage: Record<string, number>;
  entryPrice: EntryPriceDistribution;
  notional: NotionalDistribution;
  /** Share of positions drawn in this market. */
  share: number;
  openInterest?: number;
}

/** One market's leverage mix, prepared for drawing. */
class LeverageMix {
  readonly leverages: number[];
  readonly cumulative: Float64Array;
  /** Largest notional each leverage's bracket allows. */
  readonly notionalCap: Float64Array;
  readonly total: number;

  constructor(mix: Record<string, number>, tiers: MarginTiers) {
    const keys = Object.keys(mix);
    this.leverages = keys.map(Number);
    this.cumulative = new Float64Array(keys.length);
    this.notionalCap = new Float64Array(keys.length);
    let running = 0;
    for (let index = 0; index < keys.length; index++) {
      running += mix[keys[index]];
      this.cumulative[index] = running;
      // Just inside the bound, so size × entry price cannot round into the next bracket.
      this.notionalCap[index] = tiers.maxNotionalAtLeverage(this.leverages[index]) * (1 - 1e-12);
    }
    this.total = running;
  }
}

/**
 * Draws leverage, notional and entry of one position of `side` in `market` and appends it.
 * A notional above what the drawn leverage allows in the margin brackets is capped at the
 * bracket limit: the trader took the largest position the exchange would open at that leverage.
 */
function addPosition(
  store: PositionStore,
  market: PopulationMarket,
  mix: LeverageMix,
  marketIndex: number,
  side: number,
  random: RandomStream,
): number {
  const draw = random.uniform() * mix.total;
  let choice = 0;
  while (choice < mix.leverages.length - 1 && draw >= mix.cumulative[choice]) choice++;
  const leverage = mix.leverages[choice];
  const notional = Math.min(drawNotional(market.notional, random), mix.notionalCap[choice]);
  const collateral = notional / leverage;
  const { price, tiers } = market;
  const entry = market.entryPrice;
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
  return store.add(side, notional / entryPrice, entryPrice, collateral, false, marketIndex);
}

function storeLiquidationPrice(store: PositionStore, id: number, tiers: MarginTiers): void {
  store.liquidationPrice[id] = tiers.liquidationPrice(
    store.side[id],
    store.size[id],
    store.entryPrice[id],
    store.collateral[id],
  );
}

/**
 * Appends `spec.count` positions; returns how many multi-market cross accounts it made (their
 * positions carry account numbers 0 … n − 1 in `store.account`).
 */
export function generatePopulation(
  spec: PopulationSpec,
  markets: readonly PopulationMarket[],
  store: PositionStore,
  random: RandomStream,
): number {
  if (markets.length === 1 && spec.crossAccounts === undefined) {
    generateOneMarket(spec, markets[0], store, random);
    return 0;
  }
  const mixes = markets.map((market) => new LeverageMix(market.leverage, market.tiers));
  const sideThreshold = markets.map((market) =>
    probit(Math.min(Math.max(market.longShare, 1e-12), 1 - 1e-12)),
  );
  const holdingsMix = spec.crossAccounts?.marketsPerAccount ?? { 1: 1 };
  const holdingKeys = Object.keys(holdingsMix);
  const holdingTotal = holdingKeys.reduce((sum, key) => sum + holdingsMix[key], 0);
  const correlation = spec.crossAccounts?.holdingCorrelation ?? 0;
  const common = Math.sqrt(correlation);
  const own = Math.sqrt(1 - correlation);
  const chosen = new Int32Array(markets.length);
  const taken = new Uint8Array(markets.length);
  const first = store.count;
  let accounts = 0;
  let generated = 0;
  while (generated < spec.count) {
    const cross = random.uniform() < spec.crossShare;
    let holdings = 1;
    if (cross && spec.crossAccounts !== undefined) {
      const draw = random.uniform() * holdingTotal;
      let running = 0;
      for (const key of holdingKeys) {
        running += holdingsMix[key];
        holdings = Number(key);
        if (draw < running) break;
      }
    }
    holdings = Math.min(holdings, markets.length, spec.count - generated);
    // Markets without replacement, by share.
    taken.fill(0);
    let remainingShare = 1;
    for (let holding = 0; holding < holdings; holding++) {
      const draw = random.uniform() * remainingShare;
      let running = 0;
      let pick = -1;
      for (let market = 0; market < markets.length; market++) {
        if (taken[market] === 1) continue;
        pick = market;
        running += markets[market].share;
        if (draw < running) break;
      }
      taken[pick] = 1;
      chosen[holding] = pick;
      remainingShare -= markets[pick].share;
    }
    const account = holdings > 1 ? accounts++ : -1;
    const latent = holdings > 1 ? random.normal() : 0;
    for (let holding = 0; holding < holdings; holding++) {
      const market = chosen[holding];
      const side =
        holdings > 1
          ? common * latent + own * random.normal() < sideThreshold[market]
            ? 1
            : -1
          : random.uniform() < markets[market].longShare
            ? 1
            : -1;
      const id = addPosition(store, markets[market], mixes[market], market, side, random);
      store.cross[id] = cross ? 1 : 0;
      store.account[id] = account;
    }
    generated += holdings;
  }
  scaleToOpenInterest(store, first, markets);
  for (let id = first; id < store.count; id++)
    storeLiquidationPrice(store, id, markets[store.market[id]].tiers);
  return accounts;
}

/** The single-market draw, in the order every earlier run of the engine drew it. */
function generateOneMarket(
  spec: PopulationSpec,
  market: PopulationMarket,
  store: PositionStore,
  random: RandomStream,
): void {
  const mix = new LeverageMix(market.leverage, market.tiers);
  for (let count = 0; count < spec.count; count++) {
    const side = random.uniform() < market.longShare ? 1 : -1;
    const id = addPosition(store, market, mix, 0, side, random);
    store.cross[id] = random.uniform() < spec.crossShare ? 1 : 0;
    storeLiquidationPrice(store, id, market.tiers);
  }
}

/**
 * Scales size and collateral of each market's positions so that its open interest at the start
 * price (the larger of its long and short notional) is the target; leverage is unchanged unless
 * the larger notional's bracket allows less, in which case the collateral is raised to the
 * bracket's initial margin, and a position the scaling left liquidatable enters at the start price.
 */
function scaleToOpenInterest(
  store: PositionStore,
  first: number,
  markets: readonly PopulationMarket[],
): void {
  const long = new Float64Array(markets.length);
  const short = new Float64Array(markets.length);
  for (let id = first; id < store.count; id++) {
    const market = store.market[id];
    const notional = store.size[id] * markets[market].price;
    if (store.side[id] > 0) long[market] += notional;
    else short[market] += notional;
  }
  const factor = markets.map((market, index) => {
    const held = Math.max(long[index], short[index]);
    return market.openInterest === undefined || !(held > 0) ? 1 : market.openInterest / held;
  });
  if (factor.every((value) => value === 1)) return;
  for (let id = first; id < store.count; id++) {
    const market = markets[store.market[id]];
    const scale = factor[store.market[id]];
    if (scale === 1) continue;
    store.size[id] *= scale;
    store.collateral[id] *= scale;
    const notional = store.size[id] * store.entryPrice[id];
    const allowed = market.tiers.maxLeverageFor(notional);
    if (notional > store.collateral[id] * allowed) store.collateral[id] = notional / allowed;
    const side = store.side[id];
    const liquidationPrice = market.tiers.liquidationPrice(
      side,
      store.size[id],
      store.entryPrice[id],
      store.collateral[id],
    );
    if (side > 0 ? market.price <= liquidationPrice : market.price >= liquidationPrice) {
      store.size[id] = notional / market.price;
      store.entryPrice[id] = market.price;
    }
  }
}

/** Rank buckets of 1 basis point of log liquidation price, ±60 % around the start price. */
const rankWidth = 1e-4;
const rankHalfRange = 0.6;

/**
 * Orders generated positions so that those a falling (rising) price liquidates together are
 * adjacent: market by market, longs from the highest liquidation price down, then shorts from
 * the lowest up. Reads the liquidation prices `generatePopulation` stored. Positions of cross
 * accounts that hold several markets come last, account by account: such an account is priced,
 * checked and liquidated as a whole, so its positions are read together.
 */
export function orderForLocality(
  store: PositionStore,
  from: number,
  prices: readonly number[],
): void {
  const bucketsPerSide = Math.ceil((2 * rankHalfRange) / rankWidth) + 1;
  const ranksPerMarket = 2 * bucketsPerSide;
  const standaloneRanks = ranksPerMarket * prices.length;
  const rank = new Int32Array(store.count - from);
  const logPrices = prices.map(Math.log);
  let accounts = 0;
  for (let id = from; id < store.count; id++) {
    const account = store.account[id];
    if (account >= 0) {
      rank[id - from] = standaloneRanks + account;
      accounts = Math.max(accounts, account + 1);
      continue;
    }
    const side = store.side[id];
    const market = store.market[id];
    const liquidationPrice = store.liquidationPrice[id];
    const offset =
      liquidationPrice > 0
        ? (Math.log(liquidationPrice) - logPrices[market] + rankHalfRange) / rankWidth
        : 0;
    const bucket = Math.min(bucketsPerSide - 1, Math.max(0, Math.floor(offset)));
    rank[id - from] =
      market * ranksPerMarket + (side > 0 ? bucketsPerSide - 1 - bucket : bucketsPerSide + bucket);
  }
  store.reorder(from, rank, standaloneRanks + accounts);
}
