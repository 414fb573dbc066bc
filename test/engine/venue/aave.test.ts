import { describe, expect, it } from "vitest";
import type {
  LendingEvent,
  SwapResult,
  VenueContext,
} from "../../../src/engine/lending/contracts.ts";
import { runStreams } from "../../../src/engine/random.ts";
import {
  type AaveReserveSpec,
  AaveVenue,
  type AaveVenueSpec,
  borrowRate,
  closeFactor,
  compoundedInterest,
  type LiquidationAmounts,
  liquidationAmounts,
  selectSmallest,
  supplyRate,
} from "../../../src/engine/venue/aave.ts";

const rate = { base: 0, slope1: 0.04, slope2: 0.75, optimalUsage: 0.8 };

function reserve(overrides: Partial<AaveReserveSpec> = {}): AaveReserveSpec {
  return {
    ltv: 0.8,
    liquidationThreshold: 0.825,
    liquidationBonus: 0.05,
    protocolFee: 0,
    supplyCap: Number.POSITIVE_INFINITY,
    borrowCap: Number.POSITIVE_INFINITY,
    reserveFactor: 0.1,
    rate,
    passiveSupply: 1e9,
    ...overrides,
  };
}

/** A world of fixed prices: swaps fill at the oracle price, no fee. Assets: 0 ETH, 1 DAI. */
class FixedContext implements VenueContext {
  step = 0;
  time = 0;
  dt = 60;
  gasPriceGwei = 0;
  gasTokenPrice = 2000;
  events: LendingEvent[] = [];
  outside = new Float64Array(2);
  constructor(public prices: number[]) {}
  oraclePrice(asset: number): number {
    return this.prices[asset];
  }
  marketPrice(asset: number): number {
    return this.prices[asset];
  }
  swap(
    assetIn: number,
    assetOut: number,
    quantityIn: number,
    minimum: number,
    out: SwapResult,
  ): void {
    const rate = this.prices[assetIn] / this.prices[assetOut];
    if (rate < minimum) {
      out.amountIn = 0;
      out.amountOut = 0;
      return;
    }
    out.amountIn = quantityIn;
    out.amountOut = quantityIn * rate;
    this.outside[assetIn] += quantityIn;
    this.outside[assetOut] -= out.amountOut;
  }
  record(event: LendingEvent): void {
    this.events.push({ ...event });
  }
}

function venue(
  collateralEth: number,
  debtDai: number,
  overrides: Partial<AaveVenueSpec> = {},
): AaveVenue {
  const spec: AaveVenueSpec = {
    name: "aave",
    version: "v3.0",
    assetCount: 2,
    reserves: [reserve({ passiveSupply: 0 }), reserve({ ltv: 0.75, liquidationThreshold: 0.8 })],
    eModes: [],
    liquidators: {
      capital: Float64Array.from([0, 1e9]),
      gasPerLiquidation: 0,
      maxPerStep: 10,
      minProfitUsd: 0,
    },
    looping: { reactionProbability: 1, releverBand: 0.1, maxSlippage: 0.02 },
    accounts: {
      count: 1,
      collateral: Float64Array.from([collateralEth, 0]),
      debt: Float64Array.from([0, debtDai]),
      eMode: new Uint8Array(1),
      looper: new Uint8Array(1),
      targetHealthFactor: new Float64Array(1),
      unwindHealthFactor: new Float64Array(1),
    },
    ...overrides,
  };
  return new AaveVenue(spec, runStreams(1, 0).lending);
}

