/**
 * The `deleverage` command line: an adapter around the engine (DESIGN.md "Outputs").
 * Exit codes: 0 ok, 2 invalid input (nothing written), 1 internal error.
 */
import { Command, Option } from "@commander-js/extra-typings";
import { packageVersion } from "../report/version.ts";
import { presetHelp } from "../scenario/presets.ts";
import { exitWithError } from "./failure.ts";

/**
 * Every command's module loads when that command runs, so `--version` or `schema` does not pay
 * for the engine, and `run` does not pay for DuckDB and piscina.
 */
const resultsDatabase = "out/results.duckdb";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

// The options `stress` and `recommend` share: both run a scenario over the points of a sweep.
const setOption = () =>
  new Option("--set <path=value>", "override a scenario field, repeatable")
    .argParser(collect)
    .default([] as string[]);
const sweepOption = () =>
  new Option(
    "--sweep <path=values>",
    "sweep a field: PATH=V1,V2,... or PATH=MIN..MAX[:log][:int], repeatable",
  )
    .argParser(collect)
    .default([] as string[]);
const allowLargeOption = () =>
  new Option(
    "--allow-large",
    "run even when the work budget estimates more memory than DELEVERAGE_MEMORY_LIMIT",
  );
const samplesOption = () =>
  new Option("--samples <n>", "Latin hypercube samples of the sweep's ranges (default 16)");

const program = new Command()
  .name("deleverage")
  .description("Simulate and stress-test leverage/deleveraging loops.")
  .version(packageVersion())
  .showHelpAfterError()
  // Usage errors (unknown option, missing argument) must exit 2 like any invalid input.
  .exitOverride();

program
  .command("run")
  .description("Run one scenario (a file or a built-in preset) and write its outputs.")
  .argument("<scenario>", "scenario file (YAML or JSON) or preset name, e.g. example")
  .option("--seed <n>", "master seed (overrides the scenario's)")
  .option("--out <dir>", "output folder", "out")
  .option("--json", "print summary.json to stdout instead of the text summary")
  .option("--set <path=value>", "override a scenario field, repeatable", collect, [] as string[])
  .option("--run-index <i>", "replay run I of a stress batch with the same seed", "0")
  .option("--png [dir]", "also write one PNG per chart, next to report.html or into DIR")
  .option("--events <format>", "events as csv (events.csv) or parquet (events.parquet)", "csv")
  .addHelpText("after", () => presetHelp())
  .addOption(allowLargeOption())
  .action(async (scenario, options) => {
    const { runCommand } = await import("./run.ts");
    await runCommand(scenario, options);
  });

program
  .command("compare-adl")
  .description(
    "Run a scenario under every ADL mechanism (same seed and run): shortfall, overshoot, concentration, innocents hit, bad debt left.",
  )
  .argument("<scenario>", "scenario file (YAML or JSON) or preset name, e.g. example")
  .option("--mechanisms <list>", "comma-separated mechanisms to compare (default: all of them)")
  .option("--seed <n>", "master seed (overrides the scenario's)")
  .option("--run-index <i>", "run I of a stress batch with the same seed", "0")
  .option(
    "--out <dir>",
    "output folder: compare-adl.csv, compare-adl.json, compare-adl.html",
    "out/compare-adl",
  )
  .option("--json", "print compare-adl.json to stdout instead of the table")
  .option("--set <path=value>", "override a scenario field, repeatable", collect, [] as string[])
  .option("--png [dir]", "also write the two charts as PNG, next to compare-adl.html or into DIR")
  .action(async (scenario, options) => {
    const { compareAdlCommand } = await import("./compareAdl.ts");
    await compareAdlCommand(scenario, options);
  });

program
  .command("init")
  .description("Write a commented scenario template to start from (never overwrites a file).")
  .argument("[file]", "where to write it", "scenario.yaml")
  .action(async (file) => {
    const { initCommand } = await import("./init.ts");
    initCommand(file);
  });

