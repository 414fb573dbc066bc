/**
 * `deleverage stress --png`: the stress report's SVG charts rasterised with the same pinned
 * font as the run report's PNGs, so identical batches give identical images.
 */
import type { StoredRun } from "../runner/store.ts";
import type { StressSummary } from "../runner/stressSummary.ts";
import type { FrontierChartData } from "./frontier.ts";
import { frontierSvg } from "./frontierSvg.ts";
import { type PngChart, svgToPng } from "./png.ts";
import { stressChartData } from "./stressData.ts";
import { stressSubtitle } from "./stressHtml.ts";
import { stressSvgCharts } from "./stressSvg.ts";

/**
 * One PNG per chart of stress-report.html, e.g. liquidated-notional-exceedance.png, and
 * sweep-frontier.png when the page has a sweep chart.
 */
export function stressPngCharts(
  summary: StressSummary,
  runs: readonly StoredRun[],
  sweepChart?: FrontierChartData,
): PngChart[] {
  const subtitle = stressSubtitle(summary);
  const charts = stressSvgCharts(stressChartData(runs), subtitle);
  if (sweepChart !== undefined) {
    charts.unshift({ fileName: "sweep-frontier.png", svg: frontierSvg(sweepChart, subtitle) });
  }
  return charts.map((chart) => ({ fileName: chart.fileName, png: svgToPng(chart.svg) }));
}
