import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNumberAlias, synonymFor } from "../../src/scenario/aliases.ts";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { scratchFolder } from "../support/cli.ts";

describe("number aliases", () => {
  it("read K, M, B, %, $ and underscores", () => {
    expect(parseNumberAlias("10M")).toBe(10_000_000);
    expect(parseNumberAlias("2.5B")).toBe(2.5e9);
    expect(parseNumberAlias("$1.5K")).toBe(1500);
    expect(parseNumberAlias("8%")).toBe(0.08);
    expect(parseNumberAlias("0.4 %")).toBe(0.004);
    expect(parseNumberAlias("1_000_000")).toBe(1_000_000);
    expect(parseNumberAlias("ten")).toBeUndefined();
    expect(parseNumberAlias("10 MB")).toBeUndefined();
  });

  it("are numbers only where a number belongs, and hash like the plain number", async () => {
    const plain = await loadScenario("example", {});
    const aliased = await loadScenario("example", {
      overrides: [
        "exchange.insuranceFund=2M",
        "shock={kind: linear, drop: 8%, from: 10, to: 130}",
        "positions.population.notional.max=2M",
      ],
    });
    expect(aliased.engine.exchange.insuranceFund).toBe(2_000_000);
    expect(aliased.hash).toBe(plain.hash);
    // A name is text: "10M" stays "10M".
    expect((await loadScenario("example", { overrides: ["name=10M"] })).scenario.name).toBe("10M");
  });
});

describe("field synonyms", () => {
  it("suggest our name for another venue's: mmr → rate", async () => {
    expect(synonymFor("mmr", ["maxNotional", "maxLeverage", "rate"])).toBe("rate");
    expect(synonymFor("MMR", ["rate"])).toBe("rate");
    expect(synonymFor("mmr", ["maxNotional"])).toBeUndefined();
    const file = join(scratchFolder("deleverage-synonym-"), "tiers.yaml");
    writeFileSync(
      file,
      "name: t\nasset: {symbol: BTC, price: 100K}\nmarket: {orderBook: {shape: {depthPerPercent: 2M, levels: 100, tick: 10}}}\n" +
        "exchange:\n  maintenanceMarginTiers: [{maxNotional: 50K, maxLeverage: 100, mmr: 0.4%}]\n" +
        "positions: {inline: [{account: a, side: long, size: 1, entryPrice: 100K, collateral: 10K}]}\n",
    );
    const error = await loadScenario(file, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScenarioError);
    expect(String((error as Error).message)).toContain(
      'exchange.maintenanceMarginTiers.0.mmr: unknown field "mmr" (did you mean "rate"?)',
    );
  });
});
