/**
 * The work budget refuses, before anything is allocated, scenarios whose run would not fit:
 * naming the field, its value, the estimated memory and the limit.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { type LoadOptions, listPresets, loadAnyScenario } from "../../src/scenario/load.ts";
import { batchWork, budgetExcess, estimateScenarioWork } from "../../src/scenario/workBudget.ts";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/scenarios");
/** A limit every machine running the tests can state: 4 GB. */
const budget = { limitBytes: 4e9 };

async function refusal(source: string, overrides: string[], options: LoadOptions = {}) {
  try {
    await loadAnyScenario(source, { cwd: fixtures, overrides, budget, ...options });
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error(`${source} ${overrides.join(" ")} was accepted`);
}

describe("work budget", () => {
  it.each([
    ["tfg-2012", "steps=3e6", "steps", "3000000"],
    ["cross-venue", "steps=1.4e6", "steps", "1400000"],
    ["example", "positions.population.count=1e8", "positions.population.count", "100000000"],
    [
      "cross-venue",
      "venues.0.accounts.population.count=1e8",
      "venues.0.accounts.population.count",
      "100000000",
    ],
    ["example", "market.orderBook.shape.levels=1e9", "market.orderBook.shape.levels", "1000000000"],
    [
      "depth-book.yaml",
      "market.orderBook.depthCsv.levelsPerPercent=1e9",
      "market.orderBook.depthCsv.levelsPerPercent",
      "1000000000",
    ],
    [
      "leverage-cycle",
      "policy.volatilityWindowSeconds=1e12",
      "policy.volatilityWindowSeconds",
      "1000000000000",
    ],
    [
      "leverage-cycle",
      "accumulation.agents.0.count=1e8",
      "accumulation.agents.0.count",
      "100000000",
    ],
    ["cross-venue", "riskRuns=1e9", "riskRuns", "1000000000"],
    [
      "markets.yaml",
      "markets.1.orderBook.shape.levels=1e9",
      "markets.1.orderBook.shape.levels",
      "1000000000",
    ],
  ])("%s --set %s is refused at %s", async (source, override, field, value) => {
    const message = await refusal(source, [override]);
    expect(message).toMatch(
      new RegExp(
        `^--set ${field.replaceAll(".", "\\.")}: ${value} is not allowed: the run would need about [\\d.]+ [KMGT]B of memory \\(largest parts: ${field.replaceAll(".", "\\.")} [\\d.]+ [KMGT]B.*\\), above the limit of 4\\.00 GB \\(DELEVERAGE_MEMORY_LIMIT sets it; the default is half of this machine's memory\\); lower it, or pass --allow-large to run anyway$`,
      ),
    );
  });

  it("a timeseries.csv longer than a string can be is refused even with --allow-large", async () => {
    for (const source of ["example", "tfg-2012", "cross-venue"]) {
      const message = await refusal(source, ["steps=1e9"], {
        budget: { ...budget, allowLarge: true },
      });
      expect(message).toMatch(
        /^--set steps: 1000000000 is not allowed: timeseries\.csv would be about [\d.]+ [GT]B, more than the 537 MB one output file can hold; use fewer steps or a longer dt$/,
      );
    }
  });

  it("with many markets, timeseries-markets.csv is the file that would be too long", async () => {
    const loaded = await loadAnyScenario("markets.yaml", { cwd: fixtures });
    if (loaded.model !== "perp") throw new Error("markets.yaml is a perp scenario");
    const market = loaded.scenario.markets?.[0];
    if (market === undefined) throw new Error("markets.yaml lists markets");
    const markets = Array.from({ length: 20 }, (_, index) => ({ ...market, symbol: `M${index}` }));
    const estimate = estimateScenarioWork({ ...loaded.scenario, steps: 1e6, markets }, () => 0);
    // 20 markets × 1,000,001 steps × 120 characters.
    expect(estimate.largestOutputCharacters).toBe(20 * 1_000_001 * 120);
    expect(budgetExcess(estimate, { limitBytes: 1e12, allowLarge: true })?.message).toBe(
      "1000000 is not allowed: timeseries-markets.csv would be about 2.40 GB, more than the 537 MB one output file can hold; use fewer steps or a longer dt",
    );
  });

  it("--allow-large lifts the memory limit", async () => {
    const loaded = await loadAnyScenario("tfg-2012", {
      overrides: ["steps=3e6"],
      budget: { limitBytes: 1e6, allowLarge: true },
    });
    expect(loaded.work.bytes).toBeGreaterThan(1e9);
  });

  it("the presets fit in 1 GB and the estimate is near what example measured (169 MB peak RSS)", async () => {
    for (const preset of await listPresets()) {
      let loaded: Awaited<ReturnType<typeof loadAnyScenario>>;
      try {
        loaded = await loadAnyScenario(preset, { budget });
      } catch (error) {
        // Presets of real market data need ../shared/data; without it they cannot be estimated.
        if (error instanceof ScenarioError && /cannot be read/.test(error.message)) continue;
        throw error;
      }
      expect(loaded.work.bytes, preset).toBeLessThan(1e9);
    }
    const example = await loadAnyScenario("example");
    expect(example.work.bytes).toBeGreaterThan(150e6);
    expect(example.work.bytes).toBeLessThan(400e6);
  });

  it("a batch adds its workers, stored runs and shard buffer, named by option", async () => {
    const example = await loadAnyScenario("example");
    const batch = batchWork(example.work, { runs: 1e9, workers: 2, shardSize: 100, steps: 300 });
    const excess = budgetExcess(batch, { limitBytes: 4e9, allowLarge: false }, "the batch");
    expect(excess?.term.fieldPath).toEqual(["--runs"]);
    expect(excess?.message).toMatch(
      /^1000000000 is not allowed: the batch would need about 2\.00 TB/,
    );
    const small = batchWork(example.work, { runs: 100, workers: 2, shardSize: 100, steps: 300 });
    expect(budgetExcess(small, { limitBytes: 4e9, allowLarge: false })).toBeUndefined();
  });

  it("each market adds its series to every step", async () => {
    const one = await loadAnyScenario("example", { overrides: ["steps=10000"] });
    const three = await loadAnyScenario("markets.yaml", {
      cwd: fixtures,
      overrides: ["steps=10000"],
    });
    const stepsTerm = (loaded: typeof one) =>
      loaded.work.terms.find((term) => term.fieldPath.join(".") === "steps")?.bytes ?? 0;
    // 1,600 B per step and 600 B per market and step.
    expect(stepsTerm(one)).toBe(16e6);
    expect(stepsTerm(three)).toBe(10_000 * (1600 + 3 * 600));
  });

  it("a data file's size is a term of its own, shown as the file", async () => {
    const loaded = await loadAnyScenario("depth-book.yaml", { cwd: fixtures });
    const file = loaded.work.terms.find(
      (term) => term.fieldPath.join(".") === "market.orderBook.depthCsv.file",
    );
    expect(file?.shown).toMatch(/^a file of \d+ bytes$/);
    expect(estimateScenarioWork(loaded.scenario, () => 1e9).bytes).toBeGreaterThan(1e10);
  });
});
