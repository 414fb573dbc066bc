/**
 * The lending world's step loop. Each step:
 *   1. exogenous external prices (data or a shock process) for every asset;
 *   2. arbitrageurs pull each AMM pool toward the external price, with finite capital and speed;
 *      order books are re-quoted around it by their (outside) makers;
 *   3. oracles read their source (external or market price), with delay, heartbeat, deviation,
 *      and the scenario's outages and lags;
 *   4. venues step (interest, liquidations sold into the markets, loopers);
 *   5. metrics.
 * Conservation: every unit of every asset has exactly one holder — a venue (its `netHoldings`), a
 * pool's reserves, an arbitrageur's wallet, or the outside world, which trades with arbitrageurs,
 * makes the order books and fills routes that no market covers at the external price (its balance
 * may go negative: it is everyone outside the model). The sum per asset must not change; `ledger` reports the drift.
 */

import { type ArbitrageSpec, type ArbitrageTrade, Arbitrageur } from "../agents/arbitrage.ts";
import type { OrderBookSpec } from "../config.ts";
import { EngineNumericError } from "../errors.ts";
import { ConstantProductAmm } from "../market/amm.ts";
import { emptyFill, type Market } from "../market/market.ts";
import { type OracleSpec, PriceOracle } from "../market/oracle.ts";
import { OrderBookMarket } from "../market/orderBook.ts";
import { grown } from "../typedArrays.ts";
import type {
  LendingEvent,
  LendingVenue,
  SwapArguments,
  SwapResult,
  VenueContext,
} from "./contracts.ts";

export interface WorldMarketSpec {
  base: number;
  quote: number;
  /** AMM reserves (unused for a book). */
  reserveBase: number;
  reserveQuote: number;
  fee: number;
  arbitrage: ArbitrageSpec | undefined;
  /**
   * An order book instead of a pool: market makers outside the model quote it and re-quote when
   * the external price moves (`shift`); what it buys or sells goes to or comes from the outside
   * world. No arbitrageurs: the re-quoting is what ties it to the external price.
   */
  book?: OrderBookSpec;
}

export interface WorldOracleSpec extends OracleSpec {
  asset: number;
  source: "external" | "market";
}

export interface OracleEventSpec {
  kind: "outage" | "lag";
  asset: number;
  /** First step affected. */
  from: number;
  /** First step no longer affected. */
  to: number;
  /** lag: seconds added to the oracle's delay. */
  delay: number;
}

export interface LendingWorldSpec {
  steps: number;
  dt: number;
  symbols: readonly string[];
  /** External price of each asset, steps + 1 values (row 0 is the start). */
  externalPaths: readonly Float64Array[];
  markets: readonly WorldMarketSpec[];
  /** One per asset at most; an asset without one reads its external price. */
  oracles: readonly WorldOracleSpec[];
  oracleEvents: readonly OracleEventSpec[];
  /** Gas price in gwei per step (steps + 1), or undefined for none. */
  gasGwei: Float64Array | undefined;
  /** Asset whose price turns gas into USD (ETH), −1 when none. */
  gasAsset: number;
}

/** A buy on a book by quote amount walks at most this many slices of this relative width. */
const bookSlices = 32;
const bookSlice = 0.002;

export const lendingEventTypes: readonly LendingEvent["type"][] = [
  "liquidation",
  "bad_debt",
  "auction_start",
  "auction_take",
  "auction_reset",
  "keeper_out_of_gas",
  "loop",
  "unwind",
  "cap_reached",
];

/** The run's events as columns, grown by doubling so recording allocates nothing per event. */
export class LendingEventLog {
  length = 0;
  step = new Int32Array(1024);
  type = new Uint8Array(1024);
  venue = new Uint8Array(1024);
  account = new Int32Array(1024);
  asset = new Int16Array(1024);
  quantity = new Float64Array(1024);
  valueUsd = new Float64Array(1024);

  push(step: number, type: number, venue: number, event: LendingEvent): void {
    if (this.length === this.step.length) this.grow();
    const index = this.length++;
    this.step[index] = step;
    this.type[index] = type;
    this.venue[index] = venue;
    this.account[index] = event.account;
    this.asset[index] = event.asset;
    this.quantity[index] = event.quantity;
    this.valueUsd[index] = event.valueUsd;
  }

  private grow(): void {
    const size = this.step.length * 2;
    this.step = grown(this.step, size);
    this.type = grown(this.type, size);
    this.venue = grown(this.venue, size);
    this.account = grown(this.account, size);
    this.asset = grown(this.asset, size);
    this.quantity = grown(this.quantity, size);
    this.valueUsd = grown(this.valueUsd, size);
  }
}

