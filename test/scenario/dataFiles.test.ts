/**
 * Every file field of every model (fileFieldPatterns finds them in the schema) is refused when it
 * names a FIFO or a device, or, for a scenario the dashboard received, a path outside its data
 * directory; and no refusal quotes the file. A new file field fails the first test until it has
 * a case here.
 */
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { DataFileScope } from "../../src/scenario/dataFiles.ts";
import { ScenarioError } from "../../src/scenario/errors.ts";
import { fileFieldPatterns } from "../../src/scenario/fileFields.ts";
import { loadAnyScenario, loadScenarioBytes } from "../../src/scenario/load.ts";

const presets = path.resolve(import.meta.dirname, "../../scenarios");
const fixtures = path.resolve(import.meta.dirname, "../fixtures/scenarios");
const preset = (name: string): string => path.join(presets, `${name}.yaml`);

/**
 * How to point each file field at FILE: a scenario without data files (a preset or a fixture)
 * and the overrides that set the field (`venues.*.market...depthCsv` is refused by the lending
 * schema itself, which also means nothing is read; `positions.wallets` needs `positions.csv`,
 * which names the same file).
 */
const fieldCases: Record<string, { scenario: string; overrides: (file: string) => string[] }> = {
  "market.orderBook.depthCsv.file": {
    scenario: preset("example"),
    overrides: (file) => [`market.orderBook={depthCsv: {file: "${file}"}, resilienceHalfLife: 30}`],
  },
  "positions.csv": { scenario: preset("example"), overrides: (file) => [`positions.csv=${file}`] },
  "positions.csv.file": {
    scenario: preset("example"),
    overrides: (file) => [`positions.csv={file: "${file}"}`],
  },
  "positions.wallets": {
    scenario: preset("example"),
    overrides: (file) => [`positions.csv=${file}`, `positions.wallets=${file}`],
  },
  "markets.*.orderBook.depthCsv.file": {
    scenario: path.join(fixtures, "markets.yaml"),
    overrides: (file) => [
      `markets.0.orderBook={depthCsv: {file: "${file}"}, resilienceHalfLife: 30}`,
    ],
  },
  "markets.*.shock.csv": {
    scenario: path.join(fixtures, "markets.yaml"),
    overrides: (file) => [`markets.2.shock={kind: path, csv: "${file}"}`],
  },
  "shock.csv": {
    scenario: preset("example"),
    overrides: (file) => [`shock={kind: path, csv: "${file}"}`],
  },
  "assets.*.path.file": {
    scenario: preset("cross-venue"),
    overrides: (file) => [`assets.0.path={kind: coinApi, file: "${file}"}`],
  },
  "assets.*.path.csv": {
    scenario: preset("cross-venue"),
    overrides: (file) => [`assets.0.path={kind: path, csv: "${file}"}`],
  },
  "gas.file": { scenario: preset("cross-venue"), overrides: (file) => [`gas={file: "${file}"}`] },
  "markets.*.reservesFile.file": {
    scenario: preset("cross-venue"),
    overrides: (file) => [`markets.0={base: ETH, quote: DAI, reservesFile: {file: "${file}"}}`],
  },
  "venues.*.market.orderBook.depthCsv.file": {
    scenario: preset("cross-venue"),
    overrides: (file) => [`venues.1.market={orderBook: {depthCsv: {file: "${file}"}}}`],
  },
};

const secret = "SECRET-7f3a9c";

let folder: string;
let dataDirectory: string;
let fifo: string;
let big: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), "deleverage-datafiles-"));
  dataDirectory = realpathSync(mkdtempSync(path.join(tmpdir(), "deleverage-datadir-")));
  fifo = path.join(folder, "pipe.csv");
  execFileSync("mkfifo", [fifo]);
  big = path.join(folder, "big.csv");
  // Sparse: the size is what the cap looks at, and nothing is ever read.
  writeFileSync(big, "");
  execFileSync("truncate", ["-s", "300M", big]);
  writeFileSync(path.join(folder, "secret.csv"), `${secret},${secret}\n${secret}\n`);
  writeFileSync(path.join(dataDirectory, "secret.csv"), `${secret},${secret}\n${secret}\n`);
  writeFileSync(path.join(dataDirectory, "secret.json"), `[{"${secret}": "${secret}"}, {"x": 1}]`);
  writeFileSync(path.join(dataDirectory, "broken.json"), `${secret}`);
  mkdirSync(path.join(dataDirectory, "inner"));
  symlinkSync("/etc/hostname", path.join(dataDirectory, "inner", "link.csv"));
});

