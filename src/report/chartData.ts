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
import {
  cumulativeLiquidations,
  type LiquidationMap,
  type LiquidationPoints,
  liquidationMap,
} from "./liquidationMap.ts";
import type { TimeBase } from "./timeAxis.ts";
import { barSteps, bucketSums, cascadeWindow } from "./timeBuckets.ts";

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
  /** How steps map to clock time: UTC for replays of timestamped data, elapsed otherwise. */
  time: TimeBase;
  startPrice: number;
  /** step, index, mark. */
  price: AlignedData;
  /** step, (mark − index) / index in %: the part of the move the cascade itself made. */
  gap: AlignedData;
  liquidationMarkers: LiquidationMarkers;
  /** Bars: first step of each bucket of `barSteps` steps, notional liquidated in the bucket. */
  liquidations: AlignedData;
  /** Steps per bar of the liquidation and ADL charts (1 on short runs). */
  barSteps: number;
  /** step, cascade rounds in the step. */
  rounds: AlignedData;
  /** Book fills of liquidations by time and price over the cascade window. */
  liquidationMap: LiquidationMap;
  /** bucket mid price, long notional, −short notional. */
  heatmap: AlignedData;
  /** price, longs liquidated if the price falls to it, shorts if it rises to it (pre-shock). */
  cumulative: AlignedData;
  /** step, insurance fund, backstop capital. */
  funds: AlignedData;
  /** Bars: first step of each bucket, ADL notional in the bucket. */
  adl: AlignedData;
  adlBreakdown: AdlBreakdown;
  /** step, total, long, short open interest. */
  openInterest: AlignedData;
  /** step, bid depth, ask depth within 1 %. */
  depth: AlignedData;
  /** The steps the liquidations happened in (90 % of the notional, padded); null: the whole run. */
  cascadeWindow: [number, number] | null;
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
  /** Bars: first step of each bucket, liquidated and stop-loss notional in the bucket. */
  selling: AlignedData;
  /** Steps per bucket of `selling`. */
  sellingBarSteps: number;
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
  const width = barSteps({ dt: result.summary.dt, startTime: null }, steps.length - 1);
  const liquidated = bucketSums(series.liquidatedNotional, width);
  const stopped = bucketSums(series.stopLossNotional, width);
  return {
    leverage: alignedChartData(steps, [series.openInterest, series.aggregateLeverage]),
    selling: [liquidated.x, liquidated.sums.map(chartValue), stopped.sums.map(chartValue)],
    sellingBarSteps: width,
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

/** Bars of a per-step flow summed over `width`-step buckets, values rounded for the page. */
function bars(values: Float64Array, width: number): AlignedData {
  const { x, sums } = bucketSums(values, width);
  return [x, sums.map(chartValue)];
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

/** Liquidation orders that filled in the book: where the forced selling hit the price. */
function bookFills(events: EventLog): LiquidationPoints {
  const liquidation = eventTypes.indexOf("liquidation");
  const partial = eventTypes.indexOf("partial_liquidation");
  return {
    length: events.length,
    step: (index) => events.step[index],
    price: (index) => events.price[index],
    notional: (index) =>
      events.type[index] === liquidation || events.type[index] === partial
        ? events.notional[index]
        : 0,
  };
}

export interface ChartDataOptions {
  /** The price fall split by counterfactual re-runs, when the scenario asks for it. */
  decomposition?: FallDecomposition;
  /** Milliseconds since the epoch (UTC) of step 0 for a replay of timestamped data. */
  startTime?: number;
}

export function reportChartData(
  result: RunResult,
  options: ChartDataOptions = {},
): ReportChartData {
  const series = result.timeseries;
  const steps = series.step;
  const buckets = trimEmptyBuckets(result.heatmap);
  const startPrice = series.markPrice[0];
  const time: TimeBase = { dt: result.summary.dt, startTime: options.startTime ?? null };
  const width = barSteps(time, steps.length - 1);
  const window = cascadeWindow(series.liquidatedNotional);
  const decomposition = options.decomposition;
  return {
    time,
    startPrice,
    price: alignedChartData(steps, [series.indexPrice, series.markPrice]),
    gap: alignedChartData(steps, [endogenousGapPercent(series.indexPrice, series.markPrice)]),
    liquidationMarkers: liquidationMarkers(result.events, startPrice),
    liquidations: bars(series.liquidatedNotional, width),
    barSteps: width,
    rounds: alignedChartData(steps, [series.cascadeRounds]),
    liquidationMap: liquidationMap(bookFills(result.events), time, window ?? [0, steps.length - 1]),
    // Shorts are drawn below the axis so the two sides never hide each other.
    heatmap: [
      buckets.map((bucket) => chartValue((bucket.priceLow + bucket.priceHigh) / 2)),
      buckets.map((bucket) => chartValue(bucket.longNotional)),
      buckets.map((bucket) => chartValue(-bucket.shortNotional)),
    ],
    cumulative: cumulativeLiquidations(buckets, startPrice),
    funds: alignedChartData(steps, [series.insuranceFund, series.backstopCapital]),
    adl: bars(series.adlNotional, width),
    adlBreakdown: adlBreakdown(result.events, result.summary.adl),
    openInterest: alignedChartData(steps, [
      series.openInterest,
      series.longOpenInterest,
      series.shortOpenInterest,
    ]),
    depth: alignedChartData(steps, [series.bidDepth1pct, series.askDepth1pct]),
    cascadeWindow: window,
    ...(usedCycleLayers(result) || decomposition !== undefined
      ? { cycle: cycleChartData(result, decomposition) }
      : {}),
  };
}
