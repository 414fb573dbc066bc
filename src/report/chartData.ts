/**
 * The numbers behind every chart as plain JSON. The HTML report embeds them, the dashboard
 * fetches them and the PNG export draws from them, so all three show the same picture. Long
 * runs are cut down here, once, to what a browser draws smoothly.
 */
import type { FallDecomposition } from "../engine/metrics/fallDecomposition.ts";
import { type EventLog, eventTypes, type RunResult } from "../engine/result.ts";
import { type AdlBreakdown, adlBreakdown } from "./adl.ts";
import { downsampleAligned } from "./downsample.ts";
import { trimEmptyBuckets } from "./heatmap.ts";

/** Browsers draw 20,000 points per chart smoothly; long runs are downsampled to that. */
export const maxChartPoints = 20_000;
/** Enough circles to show where the cascade hit without hiding the price line. */
export const maxLiquidationMarkers = 2_000;
/** Liquidations within this fraction of the start price (and one step) share a circle. */
export const markerPriceFraction = 0.0025;

/** uPlot's aligned-data layout: `[x, ...series]`, null where a value is missing. */
export type AlignedData = (number | null)[][];

/** Liquidations summed per (step range, price range), columnar. */
export interface LiquidationMarkers {
  /** Notional-weighted mean step of the liquidations in the marker. */
  step: number[];
  /** Notional-weighted mean fill price. */
  price: number[];
  notional: number[];
  count: number[];
  /** Steps and price units one marker spans (grows when there would be too many markers). */
  stepWidth: number;
  priceWidth: number;
}

export interface ReportChartData {
  startPrice: number;
  /** step, index, mark, (mark − index) / index in %. */
  price: AlignedData;
  liquidationMarkers: LiquidationMarkers;
  /** step, liquidated notional, cascade rounds. */
  liquidations: AlignedData;
  /** bucket mid price, long notional, −short notional. */
  heatmap: AlignedData;
  /** step, insurance fund, backstop capital. */
  funds: AlignedData;
  /** step, ADL notional in the step, ADL notional so far. */
  adl: AlignedData;
  adlBreakdown: AdlBreakdown;
  /** step, total, long, short open interest. */
  openInterest: AlignedData;
  /** step, bid depth, ask depth within 1 %. */
  depth: AlignedData;
  /** The leverage-cycle charts; absent when the run used none of the cycle layers. */
  cycle?: CycleChartData;
}

/** One bar of the price-fall split, in percentage points of the top price. */
export interface FallBar {
  label: string;
  value: number;
}

export interface CycleChartData {
  /** step, open interest, aggregate leverage. */
  leverage: AlignedData;
  /** step, liquidated notional, stop-loss notional. */
  selling: AlignedData;
  /** step, depth within 1 % (bid + ask), order-book imbalance, makers' depth share. */
  book: AlignedData;
  /** step, maintenance-margin multiplier, collateral haircut, circuit-breaker halt. */
  policy: AlignedData;
  /** The price fall split into its sources (summary.priceFallDecomposition), if computed. */
  fall: FallBar[] | null;
}

/**
 * Whether a leverage-cycle layer acted: stops placed, agents traded, margins raised, makers
 * withdrew or the breaker halted. (A policy whose only effect was a haircut does not count.)
 */
export function usedCycleLayers(result: RunResult): boolean {
  const summary = result.summary;
  return (
    summary.stopsPlaced > 0 ||
    summary.agentBoughtNotional > 0 ||
    summary.maxMarginMultiplier !== 1 ||
    summary.minDepthMultiplier !== 1 ||
    summary.haltCount > 0
  );
}

/** The split's parts as bars, in percent of the top price; they add up to the total. */
export function fallBars(split: FallDecomposition): FallBar[] {
  const percent = (value: number) => chartValue(value * 100) ?? 0;
  return [
    { label: "exogenous (index)", value: percent(split.exogenous) },
    { label: "liquidations", value: percent(split.liquidations) },
    { label: "stop-losses", value: percent(split.stopLosses) },
    { label: "liquidity withdrawal", value: percent(split.liquidityWithdrawal) },
    { label: "other", value: percent(split.other) },
    { label: "total fall", value: percent(split.totalFall) },
  ];
}

export function cycleChartData(
  result: RunResult,
  decomposition?: FallDecomposition,
): CycleChartData {
  const series = result.timeseries;
  const steps = series.step;
  const depth = Float64Array.from(
    series.bidDepth1pct,
    (bid, row) => bid + series.askDepth1pct[row],
  );
  return {
    leverage: alignedChartData(steps, [series.openInterest, series.aggregateLeverage]),
    selling: alignedChartData(steps, [series.liquidatedNotional, series.stopLossNotional]),
    book: alignedChartData(steps, [depth, series.orderBookImbalance, series.depthMultiplier]),
    policy: alignedChartData(steps, [
      series.marginMultiplier,
      series.collateralHaircut,
      series.haltActive,
    ]),
    fall: decomposition === undefined ? null : fallBars(decomposition),
  };
}

/** Chart values need no more than 7 significant digits; this halves the embedded JSON. */
export function chartValue(value: number): number | null {
  return Number.isFinite(value) ? Number(value.toPrecision(7)) : null;
}

/** Series sharing one x axis, downsampled together so no series loses its extremes. */
export function alignedChartData(
  x: Float64Array,
  series: readonly Float64Array[],
  maxPoints = maxChartPoints,
): AlignedData {
  const sampled = downsampleAligned(x, series, maxPoints);
  return [Array.from(sampled.x), ...sampled.series.map((values) => Array.from(values, chartValue))];
}

