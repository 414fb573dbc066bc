/**
 * The step loop (DESIGN.md, "The step loop") for one perpetual-futures venue:
 *   1. the exogenous index moves and liquidity providers re-quote around it;
 *   2-4. the mark price updates;
 *   5. margin check → liquidations against the same market, repeated in cascade rounds; in
 *      each round resting stop-loss orders the mark has crossed fire first (agents/stopLoss.ts);
 *   6. losses: insurance fund → backstop vault → ADL → socialised loss → exchange;
 *   7. accumulation agents trade toward their targets (agents/accumulation.ts);
 *   8. the venue policy (venue/policy.ts) and the market makers (agents/marketMakers.ts) read
 *      the step's volatility: margins, haircuts and halts for the next step, depth and spread;
 *   9. depth refills, funding, metrics.
 * Each leverage-cycle layer (stops, agents, policy, makers) is absent unless its scenario
 * section is, and then the loop does exactly what it did before the layers existed.
 *
 * Money is accounted as cash plus signed position for every holder (traders, the balancing
 * counterparty, the book's makers, the backstop vault, the insurance fund, the exchange), so every
 * transfer has a payer and a payee and the ledger can be summed independently at the end.
 */

import { AccumulationAgents } from "./agents/accumulation.ts";
import { MarketMakers } from "./agents/marketMakers.ts";
import { generatePopulation, orderForLocality } from "./agents/population.ts";
import { StopLossBook } from "./agents/stopLoss.ts";
import type { EngineScenario, PositionSpec, VolatilityPrice } from "./config.ts";
import { EngineNumericError } from "./errors.ts";
import { EventRecorder } from "./eventLog.ts";
import { ImpactFunctionMarket } from "./market/impactMarket.ts";
import { emptyFill, type Market } from "./market/market.ts";
import { OrderBookMarket } from "./market/orderBook.ts";
import { liquidationHeatmap } from "./metrics/heatmap.ts";
import { runStreams } from "./random.ts";
import type { HeatmapBucket, RunResult, TimeseriesColumn } from "./result.ts";
import { timeseriesColumns } from "./result.ts";
import { AdlQueue } from "./risk/adl.ts";
import { BackstopVault, Holder } from "./risk/holders.ts";
import { TriggerIndex } from "./risk/liquidationIndex.ts";
import { exogenousPath } from "./shock.ts";
import { bankruptcyPrice, MarginTiers } from "./venue/marginTiers.ts";
import { VenuePolicy } from "./venue/policy.ts";
import { PositionStore } from "./venue/positionStore.ts";
import { fundingRate, markPrice } from "./venue/pricing.ts";

export interface RunOptions {
  seed: number;
  runIndex?: number;
  /** Called after each step; cheap enough to drive a progress bar. */
  onStep?: (step: number, steps: number) => void;
}

/** Quantities below this fraction of a position are dust: treat as fully closed. */
const dustFraction = 1e-12;
const code = {
  liquidation: EventRecorder.code("liquidation"),
  partial: EventRecorder.code("partial_liquidation"),
  fee: EventRecorder.code("liquidation_fee"),
  badDebt: EventRecorder.code("bad_debt"),
  fundCover: EventRecorder.code("insurance_fund_cover"),
  takeover: EventRecorder.code("backstop_takeover"),
  backstopCover: EventRecorder.code("backstop_cover"),
  unwind: EventRecorder.code("backstop_unwind"),
  adl: EventRecorder.code("adl"),
  socialized: EventRecorder.code("socialized_loss"),
  exchangeLoss: EventRecorder.code("exchange_loss"),
  unfilled: EventRecorder.code("unfilled"),
  funding: EventRecorder.code("funding"),
  stopLoss: EventRecorder.code("stop_loss"),
  adlLiquidation: EventRecorder.code("adl_liquidation"),
};

/** Accumulation agents pay at most this fraction over the mark (and sell at most under it). */
const agentSlippageLimit = 0.01;
/** Rebalances smaller than this share of the agent's equity are not worth a trade. */
const agentTradeBand = 0.01;

/** Neumaier-compensated sum: the ledger adds a million terms of very different sizes. */
class CompensatedSum {
  private total = 0;
  private compensation = 0;

  add(value: number): void {
    const next = this.total + value;
    if (Math.abs(this.total) >= Math.abs(value)) this.compensation += this.total - next + value;
    else this.compensation += value - next + this.total;
    this.total = next;
  }

  get value(): number {
    return this.total + this.compensation;
  }
}

function createMarket(scenario: EngineScenario): Market {
  const spec = scenario.market;
  return spec.kind === "orderBook"
    ? new OrderBookMarket(spec)
    : new ImpactFunctionMarket(spec, scenario.asset.price);
}

/** Explicit cross-margin positions of one account share its wallet; one-way mode only. */
function mergeCrossAccounts(
  positions: readonly PositionSpec[],
  defaultCross: boolean,
): PositionSpec[] {
  const merged: PositionSpec[] = [];
  const crossIndex = new Map<string, number>();
  for (const position of positions) {
    const cross = (position.marginMode ?? (defaultCross ? "cross" : "isolated")) === "cross";
    if (!cross) {
      merged.push(position);
      continue;
    }
    const existing = crossIndex.get(position.account);
    if (existing === undefined) {
      crossIndex.set(position.account, merged.length);
      merged.push({ ...position, marginMode: "cross" });
      continue;
    }
    const held = merged[existing];
    if (held.side !== position.side) {
      // The scenario layer rejects this with the position's location; reaching it is a bug.
      throw new Error(`account ${position.account}: long and short on one cross wallet`);
    }
    const size = held.size + position.size;
    merged[existing] = {
      ...held,
      size,
      entryPrice: (held.size * held.entryPrice + position.size * position.entryPrice) / size,
      collateral: held.collateral + position.collateral,
    };
  }
  return merged;
}

export class Simulation {
  readonly store: PositionStore;
  readonly tiers: MarginTiers;
  readonly market: Market;
  private readonly scenario: EngineScenario;
  private readonly events: EventRecorder;
  private readonly fill = emptyFill();
  /** Longs by liquidation price, shorts by its inverse (see TriggerIndex). */
  private readonly longIndex: TriggerIndex;
  private readonly shortIndex: TriggerIndex;
  private readonly takeLong = (id: number, value: number): void => {
    if (this.store.size[id] > 0 && this.store.liquidationPrice[id] === value) this.addToBatch(id);
  };
  private readonly takeShort = (id: number, value: number): void => {
    if (this.store.size[id] > 0 && 1 / this.store.liquidationPrice[id] === value)
      this.addToBatch(id);
  };
  private readonly indexPath: Float64Array;
  private readonly adlQueues: { long: AdlQueue; short: AdlQueue } | null;
  private readonly batch: number[] = [];
  /** Positions still liquidatable when capacity ran out or the book was empty: first next step. */
  private pending: number[] = [];
  private carried: number[] = [];
  /** Round stamp per position, so duplicate index entries never liquidate a position twice a round. */
  private readonly batchStamp: Int32Array;
  private readonly liquidatedOnce: Uint8Array;
  private readonly reindexStamp: Int32Array;
  private readonly toReindex: number[] = [];
  private roundStamp = 0;

