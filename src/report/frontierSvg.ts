/**
 * The sweep chart as SVG (inlined in stress-report.html, rasterised for `--png`): each point's
 * estimate with its interval as a vertical bar, green where it meets the target, red where it
 * misses, orange where it is undecided, grey when nothing is judged; frontier points ringed and
 * joined; the recommended point labelled; the target's limit dashed.
 */

import { formatCompact, formatCount, formatPercent } from "./format.ts";
import type { FrontierChartData, PointStatus } from "./frontier.ts";
import { escapeHtml } from "./markup.ts";
import {
  bottom,
  box,
  colors,
  coordinate,
  documentSvg,
  frame,
  linear,
  noteSvg,
  stressSvgHeight,
  text,
} from "./stressSvg.ts";
import { niceAxis } from "./svg.ts";

export const statusColors: Record<PointStatus, string> = {
  met: "#1e8449",
  missed: "#c0392b",
  undecided: "#e67e22",
  unjudged: "#2f6fb0",
};

const statusWords: Record<PointStatus, string> = {
  met: "meets the target",
  missed: "misses the target",
  undecided: "undecided",
  unjudged: "",
};

function formatX(data: FrontierChartData, value: number): string {
  return data.xUnit === "money" ? `$${formatCompact(value)}` : formatCompact(value);
}

