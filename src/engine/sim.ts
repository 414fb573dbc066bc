/**
 * The step loop (DESIGN.md, "The step loop") of a perpetual-futures exchange with one or more
 * markets (venue/perpMarket.ts) and accounts that hold positions across them:
 *   1. each market's exogenous index moves and its liquidity providers re-quote around it;
 *   2-4. every mark price updates;
 *   5. margin check → liquidations against each position's own market, repeated in cascade
 *      rounds across all markets at once (a sale in one market moves only that market's mark,
 *      but a cross account's equity sums every market); in each round resting stop-loss orders
 *      the mark has crossed fire first (agents/stopLoss.ts);
 *   6. losses: insurance fund (shared or per market) → backstop vault (one vault, any market) →
 *      ADL within the market → socialised loss within the market → exchange;
 *   7. accumulation agents trade toward their targets (agents/accumulation.ts);
 *   8. the venue policy (venue/policy.ts) and the market makers (agents/marketMakers.ts) read
 *      the step's volatility: margins, haircuts and halts for the next step, depth and spread;
 *   9. depth refills, funding per market, metrics.
 * Each leverage-cycle layer (stops, agents, policy, makers) is absent unless its scenario
 * section is, and then the loop does exactly what it did before the layers existed; the layers
 * act on the lead market and need a single-market exchange.
 *
 * Which positions to check: standalone positions (isolated, or the only position of a cross
 * account) sit in their market's TriggerIndex at their exact liquidation price; positions of
 * accounts that hold several markets sit there at a conservative price (risk/crossTriggers.ts)
 * and their account is checked exactly before anything is liquidated.
 *
 * Money is accounted as cash plus signed position for every holder (traders, the balancing
 * counterparties, each book's makers, the backstop vault, the insurance funds, the exchange), so
 * every transfer has a payer and a payee and the ledger can be summed independently at the end.
 */

import { AccumulationAgents } from "./agents/accumulation.ts";
import { MarketMakers } from "./agents/marketMakers.ts";
import {
  generatePopulation,
  orderForLocality,
  type PopulationMarket,
} from "./agents/population.ts";
import { StopLossBook } from "./agents/stopLoss.ts";
import type { EngineScenario, HyperliquidStaging, VolatilityPrice } from "./config.ts";
import { EngineNumericError } from "./errors.ts";
import { EventRecorder } from "./eventLog.ts";
import { accountNameAt, type MergedPositions, mergeCrossPositions } from "./explicitPositions.ts";
import { emptyFill } from "./market/market.ts";
import { OrderBookMarket } from "./market/orderBook.ts";
import { liquidationHeatmap } from "./metrics/heatmap.ts";
import { marketPaths } from "./prices.ts";
import { runStreams } from "./random.ts";
import type {
  AdlSummary,
  Contagion,
  HeatmapBucket,
  MarketSeriesColumn,
  MarketSummary,
  RunResult,
  TimeseriesColumn,
} from "./result.ts";
import { marketSeriesColumns, timeseriesColumns } from "./result.ts";
import type { AdlQueue } from "./risk/adl.ts";
import { adlPrice, type ResolvedAdl, resolveAdl } from "./risk/adlMechanism.ts";
import { type AdlFigures, AdlMetrics } from "./risk/adlMetrics.ts";
import { OnlineAdl } from "./risk/adlOnline.ts";
import { CrossTriggers } from "./risk/crossTriggers.ts";
import { BackstopVault, type Holder } from "./risk/holders.ts";
import { CrossAccounts } from "./venue/crossAccounts.ts";
import { bankruptcyPrice, type MarginTiers } from "./venue/marginTiers.ts";
import { PerpMarket } from "./venue/perpMarket.ts";
import { VenuePolicy } from "./venue/policy.ts";
import { PositionStore } from "./venue/positionStore.ts";
import { fundingRate } from "./venue/pricing.ts";

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
  adlLiquidation: EventRecorder.code("adl_liquidation"),
  backstopMargin: EventRecorder.code("backstop_margin"),
  socialized: EventRecorder.code("socialized_loss"),
  exchangeLoss: EventRecorder.code("exchange_loss"),
  unfilled: EventRecorder.code("unfilled"),
  funding: EventRecorder.code("funding"),
  stopLoss: EventRecorder.code("stop_loss"),
};

/** Hyperliquid's published staging numbers (HyperliquidStaging). */
const hyperliquidStaging: HyperliquidStaging = {
  sliceNotional: 100_000,
  sliceFraction: 0.2,
  cooldownSeconds: 30,
  backstopMarginRatio: 2 / 3,
};

/** How far a liquidation got: see Simulation.liquidate. */
type LiquidationStatus = "done" | "capacity" | "unfilled" | "open";

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

/**
 * Accounts whose merged cross positions span several markets, numbered 0 … n − 1 in order of
 * account: the cross accounts the exchange margins as one (−1 for every other account).
 */
function crossAccountsOf(
  merged: MergedPositions,
  accountCount: number,
): {
  crossAccountOf: Int32Array;
  crossAccountCount: number;
} {
  const markets = new Int32Array(accountCount);
  for (let index = 0; index < merged.count; index++) {
    if (merged.cross[index] === 1) markets[merged.account[index]]++;
  }
  const crossAccountOf = new Int32Array(accountCount).fill(-1);
  let crossAccountCount = 0;
  for (let account = 0; account < accountCount; account++) {
    if (markets[account] > 1) crossAccountOf[account] = crossAccountCount++;
  }
  return { crossAccountOf, crossAccountCount };
}

export class Simulation {
  readonly store: PositionStore;
  readonly markets: PerpMarket[];
  /** Cross accounts holding several markets (empty on a one-market exchange). */
  readonly accounts: CrossAccounts;
  private readonly triggers: CrossTriggers | null;
  private readonly scenario: EngineScenario;
  private readonly events: EventRecorder;
  private readonly fill = emptyFill();
  /** Marks and brackets in force of every market, by market index (kept in step with `markets`). */
  private readonly marks: Float64Array;
  private readonly tiersInForce: MarginTiers[];
  private readonly takeLong = (id: number, value: number): void => {
    if (this.store.size[id] > 0 && this.store.liquidationPrice[id] === value) this.addTriggered(id);
  };
  private readonly takeShort = (id: number, value: number): void => {
    if (this.store.size[id] > 0 && 1 / this.store.liquidationPrice[id] === value)
      this.addTriggered(id);
  };
  private readonly indexIntoMarket = (id: number): void => this.indexPosition(id);
  private readonly visitWatched = (account: number): void => {
    if (this.accountLiquidatable(account)) this.addAccountToBatch(account);
  };
  private readonly marginOfPosition = (id: number): number => this.adlMarginOf(id);
  /** Auto-deleveraging: the mechanism, what it cost and who paid, and the online policy's state. */
  private readonly adl: ResolvedAdl;
  private readonly adlMetrics: AdlMetrics;
  private readonly adlOnline: OnlineAdl | null;
  private readonly adlLogWeightOf = (id: number): number => this.adlOnline?.logWeight(id) ?? 0;
  private readonly batch: number[] = [];
  /** Socialised loss: the round's positions in profit in one market, and their profits. */
  private profitable = new Int32Array(0);
  private profits = new Float64Array(0);
  private readonly accountBatch: number[] = [];
  /** Positions still liquidatable when capacity ran out or the book was empty: first next step. */
  private pending: number[] = [];
  private carried: number[] = [];
  private pendingAccounts: number[] = [];
  private carriedAccounts: number[] = [];
  /** Round stamp per position, so duplicate index entries never liquidate a position twice a round. */
  private readonly batchStamp: Int32Array;
  private readonly accountStamp: Int32Array;
  private readonly liquidatedOnce: Uint8Array;
  private readonly accountLiquidatedOnce: Uint8Array;
  /** The step in which each cross account was last left pending (see addAccountToBatch). */
  private readonly accountPendingStep: Int32Array;
  private readonly reindexStamp: Int32Array;
  private readonly toReindex: number[] = [];
  private readonly accountReindexStamp: Int32Array;
  private readonly accountsToReindex: number[] = [];
  private roundStamp = 0;
  /** Liquidated notional by (loss-source market, market), row-major. */
  private readonly contagion: Float64Array;
  /** Each market's start mark, for an account's loss source. */
  private readonly startMarks: Float64Array;
  private readonly liquidatedSnapshot: Float64Array;
  /** An account's positions in liquidation order, and their maintenance margins (reused). */
  private readonly liquidationOrder: number[] = [];
  private orderMargins = new Float64Array(8);
  /** Liquidation mode hyperliquid: its numbers, and when each position or account may slice again. */
  private readonly hyperliquid: boolean;
  private readonly staging: HyperliquidStaging;
  private readonly positionCooldown: Float64Array;
  private readonly accountCooldown: Float64Array;

  /** Insurance funds: one shared, or one per market (exchange.insuranceFundScope). */
  private readonly funds: Float64Array;
  private readonly vault: BackstopVault;
  private exchangeCash = 0;

  private step = 0;
  private round = 0;
  private capacityLeft = Number.POSITIVE_INFINITY;

  // The leverage-cycle layers, on the lead market; each is null when its scenario section is absent.
  private readonly policy: VenuePolicy | null;
  private readonly liquidityMakers: MarketMakers | null;
  private readonly stops: StopLossBook | null;
  private readonly agents: AccumulationAgents | null;
  private haircut = 0;
  /** Stops only partly filled, tried again at the start of the next step. */
  private stopCarry: number[] = [];
  private readonly stopFiredOnce: Uint8Array;
  private stepStopNotional = 0;
  private stepStopCount = 0;
  /** The circuit breaker halted trading in this step. */
  private stepHalted = false;

  // Exchange-wide run totals (per-market ones are in each PerpMarket).
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
  private crossAccountLiquidations = 0;
  private stepLiquidatedTotal = 0;

