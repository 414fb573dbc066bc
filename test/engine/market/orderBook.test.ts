import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OrderBookSpec, PriceLevel } from "../../../src/engine/config.ts";
import { emptyFill } from "../../../src/engine/market/market.ts";
import { levelsFromShape, OrderBookMarket } from "../../../src/engine/market/orderBook.ts";

const NO_SELL_LIMIT = 0;
const NO_BUY_LIMIT = Number.POSITIVE_INFINITY;

function book(
  bids: PriceLevel[],
  asks: PriceLevel[],
  resilienceHalfLife: number | null = null,
): OrderBookMarket {
  const spec: OrderBookSpec = { kind: "orderBook", bids, asks, resilienceHalfLife };
  return new OrderBookMarket(spec);
}

/** Bids 100×1, 99×1, 98×5 and asks 101×1, 102×1, 103×5. */
function smallBook(resilienceHalfLife: number | null = null): OrderBookMarket {
  return book(
    [
      { price: 100, size: 1 },
      { price: 99, size: 1 },
      { price: 98, size: 5 },
    ],
    [
      { price: 101, size: 1 },
      { price: 102, size: 1 },
      { price: 103, size: 5 },
    ],
    resilienceHalfLife,
  );
}

describe("OrderBookMarket.execute", () => {
  it("walks the bids from the best level down", () => {
    const market = smallBook();
    const fill = emptyFill();
    market.execute(-1, 3, NO_SELL_LIMIT, fill);
    expect(fill).toEqual({ filled: 3, notional: 297, averagePrice: 99, lastPrice: 98 });
    expect(market.lastPrice()).toBe(98);
    expect(market.bestBid()).toBe(98);
    expect(market.depthWithin(-1, 1)).toBe(4);
    expect(market.mid()).toBe((98 + 101) / 2);
  });

  it("walks the asks from the best level up", () => {
    const market = smallBook();
    const fill = emptyFill();
    market.execute(1, 2.5, NO_BUY_LIMIT, fill);
    expect(fill.filled).toBe(2.5);
    expect(fill.notional).toBe(101 + 102 + 0.5 * 103);
    expect(fill.lastPrice).toBe(103);
    expect(market.bestAsk()).toBe(103);
  });

  it("never sells below the limit nor buys above it", () => {
    const market = smallBook();
    const fill = emptyFill();
    market.execute(-1, 3, 99, fill);
    expect(fill).toEqual({ filled: 2, notional: 199, averagePrice: 99.5, lastPrice: 99 });
    expect(market.bestBid()).toBe(98);

    market.execute(-1, 1, 98.5, fill);
    expect(fill.filled).toBe(0);
    expect(fill.notional).toBe(0);
    expect(fill.averagePrice).toBeNaN();
    expect(fill.lastPrice).toBe(99);

    market.execute(1, 10, 102, fill);
    expect(fill.filled).toBe(2);
    expect(fill.lastPrice).toBe(102);
    expect(market.bestAsk()).toBe(103);
  });

  it("fills nothing for a NaN limit or a non-positive quantity", () => {
    const market = smallBook();
    const fill = emptyFill();
    market.execute(-1, 1, Number.NaN, fill);
    expect(fill.filled).toBe(0);
    market.execute(-1, 0, NO_SELL_LIMIT, fill);
    expect(fill.filled).toBe(0);
    market.execute(-1, -2, NO_SELL_LIMIT, fill);
    expect(fill.filled).toBe(0);
    expect(market.bestBid()).toBe(100);
  });

  it("sweeps a whole side for an unbounded quantity and then quotes the last price as mid", () => {
    const market = smallBook();
    const fill = emptyFill();
    market.execute(-1, Number.POSITIVE_INFINITY, NO_SELL_LIMIT, fill);
    expect(fill.filled).toBe(7);
    expect(fill.lastPrice).toBe(98);
    expect(market.bestBid()).toBe(0);
    expect(market.mid()).toBe(98);
    expect(market.depthWithin(-1, 0.5)).toBe(0);

    market.execute(1, 100, NO_BUY_LIMIT, fill);
    expect(market.bestAsk()).toBe(Number.POSITIVE_INFINITY);
    expect(market.mid()).toBe(103);
  });

  it("does not let rounding residue trade at the next level", () => {
    const market = book(
      [
        { price: 100, size: 0.1 },
        { price: 99, size: 0.2 },
        { price: 98, size: 1 },
      ],
      [{ price: 101, size: 1 }],
    );
    const fill = emptyFill();
    market.execute(-1, 0.3, NO_SELL_LIMIT, fill);
    expect(fill.lastPrice).toBe(99);
    expect(market.bestBid()).toBe(98);
    expect(market.depthWithin(-1, 1)).toBe(1);
  });

  it("stays exact over a million small orders", () => {
    const market = book([{ price: 100, size: 2_000_000 }], [{ price: 101, size: 2_000_000 }]);
    const fill = emptyFill();
    let filled = 0;
    for (let order = 0; order < 1_000_000; order++) {
      market.execute(
        order % 2 === 0 ? -1 : 1,
        1,
        order % 2 === 0 ? NO_SELL_LIMIT : NO_BUY_LIMIT,
        fill,
      );
      filled += fill.filled;
    }
    expect(filled).toBe(1_000_000);
    expect(market.depthWithin(-1, 0.1)).toBe(1_500_000);
    expect(market.depthWithin(1, 0.1)).toBe(1_500_000);
  });
});