  // Cash of the holders other than traders.
  insuranceFund: number;
  /** The book's liquidity providers: they take the other side of every fill. */
  private readonly makers = new Holder(0);
  private readonly vault: BackstopVault;
  /** Pro-rata ADL volume of the round, by the bankrupt side it came from (see settleProRata). */
  private readonly proRataPools = { long: new Holder(0), short: new Holder(0) };
  private exchangeCash = 0;
  /** Deficits paid to bankrupt positions this round, collected from winners at round end. */
  private socialPool = 0;

  private step = 0;
  private round = 0;
  private mark: number;
  private index: number;
  private capacityLeft = Number.POSITIVE_INFINITY;
  private longSize = 0;
  private shortSize = 0;
  private premiumSum = 0;
  private premiumSteps = 0;

  // The leverage-cycle layers; each is null when its scenario section is absent.
  private readonly policy: VenuePolicy | null;
  private readonly liquidityMakers: MarketMakers | null;
  private readonly stops: StopLossBook | null;
  private readonly agents: AccumulationAgents | null;
  /** Maintenance brackets in force: the scenario's, or scaled by the policy's multiplier. */
  private marginTiers: MarginTiers;
  private haircut = 0;
  /** Stops only partly filled, tried again at the start of the next step. */
  private stopCarry: number[] = [];
  private readonly stopFiredOnce: Uint8Array;
  private lastFundingRate = Number.NaN;
  private stepStopNotional = 0;
  private stepStopCount = 0;
  /** The circuit breaker halted trading in this step. */
  private stepHalted = false;

  // Per-step accumulators (reset each step) and run totals.
  private stepLiquidated = 0;
  private stepCount = 0;
  private stepBadDebt = 0;
  private stepAdl = 0;
  private stepSocialized = 0;
  private readonly totals = {
    liquidatedNotional: 0,
    liquidationCount: 0,
    partialLiquidationCount: 0,
    cascadeRounds: 0,
    maxRoundsInStep: 0,
    badDebt: 0,
    liquidationFees: 0,
    backstopTakeoverNotional: 0,
    adlNotional: 0,
    adlCount: 0,
    socializedLoss: 0,
    exchangeLoss: 0,
    unfilledNotional: 0,
    fundingPaid: 0,
    stopLossNotional: 0,
    stopLossCount: 0,
    agentBoughtNotional: 0,
    agentSoldNotional: 0,
  };

  constructor(scenario: EngineScenario, options: RunOptions) {
    this.scenario = scenario;
    const streams = runStreams(options.seed, options.runIndex ?? 0);
    const exchange = scenario.exchange;
    this.tiers = new MarginTiers(exchange.maintenanceMarginTiers);
    this.marginTiers = this.tiers;
    this.policy = scenario.policy
      ? new VenuePolicy(scenario.policy, exchange.maintenanceMarginTiers, scenario.dt)
      : null;
    this.liquidityMakers = scenario.marketMakers
      ? new MarketMakers(scenario.marketMakers, scenario.dt)
      : null;
    this.agents = scenario.accumulation
      ? new AccumulationAgents(scenario.accumulation, scenario.dt)
      : null;
    const explicit = mergeCrossAccounts(
      scenario.positions.explicit,
      exchange.marginMode === "cross",
    );
    const capacity =
      explicit.length + (scenario.positions.population?.count ?? 0) + 1 + (this.agents?.count ?? 0);
    this.store = new PositionStore(capacity);
    for (const position of explicit) {
      this.store.add(
        position.side === "long" ? 1 : -1,
        position.size,
        position.entryPrice,
        position.collateral,
        (position.marginMode ?? exchange.marginMode) === "cross",
      );
      this.store.explicitNames.push(position.account);
    }
    if (scenario.positions.population) {
      const generatedFrom = this.store.count;
      generatePopulation(
        scenario.positions.population,
        scenario.asset.price,
        this.tiers,
        this.store,
        streams.population,
      );
      orderForLocality(this.store, generatedFrom, scenario.asset.price);
    }
    this.addCounterparty();
    this.addAgents();

    this.market = createMarket(scenario);
    if (this.liquidityMakers && !(this.market instanceof OrderBookMarket)) {
      throw new Error("marketMakers: needs market.orderBook; an impact function has no quotes");
    }
    this.indexPath = exogenousPath(
      scenario.shock,
      scenario.asset.price,
      scenario.steps,
      scenario.dt,
      streams.shock,
    );
    if (this.indexPath[0] !== scenario.asset.price) {
      this.market.shift(this.indexPath[0] / scenario.asset.price);
    }
    this.index = this.indexPath[0];
    this.insuranceFund = exchange.insuranceFund;
    this.vault = new BackstopVault(exchange.backstop);
    const ranking = exchange.adl.ranking;
    this.adlQueues =
      ranking === "none"
        ? null
        : { long: new AdlQueue(ranking, 1), short: new AdlQueue(ranking, -1) };
    this.events = new EventRecorder(2 * this.store.count);
    this.batchStamp = new Int32Array(this.store.count);
    this.liquidatedOnce = new Uint8Array(this.store.count);
    this.reindexStamp = new Int32Array(this.store.count);
    this.longIndex = new TriggerIndex(scenario.asset.price, this.store.count);
    this.shortIndex = new TriggerIndex(1 / scenario.asset.price, this.store.count);
    this.rebuildIndex();
    this.mark = this.computeMark();
    this.stopFiredOnce = new Uint8Array(scenario.stopLosses ? this.store.count : 0);
    if (scenario.stopLosses) {
      this.stops = new StopLossBook(this.store.count, scenario.asset.price);
      this.stops.place(
        this.store,
        scenario.stopLosses,
        streams.stopLoss,
        this.store.counterpartyId,
      );
    } else {
      this.stops = null;
    }
  }

  /** Each accumulation agent: a long with no size yet and its capital as wallet. */
  private addAgents(): void {
    const agents = this.agents;
    if (!agents) return;
    const price = this.scenario.asset.price;
    agents.firstId = this.store.count;
    for (let agent = 0; agent < agents.count; agent++) {
      this.store.add(1, 0, price, agents.capitalOf(agent), false);
    }
    this.store.nameRange(agents.firstId, agents.count, (offset) => agents.nameOf(offset));
  }

