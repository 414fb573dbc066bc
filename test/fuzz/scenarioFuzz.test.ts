/**
 * The fuzz suite that stays (issue 13): 2,000 seeded mutations of every preset, each run as
 * `deleverage run` runs it, in worker threads with a per-case timeout, and every 200th through
 * the real command line. Every case must end in exit 0 or in exit 2 naming a field, never a
 * crash, a numeric stop, a signal or a hang, and write nothing to --out when it fails. Presets of
 * ../shared/data take part only when it is there. `node --import tsx test/fuzz/localFuzz.ts
 * 10000` runs a larger set with the same rules.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runFuzz } from "./harness.ts";

const withData = existsSync(path.resolve(import.meta.dirname, "../../../shared/data"));

describe("scenario fuzz", () => {
  it(`2,000 mutated presets: exit 0 or 2 with a named field, nothing written on failure${withData ? "" : " (skipping the presets of ../shared/data, which is absent)"}`, {
    timeout: 600_000,
  }, async () => {
    const report = await runFuzz({
      seed: 13_15,
      cases: 2000,
      threads: 2,
      timeoutMs: 60_000,
      cliEvery: 200,
      withData,
    });
    process.stderr.write(
      `fuzz: ${JSON.stringify(report.counts)}, ${report.cliCases} through the CLI, ${report.seconds.toFixed(0)} s\n`,
    );
    expect(report.findings).toEqual([]);
    expect(report.counts.error).toBeGreaterThan(500);
    expect(report.counts.ran).toBeGreaterThan(100);
  });
});
