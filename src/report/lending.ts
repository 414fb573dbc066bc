/**
 * Outputs of a `model: lending` run: summary.json (per venue: liquidations, bad debt, insolvent
 * debt, TVL before and after, health-factor distributions; per pool: the gap to the external
 * price and the arbitrage that closed it; the ledger), timeseries.csv, events.csv, and the
 * summary sentence. LaR and VaR, when the scenario asks for risk runs, are the 95th percentiles
 * over the run set of each run's liquidated collateral and insolvent debt (Gauntlet's definitions).
 */
import type { VenueSummary } from "../engine/lending/contracts.ts";
import type { LendingEngineScenario, LendingRun } from "../engine/lending/run.ts";
import { lendingEventTypes } from "../engine/lending/world.ts";
import { eventTypes } from "../engine/result.ts";
import type { AaveExtraSummary } from "../engine/venue/aave.ts";
import { csvField } from "./csv.ts";
import { formatMoney, formatNumber, formatPercent, formatScientific } from "./format.ts";
import { plural } from "./markup.ts";
import { lendingVenueTotals } from "./reconcile.ts";
import { startTimeIso, type TimeBase, timeLabel } from "./timeAxis.ts";

/** When step 0 happened, if a price path came from timestamped data (the first such asset's). */
export function lendingStartTime(scenario: LendingEngineScenario): number | undefined {
  for (const asset of scenario.assets) {
    if (asset.shock.kind === "path" && asset.shock.startTime !== undefined)
      return asset.shock.startTime;
  }
  return undefined;
}

/** Steps on the run's clock: UTC for a replay (summary.startTime), time since the start otherwise. */
export function lendingTimeBase(summary: { dt: number; startTime?: string }): TimeBase {
  return {
    dt: summary.dt,
    startTime: summary.startTime === undefined ? null : Date.parse(summary.startTime),
  };
}

export interface LendingAssetSummary {
  symbol: string;
  start: number;
  min: number;
  end: number;
  /** end / start − 1 of the external price. */
  move: number;
  oracleMin: number;
  marketMin: number;
  oracleUpdates: number;
}

export interface LendingMarketSummary {
  market: string;
  /** A constant-product pool, or an order book quoted by makers outside the model. */
  kind: "amm" | "book";
  priceStart: number;
  priceMin: number;
  priceEnd: number;
  /** Largest (external − pool) / external over the run: how far liquidation sales pushed it. */
  maxDiscount: number;
  reserveBaseStart: number;
  reserveBaseEnd: number;
  reserveQuoteStart: number;
  reserveQuoteEnd: number;
  arbitrageVolumeUsd: number;
  arbitrageProfit: number;
}

export type LendingVenueReport = VenueSummary & {
  /** Distinct accounts liquidated at least once (a liquidation is one call or one bark). */
  liquidatedAccounts: number;
  /**
   * Aave: the largest debt above collateral value during the run (underwater, not yet a loss:
   * it shrinks again when the price recovers) and the step it was seen at.
   */
  underwaterPeak?: { usd: number; step: number };
  /** The run's liquidation volume (LaR's per-run quantity). */
  liquidationVolumeUsd: number;
  /** Debt above collateral value at the end (VaR's per-run quantity). */
  insolventDebtUsd: number;
  aave?: AaveExtraSummary;
};

export interface RiskSummary {
  runs: number;
  venues: {
    name: string;
    /** p95 over the runs of liquidated collateral (Gauntlet "Liquidations at Risk"). */
    liquidationsAtRiskUsd: number;
    /** p95 over the runs of insolvent debt (Gauntlet "Value at Risk"). */
    valueAtRiskUsd: number;
    liquidationVolumes: number[];
    insolventDebts: number[];
  }[];
}

export interface LendingSummary {
  name: string;
  model: "lending";
  steps: number;
  dt: number;
  /** ISO time (UTC) of step 0 when a price path comes from timestamped data; absent otherwise. */
  startTime?: string;
  assets: LendingAssetSummary[];
  markets: LendingMarketSummary[];
  venues: LendingVenueReport[];
  liquidatedCollateralUsd: number;
  liquidationCount: number;
  badDebtUsd: number;
  tvlStartUsd: number;
  tvlEndUsd: number;
  maxGasGwei: number;
  ledger: {
    assets: { symbol: string; start: number; end: number; drift: number }[];
    drift: number;
  };
  risk?: RiskSummary;
  /** With a perp venue next to another venue: the order in which the venues liquidated. */
  crossing?: CrossingSummary;
  seed: number;
  runIndex: number;
  scenarioHash: string;
  version: string;
}

