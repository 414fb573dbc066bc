/**
 * `summary.json` and its plain-language rendering. The outer layer adds what the engine cannot
 * know about itself (seed, scenario hash, version) to the engine's summary.
 */
import type { FallDecomposition } from "../engine/metrics/fallDecomposition.ts";
import type { EngineSummary, Ledger } from "../engine/result.ts";
import { formatCount, formatMoney, formatPercent, formatScientific } from "./format.ts";
import { type TimeBase, timeOfStep } from "./timeAxis.ts";

export type Summary = EngineSummary & {
  /** ISO time (UTC) of step 0 for a replay of timestamped data; absent otherwise. */
  startTime?: string;
  seed: number;
  scenarioHash: string;
  version: string;
  /** The price fall split by counterfactual re-runs, when the scenario asks for it. */
  priceFallDecomposition?: FallDecomposition;
};

/**
 * The key order of `summary.json`. A record over every key (rather than a list) makes the
 * compiler reject a missing or misspelt key when EngineSummary grows.
 */
const summaryKeyOrder: Record<keyof Summary, null> = {
  name: null,
  symbol: null,
  steps: null,
  dt: null,
  startTime: null,
  positionCount: null,
  liquidatedNotional: null,
  liquidationCount: null,
  partialLiquidationCount: null,
  cascadeRounds: null,
  maxRoundsInStep: null,
  badDebt: null,
  insuranceFundStart: null,
  insuranceFundEnd: null,
  insuranceFundUsed: null,
  liquidationFees: null,
  backstopCapitalStart: null,
  backstopCapitalEnd: null,
  backstopTakeoverNotional: null,
  adlNotional: null,
  adlCount: null,
  adl: null,
  socializedLoss: null,
  exchangeLoss: null,
  unfilledNotional: null,
  fundingPaid: null,
  startPrice: null,
  minPrice: null,
  endPrice: null,
  minIndexPrice: null,
  exogenousMove: null,
  totalMove: null,
  amplification: null,
  openInterestStart: null,
  openInterestEnd: null,
  stopLossNotional: null,
  stopLossCount: null,
  stopsPlaced: null,
  agentBoughtNotional: null,
  agentSoldNotional: null,
  peakOpenInterest: null,
  peakAggregateLeverage: null,
  maxMarginMultiplier: null,
  haltCount: null,
  minDepthMultiplier: null,
  crossAccountCount: null,
  crossAccountLiquidations: null,
  priceFallDecomposition: null,
  ledger: null,
  seed: null,
  scenarioHash: null,
  version: null,
  markets: null,
  contagion: null,
};

const ledgerKeyOrder: Record<keyof Ledger, null> = {
  valueStart: null,
  valueEnd: null,
  drift: null,
};

export const summaryKeys = Object.keys(summaryKeyOrder) as (keyof Summary)[];
export const ledgerKeys = Object.keys(ledgerKeyOrder) as (keyof Ledger)[];

/**
 * Rebuilds the summary in the documented key order, whatever order the object was assembled
 * in. Keys outside the type (a newer engine) follow, sorted, so they are kept and still stable.
 */
function orderedSummary(summary: Summary): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of summaryKeys) {
    if (key === "ledger") {
      const ledger: Record<string, unknown> = {};
      for (const ledgerKey of ledgerKeys) ledger[ledgerKey] = summary.ledger[ledgerKey];
      ordered.ledger = ledger;
    } else {
      ordered[key] = summary[key];
    }
  }
  const known = new Set<string>(summaryKeys);
  const extraKeys = Object.keys(summary)
    .filter((key) => !known.has(key))
    .sort();
  const loose = summary as unknown as Record<string, unknown>;
  for (const key of extraKeys) ordered[key] = loose[key];
  return ordered;
}

/**
 * `summary.json` text: 2-space indent, trailing newline. JSON has no NaN, so an undefined
 * value (amplification without an exogenous move) is written as null.
 */
