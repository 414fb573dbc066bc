/**
 * Leverage loopers on an Aave-style pool: borrow a stablecoin, buy the collateral asset, deposit
 * it, borrow again, until the health factor reaches the account's target. This is how leverage
 * accumulates on-chain. When the health factor falls to the account's unwind threshold the looper
 * does the reverse in one transaction (repay with collateral: sell collateral, repay debt) back to
 * its target — if it notices in time (`reactionProbability` per step).
 *
 * Notation (all USD at oracle prices unless said): W = Σ collateral · price · LT, D = Σ debt ·
 * price, H = target health factor, P = oracle price of the collateral asset sold or bought, m =
 * the price the market gives for it, LT its liquidation threshold.
 */

export interface LoopingSpec {
  /** Chance per step that a looper below its unwind threshold acts (attention, bots' coverage). */
  reactionProbability: number;
  /** Re-lever when the health factor exceeds the target by this fraction (price rose). */
  releverBand: number;
  /** Worst price a looper accepts, as a fraction below (sells) or above (buys) the oracle's. */
  maxSlippage: number;
}

/**
 * Collateral units c to sell so that, repaying the proceeds c·m, the health factor becomes H:
 * (W − c·P·LT) / (D − c·m) = H  ⇒  c = (H·D − W) / (H·m − P·LT). Zero when no sale helps.
 */
export function unwindQuantity(
  weighted: number,
  debtValue: number,
  oraclePrice: number,
  liquidationThreshold: number,
  marketPrice: number,
  target: number,
): number {
  const denominator = target * marketPrice - oraclePrice * liquidationThreshold;
  const numerator = target * debtValue - weighted;
  if (denominator <= 0 || numerator <= 0) return 0;
  return numerator / denominator;
}

/**
 * USD b to borrow so that, buying b / m units at the market and depositing them, the health factor
 * falls to H: (W + (b/m)·P·LT) / (D + b) = H  ⇒  b = (W − H·D) / (H − P·LT/m). Zero when already
 * at or below the target.
 */
export function releverBorrow(
  weighted: number,
  debtValue: number,
  oraclePrice: number,
  liquidationThreshold: number,
  marketPrice: number,
  target: number,
): number {
  const denominator = target - (oraclePrice * liquidationThreshold) / marketPrice;
  const numerator = weighted - target * debtValue;
  if (denominator <= 0 || numerator <= 0) return 0;
  return numerator / denominator;
}