  constructor(scenario: EngineScenario, options: RunOptions) {
    this.scenario = scenario;
    const marketCount = scenario.markets.length;
    if (marketCount === 0) throw new Error("markets: an exchange needs at least one market");
    const hasLayers =
      scenario.policy !== undefined ||
      scenario.marketMakers !== undefined ||
      scenario.stopLosses !== undefined ||
      scenario.accumulation !== undefined;
    if (hasLayers && marketCount > 1) {
      // The scenario layer refuses this with the field's location; reaching it is a bug.
      throw new Error("policy, marketMakers, stopLosses and accumulation need a single market");
    }
    const streams = runStreams(options.seed, options.runIndex ?? 0);
    const exchange = scenario.exchange;
    const paths = marketPaths(scenario, streams);
    const population = scenario.positions.population;
    const names = scenario.positions.explicit;
    const explicit = mergeCrossPositions(names);
    const { crossAccountOf, crossAccountCount: explicitCrossAccounts } = crossAccountsOf(
      explicit,
      names.accountCount,
    );
    const agentCount = scenario.accumulation
      ? scenario.accumulation.agents.reduce((total, agent) => total + agent.count, 0)
      : 0;
    const capacity = explicit.count + (population?.count ?? 0) + marketCount + agentCount;
    this.adl = resolveAdl(exchange.adl);
    this.markets = scenario.markets.map(
      (spec, index) =>
        new PerpMarket(
          index,
          spec,
          paths[index],
          this.adl.mechanism,
          capacity / marketCount,
          this.adlLogWeightOf,
        ),
    );
    const lead = this.markets[0];
    this.policy = scenario.policy
      ? new VenuePolicy(scenario.policy, lead.spec.maintenanceMarginTiers, scenario.dt)
      : null;
    this.liquidityMakers = scenario.marketMakers
      ? new MarketMakers(scenario.marketMakers, scenario.dt)
      : null;
    this.agents = scenario.accumulation
      ? new AccumulationAgents(scenario.accumulation, scenario.dt)
      : null;
    this.store = new PositionStore(capacity, marketCount);
    const store = this.store;
    for (let index = 0; index < explicit.count; index++) {
      const cross = explicit.cross[index] === 1;
      const id = store.add(
        explicit.side[index],
        explicit.size[index],
        explicit.entryPrice[index],
        explicit.collateral[index],
        cross,
        explicit.market[index],
      );
      if (cross) store.account[id] = crossAccountOf[explicit.account[index]];
    }
    store.nameRange(0, explicit.count, (id) =>
      accountNameAt(names.accountNames, explicit.account[id]),
    );
    let crossAccountCount = explicitCrossAccounts;
    if (population) {
      const generatedFrom = store.count;
      const generated = generatePopulation(
        population,
        this.populationMarkets(population),
        store,
        streams.population,
      );
      for (let id = generatedFrom; id < store.count; id++) {
        if (store.account[id] >= 0) store.account[id] += crossAccountCount;
      }
      crossAccountCount += generated;
      orderForLocality(
        store,
        generatedFrom,
        this.markets.map((market) => market.spec.price),
      );
    }
    for (const market of this.markets) this.addCounterparty(market);
    this.addAgents();
    this.indexMarketPositions();

    if (this.liquidityMakers && !(lead.liquidity instanceof OrderBookMarket)) {
      throw new Error("marketMakers: needs market.orderBook; an impact function has no quotes");
    }
    const fundScope = exchange.insuranceFundScope;
    this.funds =
      fundScope === "market"
        ? Float64Array.from(scenario.markets, (market) => market.insuranceFund)
        : Float64Array.of(exchange.insuranceFund);
    this.vault = new BackstopVault(exchange.backstop, marketCount);
    this.events = new EventRecorder(2 * store.count);
    this.batchStamp = new Int32Array(store.count);
    this.liquidatedOnce = new Uint8Array(store.count);
    this.reindexStamp = new Int32Array(store.count);
    this.accounts = new CrossAccounts(store, crossAccountCount, marketCount);
    this.adlMetrics = new AdlMetrics(
      store.count,
      crossAccountCount,
      marketCount,
      this.adl.innocentLeverage,
    );
    this.adlOnline =
      this.adl.mechanism === "online"
        ? new OnlineAdl(this.adl.online, marketCount, store.count)
        : null;
    this.accountStamp = new Int32Array(crossAccountCount);
    this.accountLiquidatedOnce = new Uint8Array(crossAccountCount);
    this.accountPendingStep = new Int32Array(crossAccountCount).fill(-1);
    this.accountReindexStamp = new Int32Array(crossAccountCount);
    this.marks = new Float64Array(marketCount);
    this.tiersInForce = this.markets.map((market) => market.marginTiers);
    this.contagion = new Float64Array(marketCount * marketCount);
    this.liquidatedSnapshot = new Float64Array(marketCount);
    this.hyperliquid = exchange.liquidation.mode === "hyperliquid";
    this.staging = exchange.liquidation.hyperliquid ?? hyperliquidStaging;
    this.positionCooldown = new Float64Array(this.hyperliquid ? store.count : 0).fill(-1);
    this.accountCooldown = new Float64Array(this.hyperliquid ? crossAccountCount : 0).fill(-1);
    for (const market of this.markets) market.mark = market.computeMark();
    this.syncMarks();
    this.startMarks = this.marks.slice();
    this.triggers =
      crossAccountCount > 0
        ? new CrossTriggers(this.accounts, exchange.crossMarginBand, this.marks)
        : null;
    this.rebuildIndex();
    this.stopFiredOnce = new Uint8Array(scenario.stopLosses ? store.count : 0);
    if (scenario.stopLosses) {
      this.stops = new StopLossBook(store.count, lead.spec.price);
      this.stops.place(store, scenario.stopLosses, streams.stopLoss, store.counterpartyIds[0]);
    } else {
      this.stops = null;
    }
  }

  /** The population spec of each market with the population's own fields as defaults. */
  private populationMarkets(
    population: NonNullable<EngineScenario["positions"]["population"]>,
  ): PopulationMarket[] {
    return this.markets.map((market, index) => {
      const own = population.markets?.[index];
      return {
        price: market.spec.price,
        tiers: market.tiers,
        share: own?.share ?? (index === 0 ? 1 : 0),
        openInterest: own?.openInterest,
        longShare: own?.longShare ?? population.longShare,
        leverage: own?.leverage ?? population.leverage,
        entryPrice: own?.entryPrice ?? population.entryPrice,
        notional: own?.notional ?? population.notional,
      };
    });
  }

  /** Each accumulation agent: a long in the lead market with no size yet and its capital as wallet. */
  private addAgents(): void {
    const agents = this.agents;
    if (!agents) return;
    const price = this.markets[0].spec.price;
    agents.firstId = this.store.count;
    for (let agent = 0; agent < agents.count; agent++) {
      this.store.add(1, 0, price, agents.capitalOf(agent), false);
    }
    this.store.nameRange(agents.firstId, agents.count, (offset) => agents.nameOf(offset));
  }

  /** Every market's list of its positions, in id order. */
  private indexMarketPositions(): void {
    const store = this.store;
    const counts = new Int32Array(this.markets.length);
    for (let id = 0; id < store.count; id++) counts[store.market[id]]++;
    const lists = this.markets.map((market) => {
      market.positions = new Int32Array(counts[market.id]);
      return market.positions;
    });
    counts.fill(0);
    for (let id = 0; id < store.count; id++) {
      const market = store.market[id];
      lists[market][counts[market]++] = id;
    }
    const reopenable = this.agents !== null;
    for (const market of this.markets) {
      market.adlQueues?.long.assignPositions(store, market.positions, reopenable);
      market.adlQueues?.short.assignPositions(store, market.positions, reopenable);
    }
  }

  private syncMarks(): void {
    for (const market of this.markets) this.marks[market.id] = market.mark;
  }

  private marketOf(id: number): PerpMarket {
    return this.markets[this.store.market[id]];
  }

  /** Balance of the fund that pays market `market`'s bad debt. */
  private fundIndex(market: number): number {
    return this.funds.length === 1 ? 0 : market;
  }

  private totalFunds(): number {
    let total = 0;
    for (let index = 0; index < this.funds.length; index++) total += this.funds[index];
    return total;
  }

  /** The shared insurance fund, or the sum of the markets' funds. */
  get insuranceFund(): number {
    return this.totalFunds();
  }

  /** Liquidation price under the policy in force (scaled brackets, haircut wallet). */
  private liquidationPriceOf(id: number): number {
    const store = this.store;
    const wallet = store.collateral[id];
    return this.marketOf(id).marginTiers.liquidationPrice(
      store.side[id],
      store.size[id],
      store.entryPrice[id],
      this.haircut > 0 && wallet > 0 ? wallet * (1 - this.haircut) : wallet,
    );
  }

  /**
   * Whoever holds the other side of the traders' net position in a market (other market
   * participants on the venue), at 1x leverage and the start price, so open interest balances and
   * the ledger is closed. It is an ordinary position: it can be deleveraged and pays funding.
   */
  private addCounterparty(market: PerpMarket): void {
    const store = this.store;
    let net = 0;
    let total = 0;
    for (let id = 0; id < store.count; id++) {
      if (store.market[id] !== market.id) continue;
      net += store.side[id] * store.size[id];
    }
    for (let id = 0; id < store.count; id++) {
      if (store.market[id] === market.id) total += store.size[id];
    }
    const scale = Math.max(1, total);
    if (Math.abs(net) <= 1e-12 * scale) return;
    const price = market.spec.price;
    const size = Math.abs(net);
    store.counterpartyIds[market.id] = store.add(
      net > 0 ? -1 : 1,
      size,
      price,
      size * price,
      false,
      market.id,
    );
  }

  /**
   * Recompute every liquidation price and reload every index: O(n), at start and after funding
   * or a policy change.
   */
  private rebuildIndex(): void {
    const store = this.store;
    for (const market of this.markets) {
      market.longIndex.clear();
      market.shortIndex.clear();
      market.longSize = 0;
      market.shortSize = 0;
    }
    for (let id = 0; id < store.count; id++) {
      const size = store.size[id];
      if (size === 0) continue;
      const market = this.marketOf(id);
      if (store.side[id] > 0) market.longSize += size;
      else market.shortSize += size;
      if (store.account[id] >= 0) continue;
      const price = this.liquidationPriceOf(id);
      store.liquidationPrice[id] = price;
      if (store.side[id] > 0) market.longIndex.add(price, id);
      else market.shortIndex.add(1 / price, id);
    }
    const triggers = this.triggers;
    if (triggers === null) return;
    triggers.resetReferences(this.marks);
    for (let account = 0; account < this.accounts.count; account++) this.priceAccount(account);
  }

