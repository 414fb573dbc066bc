/**
 * The 33 cases of issue 13, rebuilt from their fields and values: each ran out of memory,
 * crashed, aborted or hung before; each is now an exit-2 answer naming the field, with nothing
 * written. They run as `deleverage run CASE --out DIR --json --set ...` does, in this process.
 * Cases on presets of ../shared/data are skipped when it is absent, unless the refusal does not
 * need the data (a FIFO or a device is refused before any file is read).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import runCase from "../fuzz/fuzzWorker.ts";
import { presetDirectory } from "../fuzz/mutations.ts";

const withData = existsSync(path.resolve(import.meta.dirname, "../../../shared/data"));
const fixtures = path.resolve(import.meta.dirname, "../fixtures/scenarios");
const folder = mkdtempSync(path.join(tmpdir(), "deleverage-issue13-"));
const fifo = path.join(folder, "pipe");
execFileSync("mkfifo", [fifo]);

function presetBytes(preset: string): Uint8Array {
  return readFileSync(path.join(presetDirectory, `${preset}.yaml`));
}

/** The file of a preset written into the case's folder: its relative data paths made absolute. */
function presetFile(preset: string): Uint8Array {
  const text = readFileSync(path.join(presetDirectory, `${preset}.yaml`), "utf8").replaceAll(
    "../../shared/data/",
    `${path.resolve(presetDirectory, "../../shared/data")}/`,
  );
  return new TextEncoder().encode(text);
}

function aliasBomb(base: Uint8Array): Uint8Array {
  let bomb = "lol0: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (let level = 1; level < 10; level++) {
    bomb += `lol${level}: &l${level} [${Array(10)
      .fill(`*l${level - 1}`)
      .join(", ")}]\n`;
  }
  return Buffer.concat([base, Buffer.from(bomb)]);
}

interface Case {
  name: string;
  bytes: () => Uint8Array;
  overrides: string[];
  /** The field the answer must name (the location starts with it), and the reason. */
  expected: RegExp;
  /** The preset reads ../shared/data and the refusal needs the other files read first. */
  needsData?: boolean;
}

