/**
 * `deleverage heatmap` for lending scenarios: liquidatable collateral by price, per venue and
 * asset, as a terminal table and as CSV.
 */
import type { LendingHeatmap } from "../engine/lending/run.ts";
import { csvField } from "./csv.ts";
import { formatMoney, formatNumber, formatReadable } from "./format.ts";

export function lendingHeatmapTable(heatmaps: readonly LendingHeatmap[]): string {
  if (heatmaps.length === 0) return "No account becomes liquidatable at any of the prices tried.\n";
  const blocks = heatmaps.map((heatmap) => {
    const rows = heatmap.prices.map((price, index) => {
      const change = `${((price / heatmap.startPrice - 1) * 100).toFixed(1)} %`;
      return `${formatReadable(price).padStart(14)}  ${change.padStart(8)}  ${formatMoney(heatmap.collateralUsd[index]).padStart(10)}`;
    });
    return [
      `${heatmap.venue}: collateral liquidatable if ${heatmap.asset} alone moves to`,
      `${"price".padStart(14)}  ${"vs start".padStart(8)}  ${"collateral".padStart(10)}`,
      ...rows,
    ].join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}

export function lendingHeatmapCsv(heatmaps: readonly LendingHeatmap[]): string {
  const lines = ["venue,asset,startPrice,price,collateralUsd"];
  for (const heatmap of heatmaps) {
    heatmap.prices.forEach((price, index) => {
      lines.push(
        [
          csvField(heatmap.venue),
          csvField(heatmap.asset),
          formatNumber(heatmap.startPrice),
          formatNumber(price),
          formatNumber(heatmap.collateralUsd[index]),
        ].join(","),
      );
    });
  }
  return `${lines.join("\n")}\n`;
}
