/**
 * The liquidators of an Aave-style pool, pooled into one agent: finite capital per debt asset,
 * a per-step capacity (block space and bots' throughput) and a gas cost per liquidation. They act
 * only when the collateral they receive, sold into the market, pays back the debt they repaid plus
 * gas; what they cannot sell at break-even stays in their wallet and is sold on later steps.
 */

export interface LiquidatorSpec {
  /** Units of each asset the liquidators hold at the start (index = asset), usually stablecoins. */
  capital: Float64Array;
  /** Gas units one liquidation call burns (Aave v3 liquidationCall: roughly 300k–600k). */
  gasPerLiquidation: number;
  /** Liquidations the liquidators land per step at most. */
  maxPerStep: number;
  /** Profit (USD, after gas and price impact) below which a liquidation is not worth it. */
  minProfitUsd: number;
}

export class Liquidators {
  /** Units of each asset in the liquidators' wallets. */
  readonly wallet: Float64Array;
  gasSpentUsd = 0;
  skippedUnprofitable = 0;
  profitUsd = 0;

  constructor(readonly spec: LiquidatorSpec) {
    this.wallet = Float64Array.from(spec.capital);
  }

  /** Gas cost of one liquidation in USD: gas units × gwei × 1e-9 ETH/gwei × ETH price. */
  gasCostUsd(gasPriceGwei: number, gasTokenPrice: number): number {
    return this.spec.gasPerLiquidation * gasPriceGwei * 1e-9 * gasTokenPrice;
  }
}