export interface CrossingSummary {
  /** Venues that liquidated anything, by the first step they did (ties in venue order). */
  venues: { name: string; firstStep: number; firstMinute: number }[];
  /** USD the perp's makers sold into the world's market as their hedge (0 without a hedge). */
  hedgeSoldUsd: number;
  sentence: string;
}

/**
 * Which venue liquidated first and when each other one followed, from the per-step
 * `<venue>.liquidatedUsd` columns; undefined without a perp venue next to another one.
 */
export function crossingSummary(run: LendingRun): CrossingSummary | undefined {
  if (run.venues.length < 2 || !run.venues.some((venue) => venue.kind === "perp")) return undefined;
  const minutesPerStep = run.world.dt / 60;
  const started = run.venues.flatMap((venue) => {
    const liquidated = column(run, `${venue.name}.liquidatedUsd`);
    const firstStep = liquidated?.findIndex((value) => value > 0) ?? -1;
    return firstStep < 0
      ? []
      : [{ name: venue.name, firstStep, firstMinute: firstStep * minutesPerStep }];
  });
  started.sort((first, second) => first.firstStep - second.firstStep);
  let hedgeSoldUsd = 0;
  for (const venue of run.venues) {
    const hedge = column(run, `${venue.name}.hedgeSoldUsd`);
    if (hedge !== undefined) for (const value of hedge) hedgeSoldUsd += value;
  }
  let sentence: string;
  if (started.length === 0) sentence = "No venue liquidated anything: the cascade never started.";
  else {
    const [first, ...followers] = started;
    sentence = `${first.name} liquidated first, at minute ${formatNumber(first.firstMinute)} (step ${first.firstStep})`;
    for (const follower of followers) {
      sentence += `; ${follower.name} followed ${formatNumber(follower.firstMinute - first.firstMinute)} minutes later (step ${follower.firstStep})`;
    }
    const silent = run.venues.length - started.length;
    sentence +=
      silent > 0
        ? `; ${plural(silent, "venue")} never liquidated, so the cascade stopped there.`
        : ".";
  }
  if (hedgeSoldUsd > 0) {
    sentence += ` The perp's makers sold ${formatMoney(hedgeSoldUsd)} into the pool as their hedge: the way back from the perp to the pool.`;
  }
  return { venues: started, hedgeSoldUsd, sentence };
}

function column(run: LendingRun, name: string): Float64Array | undefined {
  const index = run.world.columns.indexOf(name);
  return index < 0 ? undefined : run.world.series[index];
}

function extremes(values: Float64Array): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  return { min, max };
}

/** The nearest-rank 95th percentile, the convention of the stress runner's VaR. */
export function percentile95(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)];
}

/** The largest value of a venue's series and its step; undefined without the column. */
function peakOf(run: LendingRun, name: string): { usd: number; step: number } | undefined {
  const values = column(run, name);
  if (values === undefined) return undefined;
  let step = 0;
  for (let index = 1; index < values.length; index++)
    if (values[index] > values[step]) step = index;
  return { usd: values[step], step };
}

export function venueReports(run: LendingRun): LendingVenueReport[] {
  return run.venues.map((venue, index) => {
    const aave = run.aave[index];
    const peak = venue.kind === "aave" ? peakOf(run, `${venue.name}.badDebtUsd`) : undefined;
    return {
      ...venue,
      liquidatedAccounts: lendingVenueTotals(run, index).accounts,
      ...(peak === undefined ? {} : { underwaterPeak: peak }),
      liquidationVolumeUsd: venue.liquidatedCollateralUsd,
      insolventDebtUsd: aave?.insolventDebtUsd ?? venue.badDebtUsd,
      ...(aave === undefined ? {} : { aave }),
    };
  });
}

