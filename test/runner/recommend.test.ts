import { describe, expect, it } from "vitest";
import { dominates, paretoFrontier, pickRecommendation } from "../../src/runner/pareto.ts";
import { evaluatePoints, pointsNeedingRuns } from "../../src/runner/recommend.ts";
import {
  combineVerdicts,
  eventHappened,
  judge,
  parseTarget,
} from "../../src/runner/recommendTarget.ts";
import type { RunMetrics } from "../../src/runner/runRecord.ts";
import { clopperPearson } from "../../src/runner/statistics.ts";
import type { StoredRun } from "../../src/runner/store.ts";
import type { LoadedSweepPoint } from "../../src/runner/sweep.ts";

describe("targets", () => {
  it("parses probability limits on a metric or a yes/no event", () => {
    expect(parseTarget("P(badDebt > 1e6) < 0.01")).toMatchObject({
      metric: "badDebt",
      event: { kind: "compare", comparison: ">", threshold: 1e6 },
      limit: "<",
      probability: 0.01,
    });
    expect(parseTarget(" P( insuranceFundExhausted ) <= 5% ")).toMatchObject({
      event: { kind: "flag", flag: "insuranceFundExhausted" },
      limit: "<=",
      probability: 0.05,
    });
    expect(parseTarget("P(adlFired) < 0.5").event).toEqual({ kind: "flag", flag: "adlFired" });
  });

  it("rejects what it cannot read, naming the problem", () => {
    expect(() => parseTarget("badDebt < 1e6")).toThrow(/expected P\(METRIC OP X\) OP P/);
    expect(() => parseTarget("P(badDebts > 1) < 0.1")).toThrow(/unknown metric "badDebts"/);
    expect(() => parseTarget("P(badDebt > 1) < 1.5")).toThrow(/strictly between 0 and 1/);
    expect(() => parseTarget("P(badDebt) < 0.1")).toThrow(/needs a comparison/);
  });

  it("decides per run whether the event happened", () => {
    const metrics = { badDebt: 2e6, adlCount: 0, insuranceFundExhausted: true } as RunMetrics;
    expect(eventHappened(parseTarget("P(badDebt > 1e6) < 0.1"), metrics)).toBe(true);
    expect(eventHappened(parseTarget("P(badDebt > 3e6) < 0.1"), metrics)).toBe(false);
    expect(eventHappened(parseTarget("P(adlFired) < 0.1"), metrics)).toBe(false);
    expect(eventHappened(parseTarget("P(insuranceFundExhausted) < 0.1"), metrics)).toBe(true);
  });
});

describe("judging a target by its bounds", () => {
  it("judges with worked numbers: met, missed, undecided", () => {
    const limit = parseTarget("P(badDebt > 0) < 0.2");
    // 1 of 20: upper bound 21.6 % is not below 20 %, lower 0.26 % is not at or above: undecided.
    expect(judge(limit, clopperPearson(1, 20))).toBe("undecided");
    // 1 of 40: upper bound 11.4 % < 20 %: met.
    expect(clopperPearson(1, 40).high).toBeCloseTo(0.113, 3);
    expect(judge(limit, clopperPearson(1, 40))).toBe("met");
    // 12 of 20: lower bound 39.4 % ≥ 20 %: missed.
    expect(clopperPearson(12, 20).low).toBeCloseTo(0.394, 3);
    expect(judge(limit, clopperPearson(12, 20))).toBe("missed");
    const floor = parseTarget("P(adlFired) > 0.5");
    expect(judge(floor, clopperPearson(19, 20))).toBe("met");
    expect(judge(floor, clopperPearson(2, 20))).toBe("missed");
    expect(combineVerdicts(["met", "undecided"])).toBe("undecided");
    expect(combineVerdicts(["met", "missed", "undecided"])).toBe("missed");
    expect(combineVerdicts(["met", "met"])).toBe("met");
  });
});

