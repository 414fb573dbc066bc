/**
 * `--out` is replaced as a whole: a failure leaves the previous outputs untouched, entries the
 * command does not write stay, and a folder that cannot be written is refused before the run.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkOutputFolder, OutputWriteError, writeOutputs } from "../../src/cli/outputs.ts";
import { UsageError } from "../../src/scenario/errors.ts";
import { deleverage, scratchFolder } from "../support/cli.ts";

describe("writeOutputs", () => {
  it("creates the folder, or replaces the old outputs and keeps every other entry", () => {
    const parent = scratchFolder();
    const out = join(parent, "run");
    writeOutputs(out, { "summary.json": "1", "events.csv": "a" });
    expect(readdirSync(out).sort()).toEqual(["events.csv", "summary.json"]);
    writeFileSync(join(out, "notes.txt"), "mine");
    mkdirSync(join(out, "shards"));
    writeFileSync(join(out, "shards", "s.parquet"), "kept");
    chmodSync(out, 0o750);
    writeOutputs(out, { "summary.json": "2", "report.html": "<p>" });
    // events.csv is not written this time, so it stays like any other entry.
    expect(readdirSync(out).sort()).toEqual([
      "events.csv",
      "notes.txt",
      "report.html",
      "shards",
      "summary.json",
    ]);
    expect(readFileSync(join(out, "summary.json"), "utf8")).toBe("2");
    expect(readFileSync(join(out, "shards", "s.parquet"), "utf8")).toBe("kept");
    expect(statSync(out).mode & 0o777).toBe(0o750);
    // Nothing is left beside it: no staging or previous folder.
    expect(readdirSync(parent)).toEqual(["run"]);
  });

  it("a file that cannot be written leaves the previous outputs exactly as they were", () => {
    const parent = scratchFolder();
    const out = join(parent, "run");
    writeOutputs(out, { "summary.json": "old", "timeseries.csv": "old" });
    writeFileSync(join(out, "notes.txt"), "mine");
    expect(() =>
      writeOutputs(out, { "summary.json": "new", "no-such-folder/timeseries.csv": "new" }),
    ).toThrow(OutputWriteError);
    expect(readdirSync(out).sort()).toEqual(["notes.txt", "summary.json", "timeseries.csv"]);
    expect(readFileSync(join(out, "summary.json"), "utf8")).toBe("old");
    expect(readdirSync(parent)).toEqual(["run"]);
  });
});

describe("checkOutputFolder", () => {
  it("refuses a path below a file and a folder that cannot be created, as input errors", () => {
    const parent = scratchFolder();
    writeFileSync(join(parent, "file"), "x");
    expect(() => checkOutputFolder(join(parent, "file", "out"))).toThrow(
      new UsageError(
        `--out: ${join(parent, "file", "out")} is not allowed; ${join(parent, "file")} is a file, and the outputs need a folder`,
      ),
    );
    // sysfs takes no new entries, whoever asks (root included).
    expect(() => checkOutputFolder("/sys/deleverage-out")).toThrow(
      /^--out: cannot write to \/sys\/deleverage-out: permission denied$/,
    );
    checkOutputFolder(join(parent, "new", "deeper"));
    expect(existsSync(join(parent, "new"))).toBe(false);
  });

  it.skipIf(userInfo().uid === 0)(
    "refuses a read-only folder (skipped as root, who may write anywhere)",
    () => {
      const out = scratchFolder();
      chmodSync(out, 0o555);
      expect(() => checkOutputFolder(out)).toThrow(
        /^--out: cannot write to .*: permission denied$/,
      );
      chmodSync(out, 0o755);
    },
  );

  it("the CLI refuses an unwritable --out with exit 2 before the run and writes nothing", async () => {
    const parent = scratchFolder();
    writeFileSync(join(parent, "file"), "x");
    const outcome = await deleverage("run", "example", "--out", join(parent, "file", "out"));
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("is a file, and the outputs need a folder");
    expect(readdirSync(parent)).toEqual(["file"]);
  });
});