const data = (preset: string) => () => presetFile(preset);
const cases: Case[] = [
  // 16 that ran out of memory.
  ...["example", "oct-10-2025", "leverage-cycle", "tfg-2012", "cross-venue"].map((preset) => ({
    name: `${preset} --set steps=1e9`,
    bytes: data(preset),
    overrides: ["steps=1e9"],
    expected: /--set steps: 1000000000 is not allowed: timeseries\.csv would be about/,
    needsData: preset === "oct-10-2025",
  })),
  ...["may-2021-aave", "black-thursday-2020"].map((preset) => ({
    name: `${preset} --set steps=1e9`,
    bytes: data(preset),
    overrides: ["steps=1e9"],
    expected: /--set steps: 1000000000 is not allowed: timeseries\.csv would be about/,
    needsData: true,
  })),
  ...["/dev/zero", "/dev/urandom"].flatMap((device) => [
    {
      name: `example shock.csv = ${device}`,
      bytes: data("example"),
      overrides: [`shock={kind: path, csv: ${device}}`],
      expected: new RegExp(
        `--set shock: shock\\.csv: "${device}" is not allowed .*it is a character device`,
      ),
    },
    {
      name: `oct-10-2025 market.orderBook.depthCsv.file = ${device}`,
      bytes: data("oct-10-2025"),
      overrides: [`market.orderBook.depthCsv.file=${device}`],
      expected: new RegExp(
        `--set market\\.orderBook\\.depthCsv\\.file: "${device}" is not allowed .*character device`,
      ),
    },
  ]),
  {
    name: "example positions.csv = /dev/zero",
    bytes: data("example"),
    overrides: ["positions.csv=/dev/zero"],
    expected: /--set positions\.csv: "\/dev\/zero" is not allowed .*character device/,
  },
  {
    name: "may-2021-aave gas.file = /dev/zero",
    bytes: data("may-2021-aave"),
    overrides: ["gas.file=/dev/zero"],
    expected: /--set gas\.file: "\/dev\/zero" is not allowed .*character device/,
  },
  {
    name: "black-thursday-2020 assets.0.path.file = /dev/urandom",
    bytes: data("black-thursday-2020"),
    overrides: ["assets.0.path.file=/dev/urandom"],
    expected: /--set assets\.0\.path\.file: "\/dev\/urandom" is not allowed .*character device/,
  },
  {
    name: "may-2021-aave markets.0.reservesFile.file = /dev/zero",
    bytes: data("may-2021-aave"),
    overrides: ["markets.0.reservesFile.file=/dev/zero"],
    expected:
      /--set markets\.0\.reservesFile\.file: "\/dev\/zero" is not allowed .*character device/,
  },
  {
    name: "example --set positions.population.count=1e9",
    bytes: data("example"),
    overrides: ["positions.population.count=1e9"],
    expected:
      /--set positions\.population\.count: 1000000000 is not allowed: the run would need about/,
  },
  // 2 that crashed with "Invalid typed array length".
  ...["example", "tfg-2012"].map((preset) => ({
    name: `${preset} --set steps=1e15`,
    bytes: data(preset),
    overrides: ["steps=1e15"],
    expected: /--set steps: 1000000000000000 is not allowed: timeseries\.csv would be about/,
  })),
  // 2 that aborted (SIGABRT).
  {
    name: "oct-10-2025 --set market.orderBook.depthCsv.levelsPerPercent=1e9",
    bytes: data("oct-10-2025"),
    overrides: ["market.orderBook.depthCsv.levelsPerPercent=1e9"],
    expected:
      /--set market\.orderBook\.depthCsv\.levelsPerPercent: 1000000000 is not allowed: the run would need about/,
    needsData: true,
  },
  {
    name: "a bookDepth book with levelsPerPercent 1e9 (test fixture)",
    bytes: () =>
      new TextEncoder().encode(
        readFileSync(path.join(fixtures, "depth-book.yaml"), "utf8").replace(
          "file: bookDepth.csv",
          `file: ${path.join(fixtures, "bookDepth.csv")}`,
        ),
      ),
    overrides: ["market.orderBook.depthCsv.levelsPerPercent=1e9"],
    expected:
      /--set market\.orderBook\.depthCsv\.levelsPerPercent: 1000000000 is not allowed: the run would need about/,
  },
  // 3 alias bombs and a 5,000-deep sequence that surfaced as crashes.
  ...["example", "tfg-2012", "cross-venue"].map((preset) => ({
    name: `${preset} with an alias bomb`,
    bytes: () => aliasBomb(presetBytes(preset)),
    overrides: [],
    expected:
      /^deleverage: invalid input:\n.*case-\d+\.yaml:\d+:\d+: anchors and aliases that expand to more than 100 times their size are not allowed \(a YAML alias bomb\)/,
  })),
  {
    name: "a 5,000-deep sequence",
    bytes: () =>
      Buffer.concat([
        presetBytes("example"),
        Buffer.from(`extra: ${"[".repeat(5000)}${"]".repeat(5000)}\n`),
      ]),
    overrides: [],
    expected: /case-\d+\.yaml:\d+:\d+: nesting deeper than 64 levels is not allowed/,
  },
  // 9 that hung on a FIFO.
  {
    name: "example shock.csv = FIFO",
    bytes: data("example"),
    overrides: [`shock={kind: path, csv: ${fifo}}`],
    expected: /--set shock: shock\.csv: ".*pipe" is not allowed .*it is a FIFO/,
  },
  {
    name: "oct-10-2025 market.orderBook.depthCsv.file = FIFO",
    bytes: data("oct-10-2025"),
    overrides: [`market.orderBook.depthCsv.file=${fifo}`],
    expected: /--set market\.orderBook\.depthCsv\.file: ".*pipe" is not allowed .*FIFO/,
  },
  {
    name: "example positions.csv = FIFO",
    bytes: data("example"),
    overrides: [`positions.csv=${fifo}`],
    expected: /--set positions\.csv: ".*pipe" is not allowed .*FIFO/,
  },
  ...["may-2021-aave", "black-thursday-2020"].flatMap((preset) => [
    {
      name: `${preset} assets.0.path.file = FIFO`,
      bytes: data(preset),
      overrides: [`assets.0.path.file=${fifo}`],
      expected: /--set assets\.0\.path\.file: ".*pipe" is not allowed .*FIFO/,
    },
    {
      name: `${preset} gas.file = FIFO`,
      bytes: data(preset),
      overrides: [`gas.file=${fifo}`],
      expected: /--set gas\.file: ".*pipe" is not allowed .*FIFO/,
    },
  ]),
  {
    name: "may-2021-aave markets.0.reservesFile.file = FIFO",
    bytes: data("may-2021-aave"),
    overrides: [`markets.0.reservesFile.file=${fifo}`],
    expected: /--set markets\.0\.reservesFile\.file: ".*pipe" is not allowed .*FIFO/,
  },
  {
    name: "cross-venue gas.file = FIFO",
    bytes: data("cross-venue"),
    overrides: [`gas={file: ${fifo}}`],
    expected: /--set gas: gas\.file: ".*pipe" is not allowed .*FIFO/,
  },
];

describe("issue 13: the 33 cases", () => {
  it("are 33", () => {
    expect(cases).toHaveLength(33);
  });

  for (const [index, fuzzCase] of cases.entries()) {
    const skip = fuzzCase.needsData === true && !withData;
    it.skipIf(skip)(
      `${fuzzCase.name}: exit 2 naming the field, nothing written${skip ? " (skipped: ../shared/data is absent)" : ""}`,
      { timeout: 60_000 },
      async () => {
        const outcome = await runCase({
          index,
          bytes: fuzzCase.bytes(),
          overrides: fuzzCase.overrides,
          folder,
          maxRunBytes: 300e6,
        });
        expect(outcome.kind).toBe("error");
        expect(outcome.message).toMatch(fuzzCase.expected);
        expect(outcome.problems).toEqual([]);
      },
    );
  }
});
