/**
 * `model: lending` scenario → the engine's view: data files read and resampled to the step grid,
 * symbols turned into asset indexes, defaults that depend on other fields filled in. The loader
 * (load.ts) passes how to read a file and how to place an issue at a field, so every problem here
 * is reported as `file:line:col: field: ...` like the rest of the scenario.
 */
import type { EngineScenario, MarketSpec, PriceLevel, ShockSpec } from "../engine/config.ts";
import { explicitPositions } from "../engine/explicitPositions.ts";
import type { InlineAccountSpec, LendingPopulationSpec } from "../engine/lending/population.ts";
import type { EngineVenueSpec, LendingEngineScenario } from "../engine/lending/run.ts";
import type { OracleEventSpec, WorldMarketSpec, WorldOracleSpec } from "../engine/lending/world.ts";
import { levelsFromShape } from "../engine/market/orderBook.ts";
import type { AaveReserveSpec } from "../engine/venue/aave.ts";
import { engineExchange } from "./engineExchange.ts";
import type { ScenarioIssue } from "./errors.ts";
import { coinApiPath, parseCoinApi } from "./importers/coinApi.ts";
import { gasPath, parseGasSeries } from "./importers/gasSeries.ts";
import { parseUniswapReserves } from "./importers/uniswapReserves.ts";
import type { LendingScenario, PerpVenueConfig } from "./lendingSchema.ts";
import { exchangeSchema } from "./schema.ts";

type FieldPath = (string | number)[];

export interface LendingLoadHelpers {
  read(
    fieldPath: FieldPath,
    relativePath: string,
  ): Promise<{ text: string; fileName: string } | ScenarioIssue>;
  issue(fieldPath: FieldPath, message: string): ScenarioIssue;
}

/** Runs an importer; a plain Error becomes an issue at `fieldPath`. Other errors are bugs. */
function attempt<T>(
  issues: ScenarioIssue[],
  helpers: LendingLoadHelpers,
  fieldPath: FieldPath,
  run: () => T,
): T | undefined {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof Error) || error.constructor !== Error) throw error;
    issues.push(helpers.issue(fieldPath, error.message));
    return undefined;
  }
}

/**
 * The perp venue's engine scenario: its own book (levels or a shape around the asset's start
 * price) or impact model, exchange and positions, and no shock of its own — the world gives it
 * its index every step.
 */
function perpEngine(
  venue: PerpVenueConfig,
  symbol: string,
  price: number,
  steps: number,
  dt: number,
): EngineScenario {
  const book = venue.market.orderBook;
  let market: MarketSpec;
  if (venue.market.impact !== undefined) market = venue.market.impact;
  else if (book !== undefined) {
    let levels: { bids: PriceLevel[]; asks: PriceLevel[] };
    if (book.levels !== undefined) {
      levels = { bids: [...book.levels.bids], asks: [...book.levels.asks] };
    } else if (book.shape !== undefined) {
      levels = levelsFromShape(price, book.shape);
    } else {
      throw new Error("the lending schema lets no perp book through without levels or shape");
    }
    levels.bids.sort((left, right) => right.price - left.price);
    levels.asks.sort((left, right) => left.price - right.price);
    market = {
      kind: "orderBook",
      bids: levels.bids,
      asks: levels.asks,
      resilienceHalfLife: book.resilienceHalfLife === "none" ? null : book.resilienceHalfLife,
    };
  } else {
    throw new Error("the schema lets no perp market through without a model");
  }
  const population = venue.positions.population;
  const exchange = venue.exchange ?? exchangeSchema.parse({});
  const explicit = explicitPositions(venue.positions.inline, exchange.marginMode);
  return {
    name: venue.name,
    steps,
    dt,
    markets: [
      {
        symbol,
        price,
        liquidity: market,
        maintenanceMarginTiers: exchange.maintenanceMarginTiers,
        markPrice: exchange.markPrice,
        ...(exchange.funding === undefined ? {} : { funding: exchange.funding }),
        insuranceFund: 0,
        exogenous: { kind: "own", shock: { kind: "none" } },
      },
    ],
    exchange: engineExchange(exchange),
    positions:
      population === undefined
        ? { explicit }
        : {
            explicit,
            population: {
              count: population.count,
              longShare: population.longShare,
              crossShare: population.crossShare,
              leverage: population.leverage,
              entryPrice: population.entryPrice,
              notional: population.notional,
            },
          },
  };
}

