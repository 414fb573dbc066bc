import { describe, expect, it } from "vitest";
import { BackstopVault, Holder } from "../../../src/engine/risk/holders.ts";

describe("holders", () => {
  it("a trade moves cash and position in opposite directions; equity is marked", () => {
    const makers = new Holder(0);
    makers.trade(1, 2, 190_000);
    expect(makers.cash).toBe(-190_000);
    expect(makers.size).toBe(2);
    expect(makers.equity(96_000)).toBe(2_000);
    makers.payFunding(96_000, 0.0001);
    expect(makers.cash).toBeCloseTo(-190_000 - 19.2, 9);
  });

  it("backstop capacity, worked example: 20,000 at 5x takes 1.0438 BTC at 95,000 with mark 94,800", () => {
    const vault = new BackstopVault({ capital: 20_000, maxLeverage: 5, unwindNotionalPerStep: 0 });
    // Slope per unit: (94,800 − 95,000) − 94,800 / 5 = −19,160 → 20,000 / 19,160.
    const taken = vault.capacity(1, 7, 95_000, 94_800);
    expect(taken).toBeCloseTo(20_000 / 19_160, 12);
    vault.trade(1, taken, taken * 95_000);
    // Afterwards its equity exactly covers its own margin: nothing spare.
    expect(vault.equity(94_800)).toBeCloseTo((taken * 94_800) / 5, 6);
    expect(vault.spare(94_800)).toBeCloseTo(0, 6);
  });

  it("takes everything when the takeover is profitable enough, nothing without a backstop", () => {
    const vault = new BackstopVault({ capital: 1_000, maxLeverage: 5, unwindNotionalPerStep: 0 });
    // A long taken at 50,000 with the mark at 100,000 gains more than its margin needs.
    expect(vault.capacity(1, 3, 50_000, 100_000)).toBe(3);
    expect(new BackstopVault(undefined).capacity(1, 3, 95_000, 94_800)).toBe(0);
  });

  it("unwinds a fixed notional per step", () => {
    const vault = new BackstopVault({
      capital: 1e6,
      maxLeverage: 5,
      unwindNotionalPerStep: 50_000,
    });
    vault.trade(1, 2, 200_000);
    expect(vault.unwindQuantity(100_000)).toBe(0.5);
  });
});
