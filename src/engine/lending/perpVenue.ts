/**
 * A perpetual-futures exchange inside the lending world (issue 3, part 8): the perp engine
 * (src/engine/sim.ts) driven step by step through `begin`, `advance(index)` and `finish`, with the
 * index computed by the world — by default the asset's market price, i.e. the AMM pool that
 * on-chain liquidations sell into. That is how a lending cascade crosses to the perp venue: Aave
 * liquidators sell collateral into the pool, the pool falls, the perp index follows it, and perp
 * positions are liquidated.
 *
 * The other direction (`basis`): the perp's market makers, long what liquidations sold them, hedge
 * by selling the asset into the world's market for it, so perp liquidation sales reach the pool
 * too (see agents/basisArbitrage.ts).
 *
 * The perp is cash-settled in USD, outside the world's asset ledger, and keeps its own money
 * ledger, reported in its summary. The only asset units it holds are the hedger's: its unsold
 * inventory of the asset and the quote asset it received for what it sold.
 */
import { BasisHedger, type BasisHedgeSpec, type SpotSide } from "../agents/basisArbitrage.ts";
import type { EngineScenario } from "../config.ts";
import type { RunResult } from "../result.ts";
import { Simulation } from "../sim.ts";
import {
  healthFactorEdges,
  type LendingVenue,
  type VenueContext,
  type VenueSummary,
} from "./contracts.ts";

export interface PerpVenueSpec {
  name: string;
  /** Index of the asset the perp is on. */
  asset: number;
  /** What the world passes as the perp's index: the asset's market (pool) or oracle price. */
  index: "market" | "oracle";
  engine: EngineScenario;
  /** The makers' spot hedge, with the asset its sales are paid in; undefined for none. */
  basis?: BasisHedgeSpec & { quote: number };
}

export class PerpVenue implements LendingVenue {
  readonly name: string;
  readonly timeseriesColumns: readonly string[];
  private readonly simulation: Simulation;
  private result: RunResult | undefined;
  private openInterestStart = 0;
  private readonly hedger: BasisHedger | undefined;
  private readonly swapResult = { amountIn: 0, amountOut: 0 };
  private context: VenueContext | undefined;
  /** The hedger's view of the spot market: the world's, for the step being run. */
  private readonly spot: SpotSide = {
    price: () => (this.context as VenueContext).marketPrice(this.spec.asset),
    sell: (quantity, out) => {
      const context = this.context as VenueContext;
      const quote = (this.spec.basis as { quote: number }).quote;
      context.swap(this.spec.asset, quote, quantity, 0, this.swapResult);
      out.sold = this.swapResult.amountIn;
      out.received = this.swapResult.amountOut;
    },
  };

  constructor(
    private readonly spec: PerpVenueSpec,
    seed: number,
    runIndex: number,
  ) {
    this.name = spec.name;
    this.simulation = new Simulation(spec.engine, { seed, runIndex });
    this.hedger =
      spec.basis === undefined
        ? undefined
        : new BasisHedger(spec.basis, spec.engine.markets[0].price);
    this.timeseriesColumns = [
      "index",
      "mark",
      "openInterestUsd",
      "insuranceFund",
      "liquidatedUsd",
      "hedgeSoldUsd",
    ].map((column) => `${spec.name}.${column}`);
  }

  /** The asset the perp is on. */
  get asset(): number {
    return this.spec.asset;
  }

  private indexPrice(context: VenueContext): number {
    return this.spec.index === "market"
      ? context.marketPrice(this.spec.asset)
      : context.oraclePrice(this.spec.asset);
  }

  step(context: VenueContext): void {
    if (context.step === 0) {
      this.simulation.begin();
      this.openInterestStart = this.openInterest();
      return;
    }
    this.simulation.advance(this.indexPrice(context));
    if (this.hedger !== undefined) {
      this.context = context;
      this.hedger.step(
        this.simulation.stepLiquidatedNotional,
        this.simulation.markets[0].liquidity.lastPrice(),
        this.spot,
      );
      this.context = undefined;
    }
  }

  /** Σ long size × mark: what the perp's liquidations eat into. */
  private openInterest(): number {
    const store = this.simulation.store;
    let longSize = 0;
    for (let id = 0; id < store.count; id++) {
      if (store.side[id] === 1) longSize += store.size[id];
    }
    return longSize * this.simulation.markets[0].liquidity.mid();
  }

  netHoldings(asset: number): number {
    const hedger = this.hedger;
    if (hedger === undefined) return 0;
    if (asset === this.spec.asset) return hedger.inventory;
    return asset === this.spec.basis?.quote ? hedger.proceeds : 0;
  }

  /** Units of the asset the makers' hedge sold into the world's market (0 without one). */
  hedgeSoldUnits(): number {
    return this.hedger?.soldUnits ?? 0;
  }

  sample(context: VenueContext, out: Float64Array, offset: number): void {
    out[offset] = this.indexPrice(context);
    out[offset + 1] = this.simulation.markets[0].liquidity.mid();
    out[offset + 2] = this.openInterest();
    out[offset + 3] = this.simulation.insuranceFund;
    out[offset + 4] = context.step === 0 ? 0 : this.simulation.stepLiquidatedNotional;
    out[offset + 5] = this.hedger?.stepNotional ?? 0;
  }

  /** The perp's own heatmap is by position, not by collateral asset: none here. */
  liquidatableByPrice(_asset: number, prices: Float64Array): Float64Array {
    return new Float64Array(prices.length);
  }

  /** The perp engine's own result, once the run is over (finish is called once). */
  runResult(): RunResult {
    this.result ??= this.simulation.finish();
    return this.result;
  }

  summary(_context: VenueContext): VenueSummary {
    const summary = this.runResult().summary;
    const empty = {
      edges: healthFactorEdges,
      counts: new Array(healthFactorEdges.length - 1).fill(0),
    };
    return {
      name: this.name,
      kind: "perp",
      badDebtUsd: summary.badDebt,
      liquidatedCollateralUsd: summary.liquidatedNotional,
      liquidationCount: summary.liquidationCount,
      debtRepaidUsd: 0,
      tvlStartUsd: this.openInterestStart,
      tvlEndUsd: this.openInterest(),
      healthFactorStart: empty,
      healthFactorEnd: { ...empty, counts: [...empty.counts] },
    };
  }
}