export interface LedgerEntry {
  symbol: string;
  start: number;
  end: number;
  /** |end − start| / max(1, start). */
  drift: number;
}

export interface LendingWorldResult {
  steps: number;
  dt: number;
  columns: string[];
  /** One array of steps + 1 values per column. */
  series: Float64Array[];
  events: LendingEventLog;
  ledger: LedgerEntry[];
  arbitrage: { market: string; volume: number; profit: number }[];
  oracleUpdates: number[];
}

export class LendingWorld implements VenueContext {
  step = 0;
  time = 0;
  readonly dt: number;
  gasPriceGwei = 0;
  gasTokenPrice = 0;
  /** Every market (pools and books), by market index. */
  readonly markets: Market[];
  /** The AMM of each market, undefined for a book. */
  readonly pools: (ConstantProductAmm | undefined)[];
  readonly arbitrageurs: (Arbitrageur | undefined)[];
  private readonly external: Float64Array;
  private readonly oracleAnswers: Float64Array;
  private readonly oracles: (PriceOracle | undefined)[];
  private readonly oracleSources: ("external" | "market")[];
  /** Units the outside world has received (negative: supplied) per asset. */
  private readonly outside: Float64Array;
  /** Market index that prices each asset as its base, −1 when none. */
  private readonly marketOfBase: Int32Array;
  private readonly events = new LendingEventLog();
  private currentVenue = 0;
  private readonly eventTypeCodes = new Map(lendingEventTypes.map((type, code) => [type, code]));
  private readonly fill = emptyFill();
  private readonly trade: ArbitrageTrade = { baseFromPool: 0, quoteToPool: 0, baseToOutside: 0 };
  private readonly leg: SwapResult = { amountIn: 0, amountOut: 0 };
  /** External base/quote ratio each book was last quoted around. */
  private readonly bookTarget: Float64Array;

  constructor(
    private readonly spec: LendingWorldSpec,
    private readonly venues: readonly LendingVenue[],
  ) {
    const assets = spec.symbols.length;
    this.dt = spec.dt;
    this.external = new Float64Array(assets);
    this.oracleAnswers = new Float64Array(assets);
    this.outside = new Float64Array(assets);
    this.pools = spec.markets.map((market) =>
      market.book === undefined
        ? new ConstantProductAmm(market.reserveBase, market.reserveQuote, market.fee)
        : undefined,
    );
    this.markets = spec.markets.map(
      (market, index) => this.pools[index] ?? new OrderBookMarket(market.book as OrderBookSpec),
    );
    // Books are built around the start prices: later moves re-quote them from there.
    this.bookTarget = Float64Array.from(
      spec.markets,
      (market) => spec.externalPaths[market.base][0] / spec.externalPaths[market.quote][0],
    );
    this.arbitrageurs = spec.markets.map((market) =>
      market.arbitrage === undefined ? undefined : new Arbitrageur(market.arbitrage),
    );
    this.marketOfBase = new Int32Array(assets).fill(-1);
    spec.markets.forEach((market, index) => {
      if (this.marketOfBase[market.base] < 0) this.marketOfBase[market.base] = index;
    });
    this.oracles = new Array(assets).fill(undefined);
    this.oracleSources = new Array(assets).fill("external");
    for (const oracle of spec.oracles) {
      this.oracles[oracle.asset] = new PriceOracle(oracle, spec.steps, spec.dt);
      this.oracleSources[oracle.asset] = oracle.source;
    }
  }

  oraclePrice(asset: number): number {
    return this.oracleAnswers[asset];
  }

  /** USD price on the asset's market (its mid × external price of its quote), else external. */
  marketPrice(asset: number): number {
    const market = this.marketOfBase[asset];
    if (market < 0) return this.external[asset];
    return this.markets[market].mid() * this.external[this.spec.markets[market].quote];
  }

  record(event: LendingEvent): void {
    const code = this.eventTypeCodes.get(event.type);
    if (code === undefined) throw new Error(`unknown lending event type ${event.type}`);
    if (!Number.isFinite(event.quantity) || !Number.isFinite(event.valueUsd)) {
      throw new Error(
        `step ${this.step}: venue ${event.venue} recorded a ${event.type} with quantity ${event.quantity}, value ${event.valueUsd} (account ${event.account})`,
      );
    }
    this.events.push(this.step, code, this.currentVenue, event);
  }

  private findMarket(first: number, second: number): number {
    const markets = this.spec.markets;
    for (let index = 0; index < markets.length; index++) {
      const market = markets[index];
      if (
        (market.base === first && market.quote === second) ||
        (market.base === second && market.quote === first)
      ) {
        return index;
      }
    }
    return -1;
  }

