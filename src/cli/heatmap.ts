import { lendingHeatmaps } from "../engine/lending/run.ts";
import { Simulation } from "../engine/sim.ts";
import {
  heatmapCsv,
  heatmapTable,
  marketHeatmapsCsv,
  marketHeatmapTables,
} from "../report/heatmap.ts";
import { lendingHeatmapCsv, lendingHeatmapTable } from "../report/lendingHeatmap.ts";
import { UsageError } from "../scenario/errors.ts";
import { loadAnyScenario } from "../scenario/load.ts";
import { checkOutputFolder, writeOutputs } from "./outputs.ts";
import { loadFromOptions, type ScenarioOptions } from "./scenarioOptions.ts";

export interface HeatmapCommandOptions extends ScenarioOptions {
  out?: string;
}

export async function heatmapCommand(
  source: string,
  options: HeatmapCommandOptions,
): Promise<void> {
  const loaded = await loadFromOptions(source, options, loadAnyScenario);
  if (options.out !== undefined) checkOutputFolder(options.out);
  if (loaded.model === "tfg") {
    throw new UsageError(
      "model: tfg scenarios have no heatmap: the model has no positions with liquidation prices",
    );
  }
  if (loaded.model === "lending") {
    // Liquidatable collateral by price, per venue and asset, before any step.
    const heatmaps = lendingHeatmaps(loaded.engine, loaded.scenario.seed, 0);
    process.stdout.write(lendingHeatmapTable(heatmaps));
    if (options.out !== undefined) {
      writeOutputs(options.out, { "heatmap.csv": lendingHeatmapCsv(heatmaps) });
    }
    return;
  }
  const simulation = new Simulation(loaded.engine, { seed: loaded.scenario.seed });
  if (simulation.markets.length > 1) {
    // A cross position counts at its price in its own market with the account's others held.
    const symbols = simulation.markets.map((market) => market.symbol);
    const heatmaps = simulation.preShockHeatmaps();
    process.stdout.write(marketHeatmapTables(symbols, heatmaps));
    if (options.out !== undefined) {
      writeOutputs(options.out, { "heatmap.csv": marketHeatmapsCsv(symbols, heatmaps) });
    }
    return;
  }
  const buckets = simulation.preShockHeatmap();
  process.stdout.write(heatmapTable(buckets));
  if (options.out !== undefined) writeOutputs(options.out, { "heatmap.csv": heatmapCsv(buckets) });
}
