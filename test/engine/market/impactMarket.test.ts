import { describe, expect, it } from "vitest";
import type { LinearImpactSpec, SqrtImpactSpec } from "../../../src/engine/config.ts";
import {
  ImpactFunctionMarket,
  PRICE_FLOOR_FRACTION,
} from "../../../src/engine/market/impactMarket.ts";
import { type Direction, emptyFill } from "../../../src/engine/market/market.ts";

const NO_SELL_LIMIT = 0;
const NO_BUY_LIMIT = Number.POSITIVE_INFINITY;

function linear(lambda: number, decayHalfLife = 60): LinearImpactSpec {
  return { kind: "linear", lambda, decayHalfLife };
}

/** Y·σ/√V = 1 × 0.04 / 10,000 = 4e-6, so I(Q) = ±4e-6 √|Q|. */
const sqrtSpec: SqrtImpactSpec = {
  kind: "sqrt",
  y: 1,
  dailyVolume: 1e8,
  dailyVolatility: 0.04,
  decayHalfLife: 60,
};

/** Mean of `price` over [start, end] by Simpson's rule, to check the closed forms against. */
function numericMean(price: (notional: number) => number, start: number, end: number): number {
  const intervals = 20_000;
  const step = (end - start) / intervals;
  let sum = price(start) + price(end);
  for (let index = 1; index < intervals; index++) {
    sum += (index % 2 === 1 ? 4 : 2) * price(start + index * step);
  }
  return (sum * step) / 3 / (end - start);
}

describe("ImpactFunctionMarket, linear law", () => {
  it("moves the price linearly and charges the average of the line", () => {
    const market = new ImpactFunctionMarket(linear(1e-6), 100);
    const fill = emptyFill();
    // Selling 10 at reference 100 moves Q by −1,000 quote: the price ends at 100 × (1 − 0.001).
    market.execute(-1, 10, NO_SELL_LIMIT, fill);
    expect(fill.filled).toBe(10);
    expect(fill.lastPrice).toBeCloseTo(99.9, 12);
    expect(fill.averagePrice).toBeCloseTo(99.95, 12);
    expect(fill.notional).toBeCloseTo(999.5, 9);
    expect(market.mid()).toBeCloseTo(99.9, 12);
    expect(market.bestBid()).toBe(market.mid());
    expect(market.bestAsk()).toBe(market.mid());
    expect(market.lastPrice()).toBe(fill.lastPrice);
    // Buying 20 from Q = −1,000 to +1,000: the average of the line is the reference.
    market.execute(1, 20, NO_BUY_LIMIT, fill);
    expect(fill.averagePrice).toBeCloseTo(100, 12);
    expect(fill.lastPrice).toBeCloseTo(100.1, 12);
  });

  it("stops where the marginal price meets the limit", () => {
    const market = new ImpactFunctionMarket(linear(1e-6), 100);
    const fill = emptyFill();
    // The price reaches 99.95 at Q = −500, i.e. after 5 units.
    market.execute(-1, 10, 99.95, fill);
    expect(fill.filled).toBeCloseTo(5, 9);
    expect(fill.lastPrice).toBe(99.95);
    expect(fill.averagePrice).toBeCloseTo(99.975, 12);
    expect(market.mid()).toBeCloseTo(99.95, 12);
    market.execute(-1, 1, 99.95, fill);
    expect(fill.filled).toBe(0);
    expect(fill.averagePrice).toBeNaN();
    expect(fill.lastPrice).toBe(99.95);
    market.execute(1, 100, 100, fill);
    expect(fill.filled).toBeCloseTo(5, 9);
    market.execute(-1, 1, Number.NaN, fill);
    expect(fill.filled).toBe(0);
  });

  it("floors the price at a tiny positive fraction of the reference", () => {
    const market = new ImpactFunctionMarket(linear(1e-6), 100);
    const fill = emptyFill();
    // Q = −2e8 would put 1 + λQ at −199; the line hits the floor at Q_f = (1e-9 − 1) / 1e-6.
    market.execute(-1, 2e6, NO_SELL_LIMIT, fill);
    const floorNotional = (PRICE_FLOOR_FRACTION - 1) / 1e-6;
    const expectedMean =
      (-floorNotional * (1 + PRICE_FLOOR_FRACTION) * 0.5 +
        (2e8 + floorNotional) * PRICE_FLOOR_FRACTION) /
      2e8;
    expect(fill.filled).toBe(2e6);
    expect(fill.lastPrice).toBeCloseTo(100 * PRICE_FLOOR_FRACTION, 15);
    expect(fill.averagePrice / 100).toBeCloseTo(expectedMean, 12);
    expect(fill.averagePrice).toBeGreaterThan(0);
    expect(market.depthWithin(-1, 0.01)).toBe(Number.POSITIVE_INFINITY);
    // Any sell limit above the floor is now out of reach; buys still work.
    market.execute(-1, 1, 1e-6, fill);
    expect(fill.filled).toBe(0);
    market.execute(1, 1, NO_BUY_LIMIT, fill);
    expect(fill.filled).toBe(1);
    expect(fill.averagePrice).toBeCloseTo(100 * PRICE_FLOOR_FRACTION, 15);
  });

  it("decays impact by half per half-life and shifts with the reference", () => {
    const market = new ImpactFunctionMarket(linear(1e-6, 30), 100);
    const fill = emptyFill();
    market.execute(-1, 10, NO_SELL_LIMIT, fill);
    market.advance(30);
    expect(market.mid()).toBeCloseTo(99.95, 12);
    market.advance(0);
    expect(market.mid()).toBeCloseTo(99.95, 12);
    market.shift(0.5);
    expect(market.mid()).toBeCloseTo(49.975, 12);
    expect(market.lastPrice()).toBeCloseTo(99.9, 12);
  });

  it("is infinitely deep with lambda 0", () => {
    const market = new ImpactFunctionMarket(linear(0), 100);
    const fill = emptyFill();
    market.execute(-1, 1e12, NO_SELL_LIMIT, fill);
    expect(fill).toEqual({ filled: 1e12, notional: 1e14, averagePrice: 100, lastPrice: 100 });
    expect(market.mid()).toBe(100);
    expect(market.depthWithin(-1, 0.01)).toBe(Number.POSITIVE_INFINITY);
    market.execute(-1, 1, 100.5, fill);
    expect(fill.filled).toBe(0);
    market.execute(1, 1, 100, fill);
    expect(fill.filled).toBe(1);
  });
});