  /** The first market (pool or book) trading `asset`, −1 when none. */
  private poolWith(asset: number): number {
    const markets = this.spec.markets;
    for (let index = 0; index < markets.length; index++) {
      if (markets[index].base === asset || markets[index].quote === asset) return index;
    }
    return -1;
  }

  private otherAsset(market: number, asset: number): number {
    const spec = this.spec.markets[market];
    return spec.base === asset ? spec.quote : spec.base;
  }

  /**
   * One leg on market `market`; `minimumOutPerUnit` is in `assetOut` per `assetIn`. Selling base
   * is the same order on a pool and a book. Buying base with a quote amount: a pool quotes the
   * base it pays exactly; a book walks its asks in slices priced at most `bookSlice` above the
   * best ask, so the quote spent never exceeds what was offered. On a book the market makers on
   * the other side are the outside world.
   */
  private poolLeg(
    market: number,
    assetIn: number,
    quantityIn: number,
    minimumOutPerUnit: number,
    out: SwapResult,
  ): void {
    const pool = this.pools[market];
    const venue = this.markets[market];
    const { base, quote } = this.spec.markets[market];
    const fill = this.fill;
    if (base === assetIn) {
      venue.execute(-1, quantityIn, minimumOutPerUnit, fill);
      out.amountIn = fill.filled;
      out.amountOut = fill.notional;
    } else {
      const ceiling = minimumOutPerUnit > 0 ? 1 / minimumOutPerUnit : Number.POSITIVE_INFINITY;
      if (pool !== undefined) {
        pool.execute(1, pool.quote(false, quantityIn), ceiling, fill);
        out.amountIn = fill.notional;
        out.amountOut = fill.filled;
        return;
      }
      let remaining = quantityIn;
      let bought = 0;
      for (let slice = 0; slice < bookSlices && remaining > quantityIn * 1e-12; slice++) {
        const limit = Math.min(ceiling, venue.bestAsk() * (1 + bookSlice));
        if (!(limit >= venue.bestAsk()) || !Number.isFinite(limit)) break;
        venue.execute(1, remaining / limit, limit, fill);
        if (fill.filled <= 0) break;
        remaining -= fill.notional;
        bought += fill.filled;
      }
      out.amountIn = quantityIn - remaining;
      out.amountOut = bought;
    }
    if (pool !== undefined) return;
    this.outside[base] += base === assetIn ? out.amountIn : -out.amountOut;
    this.outside[quote] += base === assetIn ? -out.amountOut : out.amountIn;
  }

  /** The outside world takes `quantity` of `assetIn` and pays `assetOut` at external prices. */
  private outsideLeg(assetIn: number, assetOut: number, quantity: number): number {
    const paid = (quantity * this.external[assetIn]) / this.external[assetOut];
    this.outside[assetIn] += quantity;
    this.outside[assetOut] -= paid;
    return paid;
  }

  swap(...[assetIn, assetOut, quantityIn, minimumOutPerUnit, out]: SwapArguments): void {
    out.amountIn = 0;
    out.amountOut = 0;
    if (!(quantityIn > 0) || !Number.isFinite(quantityIn)) return;
    const direct = this.findMarket(assetIn, assetOut);
    if (direct >= 0) {
      this.poolLeg(direct, assetIn, quantityIn, minimumOutPerUnit, out);
      return;
    }
    const ratio = this.external[assetOut];
    const sellPool = this.poolWith(assetIn);
    if (sellPool >= 0) {
      // Into the pool for its other asset, then that asset outside at the external price.
      const middle = this.otherAsset(sellPool, assetIn);
      const minimumMiddle = (minimumOutPerUnit * ratio) / this.external[middle];
      this.poolLeg(sellPool, assetIn, quantityIn, minimumMiddle, this.leg);
      out.amountIn = this.leg.amountIn;
      out.amountOut = this.outsideLeg(middle, assetOut, this.leg.amountOut);
      return;
    }
    const buyPool = this.poolWith(assetOut);
    if (buyPool >= 0) {
      const middle = this.otherAsset(buyPool, assetOut);
      const middleQuantity = this.outsideLeg(assetIn, middle, quantityIn);
      const minimumPerMiddle = (minimumOutPerUnit * quantityIn) / middleQuantity;
      this.poolLeg(buyPool, middle, middleQuantity, minimumPerMiddle, this.leg);
      // What the pool did not take goes back outside.
      const unused = middleQuantity - this.leg.amountIn;
      const returned = unused > 0 ? this.outsideLeg(middle, assetIn, unused) : 0;
      out.amountIn = quantityIn - returned;
      out.amountOut = this.leg.amountOut;
      return;
    }
    const rate = this.external[assetIn] / ratio;
    if (rate < minimumOutPerUnit) return;
    out.amountIn = quantityIn;
    out.amountOut = this.outsideLeg(assetIn, assetOut, quantityIn);
  }

