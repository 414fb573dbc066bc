/**
 * Where did the price fall come from? Counterfactual re-runs of the same scenario and seed (the
 * index path and every random draw are the same in all of them) with the three endogenous
 * layers switched off in every combination:
 *
 *   stopLosses           the resting stop orders;
 *   liquidityWithdrawal  market makers that thin and widen the book (off: calm depth, spread);
 *   liquidations         the forced sales' price impact (off: they fill at the mark, as against
 *                        an infinitely deep book).
 *
 * F(S) is the fall with only the layers in S on. Each layer's share is its Shapley value
 * (Shapley 1953): the average, over the orders in which the layers could be added, of the fall
 * it adds, i.e. for n = 3 layers
 *   φ_i = Σ_{T ⊆ others} |T|! (n − |T| − 1)! / n! × (F(T ∪ {i}) − F(T)),
 * so no layer is favoured by coming first. The shares add up to F(all) − F(none); the
 * exogenous part is the index's own fall E, and "other" = F(none) − E is the rest of the
 * venue's own trading (agents, the backstop, the spread) with all three layers off. All parts
 * add up to the full run's fall exactly. Eight runs: the main run and seven counterfactuals.
 *
 * A fall is measured from the index's highest point P (the top of the cycle, the same in every
 * run): F = 1 − min(mark after P) / P, E = 1 − min(index after P) / P.
 */
import type { EngineScenario } from "../config.ts";
import type { RunResult } from "../result.ts";
import { type RunOptions, runScenario } from "../sim.ts";

export const decompositionLayers = ["stopLosses", "liquidityWithdrawal", "liquidations"] as const;
type Layer = (typeof decompositionLayers)[number];

export interface FallDecomposition {
  method: "Shapley over the three endogenous layers";
  layers: typeof decompositionLayers;
  /** Step of the index's highest point, where the falls are measured from. */
  referenceStep: number;
  referencePrice: number;
  totalFall: number;
  exogenous: number;
  stopLosses: number;
  liquidityWithdrawal: number;
  liquidations: number;
  other: number;
  /**
   * Fall of every counterfactual run, keyed by the layers left on ("none" = all off); these
   * are never the main run's outputs.
   */
  counterfactualFalls: Record<string, number>;
}

function peakStep(index: Float64Array): number {
  let best = 0;
  for (let step = 1; step < index.length; step++) if (index[step] > index[best]) best = step;
  return best;
}

function fallFrom(prices: Float64Array, from: number, reference: number): number {
  let low = prices[from];
  for (let step = from + 1; step < prices.length; step++) low = Math.min(low, prices[step]);
  return 1 - low / reference;
}

/** The scenario with only the layers whose bit is set in `mask` on (bit i = layer i). */
function withLayers(scenario: EngineScenario, mask: number): EngineScenario {
  const on = (layer: Layer) => (mask & (1 << decompositionLayers.indexOf(layer))) !== 0;
  return {
    ...scenario,
    decomposition: false,
    stopLosses: on("stopLosses") ? scenario.stopLosses : undefined,
    marketMakers: on("liquidityWithdrawal") ? scenario.marketMakers : undefined,
    counterfactual: { liquidationsWithoutImpact: !on("liquidations") },
  };
}

function factorial(value: number): number {
  return value <= 1 ? 1 : value * factorial(value - 1);
}

function bitCount(mask: number): number {
  let count = 0;
  for (let rest = mask; rest !== 0; rest &= rest - 1) count++;
  return count;
}

export function decomposePriceFall(
  scenario: EngineScenario,
  options: Pick<RunOptions, "seed" | "runIndex">,
  full: RunResult,
): FallDecomposition {
  const index = full.timeseries.indexPrice;
  const referenceStep = peakStep(index);
  const referencePrice = index[referenceStep];
  const layerCount = decompositionLayers.length;
  const all = (1 << layerCount) - 1;
  const falls = new Float64Array(all + 1);
  const counterfactualFalls: Record<string, number> = {};
  for (let mask = 0; mask <= all; mask++) {
    const result = mask === all ? full : runScenario(withLayers(scenario, mask), options);
    falls[mask] = fallFrom(result.timeseries.markPrice, referenceStep, referencePrice);
    if (mask === all) continue;
    const name = decompositionLayers.filter((_, layer) => (mask & (1 << layer)) !== 0).join("+");
    counterfactualFalls[name === "" ? "none" : name] = falls[mask];
  }
  const shares = decompositionLayers.map((_, layer) => {
    const bit = 1 << layer;
    let share = 0;
    for (let others = 0; others <= all; others++) {
      if ((others & bit) !== 0) continue;
      const size = bitCount(others);
      const weight = (factorial(size) * factorial(layerCount - size - 1)) / factorial(layerCount);
      share += weight * (falls[others | bit] - falls[others]);
    }
    return share;
  });
  const exogenous = fallFrom(index, referenceStep, referencePrice);
  return {
    method: "Shapley over the three endogenous layers",
    layers: decompositionLayers,
    referenceStep,
    referencePrice,
    totalFall: falls[all],
    exogenous,
    stopLosses: shares[0],
    liquidityWithdrawal: shares[1],
    liquidations: shares[2],
    other: falls[0] - exogenous,
    counterfactualFalls,
  };
}