  /** A multi-market cross account's triggers from the current references (CrossTriggers.price). */
  private priceAccount(account: number): void {
    (this.triggers as CrossTriggers).price(
      account,
      this.store,
      this.marks,
      this.tiersInForce,
      this.indexIntoMarket,
    );
  }

  /** Adds a position at its current `liquidationPrice` to its market's index. */
  private indexPosition(id: number): void {
    const store = this.store;
    const market = this.marketOf(id);
    if (store.side[id] > 0) market.longIndex.add(store.liquidationPrice[id], id);
    else market.shortIndex.add(1 / store.liquidationPrice[id], id);
  }

  /**
   * ADL winners and haircut positions get their new liquidation price once per round, not once
   * per change: the top-ranked winner may be deleveraged thousands of times in one round.
   */
  private markForReindex(id: number): void {
    const account = this.store.account[id];
    if (account >= 0) {
      this.markAccountForReindex(account);
      return;
    }
    if (this.reindexStamp[id] === this.roundStamp) return;
    this.reindexStamp[id] = this.roundStamp;
    this.toReindex.push(id);
  }

  private markAccountForReindex(account: number): void {
    if (this.accountReindexStamp[account] === this.roundStamp) return;
    this.accountReindexStamp[account] = this.roundStamp;
    this.accountsToReindex.push(account);
  }

  private reindexMarked(): void {
    const marked = this.toReindex;
    for (let index = 0; index < marked.length; index++) {
      if (this.store.size[marked[index]] > 0) this.reindex(marked[index]);
    }
    marked.length = 0;
    const accounts = this.accountsToReindex;
    for (let index = 0; index < accounts.length; index++) this.priceAccount(accounts[index]);
    accounts.length = 0;
  }

  private reindex(id: number): void {
    const store = this.store;
    if (store.account[id] >= 0) {
      this.priceAccount(store.account[id]);
      return;
    }
    store.liquidationPrice[id] = this.liquidationPriceOf(id);
    this.indexPosition(id);
  }

  private isLiquidatable(id: number): boolean {
    const store = this.store;
    if (store.size[id] === 0) return false;
    const mark = this.marketOf(id).mark;
    return store.side[id] > 0
      ? mark <= store.liquidationPrice[id]
      : mark >= store.liquidationPrice[id];
  }

  /** The exact cross-margin condition: account equity at or below its maintenance margin. */
  private accountLiquidatable(account: number): boolean {
    const accounts = this.accounts;
    if (accounts.openCount(account, this.store) === 0) return false;
    return (
      accounts.equity(account, this.store, this.marks) <=
      accounts.maintenance(account, this.store, this.marks, this.tiersInForce)
    );
  }

  /** Liquidation notional by price level at the start, before any step has run, per market. */
  preShockHeatmaps(): HeatmapBucket[][] {
    return this.markets.map((market) =>
      liquidationHeatmap(this.store, market.mark, undefined, market.positions),
    );
  }

  /** The lead market's pre-shock heatmap. */
  preShockHeatmap(): HeatmapBucket[] {
    const lead = this.markets[0];
    return liquidationHeatmap(
      this.store,
      lead.mark,
      undefined,
      this.markets.length === 1 ? undefined : lead.positions,
    );
  }

  run(onStep?: RunOptions["onStep"]): RunResult {
    const steps = this.scenario.steps;
    this.begin();
    for (let step = 1; step <= steps; step++) {
      this.advanceMarkets(null);
      onStep?.(step, steps);
    }
    return this.finish();
  }

  private series: Record<TimeseriesColumn, Float64Array> | null = null;
  private marketSeries: Record<MarketSeriesColumn, Float64Array> | null = null;
  private opening: {
    heatmaps: HeatmapBucket[][];
    valueStart: number;
    insuranceFundStart: number;
    fundsStart: Float64Array;
    backstopStart: number;
    openInterestStart: number;
    marketOpenInterestStart: Float64Array;
  } | null = null;

  /**
   * Records the start state. `begin`, `advance` once per step, then `finish` is what `run` does;
   * a multi-venue world calls them itself so it can feed this venue an index it computed.
   */
  begin(): void {
    const rows = this.scenario.steps + 1;
    const series = {} as Record<TimeseriesColumn, Float64Array>;
    for (const column of timeseriesColumns) series[column] = new Float64Array(rows);
    this.series = series;
    const marketSeries = {} as Record<MarketSeriesColumn, Float64Array>;
    for (const column of marketSeriesColumns) {
      marketSeries[column] = new Float64Array(rows * this.markets.length);
    }
    this.marketSeries = marketSeries;
    this.opening = {
      heatmaps: this.preShockHeatmaps(),
      valueStart: this.ledgerValue(),
      insuranceFundStart: this.totalFunds(),
      fundsStart: this.funds.slice(),
      backstopStart: this.vault.equity(this.marks),
      openInterestStart: this.traderLongNotional(),
      marketOpenInterestStart: Float64Array.from(
        this.markets,
        (market) => market.longSize * market.mark,
      ),
    };
    this.recordRow(0);
  }

  /** Σ over markets of the traders' long units × mark. */
  private traderLongNotional(): number {
    let total = 0;
    for (const market of this.markets) total += market.longSize * market.mark;
    return total;
  }

  /** One step of a one-market exchange with `nextIndex` as the new index price. */
  advance(nextIndex: number): void {
    if (this.markets.length !== 1) throw new Error("advance(index) needs a single market");
    this.advanceMarkets(Float64Array.of(nextIndex));
  }

  /** One step; `nextIndexes` overrides the scenario's index paths (null = the scenario's own). */
  advanceMarkets(nextIndexes: Float64Array | null): void {
    if (this.series === null) throw new Error("advance() before begin()");
    const step = this.step + 1;
    if (step > this.scenario.steps) throw new Error(`advance() past step ${this.scenario.steps}`);
    this.step = step;
    this.resetStepTotals();
    for (const market of this.markets) {
      const nextIndex = nextIndexes === null ? market.indexPath[step] : nextIndexes[market.id];
      if (!(nextIndex > 0 && Number.isFinite(nextIndex))) {
        throw new EngineNumericError(
          this.step,
          this.subject("index path", market),
          "index price",
          nextIndex,
        );
      }
      market.indexPath[step] = nextIndex;
    }
    this.stepHalted = this.policy?.halted ?? false;
    for (const market of this.markets) {
      market.liquidity.shift(market.indexPath[step] / market.index);
      market.index = market.indexPath[step];
    }
    this.unwindBackstop();
    this.runLiquidations();
    this.rebalanceAgents();
    for (const market of this.markets) {
      this.checkFinite(market.mark, this.subject("market", market), "mark price");
      this.checkFinite(market.index, this.subject("market", market), "index price");
    }
    this.observeLayers();
    this.recordRow(step);
    for (const market of this.markets) market.liquidity.advance(this.scenario.dt);
    this.payFunding();
    this.updateMarks();
  }

  private updateMarks(): void {
    for (const market of this.markets) market.mark = market.computeMark();
    this.syncMarks();
  }

  /** Notional liquidated in the last step `advance` ran (what a world samples per step). */
  get stepLiquidatedNotional(): number {
    return this.stepLiquidatedTotal;
  }

  /** The lead market's index path as the scenario's shock produced it. */
  scheduledIndex(step: number): number {
    return this.markets[0].indexPath[step];
  }

  finish(): RunResult {
    const series = this.series;
    const marketSeries = this.marketSeries;
    const opening = this.opening;
    if (series === null || marketSeries === null || opening === null) {
      throw new Error("finish() before begin()");
    }
    const steps = this.step;
    const { valueStart, insuranceFundStart, backstopStart, openInterestStart } = opening;
    const valueEnd = this.ledgerValue();
    const adl = this.adlFigures();
    const marketSummaries = this.markets.map(
      (market): MarketSummary => ({
        ...this.marketSummary(market, marketSeries, steps, opening),
        adl: adl.markets[market.id],
      }),
    );
    const lead = marketSummaries[0];
    const symbols = this.markets.map((market) => market.symbol);
    return {
      summary: {
        name: this.scenario.name,
        symbol: lead.symbol,
        steps,
        dt: this.scenario.dt,
        positionCount: this.store.count,
        ...this.totals,
        adl: adl.exchange,
        insuranceFundStart,
        insuranceFundEnd: this.totalFunds(),
        insuranceFundUsed: Math.max(
          0,
          insuranceFundStart + this.totals.liquidationFees - this.totalFunds(),
        ),
        backstopCapitalStart: backstopStart,
        backstopCapitalEnd: this.vault.equity(this.marks),
        startPrice: lead.startPrice,
        minPrice: lead.minPrice,
        endPrice: lead.endPrice,
        minIndexPrice: lead.minIndexPrice,
        exogenousMove: lead.exogenousMove,
        totalMove: lead.totalMove,
        amplification: lead.amplification,
        openInterestStart,
        openInterestEnd: marketSummaries.reduce(
          (total, market) => total + market.openInterestEnd,
          0,
        ),
        stopsPlaced: this.stops?.placed ?? 0,
        peakOpenInterest: seriesMax(series.openInterest, steps),
        peakAggregateLeverage: seriesMax(series.aggregateLeverage, steps),
        maxMarginMultiplier: seriesMax(series.marginMultiplier, steps),
        haltCount: this.policy?.haltCount ?? 0,
        minDepthMultiplier: -seriesMax(
          series.depthMultiplier.map((value) => -value),
          steps,
        ),
        crossAccountCount: this.accounts.count,
        crossAccountLiquidations: this.crossAccountLiquidations,
        markets: marketSummaries,
        contagion: this.contagionTable(symbols),
        ledger: { valueStart, valueEnd, drift: valueEnd - valueStart },
      },
      timeseries: series,
      marketSeries,
      events: this.events.finish((id) => (id < 0 ? "" : this.store.accountName(id)), symbols),
      heatmap: opening.heatmaps[0],
      marketHeatmaps: opening.heatmaps,
    };
  }

