/**
 * The scenario `deleverage init` writes: a small perp venue with every section a first model
 * needs, each field commented with what it means and what else is allowed, numbers written the
 * way an analyst writes them (2M, 0.5%). It is loaded and run by the tests, so it never drifts
 * from the schema.
 */
export const scenarioTemplate = `# A deleverage scenario. Run it:  deleverage run scenario.yaml --out out/mine
# Every field is checked: a typo is an error naming the field and what is allowed, with exit 2.
# Numbers may be written 2M, 500K, 1.5B, 0.5% (= 0.005) or 1_000_000. The full contract:
# deleverage schema; the guide: docs/scenarios.md. Other models: model: lending (Aave/Maker
# venues, AMMs, oracles) and model: tfg, see scenarios/may-2021-aave.yaml and tfg-2012.yaml.
name: my-venue
description: A BTC perpetual with a crowded long book and a 10 % slide.
seed: 1              # same seed, same bytes; stress runs vary it per run
steps: 600           # number of steps
dt: 1                # seconds per step (60 for minute steps)

asset: { symbol: BTC, price: 100K }

market:
  orderBook:
    # A book of equal depth per 1 % of price on each side; or levels: [...] or depthCsv: a
    # Binance bookDepth snapshot (see docs/models/market.md).
    shape: { depthPerPercent: 2M, levels: 1000, tick: 10 }
    resilienceHalfLife: 30   # seconds for eaten depth to refill halfway

exchange:
  marginMode: isolated       # or cross
  liquidationFeeRate: 0.5%   # paid to the insurance fund on each liquidation fill
  liquidation: { mode: full } # or partial (close just enough to restore margin)
  insuranceFund: 2M
  adl: { ranking: binance }  # or hyperliquid, proRata, none
  markPrice: { kind: book }  # the venue's mark: the book's mid, or index
  # maintenanceMarginTiers: [{ maxNotional: 50K, maxLeverage: 125, rate: 0.4% }, ...]
  #   Binance-style brackets; the default is Binance BTCUSDT's.

positions:
  # Generated positions; or inline: [{ account: a1, side: long, size: 2, entryPrice: 100K,
  # collateral: 10K }] or csv: positions.csv (account,side,size,entryPrice,collateral).
  population:
    count: 10000
    longShare: 0.8
    leverage: { 5: 0.2, 10: 0.3, 25: 0.3, 50: 0.2 }   # share of positions at each leverage
    entryPrice: { distribution: lognormal, sigma: 0.03 }
    notional: { distribution: pareto, min: 1K, alpha: 1.5, max: 2M }

# The index (exogenous) path: instant, linear, steps, path (klines CSV), gbm, jump, garch, regimes.
shock: { kind: linear, drop: 10%, from: 10, to: 130 }
`;
