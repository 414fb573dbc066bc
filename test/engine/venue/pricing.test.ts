import { describe, expect, it } from "vitest";
import type { FundingSpec } from "../../../src/engine/config.ts";
import { fundingRate, markPrice } from "../../../src/engine/venue/pricing.ts";

const premiumFunding: FundingSpec = {
  intervalSeconds: 28_800,
  kind: "premium",
  rate: 0,
  interestRate: 0.0001,
  cap: 0.0075,
};

describe("funding rate (Binance USD-M formula)", () => {
  it("premium 0.02 %, interest 0.01 % → 0.02 % + clamp(−0.01 %) = 0.01 %", () => {
    expect(fundingRate(premiumFunding, 0.0002)).toBeCloseTo(0.0001, 15);
  });

  it("a premium within ±0.05 % of the interest rate funds at the interest rate", () => {
    expect(fundingRate(premiumFunding, -0.0003)).toBeCloseTo(0.0001, 15);
  });

  it("premium 0.3 % → 0.3 % − 0.05 % = 0.25 %", () => {
    expect(fundingRate(premiumFunding, 0.003)).toBeCloseTo(0.0025, 15);
  });

  it("is capped at ±cap", () => {
    expect(fundingRate(premiumFunding, 0.05)).toBe(0.0075);
    expect(fundingRate(premiumFunding, -0.05)).toBe(-0.0075);
  });

  it("hourly intervals pay one eighth of the 8-hour rate (Hyperliquid): premium 1 % → 0.11875 %", () => {
    const hourly: FundingSpec = { ...premiumFunding, intervalSeconds: 3600, cap: 0.04 };
    expect(fundingRate(hourly, 0.01)).toBeCloseTo(0.0011875, 15);
    // The cap is per interval: 4 % an hour stops a 40 % premium at 4 %, not at 4.99 %.
    expect(fundingRate(hourly, 0.4)).toBe(0.04);
  });

  it("an 8-hour interval pays the formula's rate unscaled, to the last bit", () => {
    const premium = 0.0031234567;
    expect(fundingRate(premiumFunding, premium)).toBe(premium - 0.0005);
  });

  it("a fixed rate is used as given", () => {
    expect(fundingRate({ ...premiumFunding, kind: "fixed", rate: 0.0003 }, 0.01)).toBe(0.0003);
  });
});

describe("mark price", () => {
  it("book, index, blend and median", () => {
    expect(markPrice({ kind: "book", weight: 0.5 }, 100, 98, 97)).toBe(98);
    expect(markPrice({ kind: "index", weight: 0.5 }, 100, 98, 97)).toBe(100);
    expect(markPrice({ kind: "blend", weight: 0.25 }, 100, 96, 97)).toBe(99);
    expect(markPrice({ kind: "median", weight: 0.5 }, 100, 98, 97)).toBe(98);
    expect(markPrice({ kind: "median", weight: 0.5 }, 100, 98, 99)).toBe(99);
    expect(markPrice({ kind: "median", weight: 0.5 }, 100, 98, 101)).toBe(100);
  });
});
