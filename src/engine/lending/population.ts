/**
 * Builds the accounts of an Aave-style pool: a generated population (collateral and debt mix,
 * lognormal sizes, a start health factor drawn uniformly, a share of leverage loopers) plus
 * accounts written out one by one. Everything lands in the typed arrays the venue keeps.
 */

import type { RandomStream } from "../random.ts";
import type { AaveAccounts, AaveReserveSpec, EModeSpec } from "../venue/aave.ts";

export interface WeightedAsset {
  asset: number;
  share: number;
}

export interface LendingPopulationSpec {
  count: number;
  /** Main collateral asset of each account, drawn by share. */
  collateral: readonly WeightedAsset[];
  /** Debt asset of each account, drawn by share. */
  debt: readonly WeightedAsset[];
  /** Collateral value in USD: lognormal with this median and log standard deviation. */
  collateralUsd: { median: number; sigma: number };
  /** Start health factor, uniform in [min, max]; capped where LTV binds first. */
  healthFactor: { min: number; max: number };
  /** Share of accounts that loop: their target is their start health factor. */
  looperShare: number;
  /** Health factor at which loopers unwind back to their target. */
  unwindHealthFactor: number;
  /** e-mode category (1-based) for accounts whose collateral and debt both belong to it; 0 none. */
  eMode: number;
}

export interface InlineAccountSpec {
  /** Units per asset. */
  collateral: readonly { asset: number; units: number }[];
  debt: readonly { asset: number; units: number }[];
  eMode: number;
  loop: { targetHealthFactor: number; unwindHealthFactor: number } | undefined;
}

function pick(weights: readonly WeightedAsset[], draw: number): number {
  const total = weights.reduce((sum, weight) => sum + weight.share, 0);
  let cumulative = 0;
  for (const weight of weights) {
    cumulative += weight.share / total;
    if (draw < cumulative) return weight.asset;
  }
  return weights[weights.length - 1].asset;
}

export function buildAccounts(
  assetCount: number,
  prices: Float64Array,
  reserves: readonly (AaveReserveSpec | undefined)[],
  eModes: readonly EModeSpec[],
  population: LendingPopulationSpec | undefined,
  inline: readonly InlineAccountSpec[],
  random: RandomStream,
): AaveAccounts {
  const generated = population?.count ?? 0;
  const count = generated + inline.length;
  const accounts: AaveAccounts = {
    count,
    collateral: new Float64Array(count * assetCount),
    debt: new Float64Array(count * assetCount),
    eMode: new Uint8Array(count),
    looper: new Uint8Array(count),
    targetHealthFactor: new Float64Array(count),
    unwindHealthFactor: new Float64Array(count),
  };
  if (population !== undefined) {
    const category = population.eMode > 0 ? eModes[population.eMode - 1] : undefined;
    for (let account = 0; account < generated; account++) {
      const collateralAsset = pick(population.collateral, random.uniform());
      const debtAsset = pick(population.debt, random.uniform());
      const usd =
        population.collateralUsd.median *
        Math.exp(population.collateralUsd.sigma * random.normal());
      const { min, max } = population.healthFactor;
      let healthFactor = min + (max - min) * random.uniform();
      const inCategory =
        category?.assets.includes(collateralAsset) && category.assets.includes(debtAsset);
      const source = inCategory && category !== undefined ? category : reserves[collateralAsset];
      const threshold = source?.liquidationThreshold ?? 0;
      const ltv = source?.ltv ?? 0;
      // Nobody can borrow past the LTV: where it binds the account starts at LT / LTV.
      if (ltv > 0) healthFactor = Math.max(healthFactor, threshold / ltv);
      accounts.collateral[account * assetCount + collateralAsset] = usd / prices[collateralAsset];
      if (collateralAsset !== debtAsset && threshold > 0) {
        accounts.debt[account * assetCount + debtAsset] =
          (usd * threshold) / healthFactor / prices[debtAsset];
      }
      accounts.eMode[account] = inCategory ? population.eMode : 0;
      if (random.uniform() < population.looperShare) {
        accounts.looper[account] = 1;
        accounts.targetHealthFactor[account] = healthFactor;
        accounts.unwindHealthFactor[account] = population.unwindHealthFactor;
      }
    }
  }
  inline.forEach((spec, index) => {
    const account = generated + index;
    for (const { asset, units } of spec.collateral) {
      accounts.collateral[account * assetCount + asset] += units;
    }
    for (const { asset, units } of spec.debt) accounts.debt[account * assetCount + asset] += units;
    accounts.eMode[account] = spec.eMode;
    if (spec.loop !== undefined) {
      accounts.looper[account] = 1;
      accounts.targetHealthFactor[account] = spec.loop.targetHealthFactor;
      accounts.unwindHealthFactor[account] = spec.loop.unwindHealthFactor;
    }
  });
  return accounts;
}