describe("OrderBookMarket.shift", () => {
  it("multiplies every resting price and keeps consumed depth consumed", () => {
    const market = smallBook();
    const fill = emptyFill();
    market.execute(-1, 1, NO_SELL_LIMIT, fill);
    market.shift(0.9);
    expect(market.bestBid()).toBeCloseTo(99 * 0.9, 12);
    expect(market.bestAsk()).toBeCloseTo(101 * 0.9, 12);
    expect(market.mid()).toBeCloseTo(100 * 0.9, 12);
    market.execute(-1, 2, NO_SELL_LIMIT, fill);
    expect(fill.averagePrice).toBeCloseTo(98.5 * 0.9, 12);
    expect(market.depthWithin(-1, 1)).toBe(4);
  });

  it("rejects a factor that is not a positive number", () => {
    expect(() => smallBook().shift(0)).toThrow(/shift: factor 0/);
    expect(() => smallBook().shift(Number.NaN)).toThrow(/shift: factor NaN/);
  });
});

describe("OrderBookMarket.advance", () => {
  it("refills an eaten level half-way per half-life and brings the best level back", () => {
    const market = smallBook(10);
    const fill = emptyFill();
    market.execute(-1, 1.5, NO_SELL_LIMIT, fill);
    expect(market.bestBid()).toBe(99);
    market.advance(10);
    expect(market.bestBid()).toBe(100);
    // Level 100 refilled from 0 to 0.5, level 99 from 0.5 to 0.75, level 98 untouched.
    expect(market.levelSize(-1, 0)).toBeCloseTo(0.5, 12);
    expect(market.levelSize(-1, 1)).toBeCloseTo(0.75, 12);
    expect(market.levelSize(-1, 2)).toBe(5);
    market.advance(10);
    expect(market.levelSize(-1, 0)).toBeCloseTo(0.75, 12);
    market.advance(5);
    expect(market.levelSize(-1, 0)).toBeCloseTo(1 - 0.25 * 2 ** -0.5, 12);
  });

  it("returns to the full baseline eventually", () => {
    const market = smallBook(1);
    const fill = emptyFill();
    market.execute(-1, 7, NO_SELL_LIMIT, fill);
    market.advance(100);
    expect(market.depthWithin(-1, 1)).toBe(7);
    market.execute(-1, 3, NO_SELL_LIMIT, fill);
    expect(fill).toEqual({ filled: 3, notional: 297, averagePrice: 99, lastPrice: 98 });
  });

  it("never refills without a half-life", () => {
    const market = smallBook(null);
    const fill = emptyFill();
    market.execute(-1, 1, NO_SELL_LIMIT, fill);
    market.advance(1e9);
    expect(market.bestBid()).toBe(99);
  });
});

describe("OrderBookMarket.depthWithin", () => {
  it("counts levels within the fraction of the mid, the bound included", () => {
    // Mid 100: 1 % is 99 for bids and 101 for asks.
    const market = book(
      [
        { price: 99.5, size: 1 },
        { price: 99, size: 2 },
        { price: 98.9, size: 4 },
      ],
      [
        { price: 100.5, size: 1 },
        { price: 101, size: 3 },
        { price: 101.5, size: 5 },
      ],
    );
    expect(market.mid()).toBe(100);
    expect(market.depthWithin(-1, 0.01)).toBe(3);
    expect(market.depthWithin(1, 0.01)).toBe(4);
    expect(market.depthWithin(1, 0)).toBe(0);
  });
});

describe("OrderBookMarket validation", () => {
  const asks = [{ price: 101, size: 1 }];
  it("names the field that is wrong", () => {
    expect(() => book([], asks)).toThrow("bids: needs at least one level");
    expect(() => book([{ price: 100, size: 1 }], [])).toThrow("asks: needs at least one level");
    expect(() => book([{ price: 100, size: 0 }], asks)).toThrow(
      /^bids\[0\]\.size: 0 is not allowed/,
    );
    expect(() => book([{ price: -1, size: 1 }], asks)).toThrow(/^bids\[0\]\.price: -1/);
    expect(() =>
      book(
        [
          { price: 99, size: 1 },
          { price: 100, size: 1 },
        ],
        asks,
      ),
    ).toThrow(/^bids\[1\]\.price: 100 must be below bids\[0\]\.price \(99\)/);
    expect(() =>
      book(
        [{ price: 100, size: 1 }],
        [
          { price: 102, size: 1 },
          { price: 102, size: 1 },
        ],
      ),
    ).toThrow(/^asks\[1\]\.price: 102 must be above asks\[0\]\.price \(102\)/);
    expect(() => book([{ price: 102, size: 1 }], asks)).toThrow(/crossed/);
    expect(() => book([{ price: 100, size: 1 }], asks, 0)).toThrow(/^resilienceHalfLife: 0/);
  });
});

