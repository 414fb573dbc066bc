import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { compiledProgram } from "../../bin/compiledProgram.js";
import { repositoryRoot, runProcess, scratchFolder } from "../support/cli.ts";

const execute = promisify(execFile);

/** A package folder with one source file and, if asked, a build record made at `builtAt`. */
function fakePackage(builtAt: number | undefined): string {
  const root = scratchFolder("deleverage-build-");
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src/a.ts"), "export {};\n");
  const past = new Date(builtAt === undefined ? Date.now() : builtAt - 60_000);
  utimesSync(join(root, "src/a.ts"), past, past);
  if (builtAt !== undefined) {
    mkdirSync(join(root, "dist"));
    writeFileSync(
      join(root, "dist/build-inputs.json"),
      JSON.stringify({ startedAt: builtAt, inputs: ["src/a.ts"] }),
    );
  }
  return root;
}

describe("bin/compiledProgram.js", () => {
  it("names dist/cli.js only while no input changed since the build", () => {
    expect(compiledProgram(fakePackage(undefined))).toBeUndefined();
    const root = fakePackage(Date.now());
    expect(compiledProgram(root)?.href).toMatch(/\/dist\/cli\.js$/);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, "src/a.ts"), later, later);
    expect(compiledProgram(root), "an edited source").toBeUndefined();
    const removed = fakePackage(Date.now());
    rmSync(join(removed, "src/a.ts"));
    expect(compiledProgram(removed), "a removed source").toBeUndefined();
  });
});

describe("the compiled program", () => {
  it("is what the command line runs after a build, and gives the sources' bytes", async () => {
    await execute(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
      cwd: repositoryRoot,
    });
    expect(compiledProgram()?.href).toBe(
      new URL(`file://${join(repositoryRoot, "dist/cli.js")}`).href,
    );
    const version = await runProcess(process.execPath, ["dist/cli.js", "--version"]);
    const packageJson = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8"));
    expect(version.stdout.trim()).toBe(packageJson.version);

    const compiledOut = join(scratchFolder(), "compiled");
    const sourcesOut = join(scratchFolder(), "sources");
    const compiled = await runProcess(process.execPath, [
      "dist/cli.js",
      "run",
      "example",
      "--out",
      compiledOut,
    ]);
    expect(compiled.code, compiled.stderr).toBe(0);
    const sources = await runProcess(process.execPath, [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "run",
      "example",
      "--out",
      sourcesOut,
    ]);
    expect(sources.code, sources.stderr).toBe(0);
    expect(compiled.stdout.replace(compiledOut, "")).toBe(sources.stdout.replace(sourcesOut, ""));
    for (const file of ["summary.json", "timeseries.csv", "events.csv", "report.html"]) {
      expect(readFileSync(join(compiledOut, file)), file).toEqual(
        readFileSync(join(sourcesOut, file)),
      );
    }
  });

  it("starts stress workers from compiled code (a .ts worker would need tsx, which it lacks)", async () => {
    const out = join(scratchFolder(), "stress");
    const outcome = await runProcess(process.execPath, [
      "dist/cli.js",
      "stress",
      "example",
      "--runs",
      "4",
      "--workers",
      "2",
      "--set",
      "positions.population.count=500",
      "--out",
      out,
    ]);
    expect(outcome.code, outcome.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "stress-summary.json"), "utf8"));
    expect([summary.completedRuns, summary.failedRuns]).toEqual([4, 0]);
  });
});
