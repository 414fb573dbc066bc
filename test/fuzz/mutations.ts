/**
 * The scenario fuzzer's cases: every preset, made small enough to run in a fraction of a
 * second, then mutated by a seeded fast-check generator — fields dropped, wrong types, extreme
 * numbers, data-file fields pointed at FIFOs, devices, directories, big or outside files, YAML
 * alias bombs, deep nesting, binary garbage, huge files and bad `--set` overrides. A case is the
 * bytes of a scenario file and the overrides given with it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { type Document, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { fileFieldPatterns, fileFieldValues } from "../../src/scenario/fileFields.ts";

export const presetDirectory = path.resolve(import.meta.dirname, "../../scenarios");

/** Overrides that make each preset cheap to run; the fuzzer mutates these small versions. */
const shrink: Record<string, string[]> = {
  example: ["positions.population.count=500", "steps=200"],
  "oct-10-2025": ["positions.population.count=2000"],
  "leverage-cycle": [
    "steps=300",
    "decomposition=false",
    "positions.population.count=1000",
    ...[0, 1, 2, 3, 4].map((agent) => `accumulation.agents.${agent}.count=5`),
  ],
  "tfg-2012": ["steps=3000", "statistics.burnIn=500"],
  "may-2021-aave": ["steps=200", "venues.0.accounts.population.count=500"],
  "black-thursday-2020": ["venues.0.vaults.population.0.count=300"],
  "cross-venue": [
    "steps=120",
    "venues.0.accounts.population.count=300",
    "venues.1.positions.population.count=300",
  ],
};

export const presets = Object.keys(shrink);

/** Presets whose data files are in ../shared/data, which some machines do not have. */
export function needsSharedData(preset: string): boolean {
  return /shared\/data/.test(readFileSync(path.join(presetDirectory, `${preset}.yaml`), "utf8"));
}

function pathOf(text: string): (string | number)[] {
  return text.split(".").map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

/** The small preset as YAML text, its data paths absolute so the file can live anywhere. */
export function baseText(preset: string): string {
  const document = parseDocument(
    readFileSync(path.join(presetDirectory, `${preset}.yaml`), "utf8"),
  );
  for (const assignment of shrink[preset]) {
    const equals = assignment.indexOf("=");
    document.setIn(
      pathOf(assignment.slice(0, equals)),
      parseDocument(assignment.slice(equals + 1)).toJS(),
    );
  }
  for (const field of fileFieldValues(document.toJS())) {
    document.setIn(field.fieldPath, path.resolve(presetDirectory, field.value));
  }
  return document.toString();
}

/** Hostile things a data-file field can name, made once per fuzz run in `folder`. */
export function hostileFiles(folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const fifo = path.join(folder, "pipe.csv");
  execFileSync("mkfifo", [fifo]);
  const big = path.join(folder, "big.csv");
  writeFileSync(big, "");
  execFileSync("truncate", ["-s", "300M", big]);
  const loop = path.join(folder, "loop.csv");
  symlinkSync(loop, loop);
  const garbage = path.join(folder, "garbage.csv");
  writeFileSync(
    garbage,
    Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)),
  );
  const secret = path.join(folder, "secret.csv");
  writeFileSync(secret, "FUZZ-SECRET,1\nFUZZ-SECRET\n");
  return [
    fifo,
    big,
    loop,
    garbage,
    secret,
    folder,
    "/dev/zero",
    "/dev/urandom",
    "/dev/null",
    "/etc/passwd",
    "/proc/self/mem",
    "no-such-file.csv",
    "nul\u0000byte.csv",
    "",
    "x".repeat(5000),
  ];
}

export interface FuzzCase {
  preset: string;
  /** What was done, for the report of a failing case. */
  mutation: string;
  bytes: Uint8Array;
  overrides: string[];
}

interface NodePath {
  path: (string | number)[];
  scalar: boolean;
}

/** Every node of a document with its path, so mutations can pick one. */
function nodePaths(document: Document): NodePath[] {
  const found: NodePath[] = [];
  const visit = (node: unknown, at: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const next = [...at, String(pair.key.value)];
        found.push({ path: next, scalar: isScalar(pair.value) });
        visit(pair.value, next);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        found.push({ path: [...at, index], scalar: isScalar(item) });
        visit(item, [...at, index]);
      });
    }
  };
  visit(document.contents, []);
  return found;
}

const extremeNumbers = [
  0,
  -1,
  -0.5,
  0.5,
  1,
  2 ** 31,
  2 ** 53,
  1e9,
  1e12,
  1e15,
  1e16,
  1e100,
  1e308,
  -1e308,
  1e-300,
  5e-324,
];
const wrongValues: unknown[] = [
  "text",
  "",
  true,
  null,
  [],
  [1, 2],
  {},
  { kind: "nothing" },
  "1e400",
  ".nan",
  "-.inf",
  "🙂".repeat(50),
];

