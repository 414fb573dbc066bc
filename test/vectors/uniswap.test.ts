/**
 * The constant-product pool against Uniswap v2's own tests. The contracts work in uint256 token
 * units (wei) and floor every division: getAmountOut = floor(in·997·R_out / (R_in·1000 + in·997)),
 * getAmountIn = floor(R_in·out·1000 / ((R_out − out)·997)) + 1, quote = floor(a·R_b / R_a). The
 * engine works in real numbers, so its value v and the contract's integer n satisfy
 * n ≤ v < n + 1 (out, quote) or n − 1 < v ≤ n (in), in wei. With 18-decimal amounts that one wei
 * is below double precision, and the test asserts 1e-15 relative instead.
 */
import { describe, expect, it } from "vitest";
import { ConstantProductAmm, getAmountIn, getAmountOut } from "../../src/engine/market/amm.ts";
import { expectRelative } from "../support/vectors.ts";

const fee = 0.003;

// Uniswap/v2-core test/UniswapV2Pair.spec.ts swapTestCases: [swapAmount, token0Amount,
// token1Amount] in whole tokens (expandTo18Decimals), expectedOutputAmount in wei; the pair
// accepts exactly that output (`swap(0, expected)`) and rejects one wei more ('UniswapV2: K').
describe("v2-core UniswapV2Pair.spec.ts getInputPrice", () => {
  it.each([
    [1, 5, 10, "1662497915624478906"],
    [1, 10, 5, "453305446940074565"],
    [2, 5, 10, "2851015155847869602"],
    [2, 10, 5, "831248957812239453"],
    [1, 10, 10, "906610893880149131"],
    [1, 100, 100, "987158034397061298"],
    [1, 1000, 1000, "996006981039903216"],
  ])("swap %i into reserves %i / %i pays %s wei", (amountIn, reserveIn, reserveOut, expected) => {
    // floor to the wei: 1e-18 of a token, 6e-19 relative at most here; doubles carry 1.1e-16.
    expectRelative(
      getAmountOut(amountIn, reserveIn, reserveOut, fee),
      Number(expected) / 1e18,
      1e-15,
    );
  });
});

// v2-core UniswapV2Pair.spec.ts 'swap:token0': reserves 5 / 10, 1 token0 in, the pair's Sync
// event and getReserves are (5 + 1, 10 − 1.662497915624478906).
describe("v2-core UniswapV2Pair.spec.ts swap:token0 reserves", () => {
  it("sellBase(1) on 5 / 10 leaves reserves 6 and 10 − 1.662497915624478906", () => {
    const pool = new ConstantProductAmm(5, 10, fee);
    const out = pool.sellBase(1);
    expectRelative(out, Number("1.662497915624478906"), 1e-15);
    expect(pool.reserveBase).toBe(6);
    expectRelative(pool.reserveQuote, 10 - Number("1.662497915624478906"), 1e-15);
  });

  it("swap:token1: sellQuote(1) on 5 / 10 pays 0.453305446940074565", () => {
    const pool = new ConstantProductAmm(5, 10, fee);
    expectRelative(pool.sellQuote(1), Number("0.453305446940074565"), 1e-15);
    expectRelative(pool.reserveBase, 5 - Number("0.453305446940074565"), 1e-15);
    expect(pool.reserveQuote).toBe(11);
  });
});

// Uniswap/v2-periphery test/UniswapV2Router02.spec.ts with integer (wei) amounts, where the
// floor is the whole answer: the engine's real value brackets the contract's integer.
describe("v2-periphery UniswapV2Router02.spec.ts (wei amounts: the floor shows)", () => {
  it("getAmountOut(2, 100, 100) = 1: real value 1.955, floor 1", () => {
    const value = getAmountOut(2, 100, 100, fee);
    expect(Math.floor(value)).toBe(1);
    expectRelative(value, (2 * 997 * 100) / (100 * 1000 + 2 * 997), 1e-15);
  });

  it("getAmountIn(1, 100, 100) = 2: real value 1.0131, floor + 1 = 2", () => {
    const value = getAmountIn(1, 100, 100, fee);
    expect(Math.floor(value) + 1).toBe(2);
    expectRelative(value, (100 * 1 * 1000) / (99 * 997), 1e-15);
  });

  it("getAmountsOut(2, [token0, token1]) on 10,000 / 10,000 = [2, 1]", () => {
    expect(Math.floor(getAmountOut(2, 10_000, 10_000, fee))).toBe(1);
  });

  it("getAmountsIn(1, [token0, token1]) on 10,000 / 10,000 = [2, 1]", () => {
    expect(Math.floor(getAmountIn(1, 10_000, 10_000, fee)) + 1).toBe(2);
  });

  it("quote(1, 100, 200) = 2 and quote(2, 200, 100) = 1: the pool's mid price", () => {
    expect(new ConstantProductAmm(100, 200, fee).mid()).toBe(2);
    expect(2 * new ConstantProductAmm(200, 100, fee).mid()).toBe(1);
  });
});
