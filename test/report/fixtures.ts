/** Small hand-built runs: every number is chosen so tests can state expected output exactly. */
import {
  type EventType,
  eventTypes,
  type HeatmapBucket,
  marketSeriesColumns,
  type RunResult,
  timeseriesColumns,
} from "../../src/engine/result.ts";
import { noAdlFigures } from "../../src/engine/risk/adlMetrics.ts";
import type { Summary } from "../../src/report/summary.ts";

/** The worked case: a 10 % index shock that the cascade turned into a 23.4 % fall. */
export function makeSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    name: "worked example",
    symbol: "BTC-PERP",
    steps: 4,
    dt: 1,
    positionCount: 10_000,
    liquidatedNotional: 1.23e9,
    liquidationCount: 1234,
    partialLiquidationCount: 0,
    cascadeRounds: 17,
    maxRoundsInStep: 9,
    badDebt: 800_000,
    insuranceFundStart: 1_000_000,
    insuranceFundEnd: 200_000,
    insuranceFundUsed: 800_000,
    liquidationFees: 0,
    backstopCapitalStart: 0,
    backstopCapitalEnd: 0,
    backstopTakeoverNotional: 0,
    adlNotional: 0,
    adlCount: 0,
    socializedLoss: 0,
    exchangeLoss: 0,
    unfilledNotional: 0,
    fundingPaid: 0,
    startPrice: 100,
    minPrice: 76.6,
    endPrice: 80,
    minIndexPrice: 90,
    exogenousMove: 0.1,
    totalMove: 0.234,
    amplification: 2.34,
    openInterestStart: 5e9,
    openInterestEnd: 3.5e9,
    stopLossNotional: 0,
    stopLossCount: 0,
    stopsPlaced: 0,
    agentBoughtNotional: 0,
    agentSoldNotional: 0,
    peakOpenInterest: 4e9,
    peakAggregateLeverage: 12,
    maxMarginMultiplier: 1,
    haltCount: 0,
    minDepthMultiplier: 1,
    crossAccountCount: 0,
    crossAccountLiquidations: 0,
    adl: { mechanism: "binance", price: "bankruptcy", innocentLeverage: 2, ...noAdlFigures() },
    ledger: { valueStart: 1e10, valueEnd: 1e10 + 1.2e-9, drift: 1.2e-9 },
    seed: 42,
    scenarioHash: "abc123",
    version: "0.1.0",
    markets: [
      {
        symbol: "BTC-PERP",
        startPrice: 100,
        minPrice: 76.6,
        endPrice: 80,
        minIndexPrice: 90,
        exogenousMove: 0.1,
        totalMove: 0.234,
        amplification: 2.34,
        liquidatedNotional: 1.23e9,
        liquidationCount: 1234,
        adlNotional: 0,
        adlCount: 0,
        badDebt: 800_000,
        socializedLoss: 0,
        unfilledNotional: 0,
        fundingPaid: 0,
        openInterestStart: 5e9,
        openInterestEnd: 3.5e9,
        firstLiquidationStep: 1,
        firstAdlStep: null,
        insuranceFundStart: null,
        insuranceFundEnd: null,
        adl: noAdlFigures(),
      },
    ],
    contagion: { markets: ["BTC-PERP"], liquidatedNotional: [[1.23e9]] },
    ...overrides,
  };
}

export interface FixtureEvent {
  step: number;
  round: number;
  type: EventType;
  account: number;
  side: number;
  quantity: number;
  price: number;
  amount: number;
  insuranceFund: number;
}

export function makeEventLog(
  events: readonly FixtureEvent[],
  accounts: readonly string[],
): RunResult["events"] {
  return {
    length: events.length,
    step: Int32Array.from(events, (event) => event.step),
    round: Int32Array.from(events, (event) => event.round),
    type: Uint8Array.from(events, (event) => eventTypes.indexOf(event.type)),
    account: Int32Array.from(events, (event) => event.account),
    side: Int8Array.from(events, (event) => event.side),
    quantity: Float64Array.from(events, (event) => event.quantity),
    price: Float64Array.from(events, (event) => event.price),
    notional: Float64Array.from(events, (event) => event.quantity * event.price),
    amount: Float64Array.from(events, (event) => event.amount),
    insuranceFund: Float64Array.from(events, (event) => event.insuranceFund),
    market: new Uint16Array(events.length),
    accountName: (position) => accounts[position],
    markets: ["BTC-PERP"],
  };
}

