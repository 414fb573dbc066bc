import { describe, expect, it } from "vitest";
import { OnlineAdl } from "../../../src/engine/risk/adlOnline.ts";

const spec = {
  severityLearningRate: 0.5,
  weightLearningRate: 1,
  initialSeverity: 1,
  minSeverity: 0,
};

describe("online ADL policy", () => {
  it("severity: a projected gradient step of η / √t toward 1 − capacity / shortfall", () => {
    const online = new OnlineAdl(spec, 1, 4);
    // Round 1: shortfall 50,000, the fund could pay 20,000: θ* = 0.6, θ = 1 − 0.5 × 0.4 = 0.8.
    online.noteCapacity(0, 20_000);
    online.noteCapacity(0, 5_000); // only the round's first reading counts
    online.noteShortfall(0, 50_000);
    online.endRound(0);
    expect(online.severity(0)).toBeCloseTo(0.8, 15);
    // Round 2, same again: step 0.5 / √2 × (0.8 − 0.6).
    online.noteCapacity(0, 20_000);
    online.noteShortfall(0, 50_000);
    online.endRound(0);
    expect(online.severity(0)).toBeCloseTo(0.8 - (0.5 / Math.SQRT2) * 0.2, 15);
    // A round without shortfall leaves it where it is.
    online.endRound(0);
    expect(online.severity(0)).toBeCloseTo(0.8 - (0.5 / Math.SQRT2) * 0.2, 15);
  });

  it("severity stays within [minSeverity, 1]", () => {
    const online = new OnlineAdl({ ...spec, severityLearningRate: 5, minSeverity: 0.3 }, 1, 1);
    online.noteCapacity(0, 1e9);
    online.noteShortfall(0, 1);
    online.endRound(0);
    expect(online.severity(0)).toBe(0.3);
  });

  it("weights: a winner that paid half its PnL has its weight × e^−0.5", () => {
    const online = new OnlineAdl(spec, 1, 3);
    expect(online.logWeight(1)).toBe(0);
    online.penalize(1, 0.5);
    expect(online.logWeight(1)).toBeCloseTo(-0.5, 15);
    expect(online.logWeight(0)).toBe(0);
  });
});
