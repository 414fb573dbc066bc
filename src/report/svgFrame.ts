/**
 * The frame of an inline SVG chart (border, grid, tick labels, axis titles) for the reports that
 * draw their charts as static SVG without a script (lending, TFG), so they open offline and
 * identical runs give identical bytes. Each report keeps its own size, margins and tick labels.
 */
import { escapeHtml } from "./markup.ts";

export interface ChartLayout {
  width: number;
  height: number;
  margin: { left: number; right: number; top: number; bottom: number };
}

export interface Frame {
  x: (value: number) => number;
  y: (value: number) => number;
  svg: string[];
}

/** Evenly spaced "nice" ticks (1, 2 or 5 × 10^k) covering [low, high]. */
export function niceTicks(low: number, high: number, count: number): number[] {
  const span = high - low || Math.abs(high) || 1;
  const rough = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((s) => s >= rough) ?? rough;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

/** Axes, ticks and labels of one chart; returns the coordinate maps for what is drawn in it. */
export function chartFrame(
  layout: ChartLayout,
  xRange: [number, number],
  yRange: [number, number],
  axisLabels: { x: string; y: string },
  tickLabels: { x: (value: number) => string; y: (value: number) => string },
  yTicks: number[] = niceTicks(yRange[0], yRange[1], 5),
): Frame {
  const { width, height, margin } = layout;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const [xLow, xHigh] = xRange;
  const [yLow, yHigh] = yRange;
  const x = (value: number): number =>
    margin.left + ((value - xLow) / (xHigh - xLow || 1)) * plotWidth;
  const y = (value: number): number =>
    margin.top + plotHeight - ((value - yLow) / (yHigh - yLow || 1)) * plotHeight;
  const svg = [
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#d8dde3"/>`,
  ];
  for (const tick of niceTicks(xLow, xHigh, 8)) {
    if (tick < xLow || tick > xHigh) continue;
    const position = x(tick).toFixed(1);
    svg.push(
      `<line x1="${position}" x2="${position}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#eef1f4"/>`,
      `<text x="${position}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${escapeHtml(tickLabels.x(tick))}</text>`,
    );
  }
  for (const tick of yTicks) {
    if (tick < yLow || tick > yHigh) continue;
    const position = y(tick).toFixed(1);
    svg.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${position}" y2="${position}" stroke="#eef1f4"/>`,
      `<text x="${margin.left - 6}" y="${position}" text-anchor="end" dominant-baseline="middle">${escapeHtml(tickLabels.y(tick))}</text>`,
    );
  }
  svg.push(
    `<text x="${margin.left + plotWidth / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(axisLabels.x)}</text>`,
    `<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(axisLabels.y)}</text>`,
  );
  return { x, y, svg };
}

export function svgElement(layout: ChartLayout, content: string[], title: string): string {
  return `<svg viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="${escapeHtml(title)}">\n${content.join("\n")}\n</svg>`;
}

/** Titled sections of a static report, each a heading, a note and its chart. */
export function chartSections(
  sections: readonly { title: string; note: string; chart: string }[],
): string {
  return sections
    .map(
      (section) =>
        `<section>\n<h2>${escapeHtml(section.title)}</h2>\n<p class="note">${escapeHtml(section.note)}</p>\n${section.chart}\n</section>`,
    )
    .join("\n");
}