export async function toLendingEngine(
  scenario: LendingScenario,
  helpers: LendingLoadHelpers,
): Promise<{ engine: LendingEngineScenario } | { issues: ScenarioIssue[] }> {
  const issues: ScenarioIssue[] = [];
  const symbols = scenario.assets.map((asset) => asset.symbol);
  const indexOf = (symbol: string): number => symbols.indexOf(symbol);
  const steps = scenario.steps;

  const assets: { start: number; shock: ShockSpec }[] = [];
  for (const [index, asset] of scenario.assets.entries()) {
    const path = asset.path;
    if (path.kind === "coinApi") {
      const file = await helpers.read(["assets", index, "path", "file"], path.file);
      if ("location" in file) {
        issues.push(file);
        continue;
      }
      const series = attempt(issues, helpers, ["assets", index, "path", "file"], () =>
        parseCoinApi(file.text, file.fileName, path.column),
      );
      if (series === undefined) continue;
      const prices = coinApiPath(series, scenario.dt, steps);
      if (path.rebase && asset.price !== undefined) {
        const factor = asset.price / prices[0];
        for (let step = 0; step < prices.length; step++) prices[step] *= factor;
      }
      const unusable = prices.findIndex((price) => !(Number.isFinite(price) && price > 0));
      if (unusable >= 0) {
        issues.push(
          helpers.issue(
            ["assets", index, "path", "file"],
            `gives no usable price at step ${unusable} (${prices[unusable]}); its prices must stay positive and finite`,
          ),
        );
        continue;
      }
      // A path starts where its data (rebased or not) starts.
      assets.push({
        start: prices[0],
        shock: { kind: "path", prices, startTime: series.timeMs[0] },
      });
    } else if (path.kind === "path") {
      issues.push(
        helpers.issue(
          ["assets", index, "path", "kind"],
          "path (Binance klines) is not supported in lending scenarios; use coinApi data or a shock process",
        ),
      );
    } else {
      assets.push({ start: asset.price ?? 1, shock: path as ShockSpec });
    }
  }

  let gasGwei: Float64Array | undefined;
  let gasAsset = scenario.gas === undefined ? indexOf("ETH") : indexOf(scenario.gas.asset);
  const gas = scenario.gas;
  if (gas !== undefined && "file" in gas) {
    const file = await helpers.read(["gas", "file"], gas.file);
    if ("location" in file) issues.push(file);
    else {
      const series = attempt(issues, helpers, ["gas", "file"], () =>
        parseGasSeries(file.text, file.fileName, gas.column),
      );
      if (series !== undefined) gasGwei = gasPath(series, scenario.dt, steps);
    }
  } else if (gas !== undefined) {
    gasGwei = new Float64Array(steps + 1).fill(gas.gwei);
  }
  if (gasAsset < 0) gasAsset = -1;

  const markets: WorldMarketSpec[] = [];
  for (const [index, market] of scenario.markets.entries()) {
    const base = indexOf(market.base);
    const quote = indexOf(market.quote);
    let reserveBase = market.reserves?.base ?? 0;
    let reserveQuote = market.reserves?.quote ?? 0;
    const fromFile = market.reservesFile;
    if (fromFile !== undefined) {
      const file = await helpers.read(["markets", index, "reservesFile", "file"], fromFile.file);
      if ("location" in file) {
        issues.push(file);
        continue;
      }
      const samples = attempt(issues, helpers, ["markets", index, "reservesFile", "file"], () =>
        parseUniswapReserves(file.text, file.fileName, fromFile.baseToken, fromFile.quoteToken),
      );
      if (samples === undefined) continue;
      if (fromFile.index >= samples.base.length) {
        issues.push(
          helpers.issue(
            ["markets", index, "reservesFile", "index"],
            `${fromFile.index} is not allowed; ${file.fileName} has ${samples.base.length} samples (0..${samples.base.length - 1})`,
          ),
        );
        continue;
      }
      reserveBase = samples.base[fromFile.index] * fromFile.scale;
      reserveQuote = samples.quote[fromFile.index] * fromFile.scale;
      const startBase = assets[base]?.start;
      const startQuote = assets[quote]?.start;
      if (fromFile.alignPrice && startBase !== undefined && startQuote !== undefined) {
        // Same liquidity L = √(x·y), priced at the external start: x = L/√p, y = L·√p.
        const liquidity = Math.sqrt(reserveBase * reserveQuote);
        const price = startBase / startQuote;
        reserveBase = liquidity / Math.sqrt(price);
        reserveQuote = liquidity * Math.sqrt(price);
      }
    }
    if (market.kind === "book" && market.book !== undefined) {
      const shape = market.book.shape;
      const price = (assets[base]?.start ?? 1) / (assets[quote]?.start ?? 1);
      const levels = attempt(issues, helpers, ["markets", index, "book", "shape"], () =>
        levelsFromShape(price, shape),
      );
      if (levels === undefined) continue;
      markets.push({
        base,
        quote,
        reserveBase: 0,
        reserveQuote: 0,
        fee: 0,
        arbitrage: undefined,
        book: {
          kind: "orderBook",
          bids: levels.bids,
          asks: levels.asks,
          resilienceHalfLife:
            market.book.resilienceHalfLife === "none" ? null : market.book.resilienceHalfLife,
        },
      });
      continue;
    }
    markets.push({
      base,
      quote,
      reserveBase,
      reserveQuote,
      fee: market.fee,
      arbitrage: market.arbitrage,
    });
  }

  const oracles: WorldOracleSpec[] = scenario.oracles.map((oracle) => ({
    asset: indexOf(oracle.asset),
    source: oracle.source,
    kind: oracle.kind,
    delay: oracle.delay,
    window: oracle.window,
    deviation: oracle.deviation,
    heartbeat: oracle.heartbeat,
  }));
  const oracleEvents: OracleEventSpec[] = scenario.events.map((event) => ({
    kind: event.kind === "oracleOutage" ? "outage" : "lag",
    asset: indexOf(event.asset),
    from: event.from,
    to: event.to,
    delay: event.kind === "oracleLag" ? event.delay : 0,
  }));

  const built = scenario.venues.map((venue, venueIndex): EngineVenueSpec | undefined => {
    if (venue.kind === "maker") return { kind: "maker", name: venue.name, maker: venue };
    if (venue.kind === "perp") {
      const asset = indexOf(venue.asset);
      const engine = attempt(issues, helpers, ["venues", venueIndex, "market"], () =>
        perpEngine(venue, symbols[asset], assets[asset]?.start ?? 1, steps, scenario.dt),
      );
      if (engine === undefined) return undefined;
      const basis =
        venue.basis === undefined
          ? undefined
          : {
              capital: venue.basis.capital,
              maxNotionalPerStep: venue.basis.maxNotionalPerStep,
              hedgeRatio: venue.basis.hedgeRatio,
              quote: indexOf(venue.basis.quote),
            };
      return { kind: "perp", name: venue.name, asset, index: venue.index, engine, basis };
    }
    const population = venue.accounts.population;
    const populationSpec: LendingPopulationSpec | undefined =
      population === undefined
        ? undefined
        : {
            count: population.count,
            collateral: Object.entries(population.collateral).map(([symbol, share]) => ({
              asset: indexOf(symbol),
              share,
            })),
            debt: Object.entries(population.debt).map(([symbol, share]) => ({
              asset: indexOf(symbol),
              share,
            })),
            collateralUsd: population.collateralUsd,
            healthFactor: population.healthFactor,
            looperShare: population.looperShare,
            unwindHealthFactor: population.unwindHealthFactor,
            eMode: population.eMode,
          };
    const inline: InlineAccountSpec[] = venue.accounts.inline.map((account) => ({
      collateral: Object.entries(account.collateral).map(([symbol, units]) => ({
        asset: indexOf(symbol),
        units,
      })),
      debt: Object.entries(account.debt).map(([symbol, units]) => ({
        asset: indexOf(symbol),
        units,
      })),
      eMode: account.eMode,
      loop: account.loop,
    }));
    const reserves: (AaveReserveSpec | undefined)[] = symbols.map(() => undefined);
    for (const reserve of venue.reserves) {
      const asset = indexOf(reserve.asset);
      reserves[asset] = {
        ltv: reserve.ltv,
        liquidationThreshold: reserve.liquidationThreshold,
        liquidationBonus: reserve.liquidationBonus,
        protocolFee: reserve.protocolFee,
        supplyCap: reserve.supplyCap ?? Number.POSITIVE_INFINITY,
        borrowCap: reserve.borrowCap ?? Number.POSITIVE_INFINITY,
        reserveFactor: reserve.reserveFactor,
        rate: reserve.rate,
        passiveSupply: reserve.passiveSupply,
      };
    }
    const capital = new Float64Array(symbols.length);
    for (const [symbol, units] of Object.entries(venue.liquidators.capital)) {
      capital[indexOf(symbol)] = units;
    }
    return {
      kind: "aave",
      name: venue.name,
      version: venue.version,
      reserves,
      eModes: venue.eModes.map((category) => ({
        ltv: category.ltv,
        liquidationThreshold: category.liquidationThreshold,
        liquidationBonus: category.liquidationBonus,
        assets: category.assets.map(indexOf),
      })),
      liquidators: {
        capital,
        gasPerLiquidation: venue.liquidators.gasPerLiquidation,
        maxPerStep: venue.liquidators.maxPerStep,
        minProfitUsd: venue.liquidators.minProfitUsd,
      },
      looping: venue.looping,
      population: populationSpec,
      inline,
    };
  });

  const venues = built.filter((venue): venue is EngineVenueSpec => venue !== undefined);
  if (issues.length > 0) return { issues };
  return {
    engine: {
      name: scenario.name,
      steps,
      dt: scenario.dt,
      symbols,
      assets,
      world: { markets, oracles, oracleEvents, gasGwei, gasAsset },
      venues,
    },
  };
}
