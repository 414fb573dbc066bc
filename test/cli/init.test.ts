import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioTemplate } from "../../src/scenario/template.ts";
import { deleverage, scratchFolder } from "../support/cli.ts";

describe("deleverage init", () => {
  it("writes the commented template, which runs as it is, and never overwrites a file", async () => {
    const folder = scratchFolder("deleverage-init-");
    const file = join(folder, "mine.yaml");
    const written = await deleverage("init", file);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(scenarioTemplate);
    expect(scenarioTemplate).toMatch(/^# /);
    const again = await deleverage("init", file);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("the file exists and is not overwritten");
    expect(readFileSync(file, "utf8")).toBe(scenarioTemplate);
    const run = await deleverage("run", file, "--out", join(folder, "out"), "--set", "steps=200");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/positions liquidated/);
  });
});
