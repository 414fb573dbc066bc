import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { presetCatalogue, presetHelp } from "../../src/scenario/presets.ts";
import { deleverage, repositoryRoot, scratchFolder } from "../support/cli.ts";

describe("the preset catalogue", () => {
  it("marks exactly the presets that replay ../shared/data", () => {
    const needing = presetCatalogue()
      .filter((preset) => preset.needsData)
      .map((preset) => preset.name);
    expect(needing).toEqual([
      "black-thursday-2020",
      "may-2021-aave",
      "oct-10-2025-markets",
      "oct-10-2025",
    ]);
    expect(presetHelp()).toMatch(/ {2}oct-10-2025 {10}\* perp/);
    expect(presetHelp()).toMatch(/ {2}example {16}perp/);
  });

  it("run --help lists them; a missing data file says where the data comes from", async () => {
    const help = await deleverage("run", "--help");
    expect(help.stdout).toContain("Presets (SCENARIO may be one of these names):");
    expect(help.stdout).toContain("../shared/data/README.md");
    // A copy of the preset two folders below a scratch folder finds no shared data beside it.
    const folder = join(scratchFolder("deleverage-fresh-clone-"), "a", "b");
    mkdirSync(folder, { recursive: true });
    cpSync(join(repositoryRoot, "scenarios/may-2021-aave.yaml"), join(folder, "may.yaml"));
    const outcome = await deleverage("run", join(folder, "may.yaml"), "--out", join(folder, "out"));
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("cannot be read");
    expect(outcome.stderr).toContain(
      "the presets black-thursday-2020, may-2021-aave, oct-10-2025-markets, oct-10-2025 replay it",
    );
    expect(outcome.stderr).toContain("run a preset that needs no data: cross-venue, example");
  });
});