  /** Liquidation price under the policy in force (scaled brackets, haircut wallet). */
  private liquidationPriceOf(id: number): number {
    const store = this.store;
    const wallet = store.collateral[id];
    return this.marginTiers.liquidationPrice(
      store.side[id],
      store.size[id],
      store.entryPrice[id],
      this.haircut > 0 && wallet > 0 ? wallet * (1 - this.haircut) : wallet,
    );
  }

  /**
   * Whoever holds the other side of the traders' net position (other market participants on the
   * venue), at 1x leverage and the start price, so open interest balances and the ledger is
   * closed. It is an ordinary position: it can be deleveraged and pays funding.
   */
  private addCounterparty(): void {
    const store = this.store;
    let net = 0;
    for (let id = 0; id < store.count; id++) net += store.side[id] * store.size[id];
    const scale = Math.max(1, this.totalSize());
    if (Math.abs(net) <= 1e-12 * scale) return;
    const price = this.scenario.asset.price;
    const size = Math.abs(net);
    store.counterpartyId = store.add(net > 0 ? -1 : 1, size, price, size * price, false);
  }

  private totalSize(): number {
    let total = 0;
    for (let id = 0; id < this.store.count; id++) total += this.store.size[id];
    return total;
  }

  /** Recompute every liquidation price and reload both indexes: O(n), at start and after funding. */
  private rebuildIndex(): void {
    const store = this.store;
    this.longIndex.clear();
    this.shortIndex.clear();
    this.longSize = 0;
    this.shortSize = 0;
    for (let id = 0; id < store.count; id++) {
      const size = store.size[id];
      if (size === 0) continue;
      const side = store.side[id];
      const price = this.liquidationPriceOf(id);
      store.liquidationPrice[id] = price;
      if (side > 0) {
        this.longIndex.add(price, id);
        this.longSize += size;
      } else {
        this.shortIndex.add(1 / price, id);
        this.shortSize += size;
      }
    }
  }

  /**
   * ADL winners and haircut positions get their new liquidation price once per round, not once
   * per change: the top-ranked winner may be deleveraged thousands of times in one round.
   */
  private markForReindex(id: number): void {
    if (this.reindexStamp[id] === this.roundStamp) return;
    this.reindexStamp[id] = this.roundStamp;
    this.toReindex.push(id);
  }

  private reindexMarked(): void {
    const marked = this.toReindex;
    for (let index = 0; index < marked.length; index++) {
      if (this.store.size[marked[index]] > 0) this.reindex(marked[index]);
    }
    marked.length = 0;
  }

  private reindex(id: number): void {
    const store = this.store;
    const price = this.liquidationPriceOf(id);
    store.liquidationPrice[id] = price;
    if (store.side[id] > 0) this.longIndex.add(price, id);
    else this.shortIndex.add(1 / price, id);
  }

  private isLiquidatable(id: number): boolean {
    const store = this.store;
    if (store.size[id] === 0) return false;
    return store.side[id] > 0
      ? this.mark <= store.liquidationPrice[id]
      : this.mark >= store.liquidationPrice[id];
  }

  private computeMark(): number {
    return markPrice(
      this.scenario.exchange.markPrice,
      this.index,
      this.market.mid(),
      this.market.lastPrice(),
    );
  }

  /** Liquidation notional by price level at the start, before any step has run. */
  preShockHeatmap(): HeatmapBucket[] {
    return liquidationHeatmap(this.store, this.mark);
  }

  run(onStep?: RunOptions["onStep"]): RunResult {
    const steps = this.scenario.steps;
    this.begin();
    for (let step = 1; step <= steps; step++) {
      this.advance(this.indexPath[step]);
      onStep?.(step, steps);
    }
    return this.finish();
  }

  private series: Record<TimeseriesColumn, Float64Array> | null = null;
  private opening: {
    heatmap: HeatmapBucket[];
    valueStart: number;
    insuranceFundStart: number;
    backstopStart: number;
    openInterestStart: number;
  } | null = null;

  /**
   * Records the start state. `begin`, `advance` once per step, then `finish` is what `run` does;
   * a multi-venue world calls them itself so it can feed this venue an index it computed.
   */
  begin(): void {
    const series = {} as Record<TimeseriesColumn, Float64Array>;
    for (const column of timeseriesColumns) {
      series[column] = new Float64Array(this.scenario.steps + 1);
    }
    this.series = series;
    this.opening = {
      heatmap: this.preShockHeatmap(),
      valueStart: this.ledgerValue(),
      insuranceFundStart: this.insuranceFund,
      backstopStart: this.vault.equity(this.mark),
      openInterestStart: this.longSize * this.mark,
    };
    this.recordRow(series, 0);
  }

  /** One step with `nextIndex` as the new index price (the scenario's own path in `run`). */
  advance(nextIndex: number): void {
    const series = this.series;
    if (series === null) throw new Error("advance() before begin()");
    const step = this.step + 1;
    if (step > this.scenario.steps) throw new Error(`advance() past step ${this.scenario.steps}`);
    this.step = step;
    this.resetStepTotals();
    if (!(nextIndex > 0 && Number.isFinite(nextIndex))) {
      throw new EngineNumericError(this.step, "index path", "index price", nextIndex);
    }
    this.indexPath[step] = nextIndex;
    this.stepHalted = this.policy?.halted ?? false;
    this.market.shift(nextIndex / this.index);
    this.index = nextIndex;
    this.unwindBackstop();
    this.runLiquidations();
    this.rebalanceAgents();
    this.checkFinite(this.mark, "market", "mark price");
    this.checkFinite(this.index, "market", "index price");
    this.observeLayers();
    this.recordRow(series, step);
    this.market.advance(this.scenario.dt);
    this.payFunding();
    this.mark = this.computeMark();
  }

  /** Notional liquidated in the last step `advance` ran (what a world samples per step). */
  get stepLiquidatedNotional(): number {
    return this.stepLiquidated;
  }

  /** The index path the scenario's shock produced (read-only; `advance` takes any index). */
  scheduledIndex(step: number): number {
    return this.indexPath[step];
  }