/** A fast-check arbitrary of cases over every preset (data-dependent ones only if `withData`). */
export function fuzzCaseArbitrary(
  files: readonly string[],
  withData: boolean,
): fc.Arbitrary<FuzzCase> {
  const usable = presets.filter((preset) => withData || !needsSharedData(preset));
  const bases = new Map(usable.map((preset) => [preset, baseText(preset)]));
  const paths = new Map(
    usable.map((preset) => [preset, nodePaths(parseDocument(bases.get(preset) as string))]),
  );
  const filePatterns = fileFieldPatterns();
  const encode = (text: string) => new TextEncoder().encode(text);

  const documentMutation = (preset: string): fc.Arbitrary<FuzzCase> => {
    const base = bases.get(preset) as string;
    const nodes = paths.get(preset) as NodePath[];
    const node = fc.constantFrom(...nodes);
    const edit = (
      mutation: string,
      change: (document: Document) => void,
      overrides: string[] = [],
    ): FuzzCase => {
      const document = parseDocument(base);
      try {
        change(document);
      } catch {
        // A key under a list, or a path through a scalar: the yaml package refuses the edit,
        // and the case is the unmutated small preset.
      }
      return { preset, mutation, bytes: encode(document.toString()), overrides };
    };
    return fc.oneof(
      node.map((picked) =>
        edit(`drop ${picked.path.join(".")}`, (document) => document.deleteIn(picked.path)),
      ),
      fc
        .tuple(node, fc.constantFrom(...wrongValues))
        .map(([picked, value]) =>
          edit(`${picked.path.join(".")} = ${JSON.stringify(value)}`, (document) =>
            document.setIn(picked.path, document.createNode(value)),
          ),
        ),
      fc
        .tuple(node, fc.constantFrom(...extremeNumbers))
        .map(([picked, value]) =>
          edit(`${picked.path.join(".")} = ${value}`, (document) =>
            document.setIn(picked.path, value),
          ),
        ),
      fc
        .tuple(fc.constantFrom(...filePatterns), fc.constantFrom(...files))
        .map(([pattern, file]) => {
          const target = pattern.map((key) => (key === "*" ? 0 : key));
          return edit(`${target.join(".")} = ${JSON.stringify(file)}`, (document) => {
            // The field's parent is created when the preset has none (a perp file on a lending
            // scenario is an unknown field: refused all the same, which is the point).
            document.setIn(target, file);
          });
        }),
      fc.tuple(node, fc.string({ maxLength: 12 })).map(([picked, key]) =>
        edit(`unknown key ${JSON.stringify(key)} under ${picked.path.join(".")}`, (document) => {
          if (!picked.scalar) document.setIn([...picked.path, `x${key}`], 1);
        }),
      ),
      fc
        .tuple(fc.constantFrom("steps", "dt", "seed"), fc.constantFrom(...extremeNumbers))
        .map(([field, value]) => edit(`--set ${field}=${value}`, () => {}, [`${field}=${value}`])),
      fc
        .array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 3 })
        .map((overrides) => edit(`--set ${JSON.stringify(overrides)}`, () => {}, overrides)),
      fc
        .tuple(node, fc.constantFrom(...extremeNumbers))
        .map(([picked, value]) =>
          edit(`--set ${picked.path.join(".")}=${value}`, () => {}, [
            `${picked.path.join(".")}=${value}`,
          ]),
        ),
    );
  };

  const textMutation = (preset: string): fc.Arbitrary<FuzzCase> => {
    const base = bases.get(preset) as string;
    const text = (mutation: string, bytes: Uint8Array): FuzzCase => ({
      preset,
      mutation,
      bytes,
      overrides: [],
    });
    return fc.oneof(
      fc.integer({ min: 2, max: 12 }).map((levels) => {
        let bomb = "bombA: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (let level = 0; level < levels; level++) {
          bomb += `bomb${level}: &b${level} [${Array(10)
            .fill(level === 0 ? "*a" : `*b${level - 1}`)
            .join(", ")}]\n`;
        }
        return text(`alias bomb of ${levels} levels`, encode(`${base}${bomb}`));
      }),
      fc
        .tuple(fc.integer({ min: 50, max: 6000 }), fc.boolean())
        .map(([depth, flow]) =>
          text(
            `${flow ? "flow" : "block"} nesting ${depth} deep`,
            encode(
              flow
                ? `${base}deep: ${"[".repeat(depth)}${"]".repeat(depth)}\n`
                : `${base}deep:\n${Array.from({ length: Math.min(depth, 400) }, (_, level) => `${" ".repeat(level)}- `).join("\n")}x\n`,
            ),
          ),
        ),
      fc
        .uint8Array({ minLength: 0, maxLength: 2000 })
        .map((bytes) => text(`${bytes.length} random bytes`, bytes)),
      fc
        .tuple(fc.nat({ max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 16 }))
        .map(([at, bytes]) => {
          const original = encode(base);
          const mixed = new Uint8Array(original.length + bytes.length);
          mixed.set(original.subarray(0, at));
          mixed.set(bytes, at);
          mixed.set(original.subarray(at), at + bytes.length);
          return text(`${bytes.length} random bytes at ${at}`, mixed);
        }),
      fc.nat({ max: base.length }).map((at) => text(`cut at ${at}`, encode(base.slice(0, at)))),
      fc.integer({ min: 1000, max: 30_000 }).map((keys) => {
        let extra = "";
        for (let key = 0; key < keys; key++) extra += `unknown${key}: ${key}\n`;
        return text(`${keys} unknown keys`, encode(`${base}${extra}`));
      }),
      // One 9 MB file per preset, shared by every case that picks it.
      fc.constant(text("a 9 MB file", encode(`${base}#${"x".repeat(9 * 1024 * 1024)}\n`))),
      fc.constant(text("a duplicated key", encode(`${base}name: again\n`))),
      fc.constant(text("JSON of the wrong shape", encode(JSON.stringify([{ name: preset }])))),
    );
  };

  const perPreset = new Map(
    usable.map((preset) => [
      preset,
      fc.oneof(
        { weight: 3, arbitrary: documentMutation(preset) },
        { weight: 1, arbitrary: textMutation(preset) },
      ),
    ]),
  );
  return fc
    .constantFrom(...usable)
    .chain((preset) => perPreset.get(preset) as fc.Arbitrary<FuzzCase>);
}

/** `count` cases from `seed`: the same seed gives the same cases. */
export function fuzzCases(
  seed: number,
  count: number,
  files: readonly string[],
  withData: boolean,
): FuzzCase[] {
  return fc.sample(fuzzCaseArbitrary(files, withData), { seed, numRuns: count });
}