describe("levelsFromShape", () => {
  it("puts the same quote notional on every tick of every percent", () => {
    const { bids, asks } = levelsFromShape(100_000, {
      depthPerPercent: 2_000_000,
      levels: 200,
      tick: 10,
      spreadTicks: 1,
    });
    expect(bids).toHaveLength(200);
    expect(asks).toHaveLength(200);
    expect(bids[0].price).toBe(99_995);
    expect(asks[0].price).toBe(100_005);
    expect(bids[1].price).toBe(99_985);
    expect(asks[199].price).toBe(100_005 + 1990);
    // 1 % of 100,000 is 100 ticks of 10, so each level holds 2,000,000 / 100 = 20,000 of quote.
    for (const level of [...bids, ...asks]) expect(level.price * level.size).toBeCloseTo(20_000, 8);
    const market = new OrderBookMarket({ kind: "orderBook", bids, asks, resilienceHalfLife: 30 });
    const notionalWithinOnePercent = bids
      .filter((level) => level.price >= 99_000)
      .reduce((sum, level) => sum + level.price * level.size, 0);
    expect(notionalWithinOnePercent).toBeCloseTo(2_000_000, 6);
    expect(market.mid()).toBe(100_000);
  });

  it("can quote a zero spread", () => {
    const { bids, asks } = levelsFromShape(50, {
      depthPerPercent: 1,
      levels: 2,
      tick: 1,
      spreadTicks: 0,
    });
    expect(bids.map((level) => level.price)).toEqual([50, 49]);
    expect(asks.map((level) => level.price)).toEqual([50, 51]);
  });

  it("names the field that is wrong", () => {
    const shape = { depthPerPercent: 1, levels: 10, tick: 1, spreadTicks: 1 };
    expect(() => levelsFromShape(0, shape)).toThrow(/^price: 0/);
    expect(() => levelsFromShape(100, { ...shape, depthPerPercent: -1 })).toThrow(
      /^shape\.depthPerPercent: -1/,
    );
    expect(() => levelsFromShape(100, { ...shape, levels: 1.5 })).toThrow(/^shape\.levels: 1\.5/);
    expect(() => levelsFromShape(100, { ...shape, tick: 0 })).toThrow(/^shape\.tick: 0/);
    expect(() => levelsFromShape(100, { ...shape, spreadTicks: -1 })).toThrow(
      /^shape\.spreadTicks/,
    );
    expect(() => levelsFromShape(5, shape)).toThrow(/^shape\.levels: 10 levels of tick 1 below 5/);
  });
});

describe("OrderBookMarket properties", () => {
  const levelArbitrary = fc.record({
    gap: fc.double({ min: 0.01, max: 5, noNaN: true }),
    size: fc.double({ min: 1e-6, max: 100, noNaN: true }),
  });
  const orderArbitrary = fc.record({
    quantity: fc.double({ min: 0, max: 50, noNaN: true }),
    limitDistance: fc.option(fc.double({ min: 0, max: 40, noNaN: true }), { nil: undefined }),
    refillSeconds: fc.double({ min: 0, max: 20, noNaN: true }),
  });

  it("sells never raise the mid, never fill below the limit, and pay exactly the levels eaten", () => {
    const property = fc.property(
      fc.array(levelArbitrary, { minLength: 1, maxLength: 30 }),
      fc.array(orderArbitrary, { minLength: 1, maxLength: 20 }),
      fc.option(fc.double({ min: 0.5, max: 30, noNaN: true }), { nil: null }),
      (levels, orders, halfLife) => {
        const bids: PriceLevel[] = [];
        let price = 100;
        for (const level of levels) {
          price -= level.gap;
          bids.push({ price, size: level.size });
        }
        const market = book(bids, [{ price: 101, size: 1 }], halfLife);
        const fill = emptyFill();
        for (const order of orders) {
          const sizesBefore = bids.map((_, index) => market.levelSize(-1, index));
          const midBefore = market.mid();
          const limit =
            order.limitDistance === undefined ? NO_SELL_LIMIT : 100 - order.limitDistance;
          market.execute(-1, order.quantity, limit, fill);
          expect(market.mid()).toBeLessThanOrEqual(midBefore);
          expect(fill.filled).toBeLessThanOrEqual(order.quantity);
          let eatenQuantity = 0;
          let eatenNotional = 0;
          for (let index = 0; index < bids.length; index++) {
            const eaten = sizesBefore[index] - market.levelSize(-1, index);
            expect(eaten).toBeGreaterThanOrEqual(0);
            if (eaten > 0) expect(market.levelPrice(-1, index)).toBeGreaterThanOrEqual(limit);
            eatenQuantity += eaten;
            eatenNotional += eaten * market.levelPrice(-1, index);
          }
          expect(fill.filled).toBeCloseTo(eatenQuantity, 9);
          expect(fill.notional).toBeCloseTo(eatenNotional, 7);
          if (fill.filled > 0) expect(fill.lastPrice).toBeGreaterThanOrEqual(limit);
          market.advance(order.refillSeconds);
        }
      },
    );
    fc.assert(property, { seed: 1, numRuns: 300 });
  });
});
