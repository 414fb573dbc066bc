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
    const mark = Float64Array.of(94_800);
    const taken = vault.capacity(0, 1, 7, 95_000, mark);
    expect(taken).toBeCloseTo(20_000 / 19_160, 12);
    vault.trade(0, 1, taken, taken * 95_000);
    // Afterwards its equity exactly covers its own margin: nothing spare.
    expect(vault.equity(mark)).toBeCloseTo((taken * 94_800) / 5, 6);
    expect(vault.spare(mark)).toBeCloseTo(0, 6);
  });

  it("takes everything when the takeover is profitable enough, nothing without a backstop", () => {
    const vault = new BackstopVault({ capital: 1_000, maxLeverage: 5, unwindNotionalPerStep: 0 });
    // A long taken at 50,000 with the mark at 100,000 gains more than its margin needs.
    expect(vault.capacity(0, 1, 3, 50_000, Float64Array.of(100_000))).toBe(3);
    expect(new BackstopVault(undefined).capacity(0, 1, 3, 95_000, Float64Array.of(94_800))).toBe(0);
  });

  it("unwinds a fixed notional per step", () => {
    const vault = new BackstopVault({
      capital: 1e6,
      maxLeverage: 5,
      unwindNotionalPerStep: 50_000,
    });
    vault.trade(0, 1, 2, 200_000);
    expect(vault.unwindQuantity(0, 100_000)).toBe(0.5);
  });

  it("keeps one margin over every market it holds", () => {
    const vault = new BackstopVault(
      { capital: 30_000, maxLeverage: 5, unwindNotionalPerStep: 0 },
      2,
    );
    const marks = Float64Array.of(100_000, 4_000);
    // Long 1 BTC at 100,000 and short 10 ETH at 4,000: margin (100,000 + 40,000) / 5 = 28,000.
    vault.trade(0, 1, 1, 100_000);
    vault.trade(1, -1, 10, 40_000);
    expect(vault.equity(marks)).toBe(30_000);
    expect(vault.spare(marks)).toBe(2_000);
    // ETH up 10 %: the short loses 4,000, so equity 26,000 < margin 28,000 + 800: nothing spare.
    marks[1] = 4_400;
    expect(vault.equity(marks)).toBe(26_000);
    expect(vault.spare(marks)).toBe(0);
  });
});