  private marketSummary(
    market: PerpMarket,
    marketSeries: Record<MarketSeriesColumn, Float64Array>,
    steps: number,
    opening: NonNullable<Simulation["opening"]>,
  ): Omit<MarketSummary, "adl"> {
    const rows = this.scenario.steps + 1;
    const offset = market.id * rows;
    const marks = marketSeries.markPrice;
    const indexes = market.indexPath;
    let minPrice = marks[offset];
    for (let step = 1; step <= steps; step++) minPrice = Math.min(minPrice, marks[offset + step]);
    let minIndex = indexes[0];
    for (let step = 1; step <= steps; step++) minIndex = Math.min(minIndex, indexes[step]);
    const startPrice = marks[offset];
    const exogenousMove = 1 - minIndex / indexes[0];
    const totalMove = 1 - minPrice / startPrice;
    const totals = market.totals;
    const ownFund = this.funds.length > 1;
    return {
      symbol: market.symbol,
      startPrice,
      minPrice,
      endPrice: marks[offset + steps],
      minIndexPrice: minIndex,
      exogenousMove,
      totalMove,
      amplification: exogenousMove > 0 ? totalMove / exogenousMove : Number.NaN,
      liquidatedNotional: totals.liquidatedNotional,
      liquidationCount: totals.liquidationCount,
      adlNotional: totals.adlNotional,
      adlCount: totals.adlCount,
      badDebt: totals.badDebt,
      socializedLoss: totals.socializedLoss,
      unfilledNotional: totals.unfilledNotional,
      fundingPaid: totals.fundingPaid,
      openInterestStart: opening.marketOpenInterestStart[market.id],
      openInterestEnd: market.longSize * marks[offset + steps],
      firstLiquidationStep: totals.firstLiquidationStep < 0 ? null : totals.firstLiquidationStep,
      firstAdlStep: totals.firstAdlStep < 0 ? null : totals.firstAdlStep,
      insuranceFundStart: ownFund ? opening.fundsStart[market.id] : null,
      insuranceFundEnd: ownFund ? this.funds[market.id] : null,
    };
  }

  /** The run's ADL figures, per market and for the exchange (risk/adlMetrics.ts). */
  private adlFigures(): { exchange: AdlSummary; markets: AdlFigures[] } {
    const figures = this.adlMetrics.finish(
      (id) => this.store.market[id],
      (id) => this.store.counterpartyIds[this.store.market[id]] === id,
      this.markets.map((market) => ({
        liquidation:
          market.totals.firstLiquidationStep < 0 ? null : market.totals.firstLiquidationStep,
        adl: market.totals.firstAdlStep < 0 ? null : market.totals.firstAdlStep,
      })),
      this.scenario.dt,
    );
    return {
      exchange: {
        mechanism: this.adl.mechanism,
        price: this.adl.price,
        ...figures.exchange,
        innocentLeverage: this.adl.innocentLeverage,
      },
      markets: figures.markets,
    };
  }

  private contagionTable(symbols: string[]): Contagion {
    const count = symbols.length;
    const rows: number[][] = [];
    for (let source = 0; source < count; source++) {
      rows.push(Array.from(this.contagion.subarray(source * count, (source + 1) * count)));
    }
    return { markets: symbols, liquidatedNotional: rows };
  }

  private resetStepTotals(): void {
    this.stepStopNotional = 0;
    this.stepStopCount = 0;
    this.stepLiquidatedTotal = 0;
    for (const market of this.markets) market.resetStep();
  }

  private recordRow(step: number): void {
    const series = this.series as Record<TimeseriesColumn, Float64Array>;
    const lead = this.markets[0];
    const leadBook = lead.liquidity;
    const mid = leadBook.mid();
    let liquidated = 0;
    let count = 0;
    let badDebt = 0;
    let adl = 0;
    let socialized = 0;
    let openInterest = 0;
    let longOpenInterest = 0;
    let shortOpenInterest = 0;
    for (const market of this.markets) {
      liquidated += market.stepLiquidated;
      count += market.stepCount;
      badDebt += market.stepBadDebt;
      adl += market.stepAdl;
      socialized += market.stepSocialized;
      // Long units held by everyone equal short units held by everyone: that is the open interest.
      openInterest += market.longUnits(this.vault.sizes[market.id]) * market.mark;
      longOpenInterest += market.longSize * market.mark;
      shortOpenInterest += market.shortSize * market.mark;
    }
    series.step[step] = step;
    series.time[step] = step * this.scenario.dt;
    series.indexPrice[step] = lead.index;
    series.markPrice[step] = lead.mark;
    series.midPrice[step] = mid;
    series.bestBid[step] = leadBook.bestBid();
    series.bestAsk[step] = leadBook.bestAsk();
    series.lastPrice[step] = leadBook.lastPrice();
    series.liquidatedNotional[step] = liquidated;
    series.liquidationCount[step] = count;
    series.cascadeRounds[step] = step === 0 ? 0 : this.roundsInStep;
    series.badDebt[step] = badDebt;
    series.insuranceFund[step] = this.totalFunds();
    series.backstopCapital[step] = this.vault.equity(this.marks);
    series.adlNotional[step] = adl;
    series.socializedLoss[step] = socialized;
    series.openInterest[step] = openInterest;
    series.longOpenInterest[step] = longOpenInterest;
    series.shortOpenInterest[step] = shortOpenInterest;
    series.bidDepth1pct[step] = leadBook.depthWithin(-1, 0.01) * mid;
    series.askDepth1pct[step] = leadBook.depthWithin(1, 0.01) * mid;
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

    const perMarket = this.marketSeries as Record<MarketSeriesColumn, Float64Array>;
    const rows = this.scenario.steps + 1;
    for (const market of this.markets) {
      const row = market.id * rows + step;
      const book = market.liquidity;
      perMarket.indexPrice[row] = market.index;
      perMarket.markPrice[row] = market.mark;
      perMarket.liquidatedNotional[row] = market.stepLiquidated;
      perMarket.liquidationCount[row] = market.stepCount;
      perMarket.adlNotional[row] = market.stepAdl;
      perMarket.badDebt[row] = market.stepBadDebt;
      perMarket.socializedLoss[row] = market.stepSocialized;
      perMarket.openInterest[row] = market.longUnits(this.vault.sizes[market.id]) * market.mark;
      perMarket.insuranceFund[row] = this.funds[this.fundIndex(market.id)];
      perMarket.bidDepth1pct[row] = book.depthWithin(-1, 0.01) * book.mid();
    }
  }

  private roundsInStep = 0;

  /** Step 5: cascade rounds until nothing new is liquidatable or capacity is spent. */
  private runLiquidations(): void {
    const exchange = this.scenario.exchange;
    this.capacityLeft = exchange.liquidation.maxNotionalPerStep ?? Number.POSITIVE_INFINITY;
    this.roundsInStep = 0;
    this.updateMarks();
    // A halt that covers liquidations leaves everything where it is, pending positions included.
    if (this.policy?.liquidationsHalted) return;
    this.restoreCarriedStops();
    const carried = this.pending;
    this.pending = this.carried;
    this.pending.length = 0;
    this.carried = carried;
    const carriedAccounts = this.pendingAccounts;
    this.pendingAccounts = this.carriedAccounts;
    this.pendingAccounts.length = 0;
    this.carriedAccounts = carriedAccounts;
    while (this.roundsInStep < exchange.liquidation.maxRoundsPerStep) {
      const batch = this.batch;
      const accountBatch = this.accountBatch;
      batch.length = 0;
      accountBatch.length = 0;
      this.roundStamp++;
      if (this.roundsInStep === 0) {
        for (const id of carried) {
          if (this.isLiquidatable(id)) this.addToBatch(id);
          else if (this.store.size[id] > 0) this.reindex(id);
        }
        carried.length = 0;
        for (const account of carriedAccounts) {
          if (this.accountLiquidatable(account)) this.addAccountToBatch(account);
          else this.priceAccount(account);
        }
        carriedAccounts.length = 0;
      }
      // Resting stops are on the book before the liquidation engine looks: they fire first.
      const stopsFired = this.fireStops();
      this.collectTriggered();
      if (batch.length === 0 && accountBatch.length === 0 && stopsFired === 0) break;
      this.roundsInStep++;
      this.round = this.roundsInStep;
      for (const market of this.markets) {
        market.adlQueues?.long.invalidate();
        market.adlQueues?.short.invalidate();
      }
      for (let index = 0; index < batch.length; index++) {
        const id = batch[index];
        if (this.capacityLeft <= 0) {
          this.pending.push(id);
          continue;
        }
        if (this.isLiquidatable(id)) this.liquidateStandalone(id);
        else if (this.store.size[id] > 0) this.reindex(id);
      }
      // Account order by number, not by how the account was found (index, watch list, band
      // re-pricing): the band then changes how much work collection takes, never the results.
      if (accountBatch.length > 1) accountBatch.sort(byNumber);
      for (let index = 0; index < accountBatch.length; index++) {
        const account = accountBatch[index];
        if (this.capacityLeft <= 0) {
          this.deferAccount(account);
          continue;
        }
        if (this.accountLiquidatable(account)) this.liquidateAccount(account);
        else this.priceAccount(account);
      }
      for (const market of this.markets) {
        this.settleProRata(market);
        this.collectSocializedLoss(market);
      }
      this.reindexMarked();
      this.updateMarks();
      if (this.capacityLeft <= 0) break;
    }
    // Events outside the cascade (backstop unwind, funding) carry round 0.
    this.round = 0;
    this.totals.cascadeRounds += this.roundsInStep;
    this.totals.maxRoundsInStep = Math.max(this.totals.maxRoundsInStep, this.roundsInStep);
  }

  private deferAccount(account: number): void {
    this.accountPendingStep[account] = this.step;
    this.pendingAccounts.push(account);
  }

  private addToBatch(id: number): void {
    if (this.batchStamp[id] === this.roundStamp) return;
    this.batchStamp[id] = this.roundStamp;
    this.batch.push(id);
  }

  private addAccountToBatch(account: number): void {
    if (this.accountStamp[account] === this.roundStamp) return;
    // An account left waiting (capacity spent, or nothing would take its orders) is tried again
    // at the next step's first round, not found again by the watch list in this step's rounds.
    if (this.accountPendingStep[account] === this.step) return;
    this.accountStamp[account] = this.roundStamp;
    this.accountBatch.push(account);
  }

