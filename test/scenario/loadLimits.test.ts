/**
 * Scenario files that are not scenarios, or are built to exhaust the parser: each is an input
 * error (a ScenarioError, exit 2 from the CLI) with its line and column, in linear time.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { maxReportedIssues, ScenarioError } from "../../src/scenario/errors.ts";
import { loadAnyScenario, loadScenarioBytes } from "../../src/scenario/load.ts";

const presets = path.resolve(import.meta.dirname, "../../scenarios");
const example = readFileSync(path.join(presets, "example.yaml"), "utf8");

async function messageOf(bytes: string | Uint8Array, overrides: string[] = []): Promise<string> {
  const data = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  try {
    await loadScenarioBytes(data, path.join(presets, "hostile.yaml"), { cwd: presets, overrides });
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error("the scenario was accepted");
}

/** a: 10 items; each next anchor lists the previous one 10 times: 10^10 nodes when expanded. */
function aliasBomb(): string {
  let text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  let previous = "a";
  for (let level = 0; level < 9; level++) {
    const name = `b${level}`;
    text += `${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]\n`;
    previous = name;
  }
  return text;
}

describe("scenario files that are not scenarios", () => {
  it("an empty file, or one of only comments, says so", async () => {
    expect(await messageOf("")).toBe(
      'hostile.yaml: the file is empty; expected a YAML or JSON scenario such as "name: my-crash" with the fields of its model (deleverage schema lists them)',
    );
    expect(await messageOf("  \n\n")).toMatch(/the file is empty/);
    expect(await messageOf("# just a comment\n")).toMatch(
      /^hostile\.yaml: the file is not a scenario: it holds only comments/,
    );
  });

  it("a list or a single value is not a scenario", async () => {
    expect(await messageOf("- a\n- b\n")).toMatch(
      /^hostile\.yaml:1:1: the file is not a scenario: it holds a list/,
    );
    expect(await messageOf("hello world\n")).toMatch(
      /^hostile\.yaml:1:1: the file is not a scenario: it holds a single value \("hello world"\)/,
    );
  });

  it("invalid UTF-8 is located at its line and column", async () => {
    const bytes = Buffer.concat([Buffer.from("name: x\nsteps: 1é"), Buffer.from([0xff, 0x41])]);
    expect(await messageOf(bytes)).toBe(
      "hostile.yaml:2:10: the file is not UTF-8 text (byte 18 is not allowed); expected a YAML or JSON scenario",
    );
    // An overlong encoding and a lone surrogate are not UTF-8 either.
    expect(await messageOf(Buffer.from([0x61, 0xc0, 0xaf]))).toMatch(
      /hostile\.yaml:1:2: the file is not UTF-8/,
    );
    expect(await messageOf(Buffer.from([0xed, 0xa0, 0x80]))).toMatch(
      /hostile\.yaml:1:1: the file is not UTF-8/,
    );
  });
});

describe("parser limits", () => {
  it("an alias bomb is refused at its first alias, in the file and in --set", async () => {
    expect(await messageOf(`${example}${aliasBomb()}`)).toMatch(
      /^hostile\.yaml:\d+:\d+: anchors and aliases that expand to more than 100 times their size are not allowed \(a YAML alias bomb\)/,
    );
    const flow = `{a: &a [x, x, x, x, x, x, x, x, x, x], b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]}`;
    expect(await messageOf(example, [`description=${flow}`])).toMatch(
      /^--set description: .* alias bomb/,
    );
  });

  it("5,000 nested lists are an input error, not a stack overflow", async () => {
    const deep = `${example}extra: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    expect(await messageOf(deep)).toMatch(
      /^hostile\.yaml:\d+:\d+: nesting deeper than 64 levels is not allowed/,
    );
    const block = `${example}extra:\n${Array.from({ length: 200 }, (_, depth) => `${"  ".repeat(depth)}- `).join("\n")}x\n`;
    expect(await messageOf(block)).toMatch(/nesting deeper than 64 levels is not allowed/);
    expect(
      await messageOf(example, [`description=${"[".repeat(5000)}${"]".repeat(5000)}`]),
    ).toMatch(/^--set description: .*nesting deeper than 64 levels/);
  });

  it("duplicate keys are found with a set per map", async () => {
    expect(await messageOf(`${example}name: again\n`)).toMatch(
      /^hostile\.yaml:\d+:1: YAML syntax error: map keys must be unique; "name" appears twice$/,
    );
  });

  it("100,000 unknown keys: the first 50 located, the rest counted, in linear time", async () => {
    let text = example;
    for (let key = 0; key < 100_000; key++) text += `junk${key}: 1\n`;
    const started = performance.now();
    const message = await messageOf(text);
    const seconds = (performance.now() - started) / 1000;
    const lines = message.split("\n");
    expect(lines).toHaveLength(maxReportedIssues + 1);
    expect(lines[0]).toMatch(
      /^hostile\.yaml:\d+:1: junk0: unknown field "junk0"; allowed fields: model, name/,
    );
    expect(lines[maxReportedIssues]).toBe(
      "... and 99950 more problems (the first 50 are listed; fix them and run again)",
    );
    expect(message.length).toBeLessThan(20_000);
    // Quadratic key handling took minutes here; linear takes a few seconds even on a busy machine.
    expect(seconds).toBeLessThan(60);
  });

  it("past maxEntries (the dashboard's uploads) a file is refused at the entry, block or flow", async () => {
    const load = (text: string) =>
      loadScenarioBytes(Buffer.from(text), path.join(presets, "hostile.yaml"), {
        cwd: presets,
        maxEntries: 1_000,
      });
    await expect(load(example)).resolves.toBeDefined();
    const block = `${example}${Array.from({ length: 2_000 }, (_, key) => `k${key}: 1\n`).join("")}`;
    const flow = `{"name": "x", ${Array.from({ length: 2_000 }, (_, key) => `"k${key}": [1, 2]`).join(", ")}}`;
    for (const text of [block, flow]) {
      const error = await load(text).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ScenarioError);
      const issues = (error as ScenarioError).issues;
      expect(issues).toHaveLength(1);
      expect(issues[0].location).toMatch(/^hostile\.yaml:\d+:\d+$/);
      expect(issues[0].message).toMatch(/^the file holds more than 1,000 fields and list items/);
    }
  });

  it("a scenario file over 8 MiB is refused before it is parsed", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "deleverage-big-"));
    const file = path.join(folder, "big.yaml");
    writeFileSync(file, `${example}#${"x".repeat(9 * 1024 * 1024)}\n`);
    await expect(loadAnyScenario(file, { cwd: folder })).rejects.toThrow(
      /^big\.yaml: the scenario file is not allowed: \d+ bytes is over the limit of 8388608 bytes for a scenario file$/,
    );
  });

  it("a FIFO or a device named as the scenario itself is refused without reading it", async () => {
    await expect(loadAnyScenario("/dev/zero")).rejects.toThrow(
      "/dev/zero is a character device; a scenario must be a regular YAML or JSON file",
    );
  });
});
