/**
 * Aave v3 rules against the protocol's own constants, tests and documentation. Every group names
 * the repository and path its inputs and expected outputs come from. Aave computes in integers
 * (wad 1e18, ray 1e27, basis points with half-up percentMul/percentDiv, floor divisions, token
 * units of 6 or 18 decimals); where that rounding can show, the tolerance says which rule sets it.
 */
import { describe, expect, it } from "vitest";
import {
  borrowRate,
  closeFactor,
  closeFactorHealthFactorThreshold,
  compoundedInterest,
  debtToCoverLeavingNoDust,
  defaultCloseFactor,
  type LiquidationAmounts,
  linearInterest,
  liquidationAmounts,
  maxCloseFactor,
  maxLiquidatableDebt,
  minBaseMaxCloseFactorThreshold,
  minLeftoverBase,
  secondsPerYear,
  supplyRate,
} from "../../src/engine/venue/aave.ts";
import { expectRelative } from "../support/vectors.ts";

const amounts = (): LiquidationAmounts => ({ debtRepaid: 0, collateralSeized: 0, protocolFee: 0 });

// aave/aave-v3-core contracts/protocol/libraries/logic/LiquidationLogic.sol:
// DEFAULT_LIQUIDATION_CLOSE_FACTOR = 0.5e4, MAX_LIQUIDATION_CLOSE_FACTOR = 1e4,
// CLOSE_FACTOR_HF_THRESHOLD = 0.95e18, and in _calculateDebt
// `closeFactor = healthFactor > CLOSE_FACTOR_HF_THRESHOLD ? DEFAULT : MAX`.
describe("aave-v3-core LiquidationLogic: close factor", () => {
  it("constants: 0.95, 50 %, 100 %", () => {
    expect(closeFactorHealthFactorThreshold).toBe(0.95);
    expect(defaultCloseFactor).toBe(0.5);
    expect(maxCloseFactor).toBe(1);
  });

  it.each([
    [0.99, 0.5],
    [0.9500000001, 0.5],
    // The boundary issue 14 found: `>` gives HF 0.95 exactly the 100 % close factor.
    [0.95, 1],
    [0.94, 1],
    [0.5, 1],
  ])("HF %f → close factor %f", (healthFactor, expected) => {
    expect(closeFactor(healthFactor)).toBe(expected);
  });
});

// aave-dao/aave-v3-origin (tag v3.3.0) src/contracts/protocol/libraries/logic/LiquidationLogic.sol:
// MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2000e8 (USD, 8 decimals), MIN_LEFTOVER_BASE = half of it.
describe("aave-v3-origin v3.3 LiquidationLogic: constants", () => {
  it("MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = $2,000", () => {
    expect(minBaseMaxCloseFactorThreshold).toBe(2000);
  });

  it("MIN_LEFTOVER_BASE = $1,000", () => {
    expect(minLeftoverBase).toBe(1000);
  });
});

/**
 * aave-dao/aave-v3-origin (v3.3.0) tests/protocol/pool/Pool.Liquidations.CloseFactor.t.sol with
 * the test market of tests/mocks/AaveV3TestListing.sol: USDX $1, WETH $1,800, LT 86 %, bonus
 * 5 %, protocol fee 10 %. `_borrowToBeBelowHf` borrows collateral × (LT + 1 bp) / HF, so the
 * account ends just below the HF asked for. The v3.0 column is aave-v3-core's rule on the same
 * accounts.
 */
function belowHealthFactor(collateralUsd: number, healthFactor: number) {
  const debtUsd = (collateralUsd * 0.8601) / healthFactor;
  return { debtUsd, healthFactor: (collateralUsd * 0.86) / debtUsd };
}

