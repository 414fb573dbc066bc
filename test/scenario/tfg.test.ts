import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tfgPaperParameters } from "../../src/engine/models/tfg.ts";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { type LoadOptions, loadAnyScenario, loadScenario } from "../../src/scenario/load.ts";

const directory = mkdtempSync(path.join(tmpdir(), "deleverage-tfg-scenario-"));

function scenarioFile(name: string, text: string): string {
  writeFileSync(path.join(directory, name), text);
  return name;
}

async function loadTfg(source: string, options: LoadOptions = {}) {
  const loaded = await loadAnyScenario(source, { cwd: directory, ...options });
  if (loaded.model !== "tfg") throw new Error(`${source} loaded as ${loaded.model}`);
  return loaded;
}

async function issuesOf(source: string, overrides: string[] = []): Promise<string[]> {
  try {
    await loadAnyScenario(source, { cwd: directory, overrides });
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error(`expected ${source} to be rejected`);
}

describe("model: tfg scenarios", () => {
  it("the tfg-2012 preset holds the paper's parameter table", async () => {
    const loaded = await loadTfg("tfg-2012");
    expect(loaded.parameters).toEqual(tfgPaperParameters);
    expect(loaded.scenario.statistics).toEqual({ burnIn: 10_000, hillFraction: 0.01, acfLags: 10 });
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("fills every parameter with the paper's value when the file names none", async () => {
    const loaded = await loadTfg(scenarioFile("minimal.yaml", "model: tfg\nname: minimal\n"));
    expect(loaded.parameters).toEqual(tfgPaperParameters);
    expect(loaded.scenario.steps).toBe(100_000);
  });

  it("changes any parameter with --set, and the hash with it", async () => {
    const base = await loadTfg("tfg-2012");
    const changed = await loadTfg("tfg-2012", {
      overrides: ["tfg.lambdaMax=10", "tfg.flowSensitivity=0.1", "tfg.betas=[5, 50]"],
    });
    expect(changed.parameters.lambdaMax).toBe(10);
    expect(changed.parameters.flowSensitivity).toBe(0.1);
    expect(changed.parameters.betas).toEqual([5, 50]);
    expect(changed.hash).not.toBe(base.hash);
  });

  it("rejects bad values at their location, naming the field and what is allowed", async () => {
    expect(await issuesOf("tfg-2012", ["tfg.lambdaMax=-1"])).toEqual([
      "--set tfg.lambdaMax: -1 is not allowed; must be > 0",
    ]);
    const file = scenarioFile(
      "bad.yaml",
      "model: tfg\nname: bad\ntfg:\n  lamdaMax: 5\n  noiseMemory: 1\n",
    );
    const issues = await issuesOf(file);
    expect(issues).toContain(
      'bad.yaml:4:3: tfg.lamdaMax: unknown field "lamdaMax" (did you mean "lambdaMax"?); allowed fields: fundamentalValue, shares, noiseMemory, noiseVolatility, betas, lambdaMax, initialWealth, bankruptcyWealth, reentryDelay, performanceMemory, flowSensitivity, benchmarkReturn, priceBracket',
    );
    expect(issues).toContain(
      "bad.yaml:5:16: tfg.noiseMemory: 1 is not allowed; must be >= 0 and < 1",
    );
  });

  it("checks fields against each other", async () => {
    expect(
      await issuesOf("tfg-2012", ["tfg.bankruptcyWealth=3", "tfg.priceBracket={low: 2, high: 1}"]),
    ).toEqual([
      "--set tfg.priceBracket: tfg.priceBracket.high: 1 is not allowed; high must be above low",
      // Located where initialWealth is written, the field the rule is about.
      expect.stringMatching(
        /scenarios\/tfg-2012\.yaml:19:18: tfg\.initialWealth: 2 is not allowed; must be above bankruptcyWealth/,
      ),
    ]);
    expect(await issuesOf("tfg-2012", ["steps=500"])).toEqual([
      expect.stringMatching(
        /statistics\.burnIn: 10000 is not allowed; must leave at least 200 steps of the 500/,
      ),
    ]);
  });

  it("names the models when `model` is neither", async () => {
    const file = scenarioFile("unknown-model.yaml", "model: tfgg\nname: typo\n");
    expect(await issuesOf(file)).toEqual([
      'unknown-model.yaml:1:8: model: "tfgg" is not allowed; must be perp (the default when absent), tfg or lending',
    ]);
  });

  it("is refused by loadScenario, which serves the perp-only commands", async () => {
    await expect(loadScenario("tfg-2012", { cwd: directory })).rejects.toThrow(
      /model: "tfg" is not allowed here; this command runs perp scenarios only/,
    );
  });

  it("leaves perp scenarios as they were: model defaults to perp", async () => {
    const implicit = await loadAnyScenario("example", { cwd: directory });
    const explicit = await loadAnyScenario("example", {
      cwd: directory,
      overrides: ["model=perp"],
    });
    expect(implicit.model).toBe("perp");
    expect(explicit.hash).toBe(implicit.hash);
  });
});
