/**
 * The larger local fuzz run (not part of `npm test`):
 *
 *   node --import tsx test/fuzz/localFuzz.ts [CASES] [SEED]
 *
 * prints the counts (clear errors, runs, accepted but too large to run, numeric stops, crashes,
 * hangs) and every finding, and exits 1 if there is a crash, a hang or a finding.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { runFuzz } from "./harness.ts";

const cases = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 20_251_013);
const withData = existsSync(path.resolve(import.meta.dirname, "../../../shared/data"));
const report = await runFuzz({
  seed,
  cases,
  threads: 2,
  timeoutMs: 120_000,
  cliEvery: 100,
  withData,
});
process.stdout.write(
  `${cases} cases (seed ${seed}${withData ? "" : ", without ../shared/data"}) in ${report.seconds.toFixed(0)} s: ` +
    `${report.counts.error} clear errors, ${report.counts.ran} runs, ${report.counts.notRun} accepted but not run (estimate over 300 MB), ` +
    `${report.counts.numeric} numeric stops, ${report.counts.crash} crashes, ${report.counts.hang} hangs; ${report.cliCases} also through the CLI\n`,
);
for (const finding of report.findings) {
  process.stdout.write(
    `#${finding.index} ${finding.preset} [${finding.mutation.slice(0, 200)}] ${finding.kind}: ${finding.detail.slice(0, 600)}\n`,
  );
}
process.exit(report.findings.length > 0 ? 1 : 0);