describe("aave-v3-origin Pool.Liquidations.CloseFactor.t.sol: who may be liquidated whole", () => {
  it.each([
    // [test, reserve collateral USD, total collateral USD, HF asked, v3.3 share, v3.0 share]
    ["hf_lte_095_supply_gt_threshold: 100 WETH, HF 0.94", 180_000, 180_000, 0.94, 1, 1],
    ["hf_gt_095_supply_lt_threshold: 0.5 WETH, HF 0.97", 900, 900, 0.97, 1, 0.5],
    ["hf_gt_095_supply_gt_threshold: 100 WETH, HF 0.97", 180_000, 180_000, 0.97, 0.5, 0.5],
    // 1,999 USDX and $1,999 of WETH as collateral, USDX debt above $2,000; the WETH is seized.
    ["hf_gt_095_borrow_gt_threshold_collateral_lt_threshold", 1999, 3998, 0.97, 1, 0.5],
  ])("%s → v3.3 %f of the debt, v3.0 %f", (_name, reserveCollateral, collateral, hf, v33, v30) => {
    const { debtUsd, healthFactor } = belowHealthFactor(collateral, hf);
    // USDX at $1: units = USD. All the debt is in the one reserve.
    expectRelative(
      maxLiquidatableDebt("v3.3", healthFactor, debtUsd, 1, reserveCollateral, debtUsd),
      debtUsd * v33,
      1e-12,
    );
    expectRelative(
      maxLiquidatableDebt("v3.0", healthFactor, debtUsd, 1, reserveCollateral, debtUsd),
      debtUsd * v30,
      1e-12,
    );
  });

  it("shouldRevertIfCloseFactorIs100ButCollateralIsBelowThreshold: 956 USDX leaves dust", () => {
    // 2,000 USDX + 4 WETH ($9,200) borrowed to HF 0.93; repaying 956 USDX against the USDX
    // collateral seizes 956 × 1.05 = 1,003.8 and leaves $996.2 < $1,000: MUST_NOT_LEAVE_DUST.
    const { debtUsd, healthFactor } = belowHealthFactor(9200, 0.93);
    expect(maxLiquidatableDebt("v3.3", healthFactor, debtUsd, 1, 2000, debtUsd)).toBe(debtUsd);
    const allowed = debtToCoverLeavingNoDust(956, debtUsd, 2000, 1, 1, 0.05);
    expect(allowed).toBeLessThan(956);
    // The most the pool accepts leaves exactly $1,000 of USDX collateral: 1,000 / 1.05.
    expectRelative(allowed, 1000 / 1.05, 1e-12);
  });

  it("liquidationdataprovider_edge_range: the 50 % cap would leave $689 of debt; 3,200 is allowed", () => {
    // 8,000 USDX supplied, 4,200 USDX borrowed, then WETH borrowed to HF 0.98: total debt
    // $7,021.22, 50 % of it $3,510.61 < 4,200, which would leave $689 of USDX debt (revert).
    const { debtUsd, healthFactor } = belowHealthFactor(8000, 0.98);
    const cap = maxLiquidatableDebt("v3.3", healthFactor, 4200, 1, 8000, debtUsd);
    expectRelative(cap, debtUsd / 2, 1e-12);
    // LiquidationDataProvider lowers it to leave MIN_LEFTOVER_BASE of debt: 4,200 − 1,000.
    expectRelative(debtToCoverLeavingNoDust(cap, 4200, 8000, 1, 1, 0.05), 3200, 1e-12);
  });

  it("liquidationdataprovider_edge_range_reverse: collateral runs short; $1,000 of it stays", () => {
    // 4,200 USDX + $4,000 of WETH supplied, USDX borrowed to HF 0.98 ($7,196.75): 50 % = 3,598.37
    // USDX would seize 3,778.3 of the 4,200 USDX collateral (revert). The largest repayment the
    // pool accepts leaves exactly $1,000 of it: (4,200 − 1,000) / 1.05 = 3,047.62.
    // (LiquidationDataProvider answers a little less, ≈ 3,030.5: it takes the shortfall off the
    // liquidator's share, which excludes the protocol fee; both pass the require.)
    const { debtUsd, healthFactor } = belowHealthFactor(8200, 0.98);
    const cap = maxLiquidatableDebt("v3.3", healthFactor, debtUsd, 1, 4200, debtUsd);
    expectRelative(cap, debtUsd / 2, 1e-12);
    expectRelative(debtToCoverLeavingNoDust(cap, debtUsd, 4200, 1, 1, 0.05), 3200 / 1.05, 1e-12);
  });
});