export function lendingSummary(
  run: LendingRun,
  symbols: readonly string[],
  provenance: {
    name: string;
    seed: number;
    runIndex: number;
    scenarioHash: string;
    version: string;
    /** Milliseconds since the epoch (UTC) of step 0 for a replay of timestamped data. */
    startTime?: number;
  },
  risk?: RiskSummary,
): LendingSummary {
  const steps = run.world.steps;
  const assets = symbols.map((symbol, index): LendingAssetSummary => {
    const external = column(run, `${symbol}.external`) ?? new Float64Array(1);
    return {
      symbol,
      start: external[0],
      min: extremes(external).min,
      end: external[steps],
      move: external[steps] / external[0] - 1,
      oracleMin: extremes(column(run, `${symbol}.oracle`) ?? external).min,
      marketMin: extremes(column(run, `${symbol}.market`) ?? external).min,
      oracleUpdates: run.world.oracleUpdates[index],
    };
  });
  const markets = run.world.arbitrage.map((arbitrage): LendingMarketSummary => {
    const name = arbitrage.market;
    const [base, quote] = name.split("/");
    const price = column(run, `${name}.price`) ?? new Float64Array(1);
    const reserveBase = column(run, `${name}.reserveBase`) ?? new Float64Array(1);
    const reserveQuote = column(run, `${name}.reserveQuote`) ?? new Float64Array(1);
    const externalBase = column(run, `${base}.external`) ?? new Float64Array(1);
    const externalQuote = column(run, `${quote}.external`) ?? new Float64Array(1);
    const volume = column(run, `${name}.arbitrage`) ?? new Float64Array(1);
    let maxDiscount = 0;
    let volumeUsd = 0;
    for (let step = 0; step <= steps; step++) {
      const external = externalBase[step] / externalQuote[step];
      maxDiscount = Math.max(maxDiscount, (external - price[step]) / external);
      volumeUsd += volume[step];
    }
    return {
      market: name,
      kind: column(run, `${name}.bidDepth1pct`) === undefined ? "amm" : "book",
      priceStart: price[0],
      priceMin: extremes(price).min,
      priceEnd: price[steps],
      maxDiscount,
      reserveBaseStart: reserveBase[0],
      reserveBaseEnd: reserveBase[steps],
      reserveQuoteStart: reserveQuote[0],
      reserveQuoteEnd: reserveQuote[steps],
      arbitrageVolumeUsd: volumeUsd,
      arbitrageProfit: arbitrage.profit,
    };
  });
  const venues = venueReports(run);
  const sum = (
    field:
      | "liquidatedCollateralUsd"
      | "liquidationCount"
      | "badDebtUsd"
      | "tvlStartUsd"
      | "tvlEndUsd",
  ): number => venues.reduce((total, venue) => total + venue[field], 0);
  const gas = column(run, "gasGwei");
  const crossing = crossingSummary(run);
  return {
    name: provenance.name,
    model: "lending",
    steps,
    dt: run.world.dt,
    ...(provenance.startTime === undefined
      ? {}
      : { startTime: startTimeIso(provenance.startTime) }),
    assets,
    markets,
    venues,
    liquidatedCollateralUsd: sum("liquidatedCollateralUsd"),
    liquidationCount: sum("liquidationCount"),
    badDebtUsd: sum("badDebtUsd"),
    tvlStartUsd: sum("tvlStartUsd"),
    tvlEndUsd: sum("tvlEndUsd"),
    maxGasGwei: gas === undefined ? 0 : extremes(gas).max,
    ledger: {
      assets: run.world.ledger,
      drift: run.world.ledger.reduce((largest, entry) => Math.max(largest, entry.drift), 0),
    },
    ...(risk === undefined ? {} : { risk }),
    ...(crossing === undefined ? {} : { crossing }),
    seed: provenance.seed,
    runIndex: provenance.runIndex,
    scenarioHash: provenance.scenarioHash,
    version: provenance.version,
  };
}

