import { describe, expect, it } from "vitest";
import { AdlMetrics, giniOfSorted, topShareOfSorted } from "../../../src/engine/risk/adlMetrics.ts";

describe("concentration", () => {
  it("Gini of 0, 0, 1, 3 is Σ (2i − n − 1) x_i / (n Σ x) = (1 + 9) / 16", () => {
    expect(giniOfSorted(Float64Array.of(0, 0, 1, 3))).toBeCloseTo(0.625, 15);
    expect(giniOfSorted(Float64Array.of(2, 2, 2))).toBeCloseTo(0, 15);
    expect(giniOfSorted(new Float64Array(0))).toBeNull();
  });

  it("top shares: the largest ⌈fraction × n⌉ values, at least one", () => {
    const sorted = Float64Array.of(0, 0, 1, 3);
    expect(topShareOfSorted(sorted, 0.01)).toBeCloseTo(0.75, 15);
    expect(topShareOfSorted(sorted, 0.5)).toBeCloseTo(1, 15);
    const twenty = Float64Array.from({ length: 20 }, (_, index) => index + 1);
    // Top 10 % of 20 is the 2 largest: (19 + 20) / 210.
    expect(topShareOfSorted(twenty, 0.1)).toBeCloseTo(39 / 210, 15);
  });
});

describe("ADL metrics of one close", () => {
  it("short at 110 closing 1 of 2 at 105 with the mark at 100: haircut 5, profit taken 10", () => {
    const metrics = new AdlMetrics(2, 0, 1, 2);
    // The bankrupt long (bankrupt at 105) lacks 1 × (105 − 100) at the mark.
    metrics.addShortfall(0, 5);
    metrics.recordClose(0, -1, 0, 1, -1, 110, 2, 1, 105, 100, 4);
    const { exchange, markets } = metrics.finish(
      () => 0,
      () => false,
      [{ liquidation: 3, adl: 5 }],
      60,
    );
    expect(exchange.shortfall).toBe(5);
    expect(exchange.haircut).toBe(5);
    expect(exchange.profitTaken).toBe(10);
    expect(exchange.overshoot).toBe(5);
    expect(exchange.haircutBeyondProfit).toBe(0);
    expect(exchange.hitAccounts).toBe(1);
    expect(exchange.innocentAccounts).toBe(0);
    expect(exchange.rounds).toBe(1);
    expect(exchange.firstLiquidationToAdlSeconds).toBe(120);
    expect(markets[0]).toEqual(exchange);
  });

  it("a close that costs more than the position's profit counts the excess", () => {
    const metrics = new AdlMetrics(1, 0, 1, 2);
    // Short 1 at 101, mark 100 (profit 1), closed at 105: pays 5, 4 beyond its profit.
    metrics.recordClose(0, -1, 0, 1, -1, 101, 1, 1, 105, 100, 1.5);
    const { exchange } = metrics.finish(
      () => 0,
      () => false,
      [{ liquidation: 1, adl: 1 }],
      1,
    );
    expect(exchange.haircutBeyondProfit).toBeCloseTo(4, 12);
    expect(exchange.profitTaken).toBeCloseTo(5, 12);
    expect(exchange.innocentAccounts).toBe(1);
  });

  it("a cross account is one account across markets; the counterparty is not an account", () => {
    const metrics = new AdlMetrics(3, 1, 2, 2);
    // Positions 0 and 1 belong to cross account 0 (markets 0 and 1); 2 is market 0's counterparty.
    metrics.recordClose(0, 0, 0, 1, -1, 110, 1, 1, 105, 100, 3);
    metrics.recordClose(1, 0, 1, 1, -1, 110, 1, 1, 105, 100, 3);
    metrics.recordClose(2, -1, 0, 1, -1, 110, 1, 1, 105, 100, 1);
    const { exchange, markets } = metrics.finish(
      (id) => (id === 1 ? 1 : 0),
      (id) => id === 2,
      [
        { liquidation: 1, adl: 1 },
        { liquidation: 1, adl: 1 },
      ],
      1,
    );
    expect(exchange.hitAccounts).toBe(1);
    expect(exchange.haircut).toBe(15);
    expect(markets[0].hitAccounts).toBe(1);
    expect(markets[1].hitAccounts).toBe(1);
    expect(markets[0].haircut).toBe(10);
  });
});
