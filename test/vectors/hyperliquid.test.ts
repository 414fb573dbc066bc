/**
 * Hyperliquid rules that live in pure functions, against Hyperliquid's documentation
 * (hyperliquid.gitbook.io/hyperliquid-docs, pages named per group) and against settled rates from
 * its own API. Where a vector applies a page's formula to the page's own table rather than
 * quoting a number, it says so.
 */
import { describe, expect, it } from "vitest";
import type { FundingSpec } from "../../src/engine/config.ts";
import { hyperliquidScore } from "../../src/engine/risk/adl.ts";
import { MarginTiers } from "../../src/engine/venue/marginTiers.ts";
import { PositionStore } from "../../src/engine/venue/positionStore.ts";
import { fundingRate } from "../../src/engine/venue/pricing.ts";
import { expectAbsolute, expectRelative } from "../support/vectors.ts";

// trading/funding: "The funding rate formula applies to 8 hour funding rate. However, funding is
// paid every hour at one eighth of the computed rate for each hour"; F = P + clamp(I − P,
// −0.0005, 0.0005), I "0.01% every 8 hours, which is 0.00125% every hour"; "Funding on
// Hyperliquid is capped at 4%/hour".
const hourly: FundingSpec = {
  intervalSeconds: 3600,
  kind: "premium",
  rate: 0,
  interestRate: 0.0001,
  cap: 0.04,
};

describe("Hyperliquid trading/funding: the page's numbers", () => {
  it("Numerical Example: premium 1 % → 8-hour rate 1 % − 0.05 % = 0.95 %", () => {
    expectRelative(fundingRate({ ...hourly, intervalSeconds: 28_800 }, 0.01), 0.0095, 1e-12);
  });

  it("… paid hourly at one eighth: 0.11875 % an hour (issue 14's expected value)", () => {
    expectRelative(fundingRate(hourly, 0.01), 0.0011875, 1e-12);
  });

  it("interest alone: 0.01 % every 8 hours is 0.00125 % every hour", () => {
    expectRelative(fundingRate(hourly, 0), 0.0000125, 1e-12);
  });

  it("capped at 4 %/hour: a 50 % premium pays 4 %, not 6.24 %", () => {
    expect(fundingRate(hourly, 0.5)).toBe(0.04);
    expect(fundingRate(hourly, -0.5)).toBe(-0.04);
  });
});

// Settled hourly rates from Hyperliquid's info API ({"type": "fundingHistory"}: premium,
// fundingRate), as recorded in jerryinyang/fundr tests/fixtures/hl_formula_cases.json (BTC, ENA,
// ETHFI, JUP, KAITO, ONDO, PONS, 2025-02-21 to 2026-09-18). The API prints 10 decimals, so both
// the premium and the rate are rounded to 1e-10: that is the tolerance.
describe("Hyperliquid fundingHistory: premium → settled hourly rate", () => {
  it.each([
    [-0.0005591732, -0.0000073966],
    [-0.0008259503, -0.0000407438],
    [-0.0005417009, -0.0000052126],
    [-0.0006335144, -0.0000166893],
    [-0.0015780078, -0.000134751],
    [-0.0020076087, -0.0001884511],
    [-0.0066321638, -0.0007665205],
    [-0.0039166507, -0.0004270813],
    [-0.0044885611, -0.0004985701],
    [-0.0026663561, -0.0002707945],
    [-0.0026423986, -0.0002677998],
    [-0.0023966113, -0.0002370764],
    [-0.0045867951, -0.0005108494],
    [-0.0053289682, -0.000603621],
    [0.0006047904, 0.0000130988],
    [-0.0002290303, 0.0000125],
    [-0.0003124745, 0.0000125],
    [-0.0003741219, 0.0000125],
    [-0.0003515834, 0.0000125],
    [-0.0003230716, 0.0000125],
  ])("premium %f settled at %f", (premium, settled) => {
    expectAbsolute(fundingRate(hourly, premium), settled, 1e-10);
  });
});