describe("Pareto frontier", () => {
  const objectives = [
    { path: "exchange.insuranceFund", direction: "minimize" as const },
    { path: "maxLeverage", direction: "maximize" as const },
  ];
  // (fund, leverage): the frontier is the cheapest fund for each leverage that beats all cheaper.
  const candidates = [
    { index: 0, values: [1e6, 20] },
    { index: 1, values: [2e6, 50] },
    { index: 2, values: [2e6, 20] }, // dominated by 0 (same leverage, bigger fund) and by 1
    { index: 3, values: [5e5, 10] },
    { index: 4, values: [3e6, 50] }, // dominated by 1
    { index: 5, values: [1e6, 20] }, // equal to 0: both stay
    { index: 6, values: [4e6, 100] },
  ];

  it("keeps the non-dominated points of a hand-made set", () => {
    expect(dominates(objectives, candidates[0], candidates[2])).toBe(true);
    expect(dominates(objectives, candidates[0], candidates[5])).toBe(false);
    expect(paretoFrontier(objectives, candidates)).toEqual([0, 1, 3, 5, 6]);
  });

  it("recommends by objective priority, then safety margin, then index", () => {
    const frontier = candidates.filter((candidate) => [0, 1, 3, 5, 6].includes(candidate.index));
    expect(pickRecommendation(objectives, frontier, new Map())?.index).toBe(3);
    const leverageFirst = [objectives[1], objectives[0]];
    expect(pickRecommendation(leverageFirst, frontier, new Map())?.index).toBe(6);
    const tied = [candidates[0], candidates[5]];
    expect(pickRecommendation(objectives, tied, new Map())?.index).toBe(0);
    expect(
      pickRecommendation(
        objectives,
        tied,
        new Map([
          [0, 0.01],
          [5, 0.05],
        ]),
      )?.index,
    ).toBe(5);
    expect(pickRecommendation(objectives, [], new Map())).toBeUndefined();
  });
});

function runsWithHits(hits: number, total: number): StoredRun[] {
  return Array.from({ length: total }, (_, runIndex) => ({
    runIndex,
    seed: 1,
    status: "ok" as const,
    error: null,
    metrics: { badDebt: runIndex < hits ? 2e6 : 0 } as RunMetrics,
  }));
}

describe("evaluating sweep points", () => {
  const funds = [1e5, 5e5, 1e6, 2e6];
  const points = funds.map(
    (fund, index) =>
      ({
        index,
        values: { "exchange.insuranceFund": fund },
        overrides: [],
      }) as unknown as LoadedSweepPoint,
  );
  const objectives = [{ path: "exchange.insuranceFund", direction: "minimize" as const }];
  const values = new Map(funds.map((fund, index) => [index, [fund]]));
  const target = parseTarget("P(badDebt > 1e6) < 0.2");

  it("finds the smallest fund that meets the target and asks for runs only where it could matter", () => {
    // Bad debt falls as the fund grows: 15, 3, 0 and 0 of 40 runs.
    const runs = new Map([
      [0, runsWithHits(15, 40)],
      [1, runsWithHits(3, 40)],
      [2, runsWithHits(0, 40)],
      [3, runsWithHits(0, 40)],
    ]);
    const result = evaluatePoints(points, runs, new Map(), [target], objectives, values);
    expect(result.points.map((point) => point.verdict)).toEqual(["missed", "met", "met", "met"]);
    expect(result.frontier).toEqual([1]);
    expect(result.recommended).toBe(1);
    expect(result.points[1].targets[0]).toMatchObject({ hits: 3, trials: 40 });

    const early = new Map([
      [0, runsWithHits(15, 40)],
      [1, runsWithHits(1, 20)], // undecided, cheaper than any met point: worth more runs
      [2, runsWithHits(0, 40)],
      [3, runsWithHits(1, 20)], // undecided but dominated by point 2, which is met
    ]);
    const open = evaluatePoints(points, early, new Map(), [target], objectives, values);
    expect(open.points.map((point) => point.verdict)).toEqual([
      "missed",
      "undecided",
      "met",
      "undecided",
    ]);
    expect(open.recommended).toBe(2);
    expect(pointsNeedingRuns(open.points, objectives, 160)).toEqual([1]);
    expect(open.points[3].dominatedBy).toBe(2);
    expect(open.points[1].dominatedBy).toBeNull();
    // With nothing met yet, every open point is a candidate, cheapest first.
    const none = new Map([
      [0, runsWithHits(1, 20)],
      [1, runsWithHits(1, 20)],
      [2, runsWithHits(15, 40)],
      [3, runsWithHits(1, 20)],
    ]);
    const cheapestFirst = evaluatePoints(points, none, new Map(), [target], objectives, values);
    expect(pointsNeedingRuns(cheapestFirst.points, objectives, 160)).toEqual([0, 1, 3]);
    const dearFirst = [{ path: "exchange.insuranceFund", direction: "maximize" as const }];
    expect(pointsNeedingRuns(cheapestFirst.points, dearFirst, 160)).toEqual([3, 1, 0]);
    expect(pointsNeedingRuns(open.points, objectives, 20)).toEqual([]);
  });

  it("recommends nothing when no point meets the target", () => {
    const runs = new Map(funds.map((_, index) => [index, runsWithHits(30, 40)]));
    const result = evaluatePoints(points, runs, new Map(), [target], objectives, values);
    expect(result.recommended).toBeNull();
    expect(result.frontier).toEqual([]);
  });
});
