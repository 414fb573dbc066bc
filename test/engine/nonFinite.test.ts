/**
 * Numbers that overflow (issue 15, item 5): every model refuses the value up front or stops at
 * the step where a number stops being finite, never finishing with a summary of nulls.
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EngineNumericError } from "../../src/engine/errors.ts";
import { runLending } from "../../src/engine/lending/run.ts";
import { runTfg } from "../../src/engine/models/tfg.ts";
import { runStreams } from "../../src/engine/random.ts";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { loadAnyScenario } from "../../src/scenario/load.ts";

async function refusal(source: string, overrides: string[], cwd?: string): Promise<string> {
  try {
    await loadAnyScenario(source, { overrides, cwd });
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error("accepted");
}

describe("non-finite results", () => {
  it("leverage-cycle agents with capital 1e308 are refused at the field", async () => {
    expect(await refusal("leverage-cycle", ["accumulation.agents.0.capital=1e308"])).toBe(
      "--set accumulation.agents.0.capital: 1e+308 is not allowed; must be between -1e15 and 1e15 (larger values overflow the model's sums)",
    );
  });

  it("tfg with flowSensitivity 1e15 is refused; the model stops at the step where funds overflow", async () => {
    expect(await refusal("tfg-2012", ["tfg.flowSensitivity=1e15"])).toMatch(
      /^--set tfg\.flowSensitivity: 1000000000000000 is not allowed; must be at most 100/,
    );
    // The engine's own check, past the schema.
    const loaded = await loadAnyScenario("tfg-2012", {
      overrides: ["steps=2000", "statistics.burnIn=0"],
    });
    if (loaded.model !== "tfg") throw new Error("expected tfg");
    // With r_b = 0.005 every fund is emptied and defaults; a benchmark below the funds'
    // returns turns the same sensitivity into inflows that overflow.
    const parameters = { ...loaded.parameters, flowSensitivity: 1e15, benchmarkReturn: -0.01 };
    const run = () => runTfg(parameters, runStreams(loaded.scenario.seed, 0).tfg, { steps: 2000 });
    expect(run).toThrow(EngineNumericError);
    expect(run).toThrow(/^step \d+: funds: \w+ became (-?Infinity|NaN); the run was stopped/);
  });

  it("tfg with a negative benchmarkReturn is refused; a benchmark of 1e12 empties the funds, which default", async () => {
    // Found by the fuzz on a clone without ../shared/data: r_b = 1e12 made every flow −W, and a
    // fund left with holdings and no wealth read as infinitely levered.
    expect(await refusal("tfg-2012", ["tfg.benchmarkReturn=-0.5"])).toMatch(
      /^--set tfg\.benchmarkReturn: -0\.5 is not allowed; must be at least 0/,
    );
    const loaded = await loadAnyScenario("tfg-2012", {
      overrides: ["steps=2000", "statistics.burnIn=0", "tfg.benchmarkReturn=1e12"],
    });
    if (loaded.model !== "tfg") throw new Error("expected tfg");
    const result = runTfg(loaded.parameters, runStreams(loaded.scenario.seed, 0).tfg, {
      steps: 2000,
    });
    expect(result.series.maxLeverage.every(Number.isFinite)).toBe(true);
    expect(result.defaultsByFund.every((count) => count > 0)).toBe(true);
  });

  it("cross-venue with dt 1e9 is refused; the world stops at the step and column of an overflow", async () => {
    expect(await refusal("cross-venue", ["dt=1e9"])).toBe(
      "--set dt: 1000000000 is not allowed; must be at most 86400 (one day): rates, fees and volatility compound per step",
    );
    // The engine's own check, past the schema: 1e9 s per step compounds interest to Infinity.
    const loaded = await loadAnyScenario("cross-venue");
    if (loaded.model !== "lending") throw new Error("expected lending");
    const engine = { ...loaded.engine, dt: 1e9 };
    const run = () => runLending(engine, { seed: loaded.scenario.seed, runIndex: 0 });
    expect(run).toThrow(EngineNumericError);
    expect(run).toThrow(/^step \d+: world: [\w.]+ became (-?Infinity|NaN); the run was stopped/);
  });

  it("denormal amounts and rates past 1,000 % a year, found by the 10,000-case fuzz, are refused", async () => {
    expect(await refusal("example", ["market.orderBook.shape.depthPerPercent=5e-324"])).toMatch(
      /^--set market\.orderBook\.shape\.depthPerPercent: 5e-324 is not allowed; must be at least 1e-12/,
    );
    expect(await refusal("example", ["positions.population.notional.max=5e-324"])).toMatch(
      /must be at least 1e-12/,
    );
    expect(await refusal("cross-venue", ["assets.1.price=5e-324"])).toMatch(
      /must be at least 1e-12/,
    );
    expect(await refusal("cross-venue", ["venues.0.reserves.1.rate={slope1: 1e9}"])).toMatch(
      /^--set venues\.0\.reserves\.1\.rate: venues\.0\.reserves\.1\.rate\.slope1: 1000000000 is not allowed; must be at most 10 \(1,000 % a year\)/,
    );
  });

  it("a kline close of 1e308 is refused at its cell", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "deleverage-klines-"));
    const fixtures = path.resolve(import.meta.dirname, "../fixtures");
    copyFileSync(path.join(fixtures, "scenarios/path-shock.yaml"), path.join(folder, "s.yaml"));
    copyFileSync(path.join(fixtures, "hostile/klines-1e308.csv"), path.join(folder, "klines.csv"));
    expect(await refusal("s.yaml", [], folder)).toBe(
      "klines.csv:3:36: close: the cell is not allowed; must be a price > 0 and at most 1e15",
    );
  });
});
