import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { escapeHtml, jsonForScript, maxChartPoints, reportHtml } from "../../src/report/html.ts";
import { summaryText } from "../../src/report/summary.ts";
import { fixtureEvents, makeRunResult, makeSummary } from "./fixtures.ts";

type Aligned = (number | null)[][];
interface EmbeddedData {
  startPrice: number;
  price: Aligned;
  liquidations: Aligned;
  funds: Aligned;
  openInterest: Aligned;
  depth: Aligned;
  heatmap: Aligned;
}

function embeddedJson(html: string): string {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new Error("no embedded data");
  return match[1];
}

function scripts(html: string): string[] {
  return Array.from(html.matchAll(/<script>([\s\S]*?)<\/script>/g), (match) => match[1]);
}

interface CreatedChart {
  options: { series: unknown[] };
  data: Aligned;
  target: string;
}

/** Runs the page's own script against a stand-in uPlot that records what it is asked to draw. */
function runClientScript(html: string): CreatedChart[] {
  const created: CreatedChart[] = [];
  function uPlotStub(options: { series: unknown[] }, data: Aligned, target: { id: string }): void {
    created.push({ options, data, target: target.id });
  }
  uPlotStub.paths = { bars: () => () => null, stepped: () => () => null };
  const json = embeddedJson(html);
  const document = {
    getElementById: (id: string) => ({
      id,
      clientWidth: 900,
      textContent: id === "report-data" ? json : "",
    }),
  };
  const window = { addEventListener: () => undefined };
  runInNewContext(scripts(html).at(-1) as string, { uPlot: uPlotStub, document, window });
  return created;
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
    const data = JSON.parse(embeddedJson(html)) as EmbeddedData;
    expect(data.startPrice).toBe(100);
    expect(data.price[0]).toEqual([0, 1, 2, 3, 4]);
    expect(data.price[1]).toEqual([100, 90, 90, 90, 90]);
    expect(data.price[2]).toEqual([100, 94.15, 88.3, 82.45, 76.6]);
    expect(data.price[3][1]).toBeCloseTo((94.15 / 90 - 1) * 100, 4);
    expect(data.heatmap).toEqual([
      [77.5, 82.5, 87.5, 112.5],
      [2_500_000, 0, 1_000_000, 0],
      [0, 0, 0, -750_000],
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
    const data = JSON.parse(embeddedJson(page)) as EmbeddedData;
    for (const chart of [
      data.price,
      data.liquidations,
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

  it("hands every chart to uPlot with one data column per series", () => {
    const created = runClientScript(html);
    expect(created.map((chart) => chart.target)).toEqual([
      "chart-price",
      "chart-liquidations",
      "chart-funds",
      "chart-open-interest",
      "chart-depth",
      "chart-heatmap",
    ]);
    for (const chart of created) {
      expect(html).toContain(`id="${chart.target}"`);
      expect(chart.data).toHaveLength(chart.options.series.length);
    }
  });

  it("writes a note instead of an empty heatmap chart", () => {
    const result = { ...makeRunResult(), heatmap: [] };
    const created = runClientScript(reportHtml(summary, result));
    expect(created.map((chart) => chart.target)).not.toContain("chart-heatmap");
    expect(created).toHaveLength(5);
  });
});