  quote(assetIn: number, assetOut: number, quantityIn: number): number {
    const direct = this.findMarket(assetIn, assetOut);
    if (direct >= 0) return this.marketQuote(direct, assetIn, quantityIn);
    const sellPool = this.poolWith(assetIn);
    if (sellPool >= 0) {
      const middle = this.otherAsset(sellPool, assetIn);
      const middleOut = this.marketQuote(sellPool, assetIn, quantityIn);
      return (middleOut * this.external[middle]) / this.external[assetOut];
    }
    const buyPool = this.poolWith(assetOut);
    if (buyPool >= 0) {
      const middle = this.otherAsset(buyPool, assetOut);
      const middleQuantity = (quantityIn * this.external[assetIn]) / this.external[middle];
      return this.marketQuote(buyPool, middle, middleQuantity);
    }
    return (quantityIn * this.external[assetIn]) / this.external[assetOut];
  }

  /**
   * What selling `quantityIn` of `assetIn` on market `market` pays. A pool's exact output; for a
   * book the top of the book (impact left out: a book has no read-only walk).
   */
  private marketQuote(market: number, assetIn: number, quantityIn: number): number {
    const baseIn = this.spec.markets[market].base === assetIn;
    const pool = this.pools[market];
    if (pool !== undefined) return pool.quote(baseIn, quantityIn);
    const book = this.markets[market];
    return baseIn ? quantityIn * book.bestBid() : quantityIn / book.bestAsk();
  }

  /** Every unit of `asset` in the world, the outside world's balance included. */
  holdings(asset: number): number {
    let total = this.outside[asset];
    for (const venue of this.venues) total += venue.netHoldings(asset);
    this.spec.markets.forEach((market, index) => {
      // A book holds nothing: its market makers are the outside world.
      const pool = this.pools[index];
      if (pool === undefined) return;
      if (market.base === asset) total += pool.reserveBase;
      if (market.quote === asset) {
        total += pool.reserveQuote;
        total += this.arbitrageurs[index]?.wallet ?? 0;
      }
    });
    return total;
  }

  private columnNames(): string[] {
    const columns = ["step", "time"];
    for (const symbol of this.spec.symbols) {
      columns.push(`${symbol}.external`, `${symbol}.oracle`, `${symbol}.market`);
    }
    for (const market of this.spec.markets) {
      const name = `${this.spec.symbols[market.base]}/${this.spec.symbols[market.quote]}`;
      const [first, second] =
        market.book === undefined
          ? ["reserveBase", "reserveQuote"]
          : ["bidDepth1pct", "askDepth1pct"];
      columns.push(`${name}.price`, `${name}.${first}`, `${name}.${second}`, `${name}.arbitrage`);
    }
    columns.push("gasGwei");
    for (const venue of this.venues) columns.push(...venue.timeseriesColumns);
    return columns;
  }

  private moveExternal(step: number): void {
    for (let asset = 0; asset < this.external.length; asset++) {
      const price = this.spec.externalPaths[asset][step];
      if (!(price > 0 && Number.isFinite(price))) {
        throw new Error(`step ${step}: external price of ${this.spec.symbols[asset]} is ${price}`);
      }
      this.external[asset] = price;
    }
    this.gasPriceGwei = this.spec.gasGwei?.[step] ?? 0;
    this.gasTokenPrice = this.spec.gasAsset >= 0 ? this.external[this.spec.gasAsset] : 0;
  }

  /**
   * Ties every market to the external price: arbitrageurs trade pools toward it; books re-quote
   * around it (shift by the move of the external ratio since the last step).
   */
  private arbitrage(volumes: Float64Array): void {
    this.spec.markets.forEach((market, index) => {
      const arbitrageur = this.arbitrageurs[index];
      const pool = this.pools[index];
      volumes[index] = 0;
      const target = this.external[market.base] / this.external[market.quote];
      if (pool === undefined) {
        this.markets[index].shift(target / this.bookTarget[index]);
        this.bookTarget[index] = target;
        return;
      }
      if (arbitrageur === undefined) return;
      arbitrageur.step(pool, target, this.trade);
      // The outside world is the other side of the arbitrageur's external trade.
      this.outside[market.base] += this.trade.baseToOutside;
      this.outside[market.quote] -= this.trade.baseToOutside * target;
      volumes[index] = Math.abs(this.trade.quoteToPool) * this.external[market.quote];
    });
  }