  /** A crossed index entry: a standalone position joins the batch, an account is checked exactly. */
  private addTriggered(id: number): void {
    const account = this.store.account[id];
    if (account < 0) {
      this.addToBatch(id);
      return;
    }
    if (this.accountStamp[account] === this.roundStamp) return;
    if (this.accountLiquidatable(account)) this.addAccountToBatch(account);
    else (this.triggers as CrossTriggers).watch(account);
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
    const lead = this.markets[0];
    const triggered = stops.take(lead.mark);
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
    if (fired > 0) {
      lead.mark = lead.computeMark();
      this.syncMarks();
    }
    return fired;
  }

  private closeByStop(id: number, quantity: number): number {
    const store = this.store;
    const side = store.side[id];
    const fill = this.fill;
    const bankrupt = this.bankruptcyPriceOf(id);
    this.marketOf(id).liquidity.execute(side > 0 ? -1 : 1, quantity, bankrupt, fill);
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
    const lead = this.markets[0];
    const funding = Number.isNaN(lead.lastFundingRate)
      ? (lead.mark - lead.index) / lead.index
      : lead.lastFundingRate;
    for (let agent = 0; agent < agents.count; agent++) {
      const id = agents.firstId + agent;
      const mark = lead.mark;
      const equity = store.equity(id, mark);
      const target = agents.targetNotional(agent, equity, mark, funding);
      const gap = (target - store.size[id] * mark) * agents.speedOf(agent);
      if (Math.abs(gap) < agentTradeBand * Math.max(0, equity)) continue;
      if (gap > 0) this.agentBuys(id, gap / mark, equity);
      else this.agentSells(id, Math.min(store.size[id], -gap / mark));
    }
    lead.mark = lead.computeMark();
    this.syncMarks();
  }

  private agentBuys(id: number, wanted: number, equity: number): void {
    const store = this.store;
    const lead = this.markets[0];
    const mark = lead.mark;
    let quantity = wanted;
    const openInterest = lead.longUnits(this.vault.sizes[0]) * mark;
    if (this.policy) quantity = Math.min(quantity, this.policy.openRoom(openInterest) / mark);
    const cap = lead.spec.openInterestCap;
    if (cap !== undefined) quantity = Math.min(quantity, Math.max(0, cap - openInterest) / mark);
    // Initial margin (Binance brackets): notional ≤ equity × the bracket's max leverage.
    const notional = (store.size[id] + quantity) * mark;
    const allowed = equity * lead.marginTiers.maxLeverageFor(notional);
    if (notional > allowed) quantity = allowed / mark - store.size[id];
    if (!(quantity > 0)) return;
    const fill = this.fill;
    lead.liquidity.execute(1, quantity, mark * (1 + agentSlippageLimit), fill);
    if (fill.filled <= 0) return;
    const size = store.size[id];
    store.entryPrice[id] = (size * store.entryPrice[id] + fill.notional) / (size + fill.filled);
    this.changeSize(id, fill.filled);
    lead.makers.trade(-1, fill.filled, fill.notional);
    this.totals.agentBoughtNotional += fill.notional;
    this.checkFinite(store.entryPrice[id], store.accountName(id), "entryPrice");
    this.reindex(id);
  }

  private agentSells(id: number, quantity: number): void {
    if (!(quantity > 0)) return;
    const store = this.store;
    const fill = this.fill;
    const lead = this.markets[0];
    lead.liquidity.execute(-1, quantity, lead.mark * (1 - agentSlippageLimit), fill);
    if (fill.filled <= 0) return;
    const size = store.size[id];
    this.transferToMakers(id, fill.filled, fill.notional);
    this.totals.agentSoldNotional += fill.notional;
    if (store.size[id] <= dustFraction * size) this.closeDust(id);
    if (store.size[id] > 0) this.reindex(id);
  }