program
  .command("schema")
  .description("Print the JSON Schema of scenario files.")
  .action(async () => {
    const { schemaCommand } = await import("./schema.ts");
    await schemaCommand();
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
  .addOption(allowLargeOption())
  .action(async (scenario, options) => {
    const { heatmapCommand } = await import("./heatmap.ts");
    await heatmapCommand(scenario, options);
  });

program
  .command("stress")
  .description(
    "Monte Carlo: N seeded runs in a worker pool; distributions, VaR/LaR, results store. Re-run to resume.",
  )
  .argument("<scenario>", "scenario file or preset name")
  .requiredOption("--runs <n>", "number of runs (run i uses seed and run index i)")
  .option("--seed <n>", "master seed (overrides the scenario's)")
  .option("--workers <n>", "worker threads (default: the number of CPUs)")
  .option("--out <dir>", "output folder: stress-summary.json, results.duckdb, shards/", "out")
  .option("--shard-size <n>", "runs stored per transaction and Parquet shard", "100")
  .option(
    "--queue <url>",
    "compute the shards on `deleverage worker`s via Redis (redis://HOST:PORT)",
  )
  .option("--json", "print stress-summary.json to stdout instead of the text summary")
  .option("--png [dir]", "also write the stress report's charts as PNG, next to it or into DIR")
  .addOption(setOption())
  .addOption(sweepOption())
  .addOption(samplesOption())
  .addOption(allowLargeOption())
  .action(async (scenario, options) => {
    const { stressCommand } = await import("./stress.ts");
    await stressCommand(scenario, options);
  });

/** --minimize and --maximize in the order given: the first is the recommendation's priority. */
const objectives: string[] = [];
const objective =
  (direction: "minimize" | "maximize") =>
  (path: string): string[] => {
    objectives.push(`${direction}:${path}`);
    return objectives;
  };

program
  .command("recommend")
  .description(
    "Sweep a scenario, judge each point against risk targets, report the cost frontier and the cheapest safe point.",
  )
  .argument("<scenario>", "scenario file or preset name (its sweep: section, or --sweep)")
  .option(
    "--target <limit>",
    'a risk limit, repeatable: "P(METRIC OP X) OP P", e.g. "P(badDebt > 1e6) < 0.01"',
    collect,
    [] as string[],
  )
  .option(
    "--minimize <path>",
    "a cost to minimise, e.g. exchange.insuranceFund",
    objective("minimize"),
  )
  .option("--maximize <path>", "a benefit to maximise, e.g. a leverage cap", objective("maximize"))
  .option("--runs <n>", "runs per point to start with (run i uses seed and run index i)", "20")
  .option("--max-runs <n>", "runs a point whose verdict is open may grow to (default 8 × --runs)")
  .option("--seed <n>", "master seed (overrides the scenario's)")
  .option("--workers <n>", "worker threads (default: the number of CPUs)")
  .option(
    "--out <dir>",
    "output folder: recommend.json, recommend-report.html, results.duckdb",
    "out",
  )
  .option("--shard-size <n>", "runs stored per transaction and Parquet shard", "100")
  .option("--json", "print recommend.json to stdout instead of the table")
  .option("--png [dir]", "also write the report's charts as PNG, next to it or into DIR")
  .addOption(setOption())
  .addOption(sweepOption())
  .addOption(samplesOption())
  .addOption(allowLargeOption())
  .action(async (scenario, options) => {
    const { recommendCommand } = await import("./recommend.ts");
    await recommendCommand(scenario, { ...options, objectives });
  });

program
  .command("worker")
  .description("Compute shards of `stress --queue` batches from Redis until stopped (any machine).")
  .requiredOption("--queue <url>", "the Redis the batches are queued on, redis://HOST:PORT")
  .option("--concurrency <n>", "worker threads and shards taken at a time (default: CPUs)")
  .option(
    "--lock-duration <ms>",
    "a killed worker's shards go to another worker after this long",
    "30000",
  )
  .action(async (options) => {
    const { workerCommand } = await import("./worker.ts");
    await workerCommand(options);
  });

program
  .command("query")
  .description("Run SQL over a results store (tables: batches, runs, timeseries, shards).")
  .argument("<sql>", 'the query, e.g. "SELECT * FROM batches"')
  .option("--db <file>", "results store", resultsDatabase)
  .option("--json", "print rows as JSON")
  .action(async (sql, options) => {
    const { queryCommand } = await import("./query.ts");
    await queryCommand(sql, options);
  });

program
  .command("compare")
  .description("Two runs (BATCH:RUN_INDEX) or two batches (BATCH) side by side with differences.")
  .argument("<a>", "BATCH:RUN_INDEX or BATCH (a unique prefix of the batch id is enough)")
  .argument("<b>", "BATCH:RUN_INDEX or BATCH")
  .option("--db <file>", "results store", resultsDatabase)
  .option("--json", "print the comparison as JSON")
  .action(async (first, second, options) => {
    const { compareCommand } = await import("./compare.ts");
    await compareCommand(first, second, options);
  });

program
  .command("serve")
  .description("The dashboard: pick, edit, run and compare scenarios in the browser.")
  .option("--port <p>", "port to listen on (0 picks a free one)", "8080")
  .option(
    "--host <h>",
    "address to bind; anything but loopback is reachable by others",
    "127.0.0.1",
  )
  .option("--data-dir <dir>", "the only folder uploaded scenarios may read data files from")
  .option("--runs <n>", "runs computed at the same time (default: CPUs − 1)")
  .action(async (options) => {
    const { serveCommand } = await import("../server/serve.ts");
    await serveCommand(options);
  });

try {
  // Past the work budget a V8 heap that runs out aborts the process; a supervising parent turns
  // that into a clean exit 1 (src/cli/supervise.ts).
  if (process.argv.includes("--allow-large") && process.env.DELEVERAGE_SUPERVISED === undefined) {
    const { superviseLargeRun } = await import("./supervise.ts");
    await superviseLargeRun();
  }
  await program.parseAsync(process.argv);
} catch (error) {
  exitWithError(error);
}