// trading/liquidations: "The maintenance margin is half of the initial margin at max leverage
// ... between 1.25% (for 40x max leverage assets) and 16.7% (for 3x max leverage assets)";
// trading/margin-tiers: "at 20x max leverage, maintenance_margin_rate = 2.5%". A bracket given
// without a rate takes 1 / (2 × maxLeverage).
describe("Hyperliquid trading/liquidations and margin-tiers: maintenance rate", () => {
  it.each([
    [40, 0.0125],
    [20, 0.025],
    [3, 1 / 6],
  ])("%ix max leverage → %f", (maxLeverage, rate) => {
    const tiers = new MarginTiers([{ maxNotional: null, maxLeverage }]);
    expectRelative(tiers.rate[0], rate, 1e-15);
    // "16.7%" is the page's rounding of 1/6.
    if (maxLeverage === 3) expect(Math.round(tiers.rate[0] * 1000) / 10).toBe(16.7);
  });
});

/**
 * trading/margin-tiers: maintenance_margin = notional × rate − deduction, deduction(0) = 0,
 * deduction(n) = deduction(n − 1) + lower_bound(n) × (rate(n) − rate(n − 1)), "so that ... the
 * total maintenance margin [is] a continuous function of position size". The page's formula on
 * the page's tables (mainnet BTC: 40x to 150M, 20x above; testnet BTC: 40x to 10k, 25x to 50k,
 * 10x above).
 */
describe("Hyperliquid trading/margin-tiers: deductions and continuity", () => {
  const mainnetBtc = new MarginTiers([
    { maxNotional: 150_000_000, maxLeverage: 40 },
    { maxNotional: null, maxLeverage: 20 },
  ]);
  const testnetBtc = new MarginTiers([
    { maxNotional: 10_000, maxLeverage: 40 },
    { maxNotional: 50_000, maxLeverage: 25 },
    { maxNotional: null, maxLeverage: 10 },
  ]);

  it("mainnet BTC: deduction above 150M = 150M × (2.5 % − 1.25 %) = 1,875,000", () => {
    expectRelative(mainnetBtc.maintenanceAmount[1], 1_875_000, 1e-15);
  });

  it("mainnet BTC: continuous at 150M (1,875,000 from both tiers)", () => {
    expectRelative(mainnetBtc.maintenanceMargin(150_000_000), 1_875_000, 1e-15);
    expectRelative(
      mainnetBtc.maintenanceMargin(150_000_001),
      150_000_001 * 0.025 - 1_875_000,
      1e-12,
    );
  });

  it("testnet BTC: deductions 0, 10k × (2 % − 1.25 %) = 75, 75 + 50k × (5 % − 2 %) = 1,575", () => {
    expectRelative(testnetBtc.maintenanceAmount[1], 75, 1e-12);
    expectRelative(testnetBtc.maintenanceAmount[2], 1575, 1e-12);
  });
});

/**
 * trading/liquidations, Computing Liquidation Price: liq_price = price − side × margin_available
 * / position_size / (1 − l × side), l = 1 / MAINTENANCE_LEVERAGE (the maintenance rate),
 * margin_available (isolated) = isolated_margin − maintenance_margin_required. At entry that is
 * Binance's LP = (WB − side × size × EP) / (size × MMR − side × size); the page's formula on a
 * 10x isolated BTC position at a 40x asset (l = 1.25 %) gives the expected value.
 */
describe("Hyperliquid trading/liquidations: liquidation price", () => {
  const tiers = new MarginTiers([{ maxNotional: null, maxLeverage: 40 }]);
  const l = 0.0125;
  it.each([
    [1, "long"],
    [-1, "short"],
  ])("side %i (%s): 1 BTC at 100,000 with 10,000 of isolated margin", (side) => {
    const marginAvailable = 10_000 - 100_000 * l;
    const expected = 100_000 - (side * marginAvailable) / 1 / (1 - l * side);
    expectRelative(tiers.liquidationPrice(side, 1, 100_000, 10_000), expected, 1e-12);
  });
});

// trading/auto-deleveraging: "the users on the opposite side of the position are ranked by
// unrealized pnl and leverage used. The specific sorting index ... is (mark_price / entry_price)
// * (notional_position / account_value)". A long (the formula as written; for shorts the engine
// inverts mark / entry, see docs/models/waterfall.md).
describe("Hyperliquid trading/auto-deleveraging: sorting index", () => {
  it("long 10 at 100 with 100 of margin, mark 110: 1.1 × 1,100 / 200 = 6.05", () => {
    const store = new PositionStore(1);
    store.add(1, 10, 100, 100, false);
    const tiers = new MarginTiers([{ maxNotional: null, maxLeverage: 40 }]);
    expectRelative(hyperliquidScore(store, 0, 110, 100, tiers), (110 / 100) * (1100 / 200), 1e-15);
  });
});
