import { describe, expect, it } from "vitest";
import { describeZodIssue, scenarioErrorMap } from "../../src/scenario/errors.ts";
import { makerAssetIssues, makerVenueSchema } from "../../src/scenario/makerSchema.ts";
import { makerConfig } from "../engine/venue/makerFixtures.ts";

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    value = typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
  }
  return value;
}

/** `field: value is not allowed; rule`, as the scenario loader prints it. */
function problems(input: unknown): string[] {
  const result = makerVenueSchema.safeParse(input, { error: scenarioErrorMap });
  if (result.success) return [];
  return result.error.issues.map(
    (issue) => `${issue.path.join(".")}: ${describeZodIssue(issue, valueAt(input, issue.path))}`,
  );
}

const withIlk = (fields: Record<string, unknown>) =>
  makerConfig({
    ilks: [{ name: "ETH-A", collateral: "ETH", mat: 1.5, ...fields }],
  });

describe("maker venue schema", () => {
  it("accepts a minimal venue and fills the dss-like defaults", () => {
    const venue = makerVenueSchema.parse(makerConfig());
    expect(venue.ilks[0]).toMatchObject({ chop: 1.13, buf: 1.2, tail: 8400, cusp: 0.4 });
    expect(venue.ilks[0].abacus).toEqual({ kind: "stairstep", step: 90, cut: 0.99 });
    expect(venue.debtAsset).toBe("DAI");
  });

  it.each([
    [{ mat: 1 }, "ilks.0.mat: 1 is not allowed; liquidation ratio mat must be above 1 (100 %)"],
    [{ mat: 0.8 }, "ilks.0.mat: 0.8 is not allowed; liquidation ratio mat must be above 1"],
    [{ buf: 0.9 }, "ilks.0.buf: 0.9 is not allowed; starting price buffer buf must be >= 1"],
    [{ cusp: 1 }, "ilks.0.cusp: 1 is not allowed; cusp must be strictly between 0 and 1"],
    [{ cusp: 0 }, "ilks.0.cusp: 0 is not allowed; cusp must be strictly between 0 and 1"],
    [
      { chop: 0.95 },
      "ilks.0.chop: 0.95 is not allowed; liquidation penalty multiplier chop must be >= 1",
    ],
    [{ chip: 1 }, "ilks.0.chip: 1 is not allowed; chip must be >= 0 and < 1"],
    [{ tail: 0 }, "ilks.0.tail: 0 is not allowed; must be > 0"],
    [{ tip: -1 }, "ilks.0.tip: -1 is not allowed; must be >= 0"],
    [
      { stabilityFee: -0.01 },
      "ilks.0.stabilityFee: -0.01 is not allowed; stabilityFee is an annual rate",
    ],
    [
      { abacus: { kind: "stairstep", step: 90, cut: 1.01 } },
      "ilks.0.abacus.cut: 1.01 is not allowed; cut must be > 0 and <= 1",
    ],
    [{ abacus: { kind: "linear", tau: -5 } }, "ilks.0.abacus.tau: -5 is not allowed; must be > 0"],
  ])("rejects %o with the field, the value and the rule", (fields, expected) => {
    const found = problems(withIlk(fields));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
  });

  it("rejects a vault of an unknown ilk, duplicate names and collateral equal to the debt asset", () => {
    const found = problems(
      makerConfig({
        ilks: [
          { name: "ETH-A", collateral: "ETH", mat: 1.5 },
          { name: "ETH-A", collateral: "DAI", mat: 1.5 },
        ],
        vaults: { inline: [{ ilk: "ETH-B", collateral: 1, debt: 10 }] },
        keepers: [
          { name: "k", dai: 0, gasPriceLimitGwei: 10 },
          { name: "k", dai: 0, gasPriceLimitGwei: 10 },
        ],
      }),
    );
    expect(found).toEqual([
      'ilks.1.name: "ETH-A" is not allowed; ilk names must be unique; this one is used twice',
      'ilks.1.collateral: "DAI" is not allowed; must differ from the debt asset DAI',
      'vaults.inline.0.ilk: "ETH-B" is not allowed; must name one of the venue\'s ilks: ETH-A',
      'keepers.1.name: "k" is not allowed; keeper names must be unique; this one is used twice',
    ]);
  });

  it("rejects a population bucket whose high is below its low, and unknown fields", () => {
    const found = problems(
      makerConfig({
        vaults: {
          population: [
            { ilk: "ETH-A", count: 5, totalDebt: 1e6, ratio: [{ low: 2, high: 1.5, share: 1 }] },
          ],
        },
      }),
    );
    expect(found).toEqual([
      "vaults.population.0.ratio.0.high: 1.5 is not allowed; high must be >= low",
    ]);
    expect(problems({ ...makerConfig(), liquidationRatio: 1.5 })[0]).toContain("liquidationRatio");
  });

  it("rejects a keeper with a negative capital or a margin of 1", () => {
    expect(
      problems(
        makerConfig({ keepers: [{ name: "k", dai: -1, gasPriceLimitGwei: 10, margin: 1 }] }),
      ),
    ).toEqual([
      "keepers.0.dai: -1 is not allowed; must be >= 0",
      "keepers.0.margin: 1 is not allowed; margin must be >= 0 and < 1",
    ]);
  });
});

describe("makerAssetIssues", () => {
  it("names collateral and debt assets the scenario does not list", () => {
    const venue = makerVenueSchema.parse(
      makerConfig({ debtAsset: "USDS", ilks: [{ name: "ETH-A", collateral: "WBTC", mat: 1.5 }] }),
    );
    expect(makerAssetIssues(venue, ["ETH", "DAI"])).toEqual([
      { path: ["debtAsset"], message: "must be one of the scenario's assets: ETH, DAI" },
      {
        path: ["ilks", 0, "collateral"],
        message: "must be one of the scenario's assets: ETH, DAI",
      },
    ]);
    expect(makerAssetIssues(makerVenueSchema.parse(makerConfig()), ["ETH", "DAI"])).toEqual([]);
  });
});
