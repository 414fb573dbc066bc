import { describe, expect, it } from "vitest";
import { cumulativeLiquidations, liquidationMap } from "../../src/report/liquidationMap.ts";

function points(rows: [step: number, price: number, notional: number][]) {
  return {
    length: rows.length,
    step: (index: number) => rows[index][0],
    price: (index: number) => rows[index][1],
    notional: (index: number) => rows[index][2],
  };
}

describe("liquidation map", () => {
  it("sums fills per time bucket and price band over the window, keeping every dollar in it", () => {
    const map = liquidationMap(
      points([
        [10, 99.4, 100],
        [10, 99.45, 50],
        [12, 95.1, 30],
        [90, 80, 1000],
      ]),
      { dt: 1, startTime: null },
      [5, 20],
      120,
      48,
    );
    // Prices 95.1-99.45 in at most 48 bands: 0.1 wide from 95.1; 16 one-step columns from step 5.
    expect(map.priceEdges[0]).toBe(95.1);
    expect(map.priceEdges[1]).toBe(95.2);
    expect(map.stepEdges[0]).toBe(5);
    expect(map.stepEdges).toHaveLength(17);
    expect(map.mapped).toBe(180);
    expect(map.total).toBe(1180);
    expect(map.largest).toBe(150);
    const row = map.notional.findIndex((cells) => cells[5] === 150);
    expect(map.priceEdges[row]).toBe(99.4);
  });

  it("cumulates the pre-shock buckets outward from the start price", () => {
    const bucket = (low: number, long: number, short: number) => ({
      priceLow: low,
      priceHigh: low + 5,
      longNotional: long,
      shortNotional: short,
      longCount: 0,
      shortCount: 0,
    });
    expect(
      cumulativeLiquidations([bucket(90, 10, 0), bucket(95, 20, 0), bucket(100, 0, 7)], 100),
    ).toEqual([
      [90, 95, 105],
      [30, 20, null],
      [null, null, 7],
    ]);
  });
});