  finish(): RunResult {
    const series = this.series;
    const opening = this.opening;
    if (series === null || opening === null) throw new Error("finish() before begin()");
    const steps = this.step;
    const { valueStart, insuranceFundStart, backstopStart, openInterestStart, heatmap } = opening;
    const valueEnd = this.ledgerValue();
    const marks = series.markPrice;
    let minPrice = marks[0];
    for (let step = 1; step <= steps; step++) minPrice = Math.min(minPrice, marks[step]);
    let minIndex = this.indexPath[0];
    for (let step = 1; step <= steps; step++) minIndex = Math.min(minIndex, this.indexPath[step]);
    const startPrice = marks[0];
    const exogenousMove = 1 - minIndex / this.indexPath[0];
    const totalMove = 1 - minPrice / startPrice;
    return {
      summary: {
        name: this.scenario.name,
        symbol: this.scenario.asset.symbol,
        steps,
        dt: this.scenario.dt,
        positionCount: this.store.count,
        ...this.totals,
        insuranceFundStart,
        insuranceFundEnd: this.insuranceFund,
        insuranceFundUsed: Math.max(
          0,
          insuranceFundStart + this.totals.liquidationFees - this.insuranceFund,
        ),
        backstopCapitalStart: backstopStart,
        backstopCapitalEnd: this.vault.equity(this.mark),
        startPrice,
        minPrice,
        endPrice: marks[steps],
        minIndexPrice: minIndex,
        exogenousMove,
        totalMove,
        amplification: exogenousMove > 0 ? totalMove / exogenousMove : Number.NaN,
        openInterestStart,
        openInterestEnd: this.longSize * marks[steps],
        stopsPlaced: this.stops?.placed ?? 0,
        peakOpenInterest: seriesMax(series.openInterest, steps),
        peakAggregateLeverage: seriesMax(series.aggregateLeverage, steps),
        maxMarginMultiplier: seriesMax(series.marginMultiplier, steps),
        haltCount: this.policy?.haltCount ?? 0,
        minDepthMultiplier: -seriesMax(
          series.depthMultiplier.map((value) => -value),
          steps,
        ),
        ledger: { valueStart, valueEnd, drift: valueEnd - valueStart },
      },
      timeseries: series,
      events: this.events.finish((id) => (id < 0 ? "" : this.store.accountName(id))),
      heatmap,
    };
  }

  private resetStepTotals(): void {
    this.stepStopNotional = 0;
    this.stepStopCount = 0;
    this.stepLiquidated = 0;
    this.stepCount = 0;
    this.stepBadDebt = 0;
    this.stepAdl = 0;
    this.stepSocialized = 0;
  }

  private recordRow(series: Record<TimeseriesColumn, Float64Array>, step: number): void {
    const market = this.market;
    const mid = market.mid();
    series.step[step] = step;
    series.time[step] = step * this.scenario.dt;
    series.indexPrice[step] = this.index;
    series.markPrice[step] = this.mark;
    series.midPrice[step] = mid;
    series.bestBid[step] = market.bestBid();
    series.bestAsk[step] = market.bestAsk();
    series.lastPrice[step] = market.lastPrice();
    series.liquidatedNotional[step] = this.stepLiquidated;
    series.liquidationCount[step] = this.stepCount;
    series.cascadeRounds[step] = step === 0 ? 0 : this.roundsInStep;
    series.badDebt[step] = this.stepBadDebt;
    series.insuranceFund[step] = this.insuranceFund;
    series.backstopCapital[step] = this.vault.equity(this.mark);
    series.adlNotional[step] = this.stepAdl;
    series.socializedLoss[step] = this.stepSocialized;
    // Long units held by everyone equal short units held by everyone: that is the open interest.
    const longUnits = this.longSize + Math.max(0, this.makers.size) + Math.max(0, this.vault.size);
    series.openInterest[step] = longUnits * this.mark;
    series.longOpenInterest[step] = this.longSize * this.mark;
    series.shortOpenInterest[step] = this.shortSize * this.mark;
    series.bidDepth1pct[step] = market.depthWithin(-1, 0.01) * mid;
    series.askDepth1pct[step] = market.depthWithin(1, 0.01) * mid;
    const depthSum = series.bidDepth1pct[step] + series.askDepth1pct[step];
    series.orderBookImbalance[step] =
      depthSum > 0 ? (series.bidDepth1pct[step] - series.askDepth1pct[step]) / depthSum : 0;
    series.stopLossNotional[step] = this.stepStopNotional;
    series.stopLossCount[step] = this.stepStopCount;
    series.aggregateLeverage[step] = this.aggregateLeverage(this.opening?.valueStart ?? 0);
    series.agentNotional[step] = this.agentNotional();
    series.realisedVolatility[step] = this.realisedVolatility();
    series.marginMultiplier[step] = this.policy?.multiplier ?? 1;
    series.collateralHaircut[step] = this.haircut;
    series.haltActive[step] = this.stepHalted ? 1 : 0;
    series.depthMultiplier[step] = this.liquidityMakers?.depth ?? 1;
    series.spreadWidening[step] = this.liquidityMakers?.widening ?? 0;
  }

  private roundsInStep = 0;

  /** Step 5: cascade rounds until nothing new is liquidatable or capacity is spent. */
  private runLiquidations(): void {
    const exchange = this.scenario.exchange;
    this.capacityLeft = exchange.liquidation.maxNotionalPerStep ?? Number.POSITIVE_INFINITY;
    this.roundsInStep = 0;
    this.mark = this.computeMark();
    // A halt that covers liquidations leaves everything where it is, pending positions included.
    if (this.policy?.liquidationsHalted) return;
    this.restoreCarriedStops();
    const carried = this.pending;
    this.pending = this.carried;
    this.pending.length = 0;
    this.carried = carried;
    while (this.roundsInStep < exchange.liquidation.maxRoundsPerStep) {
      const batch = this.batch;
      batch.length = 0;
      this.roundStamp++;
      if (this.roundsInStep === 0) {
        for (const id of carried) {
          if (this.isLiquidatable(id)) this.addToBatch(id);
          else if (this.store.size[id] > 0) this.reindex(id);
        }
        carried.length = 0;
      }
      // Resting stops are on the book before the liquidation engine looks: they fire first.
      const stopsFired = this.fireStops();
      this.collectTriggered();
      if (batch.length === 0 && stopsFired === 0) break;
      this.roundsInStep++;
      this.round = this.roundsInStep;
      this.adlQueues?.long.invalidate();
      this.adlQueues?.short.invalidate();
      for (let index = 0; index < batch.length; index++) {
        const id = batch[index];
        if (this.capacityLeft <= 0) {
          this.pending.push(id);
          continue;
        }
        if (this.isLiquidatable(id)) this.liquidate(id);
        else if (this.store.size[id] > 0) this.reindex(id);
      }
      this.settleProRata();
      this.collectSocializedLoss();
      this.reindexMarked();
      this.mark = this.computeMark();
      if (this.capacityLeft <= 0) break;
    }
    // Events outside the cascade (backstop unwind, funding) carry round 0.
    this.round = 0;
    this.totals.cascadeRounds += this.roundsInStep;
    this.totals.maxRoundsInStep = Math.max(this.totals.maxRoundsInStep, this.roundsInStep);
  }

