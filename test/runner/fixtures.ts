import { join, resolve } from "node:path";
import type { EngineScenario } from "../../src/engine/config.ts";
import { loadScenario } from "../../src/scenario/load.ts";

export const smallStressFile = resolve(import.meta.dirname, "fixtures/small-stress.yaml");

/** The small Monte Carlo fixture (300 positions, 40 steps, jump-diffusion index), seed 11. */
export async function smallStress(overrides: string[] = []): Promise<{
  scenario: EngineScenario;
  seed: number;
  hash: string;
}> {
  const loaded = await loadScenario(smallStressFile, { overrides });
  return { scenario: loaded.engine, seed: loaded.scenario.seed, hash: loaded.hash };
}

export function databaseIn(directory: string): string {
  return join(directory, "results.duckdb");
}
