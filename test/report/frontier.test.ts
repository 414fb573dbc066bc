import { describe, expect, it } from "vitest";
import {
  costChartData,
  frontierLine,
  recommendChartData,
  sweepChartData,
} from "../../src/report/frontier.ts";
import { frontierSvg } from "../../src/report/frontierSvg.ts";
import type { RecommendResult } from "../../src/runner/recommend.ts";
import { parseTarget } from "../../src/runner/recommendTarget.ts";
import type { SweepSummary } from "../../src/runner/sweepSummary.ts";

function evaluation(
  index: number,
  fund: number,
  hits: number,
  trials: number,
  verdict: "met" | "missed" | "undecided",
  onFrontier = false,
) {
  return {
    index,
    parameters: { "exchange.insuranceFund": fund },
    runs: trials,
    failedRuns: 0,
    batchIds: [],
    targets: [
      {
        hits,
        trials,
        estimate: hits / trials,
        low: 0.01 * index,
        high: 0.1 + 0.01 * index,
        verdict,
      },
    ],
    verdict,
    objectives: [fund],
    onFrontier,
    dominatedBy: null,
  };
}

const result: RecommendResult = {
  rule: "",
  confidence: 0.95,
  targets: [parseTarget("P(badDebt > 1e6) < 0.2")],
  objectives: [{ path: "exchange.insuranceFund", direction: "minimize" }],
  runsPerStage: 20,
  maxRuns: 160,
  stages: 2,
  points: [
    evaluation(0, 1e5, 12, 20, "missed"),
    evaluation(1, 5e5, 1, 40, "met", true),
    evaluation(2, 2e6, 0, 20, "undecided"),
    evaluation(3, 4e6, 0, 40, "met"),
  ],
  frontier: [1],
  recommended: 1,
  reason: "",
};

describe("sweep frontier chart data", () => {
  it("plots the first objective against the first target with its bounds and verdict", () => {
    const data = recommendChartData(result);
    expect(data.limit).toBe(0.2);
    expect(data.xLabel).toBe("exchange.insuranceFund (minimize)");
    expect(data.xUnit).toBe("money");
    // 1e5 … 4e6 spans a factor of 40: a log axis.
    expect(data.logX).toBe(true);
    expect(data.yLabel).toBe("P(badDebt > 1e6)");
    expect(data.points[1]).toMatchObject({
      x: 5e5,
      y: 0.025,
      low: 0.01,
      high: 0.11,
      runs: 40,
      status: "met",
      onFrontier: true,
      recommended: true,
    });
    expect(data.points.map((point) => point.status)).toEqual(["missed", "met", "undecided", "met"]);
    expect(data.frontierLine).toEqual([{ x: 5e5, y: 0.025 }]);
  });

  it("draws the frontier line through frontier points in x order", () => {
    const points = recommendChartData(result).points.map((point, index) => ({
      ...point,
      onFrontier: index !== 0,
    }));
    expect(frontierLine(points).map((point) => point.x)).toEqual([5e5, 2e6, 4e6]);
  });

  it("gives a stress sweep P(fund exhausted) against its first numeric parameter, unjudged", () => {
    const proportion = (hits: number) => ({
      hits,
      trials: 10,
      probability: hits / 10,
      low: 0,
      high: 0.5,
    });
    const summary = {
      parameters: [
        { path: "exchange.adl.ranking", origin: "--sweep", kind: "grid", values: ["binance"] },
        { path: "exchange.insuranceFund", origin: "--sweep", kind: "grid", values: [1, 2] },
      ],
      points: [1000, 2000].map((fund, index) => ({
        index,
        parameters: { "exchange.adl.ranking": "binance", "exchange.insuranceFund": fund },
        scenarioHash: "",
        batchIds: [],
        summary: { completedRuns: 10, insuranceFundExhausted: proportion(4 - 2 * index) },
      })),
    } as unknown as SweepSummary;
    const data = sweepChartData(summary);
    expect(data.xLabel).toBe("exchange.insuranceFund");
    expect(data.logX).toBe(false);
    expect(data.limit).toBeNull();
    expect(data.points.map((point) => [point.x, point.y, point.status])).toEqual([
      [1000, 0.4, "unjudged"],
      [2000, 0.2, "unjudged"],
    ]);
  });

  it("plots the first two cost objectives against each other, or nothing with one", () => {
    expect(costChartData(result)).toBeNull();
    const twoCosts: RecommendResult = {
      ...result,
      objectives: [
        ...result.objectives,
        { path: "exchange.liquidationFeeRate", direction: "maximize" },
      ],
      points: result.points.map((point, index) => ({
        ...point,
        objectives: [point.objectives[0], [0.01, 0.005, 0.02, 0.001][index]],
      })),
    };
    const data = costChartData(twoCosts);
    expect(data?.points.map((point) => [point.x, point.y, point.status])).toEqual([
      [1e5, 0.01, "missed"],
      [5e5, 0.005, "met"],
      [2e6, 0.02, "undecided"],
      [4e6, 0.001, "met"],
    ]);
    expect(data?.yUnit).toBe("number");
    expect(data?.logY).toBe(true);
    expect(data?.limit).toBeNull();
    expect(data?.frontierLine).toEqual([{ x: 5e5, y: 0.005 }]);
    const svg = frontierSvg(data as NonNullable<typeof data>, "small, seed 1");
    expect(svg).not.toContain('class="limit"');
    expect(svg.match(/<g class="sweep-point"/g)).toHaveLength(4);
  });

  it("renders one mark per point, the limit and the frontier, reproducibly", () => {
    const svg = frontierSvg(recommendChartData(result), "small, seed 1");
    expect(svg.match(/<g class="sweep-point"/g)).toHaveLength(4);
    expect(svg).toContain('data-status="missed"');
    expect(svg).toContain('class="limit"');
    expect(svg).toContain('data-frontier="true"');
    expect(svg).toContain(">recommended</text>");
    expect(svg).toContain("limit 20.0 %");
    expect(frontierSvg(recommendChartData(result), "small, seed 1")).toBe(svg);
  });
});
