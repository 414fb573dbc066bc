/**
 * One perpetual market of an exchange: its own liquidity (book or impact model), margin
 * brackets, mark and funding rules, index path, the trigger indexes of the positions that trade
 * it, its ADL queues and the holders that trade with it (the book's makers, the pro-rata ADL
 * pools). Everything the exchange shares across markets (accounts, the insurance fund, the
 * backstop vault, the liquidation engine's capacity) lives in the Simulation.
 */
import type { AdlMechanism, PerpMarketSpec } from "../config.ts";
import { ImpactFunctionMarket } from "../market/impactMarket.ts";
import type { Market } from "../market/market.ts";
import { OrderBookMarket } from "../market/orderBook.ts";
import { AdlQueue, type LogWeightOf } from "../risk/adl.ts";
import { Holder } from "../risk/holders.ts";
import { TriggerIndex } from "../risk/liquidationIndex.ts";
import { MarginTiers } from "./marginTiers.ts";
import { markPrice } from "./pricing.ts";

/** Per-market run totals (the exchange's totals are their sums). */
export interface MarketTotals {
  liquidatedNotional: number;
  liquidationCount: number;
  adlNotional: number;
  adlCount: number;
  badDebt: number;
  socializedLoss: number;
  unfilledNotional: number;
  fundingPaid: number;
  /** First step with a liquidation or ADL close in this market; −1 if none. */
  firstLiquidationStep: number;
  firstAdlStep: number;
}

export class PerpMarket {
  readonly symbol: string;
  readonly liquidity: Market;
  /** The scenario's brackets. */
  readonly tiers: MarginTiers;
  /** Brackets in force: the scenario's, or scaled by the venue policy's multiplier. */
  marginTiers: MarginTiers;
  /** Longs by liquidation price, shorts by its inverse (see TriggerIndex). */
  readonly longIndex: TriggerIndex;
  readonly shortIndex: TriggerIndex;
  readonly adlQueues: { long: AdlQueue; short: AdlQueue } | null;
  /** The book's liquidity providers: they take the other side of every fill. */
  readonly makers = new Holder(0);
  /** Pro-rata ADL volume of the round, by the bankrupt side it came from (see settleProRata). */
  readonly proRataPools = { long: new Holder(0), short: new Holder(0) };
  /** Deficits paid to bankrupt positions this round, collected from winners at round end. */
  socialPool = 0;
  mark = 0;
  /** The mark at the end of the previous step (Hyperliquid's ADL price, exchange.adl.price). */
  previousMark = 0;
  index: number;
  longSize = 0;
  shortSize = 0;
  premiumSum = 0;
  premiumSteps = 0;
  lastFundingRate = Number.NaN;
  /** Ids of the positions trading this market, in id order (set once every position exists). */
  positions = new Int32Array(0);
  readonly totals: MarketTotals = {
    liquidatedNotional: 0,
    liquidationCount: 0,
    adlNotional: 0,
    adlCount: 0,
    badDebt: 0,
    socializedLoss: 0,
    unfilledNotional: 0,
    fundingPaid: 0,
    firstLiquidationStep: -1,
    firstAdlStep: -1,
  };
  // Per-step accumulators, reset each step.
  stepLiquidated = 0;
  stepCount = 0;
  stepBadDebt = 0;
  stepAdl = 0;
  stepSocialized = 0;

  constructor(
    readonly id: number,
    readonly spec: PerpMarketSpec,
    readonly indexPath: Float64Array,
    mechanism: AdlMechanism,
    expectedPositions: number,
    logWeightOf?: LogWeightOf,
  ) {
    this.symbol = spec.symbol;
    this.tiers = new MarginTiers(spec.maintenanceMarginTiers);
    this.marginTiers = this.tiers;
    const liquidity = spec.liquidity;
    this.liquidity =
      liquidity.kind === "orderBook"
        ? new OrderBookMarket(liquidity)
        : new ImpactFunctionMarket(liquidity, spec.price);
    this.adlQueues =
      mechanism === "none"
        ? null
        : {
            long: new AdlQueue(mechanism, 1, () => this.marginTiers, logWeightOf),
            short: new AdlQueue(mechanism, -1, () => this.marginTiers, logWeightOf),
          };
    this.longIndex = new TriggerIndex(spec.price, expectedPositions);
    this.shortIndex = new TriggerIndex(1 / spec.price, expectedPositions);
    if (indexPath[0] !== spec.price) this.liquidity.shift(indexPath[0] / spec.price);
    this.index = indexPath[0];
  }

  computeMark(): number {
    return markPrice(
      this.spec.markPrice,
      this.index,
      this.liquidity.mid(),
      this.liquidity.lastPrice(),
    );
  }

  resetStep(): void {
    this.previousMark = this.mark;
    this.stepLiquidated = 0;
    this.stepCount = 0;
    this.stepBadDebt = 0;
    this.stepAdl = 0;
    this.stepSocialized = 0;
  }

  /** Notional the liquidation engine closed in this market, whichever way: book, backstop or ADL. */
  addLiquidated(notional: number, step: number): void {
    this.stepLiquidated += notional;
    this.totals.liquidatedNotional += notional;
    if (this.totals.firstLiquidationStep < 0) this.totals.firstLiquidationStep = step;
  }

  /** Long units held by everyone (traders, makers, the vault's share): the open interest. */
  longUnits(vaultSize: number): number {
    return this.longSize + Math.max(0, this.makers.size) + Math.max(0, vaultSize);
  }
}
