import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/engine/sim.ts";
import {
  amountFields,
  countFields,
  exhaustedFraction,
  seriesColumns,
  simulateRun,
} from "../../src/runner/runRecord.ts";
import { smallStress } from "./fixtures.ts";

describe("simulateRun", () => {
  it("is runScenario(scenario, { seed, runIndex }): same summary figures, same series", async () => {
    const { scenario, seed } = await smallStress();
    const record = simulateRun(scenario, seed, 5);
    const direct = runScenario(scenario, { seed, runIndex: 5 });
    expect(record.status).toBe("ok");
    if (record.status !== "ok") return;
    for (const field of [...countFields, ...amountFields]) {
      expect(record.metrics[field], field).toBe(direct.summary[field]);
    }
    expect(record.metrics.uncoveredBadDebt).toBe(
      direct.summary.socializedLoss + direct.summary.exchangeLoss,
    );
    expect(record.metrics.ledgerDrift).toBe(direct.summary.ledger.drift);
    expect(record.metrics.adlShortfall).toBe(direct.summary.adl.shortfall);
    expect(record.metrics.adlOvershoot).toBe(direct.summary.adl.overshoot);
    expect(record.metrics.adlHitAccounts).toBe(direct.summary.adl.hitAccounts);
    expect(record.metrics.adlHaircutGini).toBe(direct.summary.adl.haircutGini ?? Number.NaN);
    for (const column of seriesColumns) {
      expect(Array.from(record.series[column]), column).toEqual(
        Array.from(direct.timeseries[column]),
      );
    }
  });

  it("draws a different population and path for each run index", async () => {
    const { scenario, seed } = await smallStress();
    const first = simulateRun(scenario, seed, 0);
    const second = simulateRun(scenario, seed, 1);
    if (first.status !== "ok" || second.status !== "ok") throw new Error("runs failed");
    expect(first.metrics.minIndexPrice).not.toBe(second.metrics.minIndexPrice);
    expect(first.metrics.liquidatedNotional).not.toBe(second.metrics.liquidatedNotional);
  });

  it("returns an engine exception as a failed record with its message", async () => {
    const { scenario, seed } = await smallStress();
    const broken = {
      ...scenario,
      markets: [{ ...scenario.markets[0], maintenanceMarginTiers: [] }],
    };
    const record = simulateRun(broken, seed, 3);
    expect(record).toEqual({
      runIndex: 3,
      status: "failed",
      error: "maintenanceMarginTiers: needs at least one tier",
    });
  });
});

describe("insurance fund exhaustion", () => {
  it("flags runs whose fund was drawn to 0.1 % of its start, and never a fund that was not drawn", async () => {
    const small = await smallStress(["exchange.insuranceFund=3000"]);
    const large = await smallStress(["exchange.insuranceFund=1e12"]);
    const none = await smallStress(["exchange.insuranceFund=0"]);
    let exhausted = 0;
    for (let runIndex = 0; runIndex < 12; runIndex++) {
      const record = simulateRun(small.scenario, small.seed, runIndex);
      if (record.status !== "ok") throw new Error(record.error);
      const { insuranceFundMin, insuranceFundExhausted, adlCount } = record.metrics;
      expect(insuranceFundExhausted).toBe(insuranceFundMin <= exhaustedFraction * 3000);
      if (insuranceFundExhausted) {
        exhausted++;
        // Once the fund cannot absorb a loss, the liquidation engine turns to ADL.
        expect(adlCount).toBeGreaterThan(0);
      }
      for (const other of [large, none]) {
        const unexhausted = simulateRun(other.scenario, other.seed, runIndex);
        if (unexhausted.status !== "ok") throw new Error(unexhausted.error);
        expect(unexhausted.metrics.insuranceFundExhausted).toBe(false);
      }
    }
    // The fixture is tuned so a $3,000 fund runs dry in some paths and not in others.
    expect(exhausted).toBeGreaterThan(0);
    expect(exhausted).toBeLessThan(12);
  });
});
