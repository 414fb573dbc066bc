import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { loadScenario } from "../../src/scenario/load.ts";

async function adlOf(overrides: string[]) {
  return (await loadScenario("example", { cwd: process.cwd(), overrides })).engine.exchange.adl;
}

async function messageOf(overrides: string[]): Promise<string> {
  try {
    await loadScenario("example", { cwd: process.cwd(), overrides });
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error("expected the overrides to be rejected");
}

describe("exchange.adl", () => {
  it("a ranking is the mechanism of the same name; price and innocent leverage default", async () => {
    expect(await adlOf([])).toEqual({
      ranking: "binance",
      mechanism: "binance",
      price: "bankruptcy",
      innocentLeverage: 2,
    });
  });

  it("mechanism wins over the file's ranking, so any scenario can be swept by mechanism", async () => {
    expect(
      await adlOf(["exchange.adl.mechanism=budgeted", "exchange.adl.price=previousMark"]),
    ).toEqual({
      mechanism: "budgeted",
      price: "previousMark",
      innocentLeverage: 2,
    });
  });

  it("online takes its step sizes, with defaults", async () => {
    const adl = await adlOf([
      "exchange.adl.mechanism=online",
      "exchange.adl.online={initialSeverity: 0.8}",
    ]);
    expect(adl.online).toEqual({
      severityLearningRate: 0.5,
      weightLearningRate: 1,
      initialSeverity: 0.8,
      minSeverity: 0,
    });
  });

  it("rejects an unknown mechanism, online settings of another mechanism and a bad price", async () => {
    expect(await messageOf(["exchange.adl.mechanism=fifo"])).toMatch(/exchange\.adl\.mechanism/);
    expect(await messageOf(["exchange.adl.online={initialSeverity: 0.5}"])).toMatch(
      /only used by mechanism: online/,
    );
    expect(await messageOf(["exchange.adl.price=mark"])).toMatch(/bankruptcy.*previousMark/);
    expect(
      await messageOf([
        "exchange.adl.mechanism=online",
        "exchange.adl.online={initialSeverity: 0.2, minSeverity: 0.5}",
      ]),
    ).toMatch(/minSeverity ≤ initialSeverity/);
  });
});
