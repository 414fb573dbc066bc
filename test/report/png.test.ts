import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { reportChartData } from "../../src/report/chartData.ts";
import { chartColors, chartSections } from "../../src/report/chartStyle.ts";
import { defaultPlotHeight, defaultPlotWidth } from "../../src/report/plot.ts";
import { reportPngCharts, svgToPng } from "../../src/report/png.ts";
import { reportSvgCharts } from "../../src/report/svg.ts";
import { makeRunResult } from "./fixtures.ts";

/**
 * Pixels close to `hex` (drawn at `opacity` over white) in a rendered SVG: proof that a series
 * was drawn, not just its axes.
 */
function pixelsOfColour(svg: string, hex: string, opacity = 1): number {
  const pixels = new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels;
  const target = [1, 3, 5].map(
    (offset) => opacity * Number.parseInt(hex.slice(offset, offset + 2), 16) + (1 - opacity) * 255,
  );
  let count = 0;
  for (let index = 0; index < pixels.length; index += 4) {
    const distance = target.reduce(
      (sum, value, channel) => sum + Math.abs(pixels[index + channel] - value),
      0,
    );
    if (distance < 30) count++;
  }
  return count;
}

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe("reportSvgCharts", () => {
  const data = reportChartData(makeRunResult());
  const charts = reportSvgCharts(data, "worked <example>");

  it("draws one chart per report section plus the ADL grid", () => {
    expect(charts.map((chart) => chart.fileName)).toEqual([
      ...chartSections.map((section) => section.fileName),
      "adl-who.png",
    ]);
    for (const chart of charts) {
      expect(chart.svg.startsWith("<svg ")).toBe(true);
      expect(chart.svg).toContain("worked &lt;example&gt;");
      expect(chart.svg).not.toContain("NaN");
    }
  });

  it("actually draws the data: index line, mark line, liquidation circles, heatmap bars", () => {
    const price = charts[0].svg;
    expect(pixelsOfColour(price, chartColors.index)).toBeGreaterThan(200);
    expect(pixelsOfColour(price, chartColors.mark)).toBeGreaterThan(200);
    // One ring per marker, one in the legend; the lines are drawn over them with a white casing.
    expect(price.match(/<circle /g)?.length).toBe(data.liquidationMarkers.step.length + 1);
    expect(price.indexOf("<circle ")).toBeLessThan(price.indexOf(`stroke="${chartColors.mark}"`));
    const heatmap = charts.find((chart) => chart.fileName === "heatmap.png")?.svg ?? "";
    expect(pixelsOfColour(heatmap, chartColors.long, 0.8)).toBeGreaterThan(5000);
  });

  it("says why instead of drawing an empty chart", () => {
    const quiet = reportChartData({ ...makeRunResult({ events: [] }), heatmap: [] });
    const svgs = reportSvgCharts(quiet, "quiet");
    const text = (name: string) => svgs.find((chart) => chart.fileName === name)?.svg ?? "";
    expect(text("heatmap.png")).toContain("No position had a liquidation price");
    expect(text("adl.png")).toContain("No position was auto-deleveraged.");
    expect(text("adl-who.png")).toContain("No position was auto-deleveraged.");
  });
});

describe("reportPngCharts", () => {
  it("gives identical PNG bytes for identical data, at the SVG's size", () => {
    const first = reportPngCharts(reportChartData(makeRunResult()), "run");
    const second = reportPngCharts(reportChartData(makeRunResult()), "run");
    expect(first.map((chart) => chart.fileName)).toEqual(second.map((chart) => chart.fileName));
    for (let index = 0; index < first.length; index++) {
      expect(Buffer.from(first[index].png).equals(Buffer.from(second[index].png))).toBe(true);
    }
    const png = first[0].png;
    expect(Array.from(png.subarray(1, 4), (byte) => String.fromCharCode(byte)).join("")).toBe(
      "PNG",
    );
    expect(pngSize(png)).toEqual({ width: defaultPlotWidth, height: defaultPlotHeight });
  });

  it("renders text with the bundled font", () => {
    const withText = svgToPng(
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="28" font-size="24" font-family="DejaVu Sans">1.23M</text></svg>`,
    );
    const withoutText = svgToPng(
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"></svg>`,
    );
    expect(withText.length).toBeGreaterThan(withoutText.length + 100);
  });
});

describe("deleverage run --png", () => {
  const root = resolve(import.meta.dirname, "../..");
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [join(root, "bin/deleverage.js"), "run", ...args], {
      cwd: root,
    });

  it("writes one PNG per chart next to the report, or into the folder given, byte for byte alike", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "deleverage-png-"));
    const beside = join(scratch, "beside");
    const charts = join(scratch, "charts");
    await run("example", "--set", "steps=150", "--out", beside, "--png");
    const { stdout } = await run(
      "example",
      "--set",
      "steps=150",
      "--out",
      join(scratch, "other"),
      "--png",
      charts,
    );
    expect(stdout).toContain(`Charts written to ${charts}/`);
    // 150 steps with liquidations at steps 11 and 39: the cascade window gets a price chart too.
    const names = [
      ...chartSections.map((section) => section.fileName),
      "adl-who.png",
      "price-cascade.png",
    ].sort();
    expect(readdirSync(charts).sort()).toEqual(names);
    expect(
      readdirSync(beside)
        .filter((name) => name.endsWith(".png"))
        .sort(),
    ).toEqual(names);
    for (const name of names) {
      expect(readFileSync(join(charts, name)).equals(readFileSync(join(beside, name))), name).toBe(
        true,
      );
    }
  });
});
