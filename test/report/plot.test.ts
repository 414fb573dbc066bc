import { describe, expect, it } from "vitest";
import { niceAxis, plotSvg, tickStep } from "../../src/report/plot.ts";

describe("axis ticks", () => {
  it("picks 1, 2 or 5 times a power of ten", () => {
    expect(tickStep(0, 100, 5)).toBe(20);
    expect(tickStep(0, 1, 10)).toBe(0.1);
    expect(tickStep(88_000, 100_000, 6)).toBe(2000);
  });

  it("widens the domain to whole ticks without rounding noise", () => {
    expect(niceAxis(0.13, 0.71, 6)).toEqual({
      domain: [0.1, 0.8],
      ticks: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    });
    expect(niceAxis(5, 5).domain[0]).toBeLessThan(5);
    expect(niceAxis(Number.NaN, Number.NaN).ticks.length).toBeGreaterThan(1);
  });

  it("draws a series flat within rounding as flat (the fuzz case tfg.noiseVolatility = 0 hung here)", () => {
    // One ulp apart: a step of ~1e-17 put the tick index past 2^53, where it stops moving.
    const axis = niceAxis(1, 1 + Number.EPSILON);
    expect(axis.ticks.length).toBeLessThan(20);
    expect(axis.domain[0]).toBeLessThan(1);
    expect(axis.domain[1]).toBeGreaterThan(1 + Number.EPSILON);
    expect(niceAxis(0, 0).ticks.length).toBeLessThan(20);
  });
});

describe("plotSvg", () => {
  const spec = {
    x: [0, 1, 2, 3],
    xAxis: { title: "x", format: String },
    yAxis: { title: "y", format: String, include: [0] },
    series: [{ kind: "bars" as const, label: "b", color: "#123456", values: [0, 5, null, 2] }],
  };

  it("gives the same bytes for the same spec and leaves missing values out", () => {
    expect(plotSvg(spec)).toBe(plotSvg(spec));
    const bars = /<path d="([^"]*)" fill="#123456"/.exec(plotSvg(spec))?.[1] ?? "";
    // Two bars: the zero and the missing value draw nothing.
    expect(bars.match(/M/g)).toHaveLength(2);
  });

  it("draws counts on a log axis by decades", () => {
    const svg = plotSvg({ ...spec, yAxis: { title: "runs", format: String, log: true } });
    for (const tick of [">1<", ">10<"]) expect(svg).toContain(tick);
  });
});
