import { describe, expect, it } from "vitest";
import { BasisHedger, type SpotSide } from "../../../src/engine/agents/basisArbitrage.ts";

/** A spot market at a fixed price that takes whatever it is sold. */
function fixedSpot(price: number): SpotSide & { sold: number } {
  return {
    sold: 0,
    price: () => price,
    sell(quantity, out) {
      this.sold += quantity;
      out.sold = quantity;
      out.received = quantity * price;
    },
  };
}

describe("the perp makers' spot hedge (docs/models/cross-venue.md worked example)", () => {
  it("hedges the liquidated notional at the perp's last price, at most its speed per step", () => {
    const hedger = new BasisHedger(
      { capital: 10_000_000, maxNotionalPerStep: 250_000, hedgeRatio: 1 },
      3000,
    );
    expect(hedger.inventory).toBeCloseTo(3333.333, 3);
    const spot = fixedSpot(2900);
    hedger.step(600_000, 2990, spot);
    expect(spot.sold).toBeCloseTo(86.207, 3);
    expect(hedger.backlog).toBeCloseTo(200.669 - 86.207, 3);
    expect(hedger.inventory).toBeCloseTo(3247.126, 3);
    expect(hedger.proceeds).toBeCloseTo(250_000, 6);
    // Nothing new liquidated: the backlog is what the next step sells.
    hedger.step(0, 2990, spot);
    expect(hedger.backlog).toBeCloseTo(200.669 - 2 * 86.207, 3);
  });

  it("never sells more than its inventory; no capital, no hedge", () => {
    const small = new BasisHedger(
      { capital: 30_000, maxNotionalPerStep: 1e9, hedgeRatio: 1 },
      3000,
    );
    const spot = fixedSpot(3000);
    small.step(1_000_000, 3000, spot);
    expect(spot.sold).toBeCloseTo(10, 9);
    expect(small.inventory).toBe(0);
    const none = new BasisHedger({ capital: 0, maxNotionalPerStep: 1e9, hedgeRatio: 1 }, 3000);
    const untouched = fixedSpot(3000);
    none.step(1_000_000, 3000, untouched);
    expect(untouched.sold).toBe(0);
  });
});
