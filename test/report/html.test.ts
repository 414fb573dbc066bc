import { describe, expect, it } from "vitest";
import { adlTablesHtml } from "../../src/report/adlTables.ts";
import { maxChartPoints, type ReportChartData } from "../../src/report/chartData.ts";
import { chartSections } from "../../src/report/chartStyle.ts";
import { jsonForScript, reportHtml } from "../../src/report/html.ts";
import { escapeHtml } from "../../src/report/markup.ts";
import { summaryText } from "../../src/report/summary.ts";
import { fixtureEvents, makeRunResult, makeSummary } from "./fixtures.ts";

function embeddedData(html: string): ReportChartData {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new Error("no embedded data");
  return JSON.parse(match[1]) as ReportChartData;
}

describe("reportHtml", () => {
  const summary = makeSummary();
  const html = reportHtml(summary, makeRunResult());

  it("is byte-identical for identical input", () => {
    expect(reportHtml(makeSummary(), makeRunResult())).toBe(html);
  });

  it("is self-contained: uPlot inlined, nothing loaded from elsewhere, no local paths", () => {
    expect(html).toContain("var uPlot=");
    expect(html).toContain(".uplot");
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]*\s(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toContain(process.cwd());
    expect(html).not.toContain("node_modules");
  });

  it("starts with the plain-language summary and lists every summary.json field", () => {
    expect(html).toContain(escapeHtml(summaryText(summary)));
    for (const field of [
      "liquidatedNotional",
      "amplification",
      "ledger.drift",
      "scenarioHash",
      "version",
    ]) {
      expect(html).toContain(`<th scope="row">${field}</th>`);
    }
    expect(html).toContain("<td>1230000000</td>");
  });

  it("embeds the chart data as JSON", () => {
    const data = embeddedData(html);
    expect(data.startPrice).toBe(100);
    expect(data.price[0]).toEqual([0, 1, 2, 3, 4]);
    expect(data.price[1]).toEqual([100, 90, 90, 90, 90]);
    expect(data.price[2]).toEqual([100, 94.15, 88.3, 82.45, 76.6]);
    expect(data.gap[1][1]).toBeCloseTo((94.15 / 90 - 1) * 100, 4);
    expect(data.heatmap).toEqual([
      [77.5, 82.5, 87.5, 112.5],
      [2_500_000, 0, 1_000_000, 0],
      [0, 0, 0, -750_000],
    ]);
    // From the start price of 100: longs liquidated at or above 75 (all 3.5M) if it falls to 75,
    // shorts at or below 115 (750K) if it rises to 115.
    expect(data.cumulative).toEqual([
      [75, 80, 85, 115],
      [3_500_000, 1_000_000, 1_000_000, null],
      [null, null, null, 750_000],
    ]);
  });

  it("lists the first events and says how many there are", () => {
    expect(html).toContain("All 4 events.");
    expect(html).toContain("<td>bob, the whale</td>");
    expect(html).toContain("<td>say &quot;hi&quot;</td>");
    const many = Array.from({ length: 250 }, (_, index) => ({ ...fixtureEvents[0], step: index }));
    const long = reportHtml(summary, makeRunResult({ events: many }));
    expect(long).toContain("The first 200 of 250 events; events.csv lists all of them.");
    expect(long).toContain("<td>199</td>");
    expect(long).not.toContain("<td>200</td>");
  });

  it("escapes text that could break out of the page", () => {
    const hostile = makeSummary({ name: "</script><b>x</b>" });
    const page = reportHtml(hostile, makeRunResult(), { title: "<i>t</i>" });
    expect(page).not.toContain("<b>x</b>");
    expect(page).not.toContain("<i>t</i>");
    expect(page).toContain("<title>&lt;i&gt;t&lt;/i&gt;</title>");
    expect(page.match(/<\/script>/g)).toHaveLength(3);
    expect(jsonForScript({ text: "</script><!--" })).toBe('{"text":"\\u003c/script>\\u003c!--"}');
  });

  it("downsamples long runs to the chart budget", () => {
    const page = reportHtml(summary, makeRunResult({ steps: 60_000 }));
    const data = embeddedData(page);
    for (const chart of [
      data.price,
      data.gap,
      data.rounds,
      data.funds,
      data.openInterest,
      data.depth,
    ]) {
      expect(chart[0].length).toBeLessThanOrEqual(maxChartPoints);
      expect(chart[0][0]).toBe(0);
      expect(chart[0].at(-1)).toBe(60_000);
      for (const series of chart) expect(series).toHaveLength(chart[0].length);
    }
  });

  it("has a chart box for every chart, in reading order, and the ADL tables", () => {
    const boxes = Array.from(
      html.matchAll(/<div class="chart(?: compact)?" id="chart-(\w+)" data-chart="(\w+)">/g),
    );
    expect(boxes.map((box) => box[2])).toEqual(chartSections.map((section) => section.kind));
    expect(html.indexOf("<h2>Where the numbers come from</h2>")).toBeLessThan(
      html.indexOf(`data-chart="price"`),
    );
    expect(html.indexOf(`data-chart="price"`)).toBeLessThan(html.indexOf("<h2>summary.json</h2>"));
    expect(html).toContain(adlTablesHtml(embeddedData(html).adlBreakdown));
  });

  it("inlines one chart script built from the TypeScript sources", () => {
    const scripts = Array.from(html.matchAll(/<script>([\s\S]*?)<\/script>/g), (match) => match[1]);
    expect(scripts).toHaveLength(2);
    expect(scripts[1]).toContain("report-data");
    expect(scripts[1]).not.toMatch(/\bimport\b.*\bfrom\b/);
  });
});