/** Mark − index as a percentage of the index: the part of the move the cascade itself made. */
export function endogenousGapPercent(
  indexPrice: Float64Array,
  markPrice: Float64Array,
): Float64Array {
  return Float64Array.from(indexPrice, (index, row) => (markPrice[row] / index - 1) * 100);
}

/** Running total, so a chart can show how far ADL has gone at each step. */
export function cumulativeSum(values: Float64Array): Float64Array {
  const sums = new Float64Array(values.length);
  let total = 0;
  for (let index = 0; index < values.length; index++) {
    if (Number.isFinite(values[index])) total += values[index];
    sums[index] = total;
  }
  return sums;
}

interface MarkerTotals {
  notional: number;
  stepWeighted: number;
  priceWeighted: number;
  count: number;
}

/**
 * Sums liquidations into markers of `stepWidth` steps by `priceWidth` price units. Events are in
 * step order, so one step range is finished before the next begins and only its price buckets
 * are held in memory. Returns null as soon as the markers would exceed `maxMarkers`.
 */
function aggregateMarkers(
  events: EventLog,
  stepWidth: number,
  priceWidth: number,
  maxMarkers: number,
): LiquidationMarkers | null {
  const liquidation = eventTypes.indexOf("liquidation");
  const partial = eventTypes.indexOf("partial_liquidation");
  const markers: LiquidationMarkers = {
    step: [],
    price: [],
    notional: [],
    count: [],
    stepWidth,
    priceWidth,
  };
  let group = Number.NaN;
  let buckets = new Map<number, MarkerTotals>();
  const flush = (): boolean => {
    const keys = [...buckets.keys()].sort((left, right) => left - right);
    for (const key of keys) {
      const totals = buckets.get(key) as MarkerTotals;
      markers.step.push(chartValue(totals.stepWeighted / totals.notional) as number);
      markers.price.push(chartValue(totals.priceWeighted / totals.notional) as number);
      markers.notional.push(chartValue(totals.notional) as number);
      markers.count.push(totals.count);
    }
    buckets = new Map();
    return markers.step.length <= maxMarkers;
  };
  for (let index = 0; index < events.length; index++) {
    const type = events.type[index];
    if (type !== liquidation && type !== partial) continue;
    const notional = events.notional[index];
    const price = events.price[index];
    if (!(notional > 0) || !(price > 0) || !Number.isFinite(notional)) continue;
    const step = events.step[index];
    const stepGroup = Math.floor(step / stepWidth);
    if (stepGroup !== group) {
      if (!flush()) return null;
      group = stepGroup;
    }
    const bucket = Math.floor(price / priceWidth);
    let totals = buckets.get(bucket);
    if (totals === undefined) {
      totals = { notional: 0, stepWeighted: 0, priceWeighted: 0, count: 0 };
      buckets.set(bucket, totals);
    }
    totals.notional += notional;
    totals.stepWeighted += step * notional;
    totals.priceWeighted += price * notional;
    totals.count++;
  }
  return flush() ? markers : null;
}

/**
 * Liquidation events as circles on the price path: hundreds of thousands of events become at
 * most `maxMarkers` sums. Markers start one step by 0.25 % of the start price wide and double in
 * both directions until they fit, so small runs keep every step and large ones stay light.
 */
export function liquidationMarkers(
  events: EventLog,
  startPrice: number,
  maxMarkers = maxLiquidationMarkers,
): LiquidationMarkers {
  let stepWidth = 1;
  let priceWidth =
    startPrice > 0 && Number.isFinite(startPrice) ? startPrice * markerPriceFraction : 1;
  for (;;) {
    const markers = aggregateMarkers(events, stepWidth, priceWidth, maxMarkers);
    if (markers !== null) return markers;
    stepWidth *= 2;
    priceWidth *= 2;
  }
}

export function reportChartData(
  result: RunResult,
  decomposition?: FallDecomposition,
): ReportChartData {
  const series = result.timeseries;
  const steps = series.step;
  const buckets = trimEmptyBuckets(result.heatmap);
  const startPrice = series.markPrice[0];
  return {
    startPrice,
    price: alignedChartData(steps, [
      series.indexPrice,
      series.markPrice,
      endogenousGapPercent(series.indexPrice, series.markPrice),
    ]),
    liquidationMarkers: liquidationMarkers(result.events, startPrice),
    liquidations: alignedChartData(steps, [series.liquidatedNotional, series.cascadeRounds]),
    // Shorts are drawn below the axis so the two sides never hide each other.
    heatmap: [
      buckets.map((bucket) => chartValue((bucket.priceLow + bucket.priceHigh) / 2)),
      buckets.map((bucket) => chartValue(bucket.longNotional)),
      buckets.map((bucket) => chartValue(-bucket.shortNotional)),
    ],
    funds: alignedChartData(steps, [series.insuranceFund, series.backstopCapital]),
    adl: alignedChartData(steps, [series.adlNotional, cumulativeSum(series.adlNotional)]),
    adlBreakdown: adlBreakdown(result.events, result.summary.adl),
    openInterest: alignedChartData(steps, [
      series.openInterest,
      series.longOpenInterest,
      series.shortOpenInterest,
    ]),
    depth: alignedChartData(steps, [series.bidDepth1pct, series.askDepth1pct]),
    ...(usedCycleLayers(result) || decomposition !== undefined
      ? { cycle: cycleChartData(result, decomposition) }
      : {}),
  };
}
