/**
 * PNG export of the report's charts: the SVG documents from svg.ts rasterised by resvg. Fonts
 * come from the pinned dejavu-fonts-ttf package and system fonts are never consulted, so the
 * same data gives the same PNG bytes on every machine.
 */
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import type { ReportChartData } from "./chartData.ts";
import { svgFontFamily } from "./plot.ts";
import { reportSvgCharts } from "./svg.ts";

export interface PngChart {
  fileName: string;
  png: Uint8Array;
}

function fontFiles(): string[] {
  const require = createRequire(import.meta.url);
  return [
    require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
    require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
  ];
}

export function svgToPng(svg: string): Uint8Array {
  const renderer = new Resvg(svg, {
    background: "#ffffff",
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: svgFontFamily },
  });
  return new Uint8Array(renderer.render().asPng());
}

/** One PNG per report chart, named as in chartSections (price.png, liquidations.png, ...). */
export function reportPngCharts(data: ReportChartData, subtitle: string): PngChart[] {
  return reportSvgCharts(data, subtitle).map((chart) => ({
    fileName: chart.fileName,
    png: svgToPng(chart.svg),
  }));
}