  private addToBatch(id: number): void {
    if (this.batchStamp[id] === this.roundStamp) return;
    this.batchStamp[id] = this.roundStamp;
    this.batch.push(id);
  }

  private restoreCarriedStops(): void {
    const stops = this.stops;
    if (!stops) return;
    for (const id of this.stopCarry) {
      if (this.store.size[id] > 0) stops.add(id, this.store.side[id], stops.stopPrice[id]);
    }
    this.stopCarry.length = 0;
  }

  /**
   * Fires every stop the mark has crossed: each closes its position with a market order into
   * the book, never below the bankruptcy price (the rest waits for the next step or for the
   * liquidation engine). A position the liquidation engine already holds keeps no stop: the
   * exchange cancels a liquidated account's open orders. Returns the stops that traded.
   */
  private fireStops(): number {
    const stops = this.stops;
    if (!stops || this.policy?.halted) return 0;
    const store = this.store;
    const triggered = stops.take(this.mark);
    let fired = 0;
    for (let index = 0; index < triggered.length; index++) {
      const id = triggered[index];
      if (store.size[id] === 0 || this.isLiquidatable(id)) {
        stops.cancel(id);
        continue;
      }
      const size = store.size[id];
      if (this.closeByStop(id, size) > 0) fired++;
      if (store.size[id] <= dustFraction * size) {
        this.closeDust(id);
        stops.cancel(id);
      } else {
        this.stopCarry.push(id);
      }
    }
    if (fired > 0) this.mark = this.computeMark();
    return fired;
  }

  private closeByStop(id: number, quantity: number): number {
    const store = this.store;
    const side = store.side[id];
    const fill = this.fill;
    const bankrupt = this.bankruptcyPriceOf(id);
    this.market.execute(side > 0 ? -1 : 1, quantity, bankrupt, fill);
    const filled = fill.filled;
    if (filled <= 0) return 0;
    const collateralBefore = store.collateral[id];
    this.transferToMakers(id, filled, fill.notional);
    this.log(
      code.stopLoss,
      id,
      side,
      filled,
      fill.averagePrice,
      store.collateral[id] - collateralBefore,
    );
    this.totals.stopLossNotional += fill.notional;
    this.stepStopNotional += fill.notional;
    if (this.stopFiredOnce[id] === 0) {
      this.stopFiredOnce[id] = 1;
      this.totals.stopLossCount++;
      this.stepStopCount++;
    }
    if (store.size[id] > dustFraction * filled) this.reindex(id);
    return filled;
  }

  /**
   * Accumulation agents trade toward their targets every rebalance interval, through the book,
   * unless trading is halted. Buys respect the open-interest cap and the initial margin of the
   * bracket the new notional falls in.
   */
  private rebalanceAgents(): void {
    const agents = this.agents;
    if (!agents || this.policy?.halted || this.step % agents.rebalanceSteps !== 0) return;
    const store = this.store;
    const funding = Number.isNaN(this.lastFundingRate)
      ? (this.mark - this.index) / this.index
      : this.lastFundingRate;
    for (let agent = 0; agent < agents.count; agent++) {
      const id = agents.firstId + agent;
      const mark = this.mark;
      const equity = store.equity(id, mark);
      const target = agents.targetNotional(agent, equity, mark, funding);
      const gap = (target - store.size[id] * mark) * agents.speedOf(agent);
      if (Math.abs(gap) < agentTradeBand * Math.max(0, equity)) continue;
      if (gap > 0) this.agentBuys(id, gap / mark, equity);
      else this.agentSells(id, Math.min(store.size[id], -gap / mark));
    }
    this.mark = this.computeMark();
  }

  private agentBuys(id: number, wanted: number, equity: number): void {
    const store = this.store;
    const mark = this.mark;
    let quantity = wanted;
    if (this.policy) {
      const longUnits =
        this.longSize + Math.max(0, this.makers.size) + Math.max(0, this.vault.size);
      quantity = Math.min(quantity, this.policy.openRoom(longUnits * mark) / mark);
    }
    // Initial margin (Binance brackets): notional ≤ equity × the bracket's max leverage.
    const notional = (store.size[id] + quantity) * mark;
    const allowed = equity * this.marginTiers.maxLeverageFor(notional);
    if (notional > allowed) quantity = allowed / mark - store.size[id];
    if (!(quantity > 0)) return;
    const fill = this.fill;
    this.market.execute(1, quantity, mark * (1 + agentSlippageLimit), fill);
    if (fill.filled <= 0) return;
    const size = store.size[id];
    store.entryPrice[id] = (size * store.entryPrice[id] + fill.notional) / (size + fill.filled);
    this.changeSize(id, fill.filled);
    this.makers.trade(-1, fill.filled, fill.notional);
    this.totals.agentBoughtNotional += fill.notional;
    this.checkFinite(store.entryPrice[id], store.accountName(id), "entryPrice");
    this.reindex(id);
  }

  private agentSells(id: number, quantity: number): void {
    if (!(quantity > 0)) return;
    const store = this.store;
    const fill = this.fill;
    this.market.execute(-1, quantity, this.mark * (1 - agentSlippageLimit), fill);
    if (fill.filled <= 0) return;
    const size = store.size[id];
    this.transferToMakers(id, fill.filled, fill.notional);
    this.totals.agentSoldNotional += fill.notional;
    if (store.size[id] <= dustFraction * size) this.closeDust(id);
    if (store.size[id] > 0) this.reindex(id);
  }

  /**
   * End of step: the layers read the mark. A new margin multiplier or haircut re-prices every
   * position (O(n), only when the rounded rule output changes); makers re-quote the book.
   */
  private observeLayers(): void {
    const mark = this.mark;
    const scenario = this.scenario;
    const priceFor = (source: VolatilityPrice | undefined) =>
      source === "index" ? this.index : mark;
    if (this.policy?.observe(priceFor(scenario.policy?.volatilityPrice), mark)) {
      this.marginTiers = this.policy.tiers();
      this.haircut = this.policy.haircut;
      this.rebuildIndex();
    }
    const makers = this.liquidityMakers;
    if (
      makers?.observe(priceFor(scenario.marketMakers?.volatilityPrice), this.makers.size * mark)
    ) {
      (this.market as OrderBookMarket).setLiquidity(makers.depth, makers.widening);
    }
    this.agents?.observe(priceFor(scenario.accumulation?.volatilityPrice), mark);
  }

  /** Realised volatility of whichever layer measures it (policy, makers, agents), else 0. */
  private realisedVolatility(): number {
    return (
      this.policy?.volatility.value ??
      this.liquidityMakers?.volatility.value ??
      this.agents?.volatility.value ??
      0
    );
  }

