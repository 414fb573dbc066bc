/** Entry point of the script inlined in report.html: draws the charts from the embedded JSON. */
import type { ReportChartData } from "../chartData.ts";
import { drawCharts } from "./charts.ts";

const embedded = document.getElementById("report-data");
if (embedded?.textContent) {
  drawCharts(document, JSON.parse(embedded.textContent) as ReportChartData);
}
