/**
 * What each chart is called, what it says and which colours it uses. The HTML report, the
 * dashboard and the PNG export all read this, so a chart looks and reads the same everywhere.
 * No Node imports: it is bundled into browser code too.
 */

export const chartKinds = [
  "price",
  "gap",
  "liquidations",
  "rounds",
  "liquidationMap",
  "heatmap",
  "cumulative",
  "funds",
  "adl",
  "openInterest",
  "depth",
] as const;
export type ChartKind = (typeof chartKinds)[number];

export function isChartKind(value: unknown): value is ChartKind {
  return chartKinds.some((kind) => kind === value);
}

/** Charts whose x axis is time: they zoom together to the cascade window and back. */
export const timeChartKinds: readonly ChartKind[] = [
  "price",
  "gap",
  "liquidations",
  "rounds",
  "liquidationMap",
  "funds",
  "adl",
  "openInterest",
  "depth",
];

export interface ChartSection {
  kind: ChartKind;
  title: string;
  explanation: string;
  /** PNG file name for `--png`. */
  fileName: string;
  /** A short strip under the chart before it, rather than a full-height chart. */
  compact?: boolean;
}

export const chartSections: readonly ChartSection[] = [
  {
    kind: "price",
    title: "Index and mark price",
    explanation:
      "The index is the exogenous path: what the shock alone does to the price. The mark is what the venue " +
      "actually traded at. Blue shading is the exogenous move (start price to index), red shading the " +
      "endogenous move the cascade added (index to mark). Rings are liquidation orders filled in the book, at " +
      "their fill price; a ring's area is proportional to the notional. The lines are drawn over the rings.",
    fileName: "price.png",
  },
  {
    kind: "gap",
    title: "Mark − index",
    explanation:
      "How far the mark stood from the index, in % of the index: the part of the move the cascade itself made. " +
      "Its own axis, so 0 % cannot be mistaken for a price.",
    fileName: "gap.png",
    compact: true,
  },
  {
    kind: "liquidations",
    title: "Liquidated notional over time",
    explanation:
      "Notional closed by the liquidation engine (sold into the book, taken over by the backstop or closed " +
      "against winners by ADL), summed per time bucket so every bar is wide enough to see.",
    fileName: "liquidations.png",
  },
  {
    kind: "rounds",
    title: "Cascade rounds per step",
    explanation:
      "How many times the liquidation engine re-checked positions within a step: every round after the first " +
      "was triggered by the price impact of the liquidations before it.",
    fileName: "rounds.png",
    compact: true,
  },
  {
    kind: "liquidationMap",
    title: "Liquidation map: where and when",
    explanation:
      "Liquidation orders filled in the book, summed by time and price band over the cascade window: the " +
      "darker a cell, the more notional was liquidated there. The line is the mark. Closes by ADL or the " +
      "backstop happen at bankruptcy prices, off the book, and are left out.",
    fileName: "liquidation-map.png",
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
    kind: "cumulative",
    title: "If the price moves to X",
    explanation:
      "From the same positions: the notional of longs liquidated if the price falls to X (left of the start " +
      "price), and of shorts if it rises to X (right), before any cascade moves the price further.",
    fileName: "cumulative.png",
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
      "Notional of winning positions closed by ADL, summed per time bucket. The tables below show who was hit.",
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
  marker: "rgba(230, 126, 34, 0.10)",
  markerStroke: "rgba(184, 92, 10, 0.75)",
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
  /** Liquidation map cells: this colour at the largest cell, fading to transparent. */
  mapCell: "230, 126, 34",
} as const;

/** Opacity of a liquidation-map cell: square root of its share of the largest, so small cells show. */
export function mapCellOpacity(notional: number, largest: number): number {
  if (!(notional > 0) || !(largest > 0)) return 0;
  return Math.min(0.9, 0.08 + 0.82 * Math.sqrt(notional / largest));
}

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
.swatch.circle { width: 12px; height: 12px; border-radius: 50%; border: 1.5px solid ${chartColors.markerStroke}; }
.chart.compact { min-height: 220px; }
.zoom-bar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 8px; align-items: center;
  background: #fff; border-bottom: 1px solid #d8dde3; padding: 6px 0; margin: 12px 0 0; font-size: 0.9rem; }
.zoom-bar button { font: inherit; padding: 2px 10px; border: 1px solid #9aa3ad; border-radius: 4px; background: #f6f8fa; cursor: pointer; }
.zoom-bar button[aria-pressed="true"] { background: #2f6fb0; color: #fff; border-color: #2f6fb0; }
.scroll-x { overflow-x: auto; margin-bottom: 10px; }
table.adl-grid td { min-width: 76px; text-align: center; line-height: 1.25; }
table.adl-grid th[scope="row"] { text-align: left; }
table.adl-grid small, table.adl-accounts small { color: #5b6570; }
table.adl-accounts td:first-child { text-align: left; }
`;
