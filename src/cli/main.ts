/**
 * The `deleverage` command line: an adapter around the engine (DESIGN.md "Outputs").
 * Exit codes: 0 ok, 2 invalid input (nothing written), 1 internal error.
 */
import { Command } from "@commander-js/extra-typings";
import { exitWithError } from "./failure.ts";
import { heatmapCommand } from "./heatmap.ts";
import { runCommand } from "./run.ts";
import { schemaCommand } from "./schema.ts";
import { packageVersion } from "./version.ts";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command()
  .name("deleverage")
  .description("Simulate and stress-test leverage/deleveraging loops.")
  .version(packageVersion())
  .showHelpAfterError();

program
  .command("run")
  .description("Run one scenario (a file or a built-in preset) and write its outputs.")
  .argument("<scenario>", "scenario file (YAML or JSON) or preset name, e.g. example")
  .option("--seed <n>", "master seed (overrides the scenario's)")
  .option("--out <dir>", "output folder", "out")
  .option("--json", "print summary.json to stdout instead of the text summary")
  .option("--set <path=value>", "override a scenario field, repeatable", collect, [] as string[])
  .action(async (scenario, options) => {
    await runCommand(scenario, options);
  });

program
  .command("schema")
  .description("Print the JSON Schema of scenario files.")
  .action(() => {
    schemaCommand();
  });

program
  .command("heatmap")
  .description(
    "Liquidation notional by price level before any shock (table; --out writes a report).",
  )
  .argument("<scenario>", "scenario file or preset name")
  .option("--seed <n>", "master seed (overrides the scenario's)")
  .option("--out <dir>", "also write heatmap.csv and report.html there")
  .option("--set <path=value>", "override a scenario field, repeatable", collect, [] as string[])
  .action(async (scenario, options) => {
    await heatmapCommand(scenario, options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  exitWithError(error);
}
