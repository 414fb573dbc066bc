import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deleverage, scratchFolder } from "../support/cli.ts";

describe("deleverage compare-adl", () => {
  it("runs the example under the mechanisms asked for and writes the table, CSV, JSON and page", async () => {
    const out = join(scratchFolder("deleverage-compare-adl-"), "out");
    const outcome = await deleverage(
      "compare-adl",
      "example",
      "--mechanisms",
      "binance,budgeted",
      "--out",
      out,
      "--png",
    );
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^example \(seed 42\): budgeted covered \$243K of shortfall/);
    expect(outcome.stdout).toMatch(/binance +all +\$10\.2M +\$243K +\$1\.37M +\$1\.13M/);
    const json = JSON.parse(readFileSync(join(out, "compare-adl.json"), "utf8"));
    expect(json.rows.map((row: { mechanism: string }) => row.mechanism)).toEqual([
      "binance",
      "budgeted",
    ]);
    expect(json.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(out, "compare-adl.csv"), "utf8").split("\n")).toHaveLength(4);
    for (const file of ["compare-adl.html", "adl-overshoot.png", "adl-concentration.png"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
  });

  it("rejects an unknown mechanism with exit code 2 and writes nothing", async () => {
    const out = join(scratchFolder("deleverage-compare-adl-"), "out");
    const outcome = await deleverage(
      "compare-adl",
      "example",
      "--mechanisms",
      "fifo",
      "--out",
      out,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('--mechanisms: "fifo" is not allowed');
    expect(existsSync(out)).toBe(false);
  });
});