describe("Aave v3 formulas with worked numbers", () => {
  it("health factor: 10 ETH at $2,000 with LT 82.5 % against 10,000 DAI is 1.65 (GenericLogic)", () => {
    const pool = venue(10, 10_000);
    const context = new FixedContext([2000, 1]);
    pool.step(context);
    expect(pool.healthFactor[0]).toBeCloseTo((10 * 2000 * 0.825) / 10_000, 6);
    expect(pool.healthFactor[0]).toBeCloseTo(1.65, 6);
  });

  it("close factor: 50 % above HF 0.95, 100 % at 0.95 and below (CLOSE_FACTOR_HF_THRESHOLD)", () => {
    expect(closeFactor(0.99)).toBe(0.5);
    expect(closeFactor(0.9500001)).toBe(0.5);
    expect(closeFactor(0.95)).toBe(1);
    expect(closeFactor(0.9499)).toBe(1);
  });

  it("Aave docs example: repay 2.5 ETH worth of DAI, receive 2.5 + 5 % = 2.625 ETH", () => {
    // Bob: 5 ETH + 4 ETH worth of YFI, borrows 5 ETH worth of DAI; a liquidator repays 50 %.
    const ethPrice = 2000;
    const daiOwed = 5 * ethPrice;
    const amounts: LiquidationAmounts = { debtRepaid: 0, collateralSeized: 0, protocolFee: 0 };
    liquidationAmounts(daiOwed * closeFactor(0.98), 5, 1, ethPrice, 0.05, 0, amounts);
    expect(amounts.debtRepaid).toBe(5000);
    expect(amounts.collateralSeized).toBeCloseTo(2.625, 12);
  });

  it("seized collateral is capped by the balance, and the debt repaid follows from it", () => {
    const amounts: LiquidationAmounts = { debtRepaid: 0, collateralSeized: 0, protocolFee: 0 };
    // 10,000 DAI at bonus 5 % wants 5.25 ETH at $2,000; only 4 ETH are there:
    // repaid = 4 · 2000 / 1.05 = 7,619.05 DAI.
    liquidationAmounts(10_000, 4, 1, 2000, 0.05, 0.1, amounts);
    expect(amounts.collateralSeized).toBe(4);
    expect(amounts.debtRepaid).toBeCloseTo(8000 / 1.05, 9);
    // Protocol fee: 10 % of the bonus part 4 − 4 / 1.05 = 0.190476 ETH → 0.0190476 ETH.
    expect(amounts.protocolFee).toBeCloseTo((4 - 4 / 1.05) * 0.1, 12);
  });

  it("interest rate model: kinked at the optimal usage (DefaultReserveInterestRateStrategy)", () => {
    // Below the kink: 0 + 4 % · 0.4 / 0.8 = 2 %; above: 4 % + 75 % · (0.9 − 0.8) / 0.2 = 41.5 %.
    expect(borrowRate(0.4, rate)).toBeCloseTo(0.02, 12);
    expect(borrowRate(0.9, rate)).toBeCloseTo(0.415, 12);
    expect(borrowRate(0.8, rate)).toBeCloseTo(0.04, 12);
    // Supply rate = borrow rate · usage · (1 − reserve factor): 2 % · 0.4 · 0.9 = 0.72 %.
    expect(supplyRate(0.4, rate, 0.1)).toBeCloseTo(0.0072, 12);
    // One year at 10 %: the protocol's 3-term Taylor series 1 + 0.1 + 0.005 + 0.000167.
    expect(compoundedInterest(0.1, 365 * 24 * 3600)).toBeCloseTo(1.105166667, 9);
  });

  it("selectSmallest moves the k smallest to the front", () => {
    const values = Float64Array.from([9, 3, 7, 1, 8, 2, 6, 5, 4, 0]);
    selectSmallest(values, 4);
    expect(Array.from(values.subarray(0, 4)).sort()).toEqual([0, 1, 2, 3]);
  });
});

