import { describe, expect, it } from "vitest";
import { type OracleSpec, PriceOracle } from "../../../src/engine/market/oracle.ts";

const base: OracleSpec = { kind: "push", delay: 0, window: 600, deviation: 0.005, heartbeat: 3600 };

function feed(
  oracle: PriceOracle,
  prices: number[],
  outage: (step: number) => boolean = () => false,
  lag = 0,
): number[] {
  return prices.map((price, step) => oracle.update(step, price, outage(step), lag));
}

describe("push oracle (Chainlink deviation threshold and heartbeat)", () => {
  it("publishes a move of at least the deviation threshold, holds smaller ones", () => {
    const oracle = new PriceOracle(base, 10, 60);
    // 0.4 % does not trigger; 0.6 % from the last answer does.
    expect(feed(oracle, [100, 100.4, 100.6, 100.9, 101.2])).toEqual([
      100, 100, 100.6, 100.6, 101.2,
    ]);
    expect(oracle.updates).toBe(3);
  });

  it("publishes on the heartbeat even without a move", () => {
    const oracle = new PriceOracle({ ...base, heartbeat: 180 }, 10, 60);
    // Published at t = 0; the heartbeat of 180 s is due at step 3 (t = 180).
    expect(feed(oracle, [100, 100.1, 100.2, 100.3, 100.35])).toEqual([100, 100, 100, 100.3, 100.3]);
  });

  it("publishes what the source was `delay` seconds earlier", () => {
    const oracle = new PriceOracle({ ...base, delay: 120 }, 10, 60);
    expect(feed(oracle, [100, 90, 80, 70, 60])).toEqual([100, 100, 100, 90, 80]);
  });

  it("freezes during an outage and catches up after it; a lag adds delay", () => {
    const oracle = new PriceOracle(base, 10, 60);
    const outage = (step: number): boolean => step >= 1 && step < 3;
    expect(feed(oracle, [100, 90, 80, 70], outage)).toEqual([100, 100, 100, 70]);
    const lagged = new PriceOracle(base, 10, 60);
    expect(feed(lagged, [100, 90, 80, 70], () => false, 60)).toEqual([100, 100, 90, 80]);
  });
});

describe("spot and TWAP oracles", () => {
  it("spot follows the source every step", () => {
    const oracle = new PriceOracle({ ...base, kind: "spot" }, 5, 60);
    expect(feed(oracle, [100, 100.1, 99])).toEqual([100, 100.1, 99]);
  });

  it("TWAP averages the last window/dt observations", () => {
    const oracle = new PriceOracle({ ...base, kind: "twap", window: 180 }, 10, 60);
    // Window of 3 steps: (100 + 90 + 80) / 3 = 90 at step 2, (90 + 80 + 40) / 3 = 70 at step 3.
    expect(feed(oracle, [100, 90, 80, 40])).toEqual([100, 95, 90, 70]);
  });

  it("rejects a source that is not a positive finite number", () => {
    const oracle = new PriceOracle(base, 5, 60);
    expect(() => oracle.update(0, Number.NaN, false, 0)).toThrow(/step 0/);
  });
});