/** Ticks of a log axis: 1, 2 and 5 times each power of ten inside the domain. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(min)); decade <= Math.ceil(Math.log10(max)); decade++) {
    for (const factor of [1, 2, 5]) {
      const tick = factor * 10 ** decade;
      if (tick >= min && tick <= max) ticks.push(tick);
    }
  }
  return ticks;
}

export function frontierSvg(data: FrontierChartData, subtitle: string): string {
  const finite = data.points.filter((point) => Number.isFinite(point.x));
  if (finite.length === 0) {
    return noteSvg(data.title, subtitle, "No sweep point has a value to plot.");
  }
  const xs = finite.map((point) => point.x);
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  let x: (value: number) => number;
  let xTicks: number[];
  // A margin of 5 % of the span either side, so the end points' bars are not on the frame.
  if (data.logX) {
    const span = Math.log(xMax / xMin);
    xMin = Math.exp(Math.log(xMin) - 0.05 * span);
    xMax = Math.exp(Math.log(xMax) + 0.05 * span);
    const toLog = linear([Math.log(xMin), Math.log(xMax)], [box.left, box.left + box.width]);
    x = (value) => toLog(Math.log(value));
    xTicks = logTicks(xMin, xMax);
  } else {
    const axis = niceAxis(xMin, xMax, 6);
    const pad = (xMax - xMin) * 0.05 || Math.abs(xMin) * 0.05 || 1;
    xMin -= pad;
    xMax += pad;
    x = linear([xMin, xMax], [box.left, box.left + box.width]);
    xTicks = axis.ticks.filter((tick) => tick >= xMin && tick <= xMax);
  }
  const highest = Math.max(
    data.limit ?? 0,
    ...finite.map((point) => (Number.isFinite(point.high) ? point.high : point.y)),
  );
  const yAxis = niceAxis(0, highest > 0 ? highest * 1.05 : 0.01, 5);
  const y = linear(yAxis.domain, [bottom, box.top]);
  const parts: string[] = [];
  for (const tick of yAxis.ticks) {
    parts.push(
      `<line x1="${box.left}" y1="${coordinate(y(tick))}" x2="${box.left + box.width}" y2="${coordinate(y(tick))}" stroke="${colors.grid}"/>`,
      text(box.left - 8, y(tick) + 4, formatPercent(tick), { anchor: "end" }),
    );
  }
  for (const tick of xTicks) {
    parts.push(
      `<line x1="${coordinate(x(tick))}" y1="${bottom}" x2="${coordinate(x(tick))}" y2="${bottom + 5}" stroke="${colors.muted}"/>`,
      text(x(tick), bottom + 19, formatX(data, tick), { anchor: "middle" }),
    );
  }
  if (data.limit !== null) {
    const py = coordinate(y(data.limit));
    parts.push(
      `<line class="limit" x1="${box.left}" y1="${py}" x2="${box.left + box.width}" y2="${py}" stroke="${colors.ink}" stroke-width="1.4" stroke-dasharray="6 4"/>`,
      text(box.left + box.width - 4, y(data.limit) - 5, `limit ${formatPercent(data.limit)}`, {
        anchor: "end",
        bold: true,
      }),
    );
  }
  if (data.frontierLine.length > 0) {
    const path = data.frontierLine
      .map(
        (point, index) =>
          `${index === 0 ? "M" : "L"}${coordinate(x(point.x))} ${coordinate(y(point.y))}`,
      )
      .join("");
    parts.push(
      `<path class="frontier" d="${path}" fill="none" stroke="${statusColors.met}" stroke-width="2.2" stroke-linejoin="round"/>`,
    );
  }
  for (const point of finite) {
    const px = x(point.x);
    const color = statusColors[point.status];
    const verdict = statusWords[point.status];
    const tooltip =
      `point ${point.index}: ${point.label}; ${formatCount(point.runs)} runs; estimate ${formatPercent(point.y)}, ` +
      `${data.intervalNote.replace(/s$/, "")} ${formatPercent(point.low)}–${formatPercent(point.high)}` +
      `${verdict === "" ? "" : `; ${verdict}`}${point.onFrontier ? "; on the frontier" : ""}${point.recommended ? "; recommended" : ""}`;
    parts.push(
      `<g class="sweep-point" data-status="${point.status}"${point.onFrontier ? ' data-frontier="true"' : ""}><title>${escapeHtml(tooltip)}</title>` +
        `<line x1="${coordinate(px)}" y1="${coordinate(y(point.low))}" x2="${coordinate(px)}" y2="${coordinate(y(point.high))}" stroke="${color}" stroke-width="2" stroke-opacity="0.7"/>` +
        `<circle cx="${coordinate(px)}" cy="${coordinate(y(point.y))}" r="4.5" fill="${point.status === "undecided" ? "#ffffff" : color}" stroke="${color}" stroke-width="1.6"/>` +
        (point.onFrontier
          ? `<circle cx="${coordinate(px)}" cy="${coordinate(y(point.y))}" r="8" fill="none" stroke="${statusColors.met}" stroke-width="1.6"/>`
          : "") +
        "</g>",
    );
    if (point.recommended) {
      const anchor = px > box.left + box.width * 0.7 ? "end" : "start";
      parts.push(
        text(px + (anchor === "end" ? -11 : 11), y(point.y) - 10, "recommended", {
          anchor,
          bold: true,
          fill: statusColors.met,
        }),
      );
    }
  }
  const legend = (
    data.limit === null
      ? [["unjudged", `estimate and ${data.intervalNote}`]]
      : [
          ["met", "meets"],
          ["missed", "misses"],
          ["undecided", "undecided"],
        ]
  ) as [PointStatus, string][];
  legend.forEach(([status, words], index) => {
    const lx = box.left + 8 + index * 92;
    parts.push(
      `<circle cx="${lx + 4}" cy="${box.top + 12}" r="4" fill="${status === "undecided" ? "#ffffff" : statusColors[status]}" stroke="${statusColors[status]}" stroke-width="1.6"/>`,
      text(lx + 12, box.top + 16, words, { size: 11, fill: colors.muted }),
    );
  });
  parts.push(
    frame(),
    text(box.left + box.width / 2, bottom + 40, `${data.xLabel}${data.logX ? ", log scale" : ""}`, {
      anchor: "middle",
      fill: colors.muted,
    }),
    text(16, box.top + box.height / 2, data.yLabel, {
      anchor: "middle",
      fill: colors.muted,
      vertical: true,
    }),
  );
  return documentSvg(stressSvgHeight, data.title, subtitle, parts.join("\n"));
}
