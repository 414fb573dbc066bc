import { Simulation } from "../engine/sim.ts";
import { heatmapCsv, heatmapTable } from "../report/heatmap.ts";
import { writeOutputs } from "./outputs.ts";
import { loadFromOptions, type ScenarioOptions } from "./scenarioOptions.ts";

export interface HeatmapCommandOptions extends ScenarioOptions {
  out?: string;
}

export async function heatmapCommand(
  source: string,
  options: HeatmapCommandOptions,
): Promise<void> {
  const loaded = await loadFromOptions(source, options);
  const simulation = new Simulation(loaded.engine, { seed: loaded.scenario.seed });
  const buckets = simulation.preShockHeatmap();
  process.stdout.write(heatmapTable(buckets));
  if (options.out !== undefined) writeOutputs(options.out, { "heatmap.csv": heatmapCsv(buckets) });
}
