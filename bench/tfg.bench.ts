/**
 * `npm run bench:tfg`: time per 10,000 steps of the Thurner–Farmer–Geanakoplos model (the public
 * Python replication needs about 0.7 s), a paper-scale 500,000-step run with its series, and the
 * tail statistics of that run.
 */
import { cpus, totalmem } from "node:os";
import { do_not_optimize, measure } from "mitata";
import { tailStatistics } from "../src/engine/metrics/tail.ts";
import { runTfg, TfgModel, tfgPaperParameters } from "../src/engine/models/tfg.ts";
import { runStreams } from "../src/engine/random.ts";

const options = { min_samples: 10, max_samples: 50, min_cpu_time: 2e9 };
const milliseconds = (nanoseconds: number): string => (nanoseconds / 1e6).toFixed(2);

/** A model past its transient (funds hold shares, some are levered), stepped 10,000 times per sample. */
async function tenThousandSteps(lambdaMax: number) {
  const model = new TfgModel({ ...tfgPaperParameters, lambdaMax }, runStreams(1, 0).tfg);
  for (let step = 0; step < 10_000; step++) model.advance();
  return measure(() => {
    let defaults = 0;
    for (let step = 0; step < 10_000; step++) defaults += model.advance();
    do_not_optimize(defaults);
  }, options);
}

const unlevered = await tenThousandSteps(1);
const levered = await tenThousandSteps(20);
const paperScale = await measure(
  () => do_not_optimize(runTfg(tfgPaperParameters, runStreams(1, 0).tfg, { steps: 500_000 })),
  { min_samples: 5, max_samples: 10, min_cpu_time: 5e9 },
);
const series = runTfg(tfgPaperParameters, runStreams(1, 0).tfg, { steps: 500_000 }).series;
const statistics = await measure(
  () =>
    do_not_optimize(
      tailStatistics(series.price, { burnIn: 10_000, hillFraction: 0.01, acfLags: 10 }),
    ),
  { min_samples: 5, max_samples: 10, min_cpu_time: 3e9 },
);

const rows: [string, Awaited<ReturnType<typeof measure>>][] = [
  ["10,000 steps, lambda_max = 1 (warmed model)", unlevered],
  ["10,000 steps, lambda_max = 20 (warmed model)", levered],
  ["500,000 steps from the start, lambda_max = 20, series recorded (runTfg)", paperScale],
  ["tail statistics of 490,000 returns (kurtosis, Hill, ACF 1..10, drawdowns)", statistics],
];
process.stdout.write(
  [
    `machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
    "",
    "| measurement | avg ms | p50 ms | min ms | max ms | samples |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      ([name, stats]) =>
        `| ${name} | ${milliseconds(stats.avg)} | ${milliseconds(stats.p50)} | ${milliseconds(stats.min)} | ${milliseconds(stats.max)} | ${stats.samples.length} |`,
    ),
    "",
    `per 10,000 steps at paper scale: ${milliseconds(paperScale.avg / 50)} ms (the Python replication: about 700 ms)`,
    "",
  ].join("\n"),
);