  /** Traders' gross notional over their equity; equity from the ledger, so O(1) per step. */
  private aggregateLeverage(valueStart: number): number {
    const store = this.store;
    const mark = this.mark;
    const counterparty = store.counterpartyId;
    let others =
      this.insuranceFund +
      this.makers.equity(mark) +
      this.vault.equity(mark) +
      this.proRataPools.long.equity(mark) +
      this.proRataPools.short.equity(mark) +
      this.exchangeCash +
      this.socialPool;
    let gross = this.longSize + this.shortSize;
    if (counterparty >= 0) {
      others += store.equity(counterparty, mark);
      gross -= store.size[counterparty];
    }
    const equity = valueStart - others;
    return equity > 0 ? (gross * mark) / equity : 0;
  }

  private agentNotional(): number {
    const agents = this.agents;
    if (!agents) return 0;
    let units = 0;
    for (let agent = 0; agent < agents.count; agent++)
      units += this.store.size[agents.firstId + agent];
    return units * this.mark;
  }

  /** Take every position the current mark has crossed; stale index entries are dropped. */
  private collectTriggered(): void {
    this.longIndex.takeAtOrAbove(this.mark, this.takeLong);
    this.shortIndex.takeAtOrAbove(1 / this.mark, this.takeShort);
  }

  private liquidate(id: number): void {
    const store = this.store;
    const exchange = this.scenario.exchange;
    const side = store.side[id];
    const size = store.size[id];
    const mark = this.mark;
    let quantity = size;
    if (exchange.liquidation.mode === "partial") {
      const equity = store.equity(id, mark);
      const keep =
        this.marginTiers.notionalRestoringMargin(
          size * mark,
          equity,
          exchange.liquidationFeeRate,
          exchange.liquidation.partialTargetRatio,
        ) / mark;
      if (keep > 0 && keep < size) quantity = size - keep;
    }
    let capacityLimited = false;
    if (quantity * mark > this.capacityLeft) {
      quantity = this.capacityLeft / mark;
      capacityLimited = true;
    }
    this.capacityLeft -= quantity * mark;
    if (this.liquidatedOnce[id] === 0) {
      // Counted once per position, however many steps or rounds its liquidation takes.
      this.liquidatedOnce[id] = 1;
      this.stepCount++;
      this.totals.liquidationCount++;
    }
    if (quantity < size) this.totals.partialLiquidationCount++;

    // The worst price the order may fill at: the loss beyond bankruptcy must stay within what
    // the insurance fund and the backstop can still pay (Binance: the liquidation engine takes
    // over at the bankruptcy price and the fund absorbs fills beyond it; past that, ADL).
    const absorb = this.insuranceFund + this.vault.spare(this.mark);
    const bankrupt = bankruptcyPrice(side, size, store.entryPrice[id], store.collateral[id]);
    const limit =
      side > 0 ? Math.max(0, bankrupt - absorb / quantity) : bankrupt + absorb / quantity;
    let remaining = quantity - this.closeInMarket(id, quantity, limit, quantity < size);

    if (remaining > dustFraction * size) {
      remaining -= this.backstopTakeover(id, remaining);
    }
    if (remaining > dustFraction * size && this.adlQueues) {
      remaining -= this.autoDeleverage(id, remaining);
    }
    if (remaining > dustFraction * size) {
      // Last resort: sell at any price the book offers; the loss is socialised.
      const unlimited = side > 0 ? 0 : Number.POSITIVE_INFINITY;
      remaining -= this.closeInMarket(id, remaining, unlimited, true);
    }
    if (remaining > dustFraction * size) {
      this.log(code.unfilled, id, side, remaining, mark, 0);
      this.totals.unfilledNotional += remaining * mark;
    }
    if (store.size[id] <= dustFraction * size) this.closeDust(id);
    if (!Number.isFinite(store.collateral[id]) || !Number.isFinite(store.size[id])) {
      const field = Number.isFinite(store.size[id]) ? "collateral" : "size";
      throw new EngineNumericError(this.step, store.accountName(id), field, store[field][id]);
    }
    if (store.size[id] > 0) {
      if (capacityLimited || remaining > dustFraction * size) {
        this.pending.push(id);
        this.reindexQuietly(id);
      } else {
        this.reindex(id);
      }
    }
  }

  /** Liquidation price kept current without an index entry: the position waits in `pending`. */
  private reindexQuietly(id: number): void {
    this.store.liquidationPrice[id] = this.liquidationPriceOf(id);
  }

  private closeDust(id: number): void {
    const store = this.store;
    const dust = store.size[id];
    if (dust === 0) return;
    // Rounding leftovers are closed at the mark against the makers so sizes stay balanced.
    this.transferToMakers(id, dust, dust * this.mark);
  }

  /** Records an event at the current step and round, with the fund balance after it. */
  private log(
    type: number,
    position: number,
    side: number,
    quantity: number,
    price: number,
    amount: number,
  ): void {
    this.events.record(
      this.step,
      this.round,
      type,
      position,
      side,
      quantity,
      price,
      amount,
      this.insuranceFund,
    );
  }

  /** Notional the liquidation engine closed, whichever way: book, backstop or ADL. */
  private addLiquidated(notional: number): void {
    this.stepLiquidated += notional;
    this.totals.liquidatedNotional += notional;
  }

  private changeSize(id: number, delta: number): void {
    const store = this.store;
    store.size[id] += delta;
    if (store.side[id] > 0) this.longSize += delta;
    else this.shortSize += delta;
  }

  /** The price at which position `id`'s equity is zero, from its current size and collateral. */
  private bankruptcyPriceOf(id: number): number {
    const store = this.store;
    return bankruptcyPrice(
      store.side[id],
      store.size[id],
      store.entryPrice[id],
      store.collateral[id],
    );
  }

  /** The makers take `quantity` from position `id` for `notional`; the position's PnL is realised. */
  private transferToMakers(id: number, quantity: number, notional: number): void {
    const store = this.store;
    const side = store.side[id];
    store.collateral[id] += side * (notional - quantity * store.entryPrice[id]);
    this.changeSize(id, -quantity);
    this.makers.trade(side, quantity, notional);
  }