export function lendingSummaryJson(summary: LendingSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** The asset whose external price moved most: the one the sentence is about. */
function leadAsset(summary: LendingSummary): LendingAssetSummary {
  return summary.assets.reduce((lead, asset) =>
    Math.abs(asset.move) > Math.abs(lead.move) ? asset : lead,
  );
}

/** "3,056 liquidation calls on 2,291 accounts" / "779 barks" / "4,050 positions": the unit said. */
function liquidationsPhrase(venue: LendingVenueReport): string {
  if (venue.kind === "perp") return plural(venue.liquidationCount, "position");
  if (venue.kind === "maker") return `${plural(venue.liquidationCount, "bark")} (one auction each)`;
  return `${plural(venue.liquidationCount, "liquidation call")} on ${plural(venue.liquidatedAccounts, "account")}`;
}

/** Bad debt of each kind of venue with what it is: Aave's is underwater debt left at the end. */
function badDebtPhrase(summary: LendingSummary): string {
  const time = lendingTimeBase(summary);
  const utc = time.startTime === null ? "" : " UTC";
  const notes = summary.venues.flatMap((venue) => {
    const peak = venue.underwaterPeak;
    if (venue.kind !== "aave" || peak === undefined || !(peak.usd > venue.badDebtUsd)) return [];
    const prefix = summary.venues.length > 1 ? `${venue.name}'s ` : "";
    return [
      `${prefix}debt above collateral value peaked at ${formatMoney(peak.usd)} at ${timeLabel(time, peak.step)}${utc} and the recovery took it back`,
    ];
  });
  const left = notes.length > 0 ? " at the end" : "";
  return `bad debt ${formatMoney(summary.badDebtUsd)}${left}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
}

export function lendingSummaryText(summary: LendingSummary): string {
  const lead = leadAsset(summary);
  const direction = lead.move < 0 ? "fell" : "rose";
  const units =
    summary.venues.length === 1
      ? liquidationsPhrase(summary.venues[0])
      : plural(summary.liquidationCount, "liquidation");
  const parts = [
    `${lead.symbol} ${direction} ${formatPercent(Math.abs(lead.move))} from start to end (low ${formatPercent(1 - lead.min / lead.start)} below the start)`,
    `${formatMoney(summary.liquidatedCollateralUsd)} of collateral liquidated in ${units}`,
    badDebtPhrase(summary),
    `TVL ${formatMoney(summary.tvlStartUsd)} → ${formatMoney(summary.tvlEndUsd)}`,
  ];
  if (summary.venues.length > 1) {
    const byVenue = summary.venues.map(
      (venue) =>
        `${venue.name} ${formatMoney(venue.liquidatedCollateralUsd)} in ${liquidationsPhrase(venue)}`,
    );
    parts[1] += ` (${byVenue.join(", ")})`;
  }
  let text = `${parts.join("; ")}.`;
  for (const market of summary.markets) {
    text +=
      market.kind === "amm"
        ? ` The ${market.market} pool traded up to ${formatPercent(market.maxDiscount)} below the external price; arbitrageurs traded ${formatMoney(market.arbitrageVolumeUsd)} against it.`
        : ` The ${market.market} book traded up to ${formatPercent(market.maxDiscount)} below the external price.`;
  }
  if (summary.risk !== undefined) {
    for (const venue of summary.risk.venues) {
      text += ` ${venue.name} over ${summary.risk.runs} runs: LaR ${formatMoney(venue.liquidationsAtRiskUsd)}, VaR ${formatMoney(venue.valueAtRiskUsd)}.`;
    }
  }
  return `${text} Ledger drift ${formatScientific(summary.ledger.drift)}.`;
}

/** One row per step: the world's columns, exact numbers. */
export function lendingTimeseriesCsv(run: LendingRun): string {
  const lines = [run.world.columns.map(csvField).join(",")];
  const series = run.world.series;
  for (let step = 0; step <= run.world.steps; step++) {
    let line = formatNumber(series[0][step]);
    for (let index = 1; index < series.length; index++)
      line += `,${formatNumber(series[index][step])}`;
    lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Every venue's events on one time axis: per step, the world's (lending venues') events, then each
 * perp venue's own (liquidations, fees, covers, ADL), with `venue` naming where it happened. A perp
 * event's value is its traded notional, or the money it moved when it traded nothing (a fee, a cover).
 */
export function lendingEventsCsv(run: LendingRun, symbols: readonly string[]): string {
  const events = run.world.events;
  const lines = ["step,time,type,venue,account,asset,quantity,valueUsd"];
  const perps = run.perpEvents.flatMap((perp, venue) =>
    perp === undefined ? [] : [{ ...perp, venue, next: 0 }],
  );
  const perpRowsThrough = (step: number): void => {
    for (const perp of perps) {
      const log = perp.events;
      for (; perp.next < log.length && log.step[perp.next] <= step; perp.next++) {
        const index = perp.next;
        const notional = log.notional[index];
        lines.push(
          [
            String(log.step[index]),
            formatNumber(log.step[index] * run.world.dt),
            eventTypes[log.type[index]],
            csvField(run.venues[perp.venue]?.name ?? ""),
            String(log.account[index]),
            symbols[perp.asset],
            formatNumber(log.quantity[index]),
            formatNumber(notional !== 0 ? notional : log.amount[index]),
          ].join(","),
        );
      }
    }
  };
  for (let index = 0; index < events.length; index++) {
    const asset = events.asset[index];
    if (index === 0 || events.step[index] !== events.step[index - 1]) {
      perpRowsThrough(events.step[index] - 1);
    }
    lines.push(
      [
        String(events.step[index]),
        formatNumber(events.step[index] * run.world.dt),
        lendingEventTypes[events.type[index]],
        csvField(run.venues[events.venue[index]]?.name ?? ""),
        String(events.account[index]),
        asset < 0 ? "" : symbols[asset],
        formatNumber(events.quantity[index]),
        formatNumber(events.valueUsd[index]),
      ].join(","),
    );
  }
  perpRowsThrough(run.world.steps);
  return `${lines.join("\n")}\n`;
}