  /**
   * End of step: the layers read the lead market's mark. A new margin multiplier or haircut
   * re-prices every position (O(n), only when the rounded rule output changes); makers re-quote
   * the book.
   */
  private observeLayers(): void {
    const lead = this.markets[0];
    const mark = lead.mark;
    const scenario = this.scenario;
    const priceFor = (source: VolatilityPrice | undefined) =>
      source === "index" ? lead.index : mark;
    if (this.policy?.observe(priceFor(scenario.policy?.volatilityPrice), mark)) {
      lead.marginTiers = this.policy.tiers();
      this.tiersInForce[0] = lead.marginTiers;
      this.haircut = this.policy.haircut;
      this.rebuildIndex();
    }
    const makers = this.liquidityMakers;
    if (
      makers?.observe(priceFor(scenario.marketMakers?.volatilityPrice), lead.makers.size * mark)
    ) {
      (lead.liquidity as OrderBookMarket).setLiquidity(makers.depth, makers.widening);
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

  /** Traders' gross notional over their equity; equity from the ledger, so O(markets) per step. */
  private aggregateLeverage(valueStart: number): number {
    const store = this.store;
    // Summed in the order the one-market engine always summed, so its figures keep their bits.
    let others = this.totalFunds();
    for (const market of this.markets) others += market.makers.equity(market.mark);
    others += this.vault.equity(this.marks);
    for (const market of this.markets) {
      others += market.proRataPools.long.equity(market.mark);
      others += market.proRataPools.short.equity(market.mark);
    }
    others += this.exchangeCash;
    for (const market of this.markets) others += market.socialPool;
    let gross = 0;
    for (const market of this.markets) {
      let units = market.longSize + market.shortSize;
      const counterparty = store.counterpartyIds[market.id];
      if (counterparty >= 0) {
        others += store.equity(counterparty, market.mark);
        units -= store.size[counterparty];
      }
      gross += units * market.mark;
    }
    const equity = valueStart - others;
    return equity > 0 ? gross / equity : 0;
  }

  private agentNotional(): number {
    const agents = this.agents;
    if (!agents) return 0;
    let units = 0;
    for (let agent = 0; agent < agents.count; agent++)
      units += this.store.size[agents.firstId + agent];
    return units * this.markets[0].mark;
  }

  /**
   * Take every position the current marks have crossed; stale index entries are dropped. Markets
   * whose mark left its band first re-price the cross accounts that hold them, and watched
   * accounts are checked exactly.
   */
  private collectTriggered(): void {
    const triggers = this.triggers;
    if (triggers !== null) {
      const moved = triggers.movedAccounts(this.marks);
      for (let index = 0; index < moved.length; index++) this.priceAccount(moved[index]);
    }
    for (const market of this.markets) {
      market.longIndex.takeAtOrAbove(market.mark, this.takeLong);
      market.shortIndex.takeAtOrAbove(1 / market.mark, this.takeShort);
    }
    triggers?.forEachWatched(this.visitWatched);
  }

  /** An isolated position, or the only position of its cross account, is liquidated on its own. */
  private liquidateStandalone(id: number): void {
    const market = this.marketOf(id);
    const before = market.totals.liquidatedNotional;
    const status = this.hyperliquid
      ? this.liquidateHyperliquid(id)
      : this.liquidate(id, this.partialQuantity(id));
    this.contagion[market.id * (this.markets.length + 1)] +=
      market.totals.liquidatedNotional - before;
    if (this.store.size[id] === 0) return;
    if (status === "done" || status === "open") {
      this.reindex(id);
      return;
    }
    this.pending.push(id);
    this.reindexQuietly(id);
  }

  /**
   * A multi-market cross account: its wallet is pooled onto its open positions (CrossAccounts
   * .pool), then its positions are liquidated largest maintenance margin first, each against its
   * own market. Hyperliquid ("Liquidations") sends market orders for the full size of every
   * position when the account equity falls below its maintenance margin, so full mode closes every
   * position; partial mode (Binance's reduction until the margin ratio is restored) reduces them
   * in the same order and stops once the account is no longer liquidatable.
   */
  private liquidateAccount(account: number): void {
    const accounts = this.accounts;
    const store = this.store;
    this.accounts.pool(account, store, this.marks, this.tiersInForce);
    if (this.accountLiquidatedOnce[account] === 0) {
      this.accountLiquidatedOnce[account] = 1;
      this.crossAccountLiquidations++;
    }
    const source = this.lossSource(account);
    const order = this.byMaintenanceDescending(account);
    const mode = this.scenario.exchange.liquidation.mode;
    this.snapshotLiquidated(order);
    let leftOpen = false;
    for (let index = 0; index < order.length; index++) {
      const id = order[index];
      if (store.size[id] === 0) continue;
      if (mode === "partial" && index > 0 && !this.accountLiquidatable(account)) break;
      const status =
        mode === "hyperliquid"
          ? this.liquidate(id, this.hyperliquidQuantity(id, this.accountCooldown, account), true)
          : this.liquidate(id, this.partialQuantity(id));
      if (status === "capacity" || status === "unfilled") leftOpen = true;
    }
    if (mode === "hyperliquid" && accounts.openCount(account, store) > 0) {
      leftOpen = this.hyperliquidAccountBackstop(account, order) || leftOpen;
    }
    this.countContagion(source, order);
    if (accounts.openCount(account, store) === 0) {
      this.triggers?.unwatch(account);
      return;
    }
    if (leftOpen) this.deferAccount(account);
    else this.markAccountForReindex(account);
  }

  /**
   * Hyperliquid mode, after the book orders of an account: below the backstop share of its
   * maintenance margin the vault takes every open position and the margin; an account under
   * water goes to ADL position by position (its wallet pooled again so each one's bankruptcy
   * price is the account's). Returns whether something is left that nothing would take.
   */
  private hyperliquidAccountBackstop(account: number, order: readonly number[]): boolean {
    const accounts = this.accounts;
    const store = this.store;
    const equity = accounts.equity(account, store, this.marks);
    const maintenance = accounts.maintenance(account, store, this.marks, this.tiersInForce);
    if (equity >= this.staging.backstopMarginRatio * maintenance) return false;
    const open = order.filter((id) => store.size[id] > 0);
    if (equity >= 0) {
      // The margin is what the account's positions hold: every wallet share, closed ones too.
      const members: number[] = [];
      for (let index = accounts.start[account]; index < accounts.start[account + 1]; index++) {
        members.push(accounts.members[index]);
      }
      return !this.vaultTakesOver(members, equity);
    }
    accounts.pool(account, store, this.marks, this.tiersInForce);
    let unfilled = false;
    for (const id of open) {
      if (this.deleverageRest(id, store.size[id], store.size[id], false) !== "done")
        unfilled = true;
    }
    return unfilled;
  }

  /**
   * Liquidated notional so far in the markets of `positions` (one per market: an account holds
   * one position per market), kept by market in a reused array for the contagion table.
   */
  private snapshotLiquidated(positions: readonly number[]): void {
    for (const id of positions) {
      const market = this.marketOf(id);
      this.liquidatedSnapshot[market.id] = market.totals.liquidatedNotional;
    }
  }

  /** What the markets of `positions` liquidated since the snapshot goes to the (source, market) cells. */
  private countContagion(source: number, positions: readonly number[]): void {
    const count = this.markets.length;
    for (const id of positions) {
      const market = this.marketOf(id);
      this.contagion[source * count + market.id] +=
        market.totals.liquidatedNotional - this.liquidatedSnapshot[market.id];
    }
  }

  /**
   * The account's open positions, largest maintenance margin first (ties by id), in an array
   * reused from one account to the next: an insertion sort of the few markets one account holds.
   */
  private byMaintenanceDescending(account: number): number[] {
    const accounts = this.accounts;
    const store = this.store;
    const ids = this.liquidationOrder;
    ids.length = 0;
    let margins = this.orderMargins;
    const members = accounts.start[account + 1] - accounts.start[account];
    if (margins.length < members) {
      margins = new Float64Array(2 * members);
      this.orderMargins = margins;
    }
    for (let index = accounts.start[account]; index < accounts.start[account + 1]; index++) {
      const id = accounts.members[index];
      if (store.size[id] === 0) continue;
      const market = store.market[id];
      const margin = this.tiersInForce[market].maintenanceMargin(
        store.size[id] * this.marks[market],
      );
      let slot = ids.length;
      ids.push(id);
      while (
        slot > 0 &&
        (margins[slot - 1] < margin || (margins[slot - 1] === margin && ids[slot - 1] > id))
      ) {
        ids[slot] = ids[slot - 1];
        margins[slot] = margins[slot - 1];
        slot--;
      }
      ids[slot] = id;
      margins[slot] = margin;
    }
    return ids;
  }

  /** The market where the account's positions lost the most since the start (its loss source). */
  private lossSource(account: number): number {
    const accounts = this.accounts;
    const store = this.store;
    let source = -1;
    let worst = Number.POSITIVE_INFINITY;
    for (let index = accounts.start[account]; index < accounts.start[account + 1]; index++) {
      const id = accounts.members[index];
      if (store.size[id] === 0) continue;
      const market = store.market[id];
      const change =
        store.side[id] * store.size[id] * (this.marks[market] - this.startMarks[market]);
      if (change < worst) {
        worst = change;
        source = market;
      }
    }
    return source;
  }

  /** Quantity to close now: all of it, or in partial mode what restores the margin target. */
  private partialQuantity(id: number): number {
    const store = this.store;
    const exchange = this.scenario.exchange;
    const size = store.size[id];
    if (exchange.liquidation.mode !== "partial") return size;
    const market = this.marketOf(id);
    const mark = market.mark;
    const equity = store.equity(id, mark);
    const keep =
      market.marginTiers.notionalRestoringMargin(
        size * mark,
        equity,
        exchange.liquidationFeeRate,
        exchange.liquidation.partialTargetRatio,
      ) / mark;
    return keep > 0 && keep < size ? size - keep : size;
  }

  /**
   * Liquidates up to `wanted` of position `id` down the waterfall: book (within what the funds
   * and the vault can absorb), backstop takeover, ADL, then the book at any price. Returns
   * "capacity" when the engine's capacity cut it short, "unfilled" when something is left that
   * nothing would take, "done" otherwise. With `bookOnly` (Hyperliquid staging) it stops after
   * the book and returns "open" when the book took part of it, "unfilled" when it took none.
   */
  private liquidate(id: number, wanted: number, bookOnly = false): LiquidationStatus {
    const store = this.store;
    const side = store.side[id];
    const size = store.size[id];
    const market = this.marketOf(id);
    const mark = market.mark;
    let quantity = wanted;
    let capacityLimited = false;
    if (quantity * mark > this.capacityLeft) {
      quantity = this.capacityLeft / mark;
      capacityLimited = true;
    }
    this.capacityLeft -= quantity * mark;

    // The worst price the order may fill at: the loss beyond bankruptcy must stay within what
    // the insurance fund and the backstop can still pay (Binance: the liquidation engine takes
    // over at the bankruptcy price and the fund absorbs fills beyond it; past that, ADL).
    const absorb = this.funds[this.fundIndex(market.id)] + this.vault.spare(this.marks);
    const bankrupt = bankruptcyPrice(side, size, store.entryPrice[id], store.collateral[id]);
    const limit =
      side > 0 ? Math.max(0, bankrupt - absorb / quantity) : bankrupt + absorb / quantity;
    const filled = this.closeInMarket(id, quantity, limit, quantity < size);
    if (quantity < size && (!bookOnly || filled > 0)) this.totals.partialLiquidationCount++;
    if (bookOnly) {
      // Counted only once something happened to it: an order the book did not take is retried.
      if (filled > 0) this.countLiquidated(id);
      if (store.size[id] <= dustFraction * size) this.closeDust(id);
      this.checkPosition(id);
      if (store.size[id] === 0) return "done";
      if (capacityLimited) return "capacity";
      return filled > 0 ? "open" : "unfilled";
    }
    let remaining = quantity - filled;
    if (remaining > dustFraction * size) {
      remaining -= this.backstopTakeover(id, remaining);
    }
    return this.deleverageRest(id, remaining, size, capacityLimited);
  }

  /** Counts a position as liquidated once, however many steps or rounds its liquidation takes. */
  private countLiquidated(id: number): void {
    if (this.liquidatedOnce[id] !== 0) return;
    const market = this.marketOf(id);
    this.liquidatedOnce[id] = 1;
    market.stepCount++;
    market.totals.liquidationCount++;
    this.totals.liquidationCount++;
  }

  /**
   * The end of the waterfall for `remaining` of position `id` (of `size` when its liquidation
   * began): ADL against the market's winners, then the book at any price (the loss is
   * socialised), and what nothing takes is logged unfilled.
   */
  private deleverageRest(
    id: number,
    remaining: number,
    size: number,
    capacityLimited: boolean,
  ): LiquidationStatus {
    const store = this.store;
    const side = store.side[id];
    const market = this.marketOf(id);
    const mark = market.mark;
    this.countLiquidated(id);
    let left = remaining;
    if (left > dustFraction * size && market.adlQueues) {
      left -= this.autoDeleverage(id, left);
    }
    if (left > dustFraction * size) {
      // Last resort: sell at any price the book offers; the loss is socialised.
      const unlimited = side > 0 ? 0 : Number.POSITIVE_INFINITY;
      left -= this.closeInMarket(id, left, unlimited, true);
    }
    const unfilled = left > dustFraction * size;
    if (unfilled) {
      this.log(code.unfilled, id, side, left, mark, 0);
      this.totals.unfilledNotional += left * mark;
      market.totals.unfilledNotional += left * mark;
    }
    if (store.size[id] <= dustFraction * size) this.closeDust(id);
    this.checkPosition(id);
    if (store.size[id] === 0) return "done";
    if (capacityLimited) return "capacity";
    return unfilled ? "unfilled" : "done";
  }

  private checkPosition(id: number): void {
    const store = this.store;
    if (Number.isFinite(store.collateral[id]) && Number.isFinite(store.size[id])) return;
    const field = Number.isFinite(store.size[id]) ? "collateral" : "size";
    throw new EngineNumericError(this.step, store.accountName(id), field, store[field][id]);
  }

  /**
   * Hyperliquid staging ("Liquidations"): the order for a position above the slice notional is
   * a slice of it, unless its account had a partial liquidation within the cooldown; a slice
   * starts the cooldown. `cooldown` holds the time each unit (position or account) may slice
   * again.
   */
  private hyperliquidQuantity(id: number, cooldown: Float64Array, unit: number): number {
    const store = this.store;
    const staging = this.staging;
    const size = store.size[id];
    const now = this.step * this.scenario.dt;
    if (size * this.marketOf(id).mark <= staging.sliceNotional || now < cooldown[unit]) return size;
    cooldown[unit] = now + staging.cooldownSeconds;
    return size * staging.sliceFraction;
  }

  /**
   * Hyperliquid's liquidator vault (HLP), "Liquidations": once the equity behind positions
   * `ids` is below the backstop share of their maintenance margin (and still ≥ 0), the vault
   * takes them over at the mark together with that equity, so the trader keeps nothing: the
   * maintenance margin is the vault's buffer. All or nothing, within the vault's own margin.
   * Returns whether it took them.
   */
  private vaultTakesOver(ids: readonly number[], equity: number): boolean {
    const store = this.store;
    const spec = this.vault.spec;
    if (spec === undefined) return false;
    let notional = 0;
    for (const id of ids) notional += store.size[id] * this.marketOf(id).mark;
    if (this.vault.spare(this.marks) + equity - notional / spec.maxLeverage < 0) return false;
    for (const id of ids) {
      const size = store.size[id];
      if (size === 0) continue;
      this.countLiquidated(id);
      const side = store.side[id];
      const market = this.marketOf(id);
      const mark = market.mark;
      store.collateral[id] += side * size * (mark - store.entryPrice[id]);
      this.changeSize(id, -size);
      this.vault.trade(market.id, side, size, size * mark);
      this.totals.backstopTakeoverNotional += size * mark;
      this.addLiquidated(market, size * mark);
      this.log(code.takeover, id, side, size, mark, 0);
    }
    for (const id of ids) {
      const margin = store.collateral[id];
      if (margin === 0) continue;
      this.vault.cash += margin;
      store.collateral[id] = 0;
      this.log(code.backstopMargin, id, store.side[id], 0, 0, margin);
    }
    return true;
  }

  /** Hyperliquid mode, a position on its own: slice or whole to the book, then the vault or ADL. */
  private liquidateHyperliquid(id: number): LiquidationStatus {
    const store = this.store;
    const size = store.size[id];
    const status = this.liquidate(
      id,
      this.hyperliquidQuantity(id, this.positionCooldown, id),
      true,
    );
    if (store.size[id] === 0 || status === "capacity") return status;
    const market = this.marketOf(id);
    const equity = store.equity(id, market.mark);
    const maintenance = market.marginTiers.maintenanceMargin(store.size[id] * market.mark);
    if (equity >= this.staging.backstopMarginRatio * maintenance) return status;
    if (equity >= 0 && this.vaultTakesOver([id], equity)) return "done";
    if (equity >= 0) return status;
    return this.deleverageRest(id, store.size[id], size, false);
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
    this.transferToMakers(id, dust, dust * this.marketOf(id).mark);
  }

  /** Records an event at the current step and round, with the paying fund's balance after it. */
  private log(
    type: number,
    position: number,
    side: number,
    quantity: number,
    price: number,
    amount: number,
    market = position >= 0 ? this.store.market[position] : 0,
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
      this.funds[this.fundIndex(market)],
      market,
    );
  }

  /** Notional the liquidation engine closed, whichever way: book, backstop or ADL. */
  private addLiquidated(market: PerpMarket, notional: number): void {
    market.addLiquidated(notional, this.step);
    this.stepLiquidatedTotal += notional;
    this.totals.liquidatedNotional += notional;
  }

  private changeSize(id: number, delta: number): void {
    const store = this.store;
    store.size[id] += delta;
    const market = this.marketOf(id);
    if (store.side[id] > 0) market.longSize += delta;
    else market.shortSize += delta;
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
    this.marketOf(id).makers.trade(side, quantity, notional);
  }

  /**
   * Sends a closing order for `quantity` to the position's market, settles the fill, charges the
   * liquidation fee and covers any loss beyond bankruptcy. Returns the quantity filled.
   */
  private closeInMarket(id: number, quantity: number, limit: number, partial: boolean): number {
    const store = this.store;
    const side = store.side[id];
    const market = this.marketOf(id);
    const fill = this.fill;
    const bankrupt = this.bankruptcyPriceOf(id);
    if (this.scenario.counterfactual?.liquidationsWithoutImpact)
      this.fillAtMark(market, side, quantity, limit);
    else market.liquidity.execute(side > 0 ? -1 : 1, quantity, limit, fill);
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
    this.addLiquidated(market, fill.notional);

    // Loss beyond the bankruptcy price on the filled units is bad debt.
    const deficit = side * filled * (bankrupt - fill.averagePrice);
    if (deficit > 0) this.coverDeficit(id, deficit);
    const fee = Math.min(
      this.scenario.exchange.liquidationFeeRate * fill.notional,
      Math.max(0, store.equity(id, market.mark)),
    );
    if (fee > 0) {
      store.collateral[id] -= fee;
      this.funds[this.fundIndex(market.id)] += fee;
      this.totals.liquidationFees += fee;
      this.log(code.fee, id, side, 0, 0, fee);
    }
    return filled;
  }

  /**
   * Counterfactual only: the closing order of a `side` position fills in full at the mark, as
   * against an infinitely deep book, if the mark is within its limit; the book is not touched.
   */
  private fillAtMark(market: PerpMarket, side: number, quantity: number, limit: number): void {
    const fill = this.fill;
    const mark = market.mark;
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
    const market = this.marketOf(id);
    const fund = this.fundIndex(market.id);
    this.totals.badDebt += deficit;
    market.totals.badDebt += deficit;
    market.stepBadDebt += deficit;
    this.log(code.badDebt, id, side, 0, 0, deficit);
    let rest = deficit;
    const fromFund = Math.min(rest, this.funds[fund]);
    if (fromFund > 0) {
      this.funds[fund] -= fromFund;
      store.collateral[id] += fromFund;
      rest -= fromFund;
      this.log(code.fundCover, id, side, 0, 0, fromFund);
    }
    const fromVault = Math.min(rest, this.vault.spare(this.marks));
    if (fromVault > 0) {
      this.vault.cash -= fromVault;
      store.collateral[id] += fromVault;
      rest -= fromVault;
      this.log(code.backstopCover, id, side, 0, 0, fromVault);
    }
    if (rest > 0) {
      market.socialPool -= rest;
      store.collateral[id] += rest;
    }
  }

  /**
   * Socialised loss (the BitMEX-era "clawback"): what the round's waterfall could not pay in a
   * market is taken from that market's positions in profit, pro rata to their unrealised profit,
   * capped at it; anything beyond all profits is the exchange's own loss. Once per round, so it is
   * one scan of the market however many deficits the round produced.
   */
  private collectSocializedLoss(market: PerpMarket): void {
    const owed = -market.socialPool;
    if (owed <= 0) return;
    const store = this.store;
    const mark = market.mark;
    const positions = market.positions;
    if (this.profitable.length < positions.length) {
      this.profitable = new Int32Array(positions.length);
      this.profits = new Float64Array(positions.length);
    }
    const profitable = this.profitable;
    const profits = this.profits;
    let count = 0;
    let totalProfit = 0;
    for (let index = 0; index < positions.length; index++) {
      const id = positions[index];
      if (store.size[id] === 0) continue;
      const profit = store.side[id] * store.size[id] * (mark - store.entryPrice[id]);
      if (!(profit > 0)) continue;
      totalProfit += profit;
      profitable[count] = id;
      profits[count++] = profit;
    }
    const share = totalProfit > 0 ? Math.min(1, owed / totalProfit) : 0;
    let collected = 0;
    if (share > 0) {
      for (let index = 0; index < count; index++) {
        const id = profitable[index];
        const haircut = profits[index] * share;
        store.collateral[id] -= haircut;
        collected += haircut;
        this.markForReindex(id);
      }
      this.log(code.socialized, -1, 0, 0, 0, collected, market.id);
    }
    this.totals.socializedLoss += collected;
    market.totals.socializedLoss += collected;
    market.stepSocialized += collected;
    const uncovered = owed - collected;
    if (uncovered > 0) {
      this.exchangeCash -= uncovered;
      this.totals.exchangeLoss += uncovered;
      this.log(code.exchangeLoss, -1, 0, 0, 0, uncovered, market.id);
    }
    market.socialPool = 0;
  }

  /**
   * Hyperliquid liquidator vault (HLP): positions the book cannot absorb are taken over at their
   * bankruptcy price, so the trader keeps nothing and the vault carries the position. The vault
   * takes as much as keeps its equity above its own margin after the takeover's mark-to-market.
   */
  private backstopTakeover(id: number, quantity: number): number {
    const store = this.store;
    const side = store.side[id];
    const market = this.marketOf(id);
    const price = this.bankruptcyPriceOf(id);
    const taken = this.vault.capacity(market.id, side, quantity, price, this.marks);
    if (taken === 0) return 0;
    store.collateral[id] += side * taken * (price - store.entryPrice[id]);
    this.changeSize(id, -taken);
    this.vault.trade(market.id, side, taken, taken * price);
    this.totals.backstopTakeoverNotional += taken * price;
    this.addLiquidated(market, taken * price);
    this.log(code.takeover, id, side, taken, price, 0);
    return taken;
  }

  /** The vault sells down what it took over in each market, at any price, a fixed notional per step. */
  private unwindBackstop(): void {
    for (const market of this.markets) {
      const quantity = this.vault.unwindQuantity(market.id, market.computeMark());
      if (quantity === 0) continue;
      const direction = this.vault.sizes[market.id] > 0 ? -1 : 1;
      market.liquidity.execute(
        direction,
        quantity,
        direction < 0 ? 0 : Number.POSITIVE_INFINITY,
        this.fill,
      );
      if (this.fill.filled <= 0) continue;
      this.vault.trade(market.id, direction, this.fill.filled, this.fill.notional);
      market.makers.trade(-direction, this.fill.filled, this.fill.notional);
      this.log(code.unwind, -1, -direction, this.fill.filled, this.fill.averagePrice, 0, market.id);
    }
  }

  /**
   * The wallet backing a position as the ADL rankings read it: its own collateral, or for a
   * position of a multi-market cross account the account's wallet plus the other positions'
   * unrealised PnL (the equity left to back this one).
   */
  private adlMarginOf(id: number): number {
    const store = this.store;
    const account = store.account[id];
    if (account < 0) return store.collateral[id];
    const market = store.market[id];
    return (
      this.accounts.equity(account, store, this.marks) - store.unrealised(id, this.marks[market])
    );
  }

  /**
   * ADL: close `quantity` of the bankrupt position against winners on the other side of the same
   * market (Binance "Auto-Deleveraging"; Hyperliquid "Auto-deleveraging"), at its bankruptcy
   * price or the previous mark (exchange.adl.price), chosen and sized by the mechanism
   * (risk/adlMechanism.ts). A price beyond the bankruptcy price leaves the loser a deficit, paid
   * down the waterfall like any bad debt (coverAdlGap).
   */
  private autoDeleverage(id: number, quantity: number): number {
    const store = this.store;
    const side = store.side[id];
    const market = this.marketOf(id);
    const queues = market.adlQueues;
    if (!queues) return 0;
    const queue = side > 0 ? queues.short : queues.long;
    const bankrupt = this.bankruptcyPriceOf(id);
    const mark = market.mark;
    const online = this.adlOnline;
    if (online !== null) {
      online.noteCapacity(
        market.id,
        this.funds[this.fundIndex(market.id)] + this.vault.spare(this.marks),
      );
    }
    const price = adlPrice(
      this.adl.price,
      side,
      bankrupt,
      mark,
      market.previousMark,
      online === null ? 1 : online.severity(market.id),
    );
    // What the winners lose per unit against closing at the mark.
    const haircut = -side * (mark - price);
    let remaining = quantity;
    if (queue.isPooled) {
      // Pro rata hits every winner: closing against each one per liquidation would cost
      // winners × liquidations. The round's ADL volume is pooled here at each ADL price and
      // handed out once, at the round's end (settleProRata).
      const pool = side > 0 ? market.proRataPools.long : market.proRataPools.short;
      const available = queue.isCapped
        ? queue.admissible(
            store,
            mark,
            this.marginOfPosition,
            Math.abs(pool.size),
            pool.size === 0 ? 0 : Math.abs(pool.size) * -side * (mark + pool.cash / pool.size),
            quantity,
            haircut,
          )
        : queue.totalWinnerSize(store, mark, this.marginOfPosition) - Math.abs(pool.size);
      const taken = Math.min(quantity, available);
      if (!(taken > 0)) return 0;
      this.noteShortfall(market, side, taken, bankrupt);
      this.logAdlLiquidation(id, taken, price, this.adlLoserCloses(id, taken, price));
      pool.trade(side, taken, taken * price);
      this.coverAdlGap(id, taken, bankrupt, price);
      return taken;
    }
    const capped = queue.isCapped;
    let realised = 0;
    while (remaining > 0) {
      const winner = queue.nextWinner(store, mark, this.marginOfPosition, id);
      if (winner < 0) break;
      let closed = Math.min(store.size[winner], remaining);
      if (capped && haircut > 0) {
        // Never more than the winner's positive PnL at the round's mark can pay.
        const room = this.adlMetrics.roomLeft(
          winner,
          this.roundStamp,
          store.size[winner],
          store.side[winner] * (mark - store.entryPrice[winner]),
        );
        closed = Math.min(closed, room / haircut);
        if (!(closed > dustFraction * store.size[winner])) {
          queue.dropTop();
          continue;
        }
      }
      if (!(closed > 0)) break;
      realised += this.adlLoserCloses(id, closed, price);
      this.adlWinnerCloses(winner, closed, price);
      remaining -= closed;
    }
    if (remaining < quantity) {
      const taken = quantity - remaining;
      this.noteShortfall(market, side, taken, bankrupt);
      this.logAdlLiquidation(id, taken, price, realised);
      this.coverAdlGap(id, taken, bankrupt, price);
    }
    return quantity - remaining;
  }

  /** The bankruptcy gap at the mark of `quantity` ADL'd units of a `side` position. */
  private noteShortfall(market: PerpMarket, side: number, quantity: number, bankrupt: number) {
    const shortfall = Math.max(0, side * quantity * (bankrupt - market.mark));
    this.adlMetrics.addShortfall(market.id, shortfall);
    this.adlOnline?.noteShortfall(market.id, shortfall);
  }

  /**
   * ADL'd units of position `id` that traded beyond its bankruptcy price (the previous mark, or a
   * severity below 1) leave it short of zero equity by side × quantity × (BP − price): bad debt,
   * paid by the fund, the vault, then the round's socialised loss.
   */
  private coverAdlGap(id: number, quantity: number, bankrupt: number, price: number): void {
    const deficit = this.store.side[id] * quantity * (bankrupt - price);
    if (deficit > 0) this.coverDeficit(id, deficit);
  }

  /**
   * The bankrupt side of an ADL close: position `id` closes `quantity` at `price`. Returns the
   * realised PnL; the caller logs one `adl_liquidation` per deleveraging, however many winners
   * took part (the winners' side is one `adl` row each).
   */
  private adlLoserCloses(id: number, quantity: number, price: number): number {
    const store = this.store;
    const market = this.marketOf(id);
    const realised = store.side[id] * quantity * (price - store.entryPrice[id]);
    store.collateral[id] += realised;
    this.changeSize(id, -quantity);
    this.totals.adlNotional += quantity * price;
    market.totals.adlNotional += quantity * price;
    this.addLiquidated(market, quantity * price);
    market.stepAdl += quantity * price;
    if (market.totals.firstAdlStep < 0) market.totals.firstAdlStep = this.step;
    return realised;
  }

  private logAdlLiquidation(id: number, quantity: number, price: number, realised: number): void {
    this.log(code.adlLiquidation, id, this.store.side[id], quantity, price, realised);
  }

  /** The winning side of an ADL close: `winner` closes `quantity` at `price`, realising profit. */
  private adlWinnerCloses(winner: number, quantity: number, price: number): void {
    const store = this.store;
    const side = store.side[winner];
    const market = this.marketOf(winner);
    const profit = side * quantity * (price - store.entryPrice[winner]);
    // The ADL ranking inputs (Binance, "What is Auto-Deleveraging (ADL)") at the close price,
    // from the wallet as funding and socialised-loss haircuts left it; the report buckets them.
    const size = store.size[winner];
    const wallet = this.adlMarginOf(winner);
    const unrealised = side * size * (price - store.entryPrice[winner]);
    const effectiveLeverage = (size * price) / (wallet + unrealised);
    const pnlPercent = (100 * unrealised) / wallet;
    this.adlMetrics.recordClose(
      winner,
      store.account[winner],
      market.id,
      this.roundStamp,
      side,
      store.entryPrice[winner],
      size,
      quantity,
      price,
      market.mark,
      effectiveLeverage,
    );
    store.collateral[winner] += profit;
    this.changeSize(winner, -quantity);
    if (store.size[winner] <= dustFraction * quantity) this.closeDust(winner);
    if (store.size[winner] > 0 || store.account[winner] >= 0) this.markForReindex(winner);
    this.totals.adlCount++;
    market.totals.adlCount++;
    this.log(code.adl, winner, side, quantity, price, profit);
    this.events.recordAdlStanding(effectiveLeverage, pnlPercent);
  }

  /**
   * End of a round's ADL in one market. Pooled mechanisms: each pool (the bankrupt longs' or
   * shorts' ADL volume of the market, bought at their ADL prices) goes to the winners on the
   * other side at the pool's average price, so the winners pay exactly what the bankrupt
   * positions got: by size (proRata), or by capped weighted water-filling (pnlProRata,
   * riskAwareProRata, online: adl.ts `allocate`). The online policy then learns from the round.
   */
  private settleProRata(market: PerpMarket): void {
    const queues = market.adlQueues;
    if (!queues) return;
    for (const pool of [market.proRataPools.long, market.proRataPools.short]) {
      if (pool.size === 0) continue;
      const winnerSide = pool.size > 0 ? -1 : 1;
      const queue = winnerSide > 0 ? queues.long : queues.short;
      const winners = queue.allWinners(this.store, market.mark, this.marginOfPosition);
      if (queue.isCapped) this.settleCapped(queue, market.mark, pool, winnerSide, winners);
      else this.settleBySize(pool, winnerSide, winners);
    }
    this.adlOnline?.endRound(market.id);
  }

  private settleBySize(pool: Holder, winnerSide: number, winners: Int32Array): void {
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

  private settleCapped(
    queue: AdlQueue,
    mark: number,
    pool: Holder,
    winnerSide: number,
    winners: Int32Array,
  ): void {
    const averagePrice = -pool.cash / pool.size;
    const haircut = winnerSide * (mark - averagePrice);
    const allocation = queue.allocate(this.store, Math.abs(pool.size), haircut);
    let lastHolder = -1;
    for (let slot = 0; slot < winners.length; slot++) {
      if (allocation[slot] > 0 && this.store.size[winners[slot]] > 0) lastHolder = slot;
    }
    const online = this.adlOnline;
    for (let slot = 0; slot <= lastHolder && pool.size !== 0; slot++) {
      const winner = winners[slot];
      const size = this.store.size[winner];
      if (size === 0 || !(allocation[slot] > 0)) continue;
      // The last one takes what rounding left, so the pool ends exactly flat.
      const quantity = Math.min(size, slot === lastHolder ? Math.abs(pool.size) : allocation[slot]);
      this.adlWinnerCloses(winner, quantity, averagePrice);
      pool.trade(winnerSide, quantity, quantity * averagePrice);
      online?.penalize(winner, (quantity * haircut) / queue.profitOf(slot));
    }
  }

  /**
   * Funding at each market's interval boundary (rate: see `fundingRate`), with the premium index
   * (mark − index) / index averaged over the interval's steps. Every holder pays or receives,
   * so the payments sum to zero. Positions are re-priced once, whichever markets paid.
   */
  private payFunding(): void {
    let paid = false;
    for (const market of this.markets) {
      if (this.payMarketFunding(market)) paid = true;
    }
    if (paid) this.rebuildIndex();
  }

  private payMarketFunding(market: PerpMarket): boolean {
    const funding = market.spec.funding;
    if (!funding) return false;
    market.premiumSum += (market.mark - market.index) / market.index;
    market.premiumSteps++;
    const time = this.step * this.scenario.dt;
    const previous = time - this.scenario.dt;
    if (
      Math.floor(time / funding.intervalSeconds) === Math.floor(previous / funding.intervalSeconds)
    ) {
      return false;
    }
    const premium = market.premiumSum / market.premiumSteps;
    market.premiumSum = 0;
    market.premiumSteps = 0;
    const rate = fundingRate(funding, premium);
    market.lastFundingRate = rate;
    const mark = market.mark;
    const store = this.store;
    const positions = market.positions;
    let paidByLongs = 0;
    for (let index = 0; index < positions.length; index++) {
      const id = positions[index];
      const payment = store.side[id] * store.size[id] * mark * rate;
      store.collateral[id] -= payment;
      if (store.side[id] > 0) paidByLongs += payment;
    }
    market.makers.payFunding(mark, rate);
    this.vault.payFunding(market.id, mark, rate);
    this.totals.fundingPaid += Math.abs(paidByLongs);
    market.totals.fundingPaid += Math.abs(paidByLongs);
    this.log(code.funding, -1, 0, 0, rate, paidByLongs, market.id);
    return true;
  }

  /** All money in the system at the current marks, summed from the state itself. */
  ledgerValue(): number {
    const store = this.store;
    const sum = new CompensatedSum();
    for (let id = 0; id < store.count; id++) {
      const mark = this.markets[store.market[id]].mark;
      sum.add(store.collateral[id]);
      sum.add(store.side[id] * store.size[id] * (mark - store.entryPrice[id]));
    }
    for (let index = 0; index < this.funds.length; index++) sum.add(this.funds[index]);
    for (const market of this.markets) {
      sum.add(market.makers.cash);
      sum.add(market.makers.size * market.mark);
    }
    sum.add(this.vault.cash);
    for (const market of this.markets) sum.add(this.vault.sizes[market.id] * market.mark);
    for (const market of this.markets) {
      for (const pool of [market.proRataPools.long, market.proRataPools.short]) {
        sum.add(pool.cash);
        sum.add(pool.size * market.mark);
      }
    }
    sum.add(this.exchangeCash);
    for (const market of this.markets) sum.add(market.socialPool);
    return sum.value;
  }

  /** What an error names: the thing, and which market when there are several. */
  private subject(thing: string, market: PerpMarket): string {
    return this.markets.length === 1 ? thing : `${thing} of ${market.symbol}`;
  }

  private checkFinite(value: number, subject: string, field: string): void {
    if (!Number.isFinite(value)) throw new EngineNumericError(this.step, subject, field, value);
  }
}

function byNumber(left: number, right: number): number {
  return left - right;
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