  /**
   * Sends a closing order for `quantity` to the market, settles the fill, charges the
   * liquidation fee and covers any loss beyond bankruptcy. Returns the quantity filled.
   */
  private closeInMarket(id: number, quantity: number, limit: number, partial: boolean): number {
    const store = this.store;
    const side = store.side[id];
    const fill = this.fill;
    const bankrupt = this.bankruptcyPriceOf(id);
    if (this.scenario.counterfactual?.liquidationsWithoutImpact)
      this.fillAtMark(side, quantity, limit);
    else this.market.execute(side > 0 ? -1 : 1, quantity, limit, fill);
    const filled = fill.filled;
    if (filled <= 0) return 0;
    const collateralBefore = store.collateral[id];
    this.transferToMakers(id, filled, fill.notional);
    const closesAll = store.size[id] <= dustFraction * (store.size[id] + filled);
    this.log(
      partial && !closesAll ? code.partial : code.liquidation,
      id,
      side,
      filled,
      fill.averagePrice,
      store.collateral[id] - collateralBefore,
    );
    this.addLiquidated(fill.notional);

    // Loss beyond the bankruptcy price on the filled units is bad debt.
    const deficit = side * filled * (bankrupt - fill.averagePrice);
    if (deficit > 0) this.coverDeficit(id, deficit);
    const fee = Math.min(
      this.scenario.exchange.liquidationFeeRate * fill.notional,
      Math.max(0, store.equity(id, this.mark)),
    );
    if (fee > 0) {
      store.collateral[id] -= fee;
      this.insuranceFund += fee;
      this.totals.liquidationFees += fee;
      this.log(code.fee, id, side, 0, 0, fee);
    }
    return filled;
  }

  /**
   * Counterfactual only: the closing order of a `side` position fills in full at the mark, as
   * against an infinitely deep book, if the mark is within its limit; the book is not touched.
   */
  private fillAtMark(side: number, quantity: number, limit: number): void {
    const fill = this.fill;
    const mark = this.mark;
    const within = side > 0 ? mark >= limit : mark <= limit;
    fill.filled = within ? quantity : 0;
    fill.notional = within ? quantity * mark : 0;
    fill.averagePrice = within ? mark : Number.NaN;
    fill.lastPrice = mark;
  }

  /** Loss waterfall for cash: insurance fund → backstop vault → socialised (collected at round end). */
  private coverDeficit(id: number, deficit: number): void {
    const store = this.store;
    const side = store.side[id];
    this.totals.badDebt += deficit;
    this.stepBadDebt += deficit;
    this.log(code.badDebt, id, side, 0, 0, deficit);
    let rest = deficit;
    const fromFund = Math.min(rest, this.insuranceFund);
    if (fromFund > 0) {
      this.insuranceFund -= fromFund;
      store.collateral[id] += fromFund;
      rest -= fromFund;
      this.log(code.fundCover, id, side, 0, 0, fromFund);
    }
    const fromVault = Math.min(rest, this.vault.spare(this.mark));
    if (fromVault > 0) {
      this.vault.cash -= fromVault;
      store.collateral[id] += fromVault;
      rest -= fromVault;
      this.log(code.backstopCover, id, side, 0, 0, fromVault);
    }
    if (rest > 0) {
      this.socialPool -= rest;
      store.collateral[id] += rest;
    }
  }

  /**
   * Socialised loss (the BitMEX-era "clawback"): what the round's waterfall could not pay is taken
   * from positions in profit, pro rata to their unrealised profit, capped at it; anything beyond
   * all profits is the exchange's own loss. Once per round, so it is one scan however many
   * deficits the round produced.
   */
  private collectSocializedLoss(): void {
    const owed = -this.socialPool;
    if (owed <= 0) return;
    const store = this.store;
    const mark = this.mark;
    let totalProfit = 0;
    for (let id = 0; id < store.count; id++) {
      const profit = store.side[id] * store.size[id] * (mark - store.entryPrice[id]);
      if (store.size[id] > 0 && profit > 0) totalProfit += profit;
    }
    const share = totalProfit > 0 ? Math.min(1, owed / totalProfit) : 0;
    let collected = 0;
    if (share > 0) {
      for (let id = 0; id < store.count; id++) {
        const profit = store.side[id] * store.size[id] * (mark - store.entryPrice[id]);
        if (store.size[id] === 0 || profit <= 0) continue;
        const haircut = profit * share;
        store.collateral[id] -= haircut;
        collected += haircut;
        this.markForReindex(id);
      }
      this.log(code.socialized, -1, 0, 0, 0, collected);
    }
    this.totals.socializedLoss += collected;
    this.stepSocialized += collected;
    const uncovered = owed - collected;
    if (uncovered > 0) {
      this.exchangeCash -= uncovered;
      this.totals.exchangeLoss += uncovered;
      this.log(code.exchangeLoss, -1, 0, 0, 0, uncovered);
    }
    this.socialPool = 0;
  }

  /**
   * Hyperliquid liquidator vault (HLP): positions the book cannot absorb are taken over at their
   * bankruptcy price, so the trader keeps nothing and the vault carries the position. The vault
   * takes as much as keeps its equity above its own margin after the takeover's mark-to-market.
   */
  private backstopTakeover(id: number, quantity: number): number {
    const store = this.store;
    const side = store.side[id];
    const price = this.bankruptcyPriceOf(id);
    const taken = this.vault.capacity(side, quantity, price, this.mark);
    if (taken === 0) return 0;
    store.collateral[id] += side * taken * (price - store.entryPrice[id]);
    this.changeSize(id, -taken);
    this.vault.trade(side, taken, taken * price);
    this.totals.backstopTakeoverNotional += taken * price;
    this.addLiquidated(taken * price);
    this.log(code.takeover, id, side, taken, price, 0);
    return taken;
  }

  /** The vault sells down what it took over, at any price, a fixed notional per step. */
  private unwindBackstop(): void {
    const quantity = this.vault.unwindQuantity(this.computeMark());
    if (quantity === 0) return;
    const direction = this.vault.size > 0 ? -1 : 1;
    this.market.execute(
      direction,
      quantity,
      direction < 0 ? 0 : Number.POSITIVE_INFINITY,
      this.fill,
    );
    if (this.fill.filled <= 0) return;
    this.vault.trade(direction, this.fill.filled, this.fill.notional);
    this.makers.trade(-direction, this.fill.filled, this.fill.notional);
    this.log(code.unwind, -1, -direction, this.fill.filled, this.fill.averagePrice, 0);
  }

  /**
   * ADL: close `quantity` of the bankrupt position against ranked winners on the other side at
   * the bankruptcy price (Binance "Auto-Deleveraging"; Hyperliquid "Auto-deleveraging").
   */
  private autoDeleverage(id: number, quantity: number): number {
    const store = this.store;
    const side = store.side[id];
    const queues = this.adlQueues;
    if (!queues) return 0;
    const queue = side > 0 ? queues.short : queues.long;
    const price = this.bankruptcyPriceOf(id);
    let remaining = quantity;
    if (queue.isProRata) {
      // Pro rata hits every winner: closing against each one per liquidation would cost
      // winners × liquidations. The round's ADL volume is pooled here at each bankruptcy price
      // and handed out once, at the round's end (settleProRata).
      const pool = side > 0 ? this.proRataPools.long : this.proRataPools.short;
      const available = queue.totalWinnerSize(store, this.mark) - Math.abs(pool.size);
      const taken = Math.min(quantity, available);
      if (!(taken > 0)) return 0;
      this.adlLoserCloses(id, taken, price);
      pool.trade(side, taken, taken * price);
      return taken;
    }
    while (remaining > 0) {
      const winner = queue.nextWinner(store, this.mark, id);
      if (winner < 0) break;
      remaining -= this.deleverageOne(id, winner, Math.min(store.size[winner], remaining), price);
    }
    return quantity - remaining;
  }

