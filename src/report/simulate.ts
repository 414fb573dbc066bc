/**
 * One engine run plus what the report needs from before it started. The engine returns only
 * the run's outcome; the ADL breakdown also needs each position as it was before the first
 * step, which only the simulation object still holds at that moment.
 */
import type { EngineScenario } from "../engine/config.ts";
import type { RunResult } from "../engine/result.ts";
import { type RunOptions, Simulation } from "../engine/sim.ts";
import { type PositionsAtStart, positionsAtStart } from "./adl.ts";

export interface SimulatedRun {
  result: RunResult;
  positionsAtStart: PositionsAtStart;
}

export function simulate(scenario: EngineScenario, options: RunOptions): SimulatedRun {
  const simulation = new Simulation(scenario, options);
  const positions = positionsAtStart(simulation.store);
  return { result: simulation.run(options.onStep), positionsAtStart: positions };
}