  private updateOracles(step: number): void {
    for (let asset = 0; asset < this.external.length; asset++) {
      const oracle = this.oracles[asset];
      if (oracle === undefined) {
        this.oracleAnswers[asset] = this.external[asset];
        continue;
      }
      let outage = false;
      let extraDelay = 0;
      for (const event of this.spec.oracleEvents) {
        if (event.asset !== asset || step < event.from || step >= event.to) continue;
        if (event.kind === "outage") outage = true;
        else extraDelay += event.delay;
      }
      const source =
        this.oracleSources[asset] === "market" ? this.marketPrice(asset) : this.external[asset];
      this.oracleAnswers[asset] = oracle.update(step, source, outage, extraDelay);
    }
  }

  /** Step 0's external prices and oracle answers, with nothing traded: the world before it runs. */
  prime(): void {
    this.step = 0;
    this.time = 0;
    this.moveExternal(0);
    this.updateOracles(0);
  }

  run(onStep?: (step: number, steps: number) => void): LendingWorldResult {
    const steps = this.spec.steps;
    const columns = this.columnNames();
    const series = columns.map(() => new Float64Array(steps + 1));
    const assets = this.spec.symbols.length;
    const ledgerStart = new Float64Array(assets);
    const volumes = new Float64Array(this.spec.markets.length);
    const venueRow = new Float64Array(columns.length);
    for (let step = 0; step <= steps; step++) {
      this.step = step;
      this.time = step * this.dt;
      this.moveExternal(step);
      if (step > 0) this.arbitrage(volumes);
      this.updateOracles(step);
      if (step === 0) {
        for (let asset = 0; asset < assets; asset++) ledgerStart[asset] = this.holdings(asset);
      }
      this.venues.forEach((venue, index) => {
        this.currentVenue = index;
        venue.step(this);
      });
      let column = 0;
      series[column++][step] = step;
      series[column++][step] = this.time;
      for (let asset = 0; asset < assets; asset++) {
        series[column++][step] = this.external[asset];
        series[column++][step] = this.oracleAnswers[asset];
        series[column++][step] = this.marketPrice(asset);
      }
      this.spec.markets.forEach((_, index) => {
        const market = this.markets[index];
        const pool = this.pools[index];
        series[column++][step] = market.mid();
        // A book's columns are its depth within 1 % of the mid, in base units, bids then asks.
        series[column++][step] = pool?.reserveBase ?? market.depthWithin(-1, 0.01);
        series[column++][step] = pool?.reserveQuote ?? market.depthWithin(1, 0.01);
        series[column++][step] = volumes[index];
        // The step is over for the market too: a book's eaten depth refills toward its baseline.
        market.advance(this.dt);
      });
      series[column++][step] = this.gasPriceGwei;
      let offset = column;
      for (const venue of this.venues) {
        venue.sample(this, venueRow, offset);
        for (let index = 0; index < venue.timeseriesColumns.length; index++) {
          series[offset + index][step] = venueRow[offset + index];
        }
        offset += venue.timeseriesColumns.length;
      }
      // A number that overflowed (a dt of 1e9 s compounds interest past Infinity) stops the
      // run at its step and column instead of ending in a summary of nulls.
      for (let index = 0; index < series.length; index++) {
        const value = series[index][step];
        if (!Number.isFinite(value)) {
          throw new EngineNumericError(step, "world", columns[index], value);
        }
      }
      onStep?.(step, steps);
    }
    const ledger = this.spec.symbols.map((symbol, asset) => {
      const end = this.holdings(asset);
      const start = ledgerStart[asset];
      if (!Number.isFinite(start) || !Number.isFinite(end)) {
        throw new EngineNumericError(steps, "ledger", symbol, Number.isFinite(start) ? end : start);
      }
      return { symbol, start, end, drift: Math.abs(end - start) / Math.max(1, Math.abs(start)) };
    });
    return {
      steps,
      dt: this.dt,
      columns,
      series,
      events: this.events,
      ledger,
      arbitrage: this.spec.markets.map((market, index) => ({
        market: `${this.spec.symbols[market.base]}/${this.spec.symbols[market.quote]}`,
        volume: this.arbitrageurs[index]?.volume ?? 0,
        profit: (this.arbitrageurs[index]?.wallet ?? 0) - (market.arbitrage?.capital ?? 0),
      })),
      oracleUpdates: this.oracles.map((oracle) => oracle?.updates ?? 0),
    };
  }
}
