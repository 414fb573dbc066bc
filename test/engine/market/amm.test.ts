import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConstantProductAmm, getAmountIn, getAmountOut } from "../../../src/engine/market/amm.ts";
import { emptyFill } from "../../../src/engine/market/market.ts";

describe("Uniswap v2 swap math", () => {
  it("getAmountOut: 1 ETH into 100 ETH / 200,000 DAI pays 1,974.316 DAI (UniswapV2Library)", () => {
    // amountInWithFee = 997; out = 997 · 200000 / (100 · 1000 + 997) = 199,400,000 / 100,997.
    expect(getAmountOut(1, 100, 200_000, 0.003)).toBeCloseTo(199_400_000 / 100_997, 9);
    expect(getAmountOut(1, 100, 200_000, 0.003)).toBeCloseTo(1974.316, 3);
  });

  it("getAmountIn inverts getAmountOut", () => {
    const out = getAmountOut(3.5, 1000, 2_000_000, 0.003);
    expect(getAmountIn(out, 1000, 2_000_000, 0.003)).toBeCloseTo(3.5, 9);
    expect(getAmountIn(2_000_000, 1000, 2_000_000, 0.003)).toBe(Number.POSITIVE_INFINITY);
  });

  it("a sell limit stops where the trade's marginal price reaches it; a buy limit likewise", () => {
    const pool = new ConstantProductAmm(1000, 2_000_000);
    const fill = emptyFill();
    pool.execute(-1, 1_000, 1900, fill);
    expect(fill.filled).toBeGreaterThan(0);
    expect(fill.filled).toBeLessThan(1_000);
    // d out / d in at the last unit sold: γ·k / (Rb + γΔ)² with the reserves before the trade.
    expect((0.997 * 2e9) / (1000 + 0.997 * fill.filled) ** 2).toBeCloseTo(1900, 6);
    const reserveBase = pool.reserveBase;
    const invariant = pool.invariant();
    pool.execute(1, 1_000, 2000, fill);
    // d in / d out at the last unit bought: k / (γ (Rb − o)²).
    expect(invariant / (0.997 * (reserveBase - fill.filled) ** 2)).toBeCloseTo(2000, 6);
  });

  it("shift and advance leave the pool alone: only trades move an AMM", () => {
    const pool = new ConstantProductAmm(10, 20_000);
    pool.shift(0.5);
    pool.advance(3600);
    expect(pool.mid()).toBe(2000);
  });

  it("rejects empty or non-finite reserves", () => {
    expect(() => new ConstantProductAmm(0, 1)).toThrow(/reserves/);
    expect(() => new ConstantProductAmm(1, Number.POSITIVE_INFINITY)).toThrow(/reserves/);
  });
});

describe("constant-product invariant (property, fast-check seed 3021)", () => {
  const trade = fc.record({
    sell: fc.boolean(),
    size: fc.double({ min: 1e-6, max: 0.9, noNaN: true }),
    limit: fc.option(fc.double({ min: 0.2, max: 5, noNaN: true }), { nil: undefined }),
  });

  it("k never falls, and grows by exactly what the fee leaves in the pool", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 1e9, noNaN: true }),
        fc.constantFrom(0, 0.003, 0.01),
        fc.array(trade, { minLength: 1, maxLength: 40 }),
        (reserveBase, reserveQuote, fee, trades) => {
          const pool = new ConstantProductAmm(reserveBase, reserveQuote, fee);
          const fill = emptyFill();
          for (const { sell, size, limit } of trades) {
            const before = pool.invariant();
            const mid = pool.mid();
            const quantity = size * pool.reserveBase;
            const limitPrice =
              limit === undefined ? (sell ? 0 : Number.POSITIVE_INFINITY) : limit * mid;
            pool.execute(sell ? -1 : 1, quantity, limitPrice, fill);
            const after = pool.invariant();
            expect(after).toBeGreaterThanOrEqual(before * (1 - 1e-12));
            if (fee === 0) expect(after).toBeCloseTo(before, -Math.log10(before) + 9);
            if (fill.filled === 0) expect(after).toBe(before);
          }
        },
      ),
      { seed: 3021, numRuns: 400 },
    );
  });
});
