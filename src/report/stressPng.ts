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
 * sweep-frontier.png (and cost-frontier.png) when the page has sweep charts.
 */
export function stressPngCharts(
  summary: StressSummary,
  runs: readonly StoredRun[],
  sweepChart?: FrontierChartData,
  costChart?: FrontierChartData,
): PngChart[] {
  const subtitle = stressSubtitle(summary);
  const charts = stressSvgCharts(stressChartData(runs), subtitle);
  if (costChart !== undefined) {
    charts.unshift({ fileName: "cost-frontier.png", svg: frontierSvg(costChart, subtitle) });
  }
  if (sweepChart !== undefined) {
    charts.unshift({ fileName: "sweep-frontier.png", svg: frontierSvg(sweepChart, subtitle) });
  }
  return charts.map((chart) => ({ fileName: chart.fileName, png: svgToPng(chart.svg) }));
}