describe("ImpactFunctionMarket, square-root law", () => {
  it("charges the closed-form average of the square-root curve", () => {
    const market = new ImpactFunctionMarket(sqrtSpec, 100);
    const fill = emptyFill();
    // 100 units at 100 = 10,000 quote: I = −4e-6 × 100 = −4e-4; the mean of √ over [0, x] is ⅔√x.
    market.execute(-1, 100, NO_SELL_LIMIT, fill);
    expect(fill.lastPrice).toBeCloseTo(99.96, 12);
    expect(fill.averagePrice).toBeCloseTo(100 * (1 - (2 / 3) * 4e-4), 12);
    // Then 300 more, Q from −10,000 to −40,000: mean I = −⅔ × 4e-6 × (40000^1.5 − 10000^1.5) / 30000.
    market.execute(-1, 300, NO_SELL_LIMIT, fill);
    const meanImpact = -((2 / 3) * 4e-6 * (8e6 - 1e6)) / 3e4;
    expect(fill.averagePrice).toBeCloseTo(100 * (1 + meanImpact), 12);
    expect(fill.lastPrice).toBeCloseTo(100 * (1 - 4e-6 * 200), 12);
  });

  it("matches numeric integration across zero and deep into accumulated impact", () => {
    const coefficient = 4e-6;
    const curve = (notional: number) =>
      100 * (1 + Math.sign(notional) * coefficient * Math.sqrt(Math.abs(notional)));
    const market = new ImpactFunctionMarket(sqrtSpec, 100);
    const fill = emptyFill();
    market.execute(-1, 100, NO_SELL_LIMIT, fill);
    market.execute(1, 400, NO_BUY_LIMIT, fill);
    expect(fill.averagePrice).toBeCloseTo(numericMean(curve, -1e4, 3e4), 9);
    market.execute(1, 1e6, NO_BUY_LIMIT, fill);
    expect(fill.averagePrice).toBeCloseTo(numericMean(curve, 3e4, 3e4 + 1e8), 9);
    // A tiny trade deep in the curve costs the marginal price, not a cancellation artefact.
    market.execute(1, 1e-6, NO_BUY_LIMIT, fill);
    expect(fill.averagePrice).toBeCloseTo(curve(3e4 + 1e8), 9);
  });

  it("respects a limit", () => {
    const market = new ImpactFunctionMarket(sqrtSpec, 100);
    const fill = emptyFill();
    // 99.96 is reached at |Q| = (4e-4 / 4e-6)² = 10,000 quote, i.e. 100 units.
    market.execute(-1, 1000, 99.96, fill);
    expect(fill.filled).toBeCloseTo(100, 9);
    expect(fill.lastPrice).toBe(99.96);
  });

  it("validates its parameters", () => {
    expect(() => new ImpactFunctionMarket({ ...sqrtSpec, dailyVolume: 0 }, 100)).toThrow(
      /^dailyVolume: 0 is not allowed/,
    );
    expect(() => new ImpactFunctionMarket({ ...sqrtSpec, y: -1 }, 100)).toThrow(/^y: -1/);
    expect(() => new ImpactFunctionMarket({ ...sqrtSpec, decayHalfLife: 0 }, 100)).toThrow(
      /^decayHalfLife: 0/,
    );
    expect(() => new ImpactFunctionMarket(linear(-1), 100)).toThrow(/^lambda: -1/);
    expect(() => new ImpactFunctionMarket(linear(1), 0)).toThrow(/^price: 0/);
    expect(() => new ImpactFunctionMarket(linear(1), 1).shift(-1)).toThrow(/^shift: factor -1/);
  });
});

describe("ImpactFunctionMarket.depthWithin", () => {
  const cases: [string, LinearImpactSpec | SqrtImpactSpec][] = [
    ["linear", linear(1e-7)],
    ["square root", sqrtSpec],
  ];
  for (const [name, spec] of cases) {
    for (const direction of [-1, 1] as Direction[]) {
      it(`${name}: trading the depth within a fraction moves the mid by that fraction (${direction})`, () => {
        const market = new ImpactFunctionMarket(spec, 100);
        const fill = emptyFill();
        market.execute(-1, 50, NO_SELL_LIMIT, fill);
        for (const fraction of [0.001, 0.02, 0.3]) {
          const before = market.mid();
          const depth = market.depthWithin(direction, fraction);
          market.execute(direction, depth, direction === -1 ? NO_SELL_LIMIT : NO_BUY_LIMIT, fill);
          expect(market.mid() / before).toBeCloseTo(1 + direction * fraction, 12);
        }
      });
    }
  }

  it("is zero for a zero fraction and infinite for a sell of the whole price", () => {
    const market = new ImpactFunctionMarket(sqrtSpec, 100);
    expect(market.depthWithin(1, 0)).toBe(0);
    expect(market.depthWithin(-1, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});