// aave/aave-v3-core LiquidationLogic._calculateAvailableCollateralToLiquidate (same in v3.3):
// baseCollateral = debtPrice × debtToCover / collateralPrice, max = percentMul(base, bonus),
// bonusCollateral = collateral − percentDiv(collateral, bonus), fee = percentMul(bonus part, fee).
describe("LiquidationLogic._calculateAvailableCollateralToLiquidate", () => {
  it("Aave docs, Liquidations: repay 2.5 ETH worth of DAI, receive 2.5 + 5 % = 2.625 ETH", () => {
    // docs.aave.com/developers/guides/liquidations: Bob, 5 ETH + 4 ETH of YFI, borrows 5 ETH of
    // DAI; at HF < 1 a liquidator repays 50 % and receives the ETH plus the 5 % bonus.
    const out = amounts();
    liquidationAmounts(5 * 2000 * 0.5, 5, 1, 2000, 0.05, 0, out);
    expect(out.debtRepaid).toBe(5000);
    expectRelative(out.collateralSeized, 2.625, 1e-15);
  });

  it("956 USDX at 5 % bonus, 10 % protocol fee (CloseFactor.t.sol): 1,003.8 seized, fee 4.78", () => {
    // percentMul(956e6, 10500) = 1003.8e6 and percentMul(47.8e6, 1000) = 4.78e6 are exact in
    // integers (no half-up rounding is reached), so doubles agree to their own precision.
    const out = amounts();
    liquidationAmounts(956, 2000, 1, 1, 0.05, 0.1, out);
    expectRelative(out.collateralSeized, 1003.8, 1e-15);
    expectRelative(out.protocolFee, 4.78, 1e-12);
    expectRelative(out.collateralSeized - out.protocolFee, 999.02, 1e-15);
  });

  it("balance cap: debtAmountNeeded = percentDiv(balance × collateralPrice / debtPrice, bonus)", () => {
    // 10,000 DAI offered at bonus 5 % wants 5.25 ETH at $2,000; only 4 ETH are held.
    const out = amounts();
    liquidationAmounts(10_000, 4, 1, 2000, 0.05, 0, out);
    expect(out.collateralSeized).toBe(4);
    expectRelative(out.debtRepaid, 8000 / 1.05, 1e-15);
  });
});

/**
 * aave-dao/aave-v3-origin (v3.3.0) tests/misc/rates/RateStrategy.calculateRates.t.sol: base 1 %,
 * slope1 4 %, slope2 60 %, optimal usage 80 %, with the test market's reserve factor 10 %
 * (tests/mocks/AaveV3TestListing.sol). The strategy rounds in ray (1e-27) with half-up rayMul and
 * bps with percentMul: far below the 1e-12 asserted.
 */
describe("aave-v3-origin RateStrategy.calculateRates.t.sol", () => {
  const strategy = { base: 0.01, slope1: 0.04, slope2: 0.6, optimalUsage: 0.8 };
  it.each([
    // [test, usage, variable borrow rate, liquidity rate]
    ["calculate_rates_80_percent_usage", 0.8, 0.05, 0.05 * 0.8 * 0.9],
    ["calculate_rates_100_percent_usage", 1, 0.65, 0.65 * 0.9],
    // totalDebt 80, virtual balance 9,920: usage 0.8 %.
    [
      "calculate_rates_80_bps_usage",
      80 / 10_000,
      0.01 + 0.04 * (0.008 / 0.8),
      0.0104 * 0.008 * 0.9,
    ],
  ])("%s", (_name, usage, borrow, liquidity) => {
    expectRelative(borrowRate(usage, strategy), borrow, 1e-12);
    expectRelative(supplyRate(usage, strategy, 0.1), liquidity, 1e-12);
  });
});

/**
 * aave-dao/aave-v3-origin (v3.3.0) tests/protocol/libraries/math/MathUtils.t.sol, rate 1.0005
 * (100.05 % a year) over 365 days / 2.
 */
describe("aave-v3-origin MathUtils.t.sol", () => {
  it("SECONDS_PER_YEAR = 365 days", () => {
    expect(secondsPerYear).toBe(365 * 86_400);
  });

  it("calculateLinearInterest: 1.50025 (exact in ray, exact in doubles)", () => {
    expectRelative(linearInterest(1.0005, secondsPerYear / 2), 1.50025, 1e-15);
  });

  it("calculateCompoundedInterest: 1.646239361880034706419516 within the binomial's floors", () => {
    // MathUtils takes n(n−1)/2·x² and n(n−1)(n−2)/6·x³ per second and floors x³ = rate³ / year³
    // to an integer ray (≈ 31,936 units here, so up to 3e-5 of that term), ending 2.6e-7 below
    // the exact binomial; the engine's continuous form is 1.6e-7 above Aave. Hence 3e-7.
    expectRelative(
      compoundedInterest(1.0005, secondsPerYear / 2),
      Number("1.646239361880034706419516"),
      3e-7,
    );
  });

  it("calculateCompoundInterest_edge: no time, no interest", () => {
    expect(compoundedInterest(1.0005, 0)).toBe(1);
  });
});