  private deleverageOne(id: number, winner: number, quantity: number, price: number): number {
    if (!(quantity > 0)) return 0;
    this.adlLoserCloses(id, quantity, price);
    this.adlWinnerCloses(winner, quantity, price);
    return quantity;
  }

  /** The bankrupt side of an ADL close: position `id` closes `quantity` at `price`. */
  private adlLoserCloses(id: number, quantity: number, price: number): void {
    const store = this.store;
    const side = store.side[id];
    const realised = side * quantity * (price - store.entryPrice[id]);
    store.collateral[id] += realised;
    this.changeSize(id, -quantity);
    this.log(code.adlLiquidation, id, side, quantity, price, realised);
    this.totals.adlNotional += quantity * price;
    this.addLiquidated(quantity * price);
    this.stepAdl += quantity * price;
  }

  /** The winning side of an ADL close: `winner` closes `quantity` at `price`, realising profit. */
  private adlWinnerCloses(winner: number, quantity: number, price: number): void {
    const store = this.store;
    const side = store.side[winner];
    const profit = side * quantity * (price - store.entryPrice[winner]);
    // The ADL ranking inputs (Binance, "What is Auto-Deleveraging (ADL)") at the close price,
    // from the wallet as funding and socialised-loss haircuts left it; the report buckets them.
    const size = store.size[winner];
    const wallet = store.collateral[winner];
    const unrealised = side * size * (price - store.entryPrice[winner]);
    const effectiveLeverage = (size * price) / (wallet + unrealised);
    const pnlPercent = (100 * unrealised) / wallet;
    store.collateral[winner] += profit;
    this.changeSize(winner, -quantity);
    if (store.size[winner] <= dustFraction * quantity) this.closeDust(winner);
    if (store.size[winner] > 0) this.markForReindex(winner);
    this.totals.adlCount++;
    this.log(code.adl, winner, side, quantity, price, profit);
    this.events.recordAdlStanding(effectiveLeverage, pnlPercent);
  }

  /**
   * Pro-rata ADL, end of round: each pool (the bankrupt longs' or shorts' ADL volume, bought at
   * their bankruptcy prices) goes to every winner on the other side in proportion to its size,
   * at the pool's average price, so the winners pay exactly what the bankrupt positions got.
   */
  private settleProRata(): void {
    const queues = this.adlQueues;
    if (!queues) return;
    for (const pool of [this.proRataPools.long, this.proRataPools.short]) {
      if (pool.size === 0) continue;
      const winnerSide = pool.size > 0 ? -1 : 1;
      const winners = (winnerSide > 0 ? queues.long : queues.short).allWinners(
        this.store,
        this.mark,
      );
      const averagePrice = -pool.cash / pool.size;
      const poolSize = Math.abs(pool.size);
      let total = 0;
      let lastHolder = -1;
      for (let index = 0; index < winners.length; index++) {
        total += this.store.size[winners[index]];
        if (this.store.size[winners[index]] > 0) lastHolder = index;
      }
      for (let index = 0; index <= lastHolder && pool.size !== 0; index++) {
        const winner = winners[index];
        const size = this.store.size[winner];
        if (size === 0) continue;
        // The last one takes what rounding left, so the pool ends exactly flat.
        const last = index === lastHolder;
        const quantity = Math.min(size, last ? Math.abs(pool.size) : (poolSize * size) / total);
        this.adlWinnerCloses(winner, quantity, averagePrice);
        pool.trade(winnerSide, quantity, quantity * averagePrice);
      }
    }
  }

  /**
   * Funding at each interval boundary (rate: see `fundingRate`), with the premium index
   * (mark − index) / index averaged over the interval's steps. Every holder pays or receives,
   * so the payments sum to zero.
   */
  private payFunding(): void {
    const funding = this.scenario.exchange.funding;
    if (!funding) return;
    this.premiumSum += (this.mark - this.index) / this.index;
    this.premiumSteps++;
    const time = this.step * this.scenario.dt;
    const previous = time - this.scenario.dt;
    if (
      Math.floor(time / funding.intervalSeconds) === Math.floor(previous / funding.intervalSeconds)
    ) {
      return;
    }
    const premium = this.premiumSum / this.premiumSteps;
    this.premiumSum = 0;
    this.premiumSteps = 0;
    const rate = fundingRate(funding, premium);
    this.lastFundingRate = rate;
    const mark = this.mark;
    const store = this.store;
    let paidByLongs = 0;
    for (let id = 0; id < store.count; id++) {
      const payment = store.side[id] * store.size[id] * mark * rate;
      store.collateral[id] -= payment;
      if (store.side[id] > 0) paidByLongs += payment;
    }
    this.makers.payFunding(mark, rate);
    this.vault.payFunding(mark, rate);
    this.totals.fundingPaid += Math.abs(paidByLongs);
    this.log(code.funding, -1, 0, 0, rate, paidByLongs);
    this.rebuildIndex();
  }

  /** All money in the system at the current mark, summed from the state itself. */
  ledgerValue(): number {
    const store = this.store;
    const mark = this.mark;
    const sum = new CompensatedSum();
    for (let id = 0; id < store.count; id++) {
      sum.add(store.collateral[id]);
      sum.add(store.side[id] * store.size[id] * (mark - store.entryPrice[id]));
    }
    sum.add(this.insuranceFund);
    sum.add(this.makers.cash);
    sum.add(this.makers.size * mark);
    sum.add(this.vault.cash);
    sum.add(this.vault.size * mark);
    for (const pool of [this.proRataPools.long, this.proRataPools.short]) {
      sum.add(pool.cash);
      sum.add(pool.size * mark);
    }
    sum.add(this.exchangeCash);
    sum.add(this.socialPool);
    return sum.value;
  }

  private checkFinite(value: number, subject: string, field: string): void {
    if (!Number.isFinite(value)) throw new EngineNumericError(this.step, subject, field, value);
  }
}

/** Largest of rows 0..steps. */
function seriesMax(values: Float64Array, steps: number): number {
  let largest = values[0];
  for (let row = 1; row <= steps; row++) largest = Math.max(largest, values[row]);
  return largest;
}

export function runScenario(scenario: EngineScenario, options: RunOptions): RunResult {
  return new Simulation(scenario, options).run(options.onStep);
}