describe("Aave pool behaviour", () => {
  it("liquidates an account below HF 1 with the close factor and the bonus, conserving units", () => {
    const pool = venue(10, 15_000);
    const context = new FixedContext([2000, 1]);
    pool.step(context);
    const heldBefore = [0, 1].map((asset) => pool.netHoldings(asset));
    // HF at $1,800: 10 · 1800 · 0.825 / 15000 = 0.99 → 50 % of 15,000 DAI repaid.
    context.prices = [1800, 1];
    pool.step(context);
    expect(pool.liquidationCount).toBe(1);
    const liquidation = context.events.find((event) => event.type === "liquidation");
    expect(liquidation?.quantity).toBeCloseTo((7500 * 1.05) / 1800, 9);
    for (const asset of [0, 1]) {
      expect(pool.netHoldings(asset) + context.outside[asset]).toBeCloseTo(heldBefore[asset], 6);
    }
    // 10 − 4.375 ETH left against 7,500 DAI: 5.625 · 1800 · 0.825 / 7500 = 1.11375.
    expect(pool.healthFactor[0]).toBeCloseTo(1.11375, 9);
  });

  it("v3.3: a reserve position under $2,000 is liquidated whole at HF 0.99 (v3.0: half)", () => {
    // 1 ETH at $1,800 against 1,500 DAI: HF = 1800 · 0.825 / 1500 = 0.99.
    for (const [version, repaid] of [
      ["v3.0", 750],
      ["v3.3", 1500],
    ] as const) {
      const pool = venue(1, 1500, { version });
      const context = new FixedContext([1800, 1]);
      pool.step(context);
      expect(pool.debtRepaidUsd).toBeCloseTo(repaid, 9);
      const liquidation = context.events.find((event) => event.type === "liquidation");
      expect(liquidation?.quantity).toBeCloseTo((repaid * 1.05) / 1800, 12);
    }
  });

  it("v3.3: a liquidator short of capital repays only what leaves $1,000 of debt", () => {
    // 1.2 ETH at $1,800 ($2,160) against 2,000 DAI: HF 0.891, close factor 100 %. 1,500 DAI
    // would leave $500 of debt (MUST_NOT_LEAVE_DUST), so 1,000 is repaid; $1,110 of ETH remains.
    const liquidators = { capital: Float64Array.from([0, 1500]), gasPerLiquidation: 0 };
    for (const [version, repaid] of [
      ["v3.0", 1500],
      ["v3.3", 1000],
    ] as const) {
      const pool = venue(1.2, 2000, {
        version,
        liquidators: { ...liquidators, maxPerStep: 1, minProfitUsd: 0 },
      });
      const context = new FixedContext([1800, 1]);
      pool.step(context);
      expect(pool.debtRepaidUsd).toBeCloseTo(repaid, 9);
    }
  });

  it("counts as liquidatable exactly the accounts below HF 1 (timeseries column)", () => {
    const accounts = {
      count: 3,
      collateral: Float64Array.from([10, 0, 10, 0, 10, 0]),
      debt: Float64Array.from([0, 10_000, 0, 18_000, 0, 0]),
      eMode: new Uint8Array(3),
      looper: new Uint8Array(3),
      targetHealthFactor: new Float64Array(3),
      unwindHealthFactor: new Float64Array(3),
    };
    const liquidators = {
      capital: new Float64Array(2),
      gasPerLiquidation: 0,
      maxPerStep: 10,
      minProfitUsd: 0,
    };
    const pool = venue(10, 0, { accounts, liquidators });
    const context = new FixedContext([2000, 1]);
    pool.step(context);
    const row = new Float64Array(pool.timeseriesColumns.length);
    pool.sample(context, row, 0);
    // HF 1.65, 0.917 and none (no debt): one liquidatable account; shortfall 0 (18,000 < 20,000).
    expect(pool.timeseriesColumns[3]).toBe("aave.liquidatable");
    expect(row[3]).toBe(1);
    expect(row[4]).toBe(0);
  });

  it("works through a queue longer than its capacity on later steps without a new scan", () => {
    const count = 30;
    const accounts = {
      count,
      collateral: new Float64Array(count * 2),
      debt: new Float64Array(count * 2),
      eMode: new Uint8Array(count),
      looper: new Uint8Array(count),
      targetHealthFactor: new Float64Array(count),
      unwindHealthFactor: new Float64Array(count),
    };
    for (let account = 0; account < count; account++) {
      accounts.collateral[account * 2] = 10;
      // HF 0.97–0.99 at $1,800: all liquidatable once ETH is there.
      accounts.debt[account * 2 + 1] = 15_000 + account * 10;
    }
    const liquidators = {
      capital: Float64Array.from([0, 1e9]),
      gasPerLiquidation: 0,
      maxPerStep: 4,
      minProfitUsd: 0,
    };
    const pool = venue(10, 0, { accounts, liquidators });
    const context = new FixedContext([2000, 1]);
    pool.step(context);
    context.prices = [1800, 1];
    // The oracle stays at $1,800: one scan, then eight steps of four liquidations each.
    for (let step = 1; step <= 8; step++) {
      context.step = step;
      pool.step(context);
    }
    expect(pool.liquidationCount).toBe(count);
    const row = new Float64Array(pool.timeseriesColumns.length);
    pool.sample(context, row, 0);
    expect(row[3]).toBe(0);
  });

  it("skips a liquidation that gas makes unprofitable", () => {
    const pool = venue(1, 1_500, {
      liquidators: {
        capital: Float64Array.from([0, 1e9]),
        gasPerLiquidation: 500_000,
        maxPerStep: 10,
        minProfitUsd: 0,
      },
    });
    const context = new FixedContext([2000, 1]);
    context.gasPriceGwei = 1000;
    pool.step(context);
    context.prices = [1800, 1];
    pool.step(context);
    // Bonus on 750 DAI is $37.5; gas is 500,000 · 1000 gwei = 0.5 ETH = $900.
    expect(pool.liquidationCount).toBe(0);
    expect(pool.liquidators.skippedUnprofitable).toBeGreaterThan(0);
  });

  it("e-mode overrides LT: the same account is safe in the category and liquidatable outside it", () => {
    const eMode = { ltv: 0.9, liquidationThreshold: 0.93, liquidationBonus: 0.01, assets: [0, 1] };
    // No liquidator capital, so the account outside e-mode stays as it is to be read.
    const liquidators = {
      capital: new Float64Array(2),
      gasPerLiquidation: 0,
      maxPerStep: 10,
      minProfitUsd: 0,
    };
    const plain = venue(10, 18_000, { eModes: [eMode], liquidators });
    const accounts = {
      count: 1,
      collateral: Float64Array.from([10, 0]),
      debt: Float64Array.from([0, 18_000]),
      eMode: Uint8Array.from([1]),
      looper: new Uint8Array(1),
      targetHealthFactor: new Float64Array(1),
      unwindHealthFactor: new Float64Array(1),
    };
    const safe = venue(10, 18_000, { eModes: [eMode], accounts });
    const context = new FixedContext([2000, 1]);
    plain.step(context);
    safe.step(new FixedContext([2000, 1]));
    expect(plain.healthFactor[0]).toBeCloseTo((20_000 * 0.825) / 18_000, 9);
    expect(plain.healthFactor[0]).toBeLessThan(1);
    expect(safe.healthFactor[0]).toBeCloseTo((20_000 * 0.93) / 18_000, 9);
  });

  it("a looper below its unwind threshold sells collateral back to its target", () => {
    const accounts = {
      count: 1,
      collateral: Float64Array.from([10, 0]),
      debt: Float64Array.from([0, 12_000]),
      eMode: new Uint8Array(1),
      looper: Uint8Array.from([1]),
      targetHealthFactor: Float64Array.from([1.5]),
      unwindHealthFactor: Float64Array.from([1.2]),
    };
    const pool = venue(10, 12_000, { accounts });
    const context = new FixedContext([2000, 1]);
    // HF = 10 · 2000 · 0.825 / 12000 = 1.375: inside the band, nothing happens.
    pool.step(context);
    expect(pool.unwindCount).toBe(0);
    context.prices = [1700, 1];
    // HF = 1.169 < 1.2: unwind to 1.5.
    pool.step(context);
    expect(pool.unwindCount).toBe(1);
    context.step = 2;
    pool.step(context);
    expect(pool.healthFactor[0]).toBeCloseTo(1.5, 3);
  });

  it("supply and borrow caps stop a looper from re-levering", () => {
    const accounts = {
      count: 1,
      collateral: Float64Array.from([10, 0]),
      debt: Float64Array.from([0, 5_000]),
      eMode: new Uint8Array(1),
      looper: Uint8Array.from([1]),
      targetHealthFactor: Float64Array.from([1.5]),
      unwindHealthFactor: Float64Array.from([1.2]),
    };
    const capped = venue(10, 5_000, {
      accounts,
      reserves: [
        reserve({ passiveSupply: 0 }),
        reserve({ ltv: 0.75, liquidationThreshold: 0.8, borrowCap: 5_000 }),
      ],
    });
    const free = venue(10, 5_000, { accounts });
    const context = new FixedContext([2000, 1]);
    capped.step(context);
    free.step(new FixedContext([2000, 1]));
    expect(free.loopCount).toBe(1);
    expect(capped.loopCount).toBe(0);
    expect(context.events.some((event) => event.type === "cap_reached")).toBe(true);
  });
});
