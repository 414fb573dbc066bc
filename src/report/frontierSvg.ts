/**
 * The sweep chart as SVG (inlined in stress-report.html, rasterised for `--png`): each point's
 * estimate with its interval as a vertical bar, green where it meets the target, red where it
 * misses, orange where it is undecided, grey when nothing is judged; frontier points ringed and
 * joined; the recommended point labelled; the target's limit dashed.
 */

import { formatCompact, formatCount, formatPercent } from "./format.ts";
import type { FrontierChartData, PointStatus } from "./frontier.ts";
import { escapeHtml } from "./markup.ts";
import { niceAxis } from "./plot.ts";
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

/** The vertical axis has room for about 38 characters; a longer label keeps its end. */
function shortLabel(label: string): string {
  return label.length <= 38 ? label : `…${label.slice(label.length - 37)}`;
}

function formatY(data: FrontierChartData, value: number): string {
  if (data.yUnit === undefined) return formatPercent(value);
  return data.yUnit === "money" ? `$${formatCompact(value)}` : formatCompact(value);
}

/**
 * A scale over `values` onto the pixel `range`, with 5 % of the span added either side so the
 * end points' marks are not on the frame; log when asked (values must then be positive).
 */
function valueScale(
  values: readonly number[],
  log: boolean,
  range: [number, number],
): { map: (value: number) => number; ticks: number[] } {
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (log) {
    const span = Math.log(max / min);
    min = Math.exp(Math.log(min) - 0.05 * span);
    max = Math.exp(Math.log(max) + 0.05 * span);
    const toLog = linear([Math.log(min), Math.log(max)], range);
    return { map: (value) => toLog(Math.log(value)), ticks: logTicks(min, max) };
  }
  const axis = niceAxis(min, max, 6);
  const pad = (max - min) * 0.05 || Math.abs(min) * 0.05 || 1;
  min -= pad;
  max += pad;
  return {
    map: linear([min, max], range),
    ticks: axis.ticks.filter((tick) => tick >= min && tick <= max),
  };
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
  const xScale = valueScale(
    finite.map((point) => point.x),
    data.logX,
    [box.left, box.left + box.width],
  );
  const x = xScale.map;
  const xTicks = xScale.ticks;
  let y: (value: number) => number;
  let yTicks: number[];
  if (data.yUnit === undefined) {
    const highest = Math.max(
      data.limit ?? 0,
      ...finite.map((point) => (Number.isFinite(point.high) ? point.high : point.y)),
    );
    const yAxis = niceAxis(0, highest > 0 ? highest * 1.05 : 0.01, 5);
    y = linear(yAxis.domain, [bottom, box.top]);
    yTicks = yAxis.ticks;
  } else {
    const yScale = valueScale(
      finite.map((point) => point.y),
      data.logY === true,
      [bottom, box.top],
    );
    y = yScale.map;
    yTicks = yScale.ticks;
  }
  const parts: string[] = [];
  for (const tick of yTicks) {
    parts.push(
      `<line x1="${box.left}" y1="${coordinate(y(tick))}" x2="${box.left + box.width}" y2="${coordinate(y(tick))}" stroke="${colors.grid}"/>`,
      text(box.left - 8, y(tick) + 4, formatY(data, tick), { anchor: "end" }),
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
  // Points at the same x (a second parameter swept) are spread 7 px apart so none hides another;
  // frontier points are drawn last, on top.
  const sameX = new Map<string, number[]>();
  for (const point of finite) {
    const key = coordinate(x(point.x));
    sameX.set(key, [...(sameX.get(key) ?? []), point.index]);
  }
  const dodge = (point: (typeof finite)[number]): number => {
    const group = sameX.get(coordinate(x(point.x))) ?? [point.index];
    return data.yUnit === undefined ? (group.indexOf(point.index) - (group.length - 1) / 2) * 7 : 0;
  };
  const drawOrder = [...finite].sort(
    (first, second) => Number(first.onFrontier) - Number(second.onFrontier),
  );
  for (const point of drawOrder) {
    const px = x(point.x) + dodge(point);
    const color = statusColors[point.status];
    const verdict = statusWords[point.status];
    const figures =
      data.yUnit === undefined
        ? `estimate ${formatPercent(point.y)}, ${data.intervalNote.replace(/s$/, "")} ${formatPercent(point.low)}–${formatPercent(point.high)}`
        : `${data.yLabel} ${formatY(data, point.y)}`;
    const tooltip =
      `point ${point.index}: ${point.label}; ${formatCount(point.runs)} runs; ${figures}` +
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
    data.points.some((point) => point.status === "unjudged")
      ? [["unjudged", `estimate and ${data.intervalNote}`]]
      : [
          ["met", "meets"],
          ["missed", "misses"],
          ["undecided", "undecided"],
        ]
  ) as [PointStatus, string][];
  // In the subtitle's row, right-aligned, so it never covers a point; about 6 px per character.
  const itemWidths = legend.map(([, words]) => 24 + 6.2 * words.length);
  let lx = box.left + box.width - itemWidths.reduce((sum, width) => sum + width, 0);
  legend.forEach(([status, words], index) => {
    parts.push(
      `<circle cx="${coordinate(lx + 4)}" cy="40" r="4" fill="${status === "undecided" ? "#ffffff" : statusColors[status]}" stroke="${statusColors[status]}" stroke-width="1.6"/>`,
      text(lx + 12, 44, words, { size: 11, fill: colors.muted }),
    );
    lx += itemWidths[index];
  });
  parts.push(
    frame(),
    text(box.left + box.width / 2, bottom + 40, `${data.xLabel}${data.logX ? ", log scale" : ""}`, {
      anchor: "middle",
      fill: colors.muted,
    }),
    text(
      16,
      box.top + box.height / 2,
      shortLabel(`${data.yLabel}${data.logY === true ? ", log scale" : ""}`),
      {
        anchor: "middle",
        fill: colors.muted,
        vertical: true,
      },
    ),
  );
  return documentSvg(stressSvgHeight, data.title, subtitle, parts.join("\n"));
}