async function refusal(
  field: string,
  file: string,
  options: { scope?: DataFileScope; maxBytes?: number } = {},
): Promise<string> {
  const fieldCase = fieldCases[field];
  try {
    if (options.scope?.kind === "inside") {
      const text = readFileSync(fieldCase.scenario);
      await loadScenarioBytes(text, path.join(dataDirectory, "upload.yaml"), {
        cwd: dataDirectory,
        overrides: fieldCase.overrides(file),
        dataFiles: { scope: options.scope },
      });
    } else {
      await loadAnyScenario(fieldCase.scenario, {
        overrides: fieldCase.overrides(file),
        dataFiles: { scope: options.scope ?? { kind: "anywhere" }, maxBytes: options.maxBytes },
      });
    }
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error(`${field} = ${file} was accepted`);
}

const fields = Object.keys(fieldCases);
const lendingDepthCsv = "venues.*.market.orderBook.depthCsv.file";

describe("file fields", () => {
  it("every file field the schema declares has a case here", () => {
    expect(fileFieldPatterns().map((pattern) => pattern.join("."))).toEqual([...fields].sort());
  });

  it.each(fields)("%s: a FIFO is refused without opening it", async (field) => {
    const message = await refusal(field, fifo);
    if (field === lendingDepthCsv) expect(message).toMatch(/depthCsv/);
    else expect(message).toMatch(/it is a FIFO \(named pipe\), not a regular file/);
  });

  it.each(fields)("%s: /dev/zero and /dev/urandom are refused", async (field) => {
    for (const device of ["/dev/zero", "/dev/urandom"]) {
      const message = await refusal(field, device);
      if (field === lendingDepthCsv) expect(message).toMatch(/depthCsv/);
      else
        expect(message).toContain(
          `"${device}" is not allowed (resolved to ${device}): it is a character device`,
        );
    }
  });

  it.each(fields)("%s: a file over the size cap is refused before it is read", async (field) => {
    const message = await refusal(field, big, { maxBytes: 1024 * 1024 });
    if (field !== lendingDepthCsv) {
      expect(message).toContain(
        "314572800 bytes is over the limit of 1048576 bytes for a data file (DELEVERAGE_MAX_FILE_BYTES sets it)",
      );
    }
  });

  it.each(fields)("%s: outside the data directory, or with none, is refused", async (field) => {
    const inside = { kind: "inside", directory: dataDirectory } as const;
    const cases: [string, RegExp][] = [
      ["/etc/passwd", /must be a relative path inside the server's data directory/],
      ["../x.csv", /must be a relative path inside the server's data directory/],
      ["inner/link.csv", /leads outside the server's data directory/],
      ["missing.csv", /no such file in the server's data directory/],
    ];
    for (const [value, expected] of cases) {
      const message = await refusal(field, value, { scope: inside });
      expect(message).toMatch(field === lendingDepthCsv ? /depthCsv/ : expected);
      expect(message).not.toContain(dataDirectory);
    }
    const none = await refusal(field, "secret.csv", { scope: { kind: "nowhere" } });
    if (field !== lendingDepthCsv) {
      expect(none).toContain(
        "an uploaded scenario may name data files only when the server was started with --data-dir DIR",
      );
    }
  });

  it.each(fields)("%s: a refusal never quotes the file", async (field) => {
    const inside = { kind: "inside", directory: dataDirectory } as const;
    for (const file of ["secret.csv", "secret.json", "broken.json"]) {
      const message = await refusal(field, file, { scope: inside });
      expect(message).not.toContain(secret);
    }
    const message = await refusal(field, path.join(folder, "secret.csv"));
    expect(message).not.toContain(secret);
  });
});

describe("data file paths", () => {
  it("a NUL in a path and a directory are refused with what was found", async () => {
    expect(await refusal("positions.csv", "a\0b.csv")).toContain(
      "a path cannot contain a NUL character",
    );
    expect(await refusal("positions.csv", folder)).toContain(
      `it is a directory, not a regular file`,
    );
  });

  it("a relative path resolves against the scenario's folder and the message says where", async () => {
    const message = await refusal("positions.csv", "no-such.csv");
    expect(message).toContain(
      `"no-such.csv" cannot be read (resolved to ${path.join(presets, "no-such.csv")}): no such file`,
    );
  });
});