export const fixtureAccounts = ["alice", "bob, the whale", 'say "hi"'] as const;

export const fixtureEvents: readonly FixtureEvent[] = [
  {
    step: 1,
    round: 1,
    type: "liquidation",
    account: 0,
    side: 1,
    quantity: 2,
    price: 95.5,
    amount: -3.25,
    insuranceFund: 1_000_000,
  },
  {
    step: 1,
    round: 2,
    type: "partial_liquidation",
    account: 1,
    side: -1,
    quantity: 0.1,
    price: 0.2,
    amount: 0,
    insuranceFund: 999_999.5,
  },
  {
    step: 2,
    round: 1,
    type: "insurance_fund_cover",
    account: -1,
    side: 0,
    quantity: 0,
    price: Number.NaN,
    amount: 800_000,
    insuranceFund: 200_000,
  },
  {
    step: 3,
    round: 1,
    type: "adl",
    account: 2,
    side: 1,
    quantity: 1,
    price: 80,
    amount: 12,
    insuranceFund: 200_000,
  },
];

export const fixtureHeatmap: HeatmapBucket[] = [
  { priceLow: 70, priceHigh: 75, longNotional: 0, shortNotional: 0, longCount: 0, shortCount: 0 },
  {
    priceLow: 75,
    priceHigh: 80,
    longNotional: 2_500_000,
    shortNotional: 0,
    longCount: 25,
    shortCount: 0,
  },
  { priceLow: 80, priceHigh: 85, longNotional: 0, shortNotional: 0, longCount: 0, shortCount: 0 },
  {
    priceLow: 85,
    priceHigh: 90,
    longNotional: 1_000_000,
    shortNotional: 0,
    longCount: 10,
    shortCount: 0,
  },
  {
    priceLow: 110,
    priceHigh: 115,
    longNotional: 0,
    shortNotional: 750_000,
    longCount: 0,
    shortCount: 7,
  },
  { priceLow: 115, priceHigh: 120, longNotional: 0, shortNotional: 0, longCount: 0, shortCount: 0 },
];

/**
 * A four-step run. Column values are `row * 10 + column index`, except a few chosen ones:
 * prices that follow the worked case and a NaN best ask at row 3 (an empty book side).
 */
export function makeRunResult(
  options: { steps?: number; events?: readonly FixtureEvent[] } = {},
): RunResult {
  const steps = options.steps ?? 4;
  const timeseries = {} as RunResult["timeseries"];
  timeseriesColumns.forEach((column, columnIndex) => {
    timeseries[column] = Float64Array.from(
      { length: steps + 1 },
      (_, row) => row * 10 + columnIndex,
    );
  });
  timeseries.step = Float64Array.from({ length: steps + 1 }, (_, row) => row);
  timeseries.time = Float64Array.from({ length: steps + 1 }, (_, row) => row * 0.5);
  timeseries.indexPrice = Float64Array.from({ length: steps + 1 }, (_, row) =>
    row === 0 ? 100 : 90,
  );
  timeseries.markPrice = Float64Array.from({ length: steps + 1 }, (_, row) => 100 - row * 5.85);
  if (steps >= 3) timeseries.bestAsk[3] = Number.NaN;
  const marketSeries = {} as RunResult["marketSeries"];
  for (const column of marketSeriesColumns) {
    marketSeries[column] =
      column in timeseries
        ? timeseries[column as keyof typeof timeseries].slice()
        : new Float64Array(steps + 1);
  }
  return {
    summary: makeSummary({ steps }),
    timeseries,
    marketSeries,
    events: makeEventLog(options.events ?? fixtureEvents, fixtureAccounts),
    heatmap: fixtureHeatmap,
    marketHeatmaps: [fixtureHeatmap],
  };
}
