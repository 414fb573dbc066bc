/**
 * What each chart is called, what it says and which colours it uses. The HTML report, the
 * dashboard and the PNG export all read this, so a chart looks and reads the same everywhere.
 * No Node imports: it is bundled into browser code too.
 */

export const chartKinds = [
  "price",
  "liquidations",
  "heatmap",
  "funds",
  "adl",
  "openInterest",
  "depth",
] as const;
export type ChartKind = (typeof chartKinds)[number];

export function isChartKind(value: unknown): value is ChartKind {
  return chartKinds.some((kind) => kind === value);
}

export interface ChartSection {
  kind: ChartKind;
  title: string;
  explanation: string;
  /** PNG file name for `--png`. */
  fileName: string;
}

export const chartSections: readonly ChartSection[] = [
  {
    kind: "price",
    title: "Index and mark price",
    explanation:
      "The index is the exogenous path: what the shock alone does to the price. The mark is what the venue " +
      "actually traded at. Blue shading is the exogenous move (start price to index), red shading the " +
      "endogenous move the cascade added (index to mark). Circles are liquidations, placed at their fill " +
      "price; a circle's area is proportional to the notional liquidated there. The dashed line (right " +
      "axis) is mark − index in % of the index.",
    fileName: "price.png",
  },
  {
    kind: "liquidations",
    title: "Liquidations per step",
    explanation:
      "Bars: notional liquidated in each step. Line (right axis): cascade rounds in that step; every round " +
      "after the first was triggered by the price impact of the liquidations before it.",
    fileName: "liquidations.png",
  },
  {
    kind: "heatmap",
    title: "Liquidation heatmap before the shock",
    explanation:
      "Notional that would be liquidated at each price level, from positions as they stood before the shock. " +
      "Longs above the axis, shorts below; the dashed line is the start price.",
    fileName: "heatmap.png",
  },
  {
    kind: "funds",
    title: "Insurance fund and backstop capital",
    explanation:
      "The insurance fund absorbs bad debt first and grows with liquidation fees; the backstop vault takes over " +
      "positions the book cannot absorb. Once both run dry, losses go to ADL and socialisation.",
    fileName: "funds.png",
  },
  {
    kind: "adl",
    title: "Auto-deleveraging",
    explanation:
      "Bars: notional of winning positions closed by ADL in each step. Line (right axis): the running total. " +
      "The tables below show who was hit.",
    fileName: "adl.png",
  },
  {
    kind: "openInterest",
    title: "Open interest",
    explanation:
      "Total open interest and the long and short notional of trader positions, at the mark price. Falls show " +
      "positions being closed by liquidation and ADL.",
    fileName: "open-interest.png",
  },
  {
    kind: "depth",
    title: "Order book depth within 1 %",
    explanation:
      "Quote value of bids and asks within 1 % of the mid price. Thin bids are what let forced selling move the price.",
    fileName: "depth.png",
  },
];

/** The ADL breakdown grid is a table in HTML and a chart of its own in the PNG export. */
export const adlGridSection = {
  title: "Who ADL hit: effective leverage × PnL",
  fileName: "adl-who.png",
} as const;

export const chartColors = {
  index: "#2f6fb0",
  mark: "#c0392b",
  gap: "#8e44ad",
  exogenousShade: "rgba(47, 111, 176, 0.16)",
  endogenousShade: "rgba(192, 57, 43, 0.22)",
  marker: "rgba(230, 126, 34, 0.35)",
  markerStroke: "#b85c0a",
  bars: "#e67e22",
  rounds: "#34495e",
  fund: "#27ae60",
  backstop: "#2980b9",
  total: "#7f8c8d",
  long: "#27ae60",
  short: "#c0392b",
  bid: "#27ae60",
  ask: "#c0392b",
  adl: "#8e44ad",
  adlTotal: "#34495e",
  startLine: "#555555",
} as const;

/** Largest liquidation circle radius in CSS pixels; the rest scale by area. */
export const maxMarkerRadius = 12;
/** Smallest circle that is still visible on a line. */
export const minMarkerRadius = 1.5;

/** Radius for a marker of `notional` when the largest marker holds `maxNotional`. */
export function markerRadius(notional: number, maxNotional: number): number {
  if (!(maxNotional > 0)) return minMarkerRadius;
  return Math.max(minMarkerRadius, Math.sqrt(notional / maxNotional) * maxMarkerRadius);
}

/** Styles for the chart keys and ADL tables, shared by report.html and the dashboard. */
export const chartCss = `
.chart { min-height: 300px; }
.uplot { font-family: inherit; }
.chart-key { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 0.85rem; color: #5b6570; margin: 2px 0 0 8px; }
.chart-key > span { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 14px; height: 10px; border: 1px solid rgba(0, 0, 0, 0.15); }
.swatch.circle { width: 12px; height: 12px; border-radius: 50%; border-color: ${chartColors.markerStroke}; }
.scroll-x { overflow-x: auto; margin-bottom: 10px; }
table.adl-grid td { min-width: 76px; text-align: center; line-height: 1.25; }
table.adl-grid th[scope="row"] { text-align: left; }
table.adl-grid small, table.adl-accounts small { color: #5b6570; }
table.adl-accounts td:first-child { text-align: left; }
`;
