/**
 * Entry point of the script inlined in report.html: draws the charts from the embedded JSON and
 * keeps every time chart on one x range. The page opens on the cascade window (when the run has
 * one); "Whole run" and a double click show everything, a drag on any chart zooms them all.
 */
import type uPlot from "uplot";
import type { ReportChartData } from "../chartData.ts";
import { timeChartKinds } from "../chartStyle.ts";
import { drawCharts } from "./charts.ts";

const embedded = document.getElementById("report-data");
if (embedded?.textContent) {
  const data = JSON.parse(embedded.textContent) as ReportChartData;
  const drawn = drawCharts(document, data);
  // The liquidation map keeps its own window: its cells exist only there.
  const plots = drawn
    .filter((chart) => chart.kind !== "liquidationMap" && timeChartKinds.includes(chart.kind))
    .flatMap((chart) => (chart.plot === undefined ? [] : [chart.plot]));
  const steps = data.price[0];
  const whole: [number, number] = [steps[0] ?? 0, steps[steps.length - 1] ?? 0];
  const buttons = [...document.querySelectorAll<HTMLButtonElement>("[data-zoom]")];
  let syncing = false;
  const show = (range: [number, number], source?: uPlot): void => {
    syncing = true;
    for (const plot of plots) {
      if (plot !== source) plot.setScale("x", { min: range[0], max: range[1] });
    }
    syncing = false;
    const window = data.cascadeWindow;
    for (const button of buttons) {
      const pressed =
        button.dataset.zoom === "cascade"
          ? window !== null && range[0] === window[0] && range[1] === window[1]
          : range[0] === whole[0] && range[1] === whole[1];
      button.setAttribute("aria-pressed", String(pressed));
    }
  };
  for (const plot of plots) {
    plot.hooks.setScale = [
      ...(plot.hooks.setScale ?? []),
      (self: uPlot, key: string) => {
        if (syncing || key !== "x") return;
        const { min, max } = self.scales.x;
        if (min !== undefined && max !== undefined) show([min, max], self);
      },
    ];
  }
  for (const button of buttons) {
    button.addEventListener("click", () => {
      show(
        button.dataset.zoom === "cascade" && data.cascadeWindow !== null
          ? data.cascadeWindow
          : whole,
      );
    });
  }
  if (data.cascadeWindow !== null) show(data.cascadeWindow);
}
