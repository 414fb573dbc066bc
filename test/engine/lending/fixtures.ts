import type { LendingEngineScenario } from "../../../src/engine/lending/run.ts";
import type { WorldMarketSpec } from "../../../src/engine/lending/world.ts";
import { levelsFromShape } from "../../../src/engine/market/orderBook.ts";
import { defaultReserve } from "../../../src/engine/venue/aave.ts";

export interface WorldParameters {
  count: number;
  steps: number;
  drop: number;
  /** Pool reserves as a multiple of 2,000 ETH. */
  depth: number;
  arbitrageCapital: number;
  arbitrageSpeed: number;
  oracle: "spot" | "twap" | "push";
  source: "external" | "market";
  maxPerStep: number;
  gasGwei: number;
  looperShare: number;
  healthFactorMin: number;
  outage: boolean;
  /** An order book quoted by outside makers instead of the AMM. */
  book: boolean;
}

export const defaultWorld: WorldParameters = {
  count: 300,
  steps: 120,
  drop: 0.4,
  depth: 1,
  arbitrageCapital: 2e6,
  arbitrageSpeed: 2e5,
  oracle: "push",
  source: "external",
  maxPerStep: 20,
  gasGwei: 50,
  looperShare: 0.5,
  healthFactorMin: 1.05,
  outage: false,
  book: false,
};

function pool(p: WorldParameters): WorldMarketSpec {
  return {
    base: 0,
    quote: 1,
    reserveBase: 2000 * p.depth,
    reserveQuote: 2000 * 2000 * p.depth,
    fee: 0.003,
    arbitrage: { capital: p.arbitrageCapital, maxNotionalPerStep: p.arbitrageSpeed },
  };
}

/** About as deep within 1 % as the pool of the same `depth` (2,000 ETH ≈ $40K per 1 %). */
function book(depth: number): WorldMarketSpec {
  const levels = levelsFromShape(2000, {
    depthPerPercent: 40_000 * depth,
    levels: 200,
    tick: 2,
    spreadTicks: 1,
  });
  return {
    base: 0,
    quote: 1,
    reserveBase: 0,
    reserveQuote: 0,
    fee: 0,
    arbitrage: undefined,
    book: { kind: "orderBook", bids: levels.bids, asks: levels.asks, resilienceHalfLife: 120 },
  };
}

/** ETH (0), DAI (1), USDC (2): an ETH/DAI pool, ETH falls linearly by `drop` over half the run. */
export function lendingWorld(parameters: Partial<WorldParameters> = {}): LendingEngineScenario {
  const p = { ...defaultWorld, ...parameters };
  return {
    name: "test",
    steps: p.steps,
    dt: 60,
    symbols: ["ETH", "DAI", "USDC"],
    assets: [
      {
        start: 2000,
        shock: { kind: "linear", drop: p.drop, from: 5, to: Math.max(6, p.steps >> 1) },
      },
      { start: 1, shock: { kind: "none" } },
      { start: 1, shock: { kind: "none" } },
    ],
    world: {
      markets: [p.book ? book(p.depth) : pool(p)],
      oracles: [
        {
          asset: 0,
          source: p.source,
          kind: p.oracle,
          delay: 60,
          window: 600,
          deviation: 0.005,
          heartbeat: 3600,
        },
      ],
      oracleEvents: p.outage ? [{ kind: "outage", asset: 0, from: 10, to: 30, delay: 0 }] : [],
      gasGwei: new Float64Array(p.steps + 1).fill(p.gasGwei),
      gasAsset: 0,
    },
    venues: [
      {
        kind: "aave",
        name: "aave",
        version: "v3.0",
        reserves: [
          defaultReserve(0.8, 0.825, 0),
          defaultReserve(0.75, 0.8, undefined),
          defaultReserve(0.8, 0.85, undefined),
        ],
        eModes: [],
        liquidators: {
          capital: Float64Array.from([0, 5e6, 5e6]),
          gasPerLiquidation: 300_000,
          maxPerStep: p.maxPerStep,
          minProfitUsd: 0,
        },
        looping: { reactionProbability: 0.3, releverBand: 0.1, maxSlippage: 0.02 },
        population: {
          count: p.count,
          collateral: [{ asset: 0, share: 1 }],
          debt: [
            { asset: 1, share: 0.5 },
            { asset: 2, share: 0.5 },
          ],
          collateralUsd: { median: 20_000, sigma: 1 },
          healthFactor: { min: p.healthFactorMin, max: 2 },
          looperShare: p.looperShare,
          unwindHealthFactor: 1.02,
          eMode: 0,
        },
        inline: [],
      },
    ],
  };
}