export function summaryJson(summary: Summary): string {
  return `${JSON.stringify(orderedSummary(summary), null, 2)}\n`;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${Math.round(count) === 1 ? singular : pluralForm}`;
}

function formatAmplification(summary: Summary): string {
  return summary.exogenousMove !== 0 && Number.isFinite(summary.amplification)
    ? `${summary.amplification.toFixed(2)}x`
    : "n/a";
}

/** Moves are fractions of the start price, positive for a fall (see EngineSummary). */
function describeMove(fraction: number): string {
  return fraction >= 0 ? `${formatPercent(fraction)} fall` : `${formatPercent(-fraction)} rise`;
}

/** Steps on the run's clock: UTC for a replay (summary.startTime), time since the start otherwise. */
function timeBase(summary: Summary): TimeBase {
  return {
    dt: summary.dt,
    startTime: summary.startTime === undefined ? null : Date.parse(summary.startTime),
  };
}

/** Both moves are measured from the start price to the lowest index and mark: one baseline. */
function moveSentence(summary: Summary): string {
  const amplification = formatAmplification(summary);
  const start = formatMoney(summary.startPrice);
  if (summary.exogenousMove === 0 || !Number.isFinite(summary.exogenousMove)) {
    if (summary.totalMove === 0) return "No exogenous shock and no price move (amplification n/a).";
    return `No exogenous shock, yet the mark saw a ${describeMove(summary.totalMove)} from the start price of ${start} (amplification ${amplification}).`;
  }
  const index =
    summary.exogenousMove > 0
      ? `The index fell ${formatPercent(summary.exogenousMove)} below the start price of ${start} at its lowest (the exogenous shock)`
      : `The index rose ${formatPercent(-summary.exogenousMove)} above the start price of ${start}`;
  const mark =
    summary.totalMove >= 0
      ? `the mark fell ${formatPercent(summary.totalMove)}`
      : `the mark rose ${formatPercent(-summary.totalMove)}`;
  return `${index}; ${mark} (amplification ${amplification}).`;
}

function liquidationSentence(summary: Summary): string {
  if (summary.liquidationCount === 0) return "No position was liquidated.";
  const partial =
    summary.partialLiquidationCount > 0
      ? ` (${plural(summary.partialLiquidationCount, "partial close")})`
      : "";
  const book = summary.liquidatedNotional - summary.backstopTakeoverNotional - summary.adlNotional;
  const ways = [`${formatMoney(book)} sold into the book`];
  if (summary.backstopTakeoverNotional > 0)
    ways.push(`${formatMoney(summary.backstopTakeoverNotional)} taken over by the backstop`);
  if (summary.adlNotional > 0) ways.push(`${formatMoney(summary.adlNotional)} closed by ADL`);
  return (
    `${plural(summary.liquidationCount, "position")} liquidated${partial}, ` +
    `${formatMoney(summary.liquidatedNotional)} of notional over ` +
    `${plural(summary.cascadeRounds, "cascade round")}: ${ways.join(", ")}.`
  );
}

function stopLossSentence(summary: Summary): string[] {
  if (summary.stopsPlaced === 0) return [];
  if (summary.stopLossCount === 0)
    return [`None of ${plural(summary.stopsPlaced, "stop-loss order")} fired.`];
  return [
    `Stop-losses sold ${formatMoney(summary.stopLossNotional)} (${formatCount(summary.stopLossCount)} of ${plural(summary.stopsPlaced, "resting stop")}), apart from liquidations.`,
  ];
}

function decompositionSentence(summary: Summary): string[] {
  const split = summary.priceFallDecomposition;
  if (split === undefined) return [];
  const top = `${formatMoney(split.referencePrice)}, ${timeOfStep(timeBase(summary), split.referenceStep)}`;
  return [
    `Measured from the top instead (${top}), the price fell ${formatPercent(split.totalFall)}: ${formatPercent(split.exogenous)} exogenous, ` +
      `${formatPercent(split.liquidations)} liquidations, ${formatPercent(split.stopLosses)} stop-losses, ` +
      `${formatPercent(split.liquidityWithdrawal)} liquidity withdrawal, ${formatPercent(split.other)} other (Shapley split over counterfactual re-runs).`,
  ];
}

function lossSentences(summary: Summary): string[] {
  const fundPath = `${formatMoney(summary.insuranceFundStart)} → ${formatMoney(summary.insuranceFundEnd)}`;
  const sentences: string[] = [];
  if (summary.badDebt > 0) {
    const covered = Math.min(1, Math.max(0, summary.insuranceFundUsed / summary.badDebt));
    sentences.push(
      `The insurance fund covered ${formatPercent(covered)} of ${formatMoney(summary.badDebt)} bad debt (${fundPath}).`,
    );
  } else {
    sentences.push(`No bad debt; the insurance fund went ${fundPath}.`);
  }
  if (summary.backstopTakeoverNotional > 0) {
    sentences.push(
      `The backstop vault took over ${formatMoney(summary.backstopTakeoverNotional)} of positions ` +
        `(capital ${formatMoney(summary.backstopCapitalStart)} → ${formatMoney(summary.backstopCapitalEnd)}).`,
    );
  }
  const adlCloses =
    summary.adlCount > 0
      ? ` in ${plural(summary.adlCount, "close")} (a close cuts one winner's position against one bankrupt position)`
      : "";
  sentences.push(
    `ADL closed ${formatMoney(summary.adlNotional)} of winning positions${adlCloses}; ` +
      `socialised loss ${formatMoney(summary.socializedLoss)}.`,
  );
  if (summary.exchangeLoss > 0)
    sentences.push(`The exchange absorbed ${formatMoney(summary.exchangeLoss)}.`);
  if (summary.unfilledNotional > 0) {
    sentences.push(
      `${formatMoney(summary.unfilledNotional)} of liquidation orders found no liquidity.`,
    );
  }
  return sentences;
}

/** A span of simulation time: minutes from two minutes on, seconds below. */
function duration(seconds: number): string {
  return seconds >= 120 ? `${formatCount(seconds / 60)} min` : `${formatCount(seconds)} s`;
}

/**
 * Several markets: each one's fall and liquidations, where ADL began and how long after the
 * first liquidation, and what cross accounts carried from one market into another.
 */
/** Up to five names, then how many more. */
function listNames(names: readonly string[]): string {
  return names.length <= 5
    ? names.join(", ")
    : `${names.slice(0, 5).join(", ")} and ${formatCount(names.length - 5)} more`;
}

/** Markets named one by one in the text; summary.json and the report have all of them. */
const marketsInText = 6;

function marketSentences(summary: Summary): string[] {
  const markets = summary.markets;
  if (markets.length < 2) return [];
  const largest = [...markets]
    .sort((left, right) => right.liquidatedNotional - left.liquidatedNotional)
    .slice(0, marketsInText);
  const perMarket = largest
    .map(
      (market) =>
        `${market.symbol} ${describeMove(market.totalMove)} (${formatPercent(market.exogenousMove)} exogenous), ` +
        `${formatMoney(market.liquidatedNotional)} liquidated (${formatCount(market.liquidationCount)}), ADL ${formatMoney(market.adlNotional)}`,
    )
    .join("; ");
  const rest =
    markets.length > largest.length
      ? ` (the ${largest.length} that liquidated most of ${markets.length}; summary.json has every market)`
      : "";
  const sentences = [`Per market${rest}: ${perMarket}.`];
  const firsts = markets.filter((market) => market.firstLiquidationStep !== null);
  const adls = markets.filter((market) => market.firstAdlStep !== null);
  if (firsts.length > 0) {
    const first = Math.min(...firsts.map((market) => market.firstLiquidationStep as number));
    const firstMarkets = firsts
      .filter((market) => market.firstLiquidationStep === first)
      .map((market) => market.symbol);
    let timing = `The first liquidations came ${duration(first * summary.dt)} in (${listNames(firstMarkets)})`;
    if (adls.length > 0) {
      const firstAdl = Math.min(...adls.map((market) => market.firstAdlStep as number));
      const adlMarkets = adls
        .filter((market) => market.firstAdlStep === firstAdl)
        .map((market) => market.symbol);
      timing += `; the first ADL ${duration(firstAdl * summary.dt)} in (${listNames(adlMarkets)}), ${duration((firstAdl - first) * summary.dt)} after the first liquidation`;
    }
    sentences.push(`${timing}.`);
  }
  const rows = summary.contagion.liquidatedNotional;
  let carried = 0;
  rows.forEach((row, source) => {
    row.forEach((value, market) => {
      if (market !== source) carried += value;
    });
  });
  if (summary.crossAccountCount > 0) {
    sentences.push(
      `${formatCount(summary.crossAccountLiquidations)} of ${plural(summary.crossAccountCount, "cross account")} holding several markets were liquidated; ` +
        `${formatMoney(carried)} of liquidations hit a market other than the one the account lost most in.`,
    );
  }
  return sentences;
}

/** A short paragraph a non-specialist can read: what the shock did and who paid for it. */
export function summaryText(summary: Summary): string {
  const lead = summary.markets.length > 1 ? [`In ${summary.symbol}, the lead market:`] : [];
  return [
    ...lead,
    moveSentence(summary),
    liquidationSentence(summary),
    ...stopLossSentence(summary),
    ...decompositionSentence(summary),
    ...marketSentences(summary),
    ...lossSentences(summary),
    `Ledger drift ${formatScientific(summary.ledger.drift)}.`,
  ].join(" ");
}
