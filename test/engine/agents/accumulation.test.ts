import { describe, expect, it } from "vitest";
import { AccumulationAgents } from "../../../src/engine/agents/accumulation.ts";
import type { AccumulationAgentSpec, AccumulationSpec } from "../../../src/engine/config.ts";
import { runScenario } from "../../../src/engine/sim.ts";
import { bookMarket, scenario } from "../fixtures.ts";

const agent = (overrides: Partial<AccumulationAgentSpec> = {}): AccumulationAgentSpec => ({
  kind: "targetLeverage",
  count: 1,
  capital: 100_000,
  maxLeverage: 10,
  targetVolatility: 0.01,
  lookbackSeconds: 3,
  threshold: 0,
  maxFundingRate: 0.001,
  speed: 1,
  ...overrides,
});
const spec = (agents: AccumulationAgentSpec[]): AccumulationSpec => ({
  rebalanceSeconds: 1,
  volatilityWindowSeconds: 2,
  volatilityPrice: "mark",
  agents,
});

describe("target-leverage rule", () => {
  it("leverage = min(maxLeverage, targetVolatility / vol): it rises as volatility falls", () => {
    const group = agent();
    expect(AccumulationAgents.targetLeverage(group, 0.005)).toBe(2);
    expect(AccumulationAgents.targetLeverage(group, 0.002)).toBe(5);
    expect(AccumulationAgents.targetLeverage(group, 0.0005)).toBe(10);
    const agents = new AccumulationAgents(spec([group]), 1);
    agents.observe(100, 100);
    agents.observe(102, 102); // |ln 1.02| = 1.98 %: leverage 0.505
    const rough = agents.targetNotional(0, 100_000, 102, 0);
    agents.observe(102.1, 102.1);
    agents.observe(102.2, 102.2); // two returns of about 0.1 %: leverage 7.2
    const calm = agents.targetNotional(0, 100_000, 102.2, 0);
    expect(rough).toBeCloseTo((0.01 / Math.log(1.02)) * 100_000, 6);
    expect(calm).toBeGreaterThan(6 * rough);
  });

  it("trend followers hold only while the lookback return beats the threshold", () => {
    const agents = new AccumulationAgents(spec([agent({ kind: "trendFollower" })]), 1);
    for (const price of [100, 101, 102]) agents.observe(price, price);
    expect(agents.targetNotional(0, 100_000, 102, 0)).toBe(0); // not 3 steps of history yet
    agents.observe(103, 103);
    expect(agents.targetNotional(0, 100_000, 103, 0)).toBe(1_000_000);
    agents.observe(99, 99);
    expect(agents.targetNotional(0, 100_000, 99, 0)).toBe(0);
  });

  it("funding-sensitive traders scale down as funding rises", () => {
    const agents = new AccumulationAgents(spec([agent({ kind: "fundingSensitive" })]), 1);
    expect(agents.targetNotional(0, 100_000, 100, -0.0001)).toBe(1_000_000);
    expect(agents.targetNotional(0, 100_000, 100, 0.00025)).toBeCloseTo(750_000, 6);
    expect(agents.targetNotional(0, 100_000, 100, 0.002)).toBe(0);
  });
});

describe("agents in a calm rising market", () => {
  it("open and grow positions through the book, raising open interest and leverage", () => {
    const result = runScenario(
      scenario({
        steps: 480,
        dt: 60,
        market: bookMarket(100_000, 20_000_000, { levels: 2_000, tick: 10 }),
        shock: { kind: "gbm", sigmaDaily: 0.01, driftDaily: 0.05 },
        accumulation: {
          rebalanceSeconds: 300,
          volatilityWindowSeconds: 3_600,
          volatilityPrice: "mark",
          agents: [
            agent({ count: 20, targetVolatility: 0.01, maxLeverage: 8, speed: 0.3 }),
            agent({ kind: "trendFollower", count: 10, maxLeverage: 5, lookbackSeconds: 3_600 }),
          ],
        },
      }),
      { seed: 7 },
    );
    const series = result.timeseries;
    const last = series.step.length - 1;
    expect(series.agentNotional[0]).toBe(0);
    expect(series.agentNotional[last]).toBeGreaterThan(5_000_000);
    expect(series.openInterest[last]).toBeGreaterThan(series.openInterest[0]);
    expect(series.aggregateLeverage[last]).toBeGreaterThan(series.aggregateLeverage[0]);
    expect(result.summary.agentBoughtNotional).toBeGreaterThan(result.summary.agentSoldNotional);
    expect(result.events.accountName(result.summary.positionCount - 1)).toBe("trendFollower-9");
    const { valueStart, drift } = result.summary.ledger;
    expect(Math.abs(drift)).toBeLessThan(1e-9 * valueStart);
  });
});
