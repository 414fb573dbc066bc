import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  expandSweep,
  latinHypercube,
  loadSweepPoints,
  parseSweepOption,
  type SweepDefinition,
  scaleDraw,
  sweepDefinition,
  sweepIdOf,
} from "../../src/runner/sweep.ts";
import { ScenarioError, UsageError } from "../../src/scenario/errors.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { sweepSchema } from "../../src/scenario/sweepSchema.ts";
import { smallStressFile } from "./fixtures.ts";

const noSettings = { scenarioSeed: 7, setPaths: [] };

describe("grid sweeps", () => {
  it("expands the cartesian product, the first path varying slowest", () => {
    const definition = sweepDefinition(
      {
        grid: {
          "exchange.insuranceFund": [1, 2],
          "exchange.liquidationFeeRate": [0.01, 0.02, 0.03],
        },
      },
      [],
      noSettings,
    );
    const points = expandSweep(definition as SweepDefinition);
    expect(points.map((point) => Object.values(point.values))).toEqual([
      [1, 0.01],
      [1, 0.02],
      [1, 0.03],
      [2, 0.01],
      [2, 0.02],
      [2, 0.03],
    ]);
    expect(points[4].overrides).toEqual([
      "exchange.insuranceFund=2",
      "exchange.liquidationFeeRate=0.02",
    ]);
    expect(points.map((point) => point.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("keeps whole alternatives (a tier list per value) and drops duplicate points", () => {
    const tiers = [[{ maxNotional: 1e6, rate: 0.01 }], [{ maxNotional: 1e6, rate: 0.02 }]];
    const definition = sweepDefinition(
      { grid: { "exchange.maintenanceMarginTiers": [tiers[0], tiers[1], tiers[0]] } },
      [],
      noSettings,
    ) as SweepDefinition;
    const points = expandSweep(definition);
    expect(points).toHaveLength(2);
    expect(points[1].overrides).toEqual([
      `exchange.maintenanceMarginTiers=${JSON.stringify(tiers[1])}`,
    ]);
  });

  it("reads --sweep as a grid or a range; a --sweep replaces the file's entry for its path", () => {
    expect(parseSweepOption("exchange.insuranceFund=5e5, 1e6,2e6")).toMatchObject({
      kind: "grid",
      values: [5e5, 1e6, 2e6],
    });
    expect(
      parseSweepOption("exchange.maintenanceMarginTiers=[{maxNotional: 1e6, rate: 0.01}],[]"),
    ).toMatchObject({ kind: "grid", values: [[{ maxNotional: 1e6, rate: 0.01 }], []] });
    expect(parseSweepOption("market.orderBook.shape.depthPerPercent=1e5..1e7:log")).toMatchObject({
      kind: "random",
      range: { min: 1e5, max: 1e7, scale: "log", integer: false },
    });
    expect(parseSweepOption("positions.population.count=100..200:int").kind).toBe("random");
    const definition = sweepDefinition(
      { grid: { "exchange.insuranceFund": [1, 2, 3] } },
      [parseSweepOption("exchange.insuranceFund=9")],
      noSettings,
    ) as SweepDefinition;
    expect(expandSweep(definition).map((point) => point.values)).toEqual([
      { "exchange.insuranceFund": 9 },
    ]);
  });

  it("rejects bad --sweep options and conflicting definitions with the entry named", () => {
    expect(() => parseSweepOption("exchange.insuranceFund")).toThrow(/expected PATH=V1,V2/);
    expect(() => parseSweepOption("exchange.insuranceFund=5..1")).toThrow(
      /--sweep exchange.insuranceFund: range 5..1 is not allowed; max must be greater than min/,
    );
    expect(() => parseSweepOption("exchange.insuranceFund=0..10:log")).toThrow(/needs min > 0/);
    expect(() =>
      sweepDefinition(
        { grid: { exchange: [{}] } },
        [parseSweepOption("exchange.insuranceFund=1,2")],
        noSettings,
      ),
    ).toThrow(/sweep.grid.exchange: exchange.insuranceFund is swept too/);
    expect(() =>
      sweepDefinition(undefined, [parseSweepOption("exchange.insuranceFund=1,2")], {
        scenarioSeed: 1,
        setPaths: ["exchange.insuranceFund"],
      }),
    ).toThrow(/--sweep exchange.insuranceFund: --set exchange.insuranceFund sets a field/);
    expect(() =>
      sweepDefinition(
        {
          grid: { "exchange.insuranceFund": [1] },
          random: {
            samples: 2,
            parameters: {
              "exchange.insuranceFund": { min: 1, max: 2, scale: "linear", integer: false },
            },
          },
        },
        [],
        noSettings,
      ),
    ).toThrow(/already in sweep.grid/);
    const many = Array.from({ length: 101 }, (_, index) => index);
    expect(() => sweepDefinition({ grid: { a: many, b: many } }, [], noSettings)).toThrow(
      /10,201 points .* more than the 10,000 allowed/,
    );
    expect(() => sweepDefinition(undefined, [], noSettings)).not.toThrow();
    expect(sweepDefinition(undefined, [], noSettings)).toBeUndefined();
  });

  it("has a strict schema: empty lists, reversed ranges and unknown keys are errors", () => {
    expect(sweepSchema.safeParse({ grid: { "exchange.insuranceFund": [] } }).success).toBe(false);
    expect(sweepSchema.safeParse({}).success).toBe(false);
    expect(
      sweepSchema.safeParse({ random: { samples: 4, parameters: { a: { min: 2, max: 1 } } } })
        .success,
    ).toBe(false);
    expect(
      sweepSchema.safeParse({
        random: { samples: 4, parameters: { a: { min: 1.2, max: 1.8, integer: true } } },
      }).success,
    ).toBe(false);
    expect(sweepSchema.safeParse({ grids: { a: [1] } }).success).toBe(false);
    expect(sweepSchema.safeParse({ grid: { "not a path": [1] } }).success).toBe(false);
  });
});

describe("random sweeps (Latin hypercube)", () => {
  const ranges = [
    { min: 10, max: 20, scale: "linear" as const, integer: false },
    { min: 1e3, max: 1e7, scale: "log" as const, integer: false },
    { min: 1, max: 5, scale: "linear" as const, integer: true },
  ];

  it("is deterministic for a seed and differs for another", () => {
    expect(latinHypercube(ranges, 8, 42)).toEqual(latinHypercube(ranges, 8, 42));
    expect(latinHypercube(ranges, 8, 43)).not.toEqual(latinHypercube(ranges, 8, 42));
  });

  it("puts exactly one sample in each of the N strata of every range (log strata for log scale)", () => {
    const samples = 10;
    const draws = latinHypercube(ranges, samples, 3);
    const linearStrata = draws.map((draw) => Math.floor(((draw[0] - 10) / 10) * samples)).sort();
    expect(linearStrata).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // log10 spans 3..7: four decades cut into ten strata of 0.4 decade each.
    const logStrata = draws
      .map((draw) => Math.floor(((Math.log10(draw[1]) - 3) / 4) * samples))
      .sort((first, second) => first - second);
    expect(logStrata).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const draw of draws) expect(Number.isInteger(draw[2])).toBe(true);
  });

  it("maps the ends of the unit interval onto the range with worked numbers", () => {
    expect(scaleDraw(ranges[0], 0.25)).toBe(12.5);
    // log scale: 1e3 · (1e7/1e3)^0.5 = 1e5.
    expect(scaleDraw(ranges[1], 0.5)).toBeCloseTo(1e5, 6);
    expect(scaleDraw(ranges[2], 0.99)).toBe(5);
    expect(scaleDraw({ min: 1.5, max: 3.5, scale: "linear", integer: true }, 0)).toBe(2);
  });

  it("stays inside every range (property, fast-check seed 5150)", () => {
    const range = fc
      .tuple(
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.boolean(),
        fc.boolean(),
      )
      .filter(
        ([a, b, , integer]) =>
          Math.abs(a - b) > 1e-6 &&
          (!integer || Math.floor(Math.max(a, b)) >= Math.ceil(Math.min(a, b))),
      )
      .map(([a, b, log, integer]) => ({
        min: Math.min(a, b),
        max: Math.max(a, b),
        scale: log ? ("log" as const) : ("linear" as const),
        integer,
      }));
    fc.assert(
      fc.property(
        fc.array(range, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 30 }),
        fc.nat(),
        (list, samples, seed) => {
          for (const draw of latinHypercube(list, samples, seed)) {
            draw.forEach((value, index) => {
              expect(value).toBeGreaterThanOrEqual(list[index].min);
              expect(value).toBeLessThanOrEqual(list[index].max);
            });
          }
        },
      ),
      { seed: 5150, numRuns: 200 },
    );
  });

  it("pairs every grid point with the samples, drawn from random.seed or the scenario seed", () => {
    const file = {
      grid: { "exchange.adl.ranking": ["binance", "proRata"] },
      random: {
        samples: 3,
        parameters: {
          "exchange.insuranceFund": { min: 1e3, max: 1e6, scale: "log" as const, integer: true },
        },
      },
    };
    const definition = sweepDefinition(file, [], noSettings) as SweepDefinition;
    expect(definition.samplingSeed).toBe(7);
    const points = expandSweep(definition);
    expect(points).toHaveLength(6);
    expect(points[0].values["exchange.insuranceFund"]).toBe(
      points[3].values["exchange.insuranceFund"],
    );
    const seeded = sweepDefinition(
      { ...file, random: { ...file.random, seed: 99 } },
      [],
      noSettings,
    );
    expect(seeded?.samplingSeed).toBe(99);
    expect(sweepDefinition(file, [], { ...noSettings, samples: 5 })?.samples).toBe(5);
  });
});

describe("loading sweep points", () => {
  it("validates every point before anything runs and names the entry, the value and why", async () => {
    const definition = sweepDefinition(
      undefined,
      [parseSweepOption("exchange.insuranceFund=1000,-5,abc")],
      noSettings,
    ) as SweepDefinition;
    const failure = loadSweepPoints(smallStressFile, {}, definition, expandSweep(definition));
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(
      /--sweep exchange.insuranceFund: value -5 \(point 1\): -5 is not allowed; must be >= 0/,
    );
    await expect(failure).rejects.toThrow(/value "abc" \(point 2\): expected a number/);
  });

  it("says a problem shared by every value once, with the values and points it hit", async () => {
    const definition = sweepDefinition(
      undefined,
      [parseSweepOption("exchange.insuranceFun=1,2")],
      noSettings,
    ) as SweepDefinition;
    const failure = loadSweepPoints(smallStressFile, {}, definition, expandSweep(definition));
    await expect(failure).rejects.toThrow(
      /^the sweep has invalid points; nothing was run:\n--sweep exchange\.insuranceFun: values 1, 2 \(points 0, 1\): unknown field "insuranceFun" \(did you mean "insuranceFund"\?\)/,
    );
  });

  it("gives each valid point its own scenario hash and the sweep an id from them", async () => {
    const definition = sweepDefinition(
      undefined,
      [parseSweepOption("exchange.insuranceFund=1000,2000")],
      noSettings,
    ) as SweepDefinition;
    const points = await loadSweepPoints(smallStressFile, {}, definition, expandSweep(definition));
    expect(points.map((point) => point.loaded.scenario.exchange.insuranceFund)).toEqual([
      1000, 2000,
    ]);
    expect(points[0].loaded.hash).not.toBe(points[1].loaded.hash);
    expect(sweepIdOf(points, 11)).toMatch(/^[0-9a-f]{16}$/);
    expect(sweepIdOf(points, 12)).not.toBe(sweepIdOf(points, 11));
  });
});

describe("a sweep: section in a scenario file", () => {
  const folder = mkdtempSync(join(tmpdir(), "deleverage-sweep-file-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const base = readFileSync(smallStressFile, "utf8");

  it("is read with the scenario and expands like --sweep", async () => {
    const file = join(folder, "swept.yaml");
    writeFileSync(
      file,
      `${base}sweep:\n  grid:\n    exchange.insuranceFund: [1000, 2000]\n  random:\n    samples: 2\n    parameters:\n      market.orderBook.shape.depthPerPercent: { min: 1.0e+5, max: 1.0e+6, scale: log }\n`,
    );
    const loaded = await loadScenario(file);
    const definition = sweepDefinition(loaded.scenario.sweep, [], {
      scenarioSeed: loaded.scenario.seed,
      setPaths: [],
    }) as SweepDefinition;
    expect(definition.parameters.map((parameter) => parameter.origin)).toEqual([
      "sweep.grid",
      "sweep.random.parameters",
    ]);
    const points = await loadSweepPoints(file, {}, definition, expandSweep(definition));
    expect(points).toHaveLength(4);
    for (const point of points) {
      const depth = point.loaded.scenario.market?.orderBook?.shape?.depthPerPercent ?? 0;
      expect(depth).toBeGreaterThanOrEqual(1e5);
      expect(depth).toBeLessThanOrEqual(1e6);
    }
  });

  it("is validated with the file: a bad range is located at its line", async () => {
    const file = join(folder, "bad.yaml");
    writeFileSync(
      file,
      `${base}sweep:\n  random:\n    samples: 2\n    parameters:\n      exchange.insuranceFund: { min: 0, max: 1.0e+6, scale: log }\n`,
    );
    const failure = loadScenario(file);
    await expect(failure).rejects.toThrow(ScenarioError);
    await expect(failure).rejects.toThrow(
      /bad\.yaml:\d+:\d+: sweep\.random\.parameters\.exchange\.insuranceFund\.min: .*a log-scale range needs min > 0/,
    );
  });
});
