import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileText, run, ScenarioError } from "../src/index.ts";
import { deleverage, scratchFolder } from "./support/cli.ts";

describe("the library entry point", () => {
  it("runs a preset with overrides and returns the CLI's summary and files, byte for byte", async () => {
    const output = await run("example", { set: ["exchange.insuranceFund=5M"], seed: 7 });
    if (output.model !== "perp") throw new Error(`expected a perp run, got ${output.model}`);
    expect(output.summary.insuranceFundStart).toBe(5_000_000);
    expect(output.summary.seed).toBe(7);
    expect(output.result.events.length).toBeGreaterThan(0);
    expect(output.summaryText).toMatch(/positions liquidated/);
    const out = join(scratchFolder("deleverage-library-"), "cli");
    const cli = await deleverage(
      "run",
      "example",
      "--set",
      "exchange.insuranceFund=5M",
      "--seed",
      "7",
      "--out",
      out,
    );
    expect(cli.code, cli.stderr).toBe(0);
    for (const [name, content] of Object.entries(output.files)) {
      expect(fileText(content), name).toBe(readFileSync(join(out, name), "utf8"));
    }
  });

  it("runs every model and throws ScenarioError for invalid input", async () => {
    const lending = await run("cross-venue", { set: ["steps=60"] });
    expect(lending.model).toBe("lending");
    const tfg = await run("tfg-2012", { set: ["steps=2000", "statistics.burnIn=100"] });
    expect(tfg.model).toBe("tfg");
    const error = await run("example", { set: ["exchange.insuranceFund=-1"] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).issues[0].path).toBe("exchange.insuranceFund");
  });
});
