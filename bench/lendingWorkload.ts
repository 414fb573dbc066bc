/**
 * The lending workload of BENCHMARKS.md: 100,000 Aave-style accounts over 3 assets (ETH and WBTC
 * collateral, DAI debt), 1 day at 1-minute steps (1,440 steps). ETH falls 35 % and WBTC 25 %
 * linearly over hours 6–12; both trade in Uniswap-v2-sized pools against DAI with arbitrageurs;
 * Chainlink-style push oracles; 40 % of the accounts loop; gas at 100 gwei.
 */
import type { LendingEngineScenario } from "../src/engine/lending/run.ts";
import { defaultReserve } from "../src/engine/venue/aave.ts";

export function lendingWorkload(count = 100_000): LendingEngineScenario {
  const steps = 1440;
  const oracle = { delay: 60, window: 1800, deviation: 0.005, heartbeat: 3600 };
  return {
    name: "bench-lending",
    steps,
    dt: 60,
    symbols: ["ETH", "WBTC", "DAI"],
    assets: [
      { start: 3000, shock: { kind: "linear", drop: 0.35, from: 360, to: 720 } },
      { start: 50_000, shock: { kind: "linear", drop: 0.25, from: 360, to: 720 } },
      { start: 1, shock: { kind: "none" } },
    ],
    world: {
      markets: [
        {
          base: 0,
          quote: 2,
          reserveBase: 25_000,
          reserveQuote: 75_000_000,
          fee: 0.003,
          arbitrage: { capital: 50_000_000, maxNotionalPerStep: 2_000_000 },
        },
        {
          base: 1,
          quote: 2,
          reserveBase: 1_000,
          reserveQuote: 50_000_000,
          fee: 0.003,
          arbitrage: { capital: 50_000_000, maxNotionalPerStep: 1_000_000 },
        },
      ],
      oracles: [
        { asset: 0, source: "external", kind: "push", ...oracle },
        { asset: 1, source: "external", kind: "push", ...oracle },
      ],
      oracleEvents: [],
      gasGwei: new Float64Array(steps + 1).fill(100),
      gasAsset: 0,
    },
    venues: [
      {
        kind: "aave",
        name: "aave",
        version: "v3.0",
        reserves: [
          defaultReserve(0.8, 0.825, 0),
          defaultReserve(0.7, 0.75, 0),
          defaultReserve(0.75, 0.8, undefined),
        ],
        eModes: [],
        liquidators: {
          capital: Float64Array.from([0, 0, 200_000_000]),
          gasPerLiquidation: 500_000,
          maxPerStep: 50,
          minProfitUsd: 0,
        },
        looping: { reactionProbability: 0.1, releverBand: 0.15, maxSlippage: 0.02 },
        population: {
          count,
          collateral: [
            { asset: 0, share: 0.7 },
            { asset: 1, share: 0.3 },
          ],
          debt: [{ asset: 2, share: 1 }],
          collateralUsd: { median: 20_000, sigma: 1.5 },
          healthFactor: { min: 1.05, max: 3 },
          looperShare: 0.4,
          unwindHealthFactor: 1.03,
          eMode: 0,
        },
        inline: [],
      },
    ],
  };
}
