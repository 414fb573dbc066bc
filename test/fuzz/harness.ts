/**
 * Runs fuzz cases (mutations.ts) in worker threads with a per-case timeout, and a sample of them
 * through the real command line as a child process, and counts what happened: clear errors
 * (exit 2), runs (exit 0), accepted cases too large to run here, numeric stops, crashes and
 * hangs. Used by the CI test (scenarioFuzz.test.ts) and the larger local run (localFuzz.ts).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { typescriptLoader } from "../../src/packageFiles.ts";
import type { FuzzKind, FuzzOutcome, FuzzTask } from "./fuzzWorker.ts";
import { type FuzzCase, fuzzCases, hostileFiles } from "./mutations.ts";

export interface FuzzSettings {
  seed: number;
  cases: number;
  threads: number;
  /** A case still running after this long is a hang. */
  timeoutMs: number;
  /** Every n-th case also runs through the CLI. */
  cliEvery: number;
  /** Presets of ../shared/data take part only when it is there. */
  withData: boolean;
}

export interface FuzzFinding {
  index: number;
  preset: string;
  mutation: string;
  kind: FuzzKind | "hang" | "cli";
  detail: string;
}

export interface FuzzReport {
  counts: Record<FuzzKind | "hang", number>;
  cliCases: number;
  /** Crashes, hangs, numeric stops, and exit-2 or CLI answers that broke a rule. */
  findings: FuzzFinding[];
  seconds: number;
}

const repositoryRoot = path.resolve(import.meta.dirname, "../..");
const cliPath = path.join(repositoryRoot, "bin/deleverage.js");
/** The budget the fuzzer runs under: a run it accepts must fit a shared machine. */
const fuzzMemoryLimit = "1GB";

function cli(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      {
        cwd: repositoryRoot,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, DELEVERAGE_MEMORY_LIMIT: fuzzMemoryLimit },
      },
      (error, _stdout, stderr) => {
        const failure = error as (Error & { code?: number; signal?: string }) | null;
        resolve({
          code: failure === null ? 0 : typeof failure.code === "number" ? failure.code : null,
          signal: failure?.signal ?? null,
          stderr,
        });
      },
    );
  });
}

export async function runFuzz(settings: FuzzSettings): Promise<FuzzReport> {
  const started = performance.now();
  const folder = mkdtempSync(path.join(tmpdir(), "deleverage-fuzz-"));
  const files = hostileFiles(path.join(folder, "files"));
  const cases: FuzzCase[] = fuzzCases(settings.seed, settings.cases, files, settings.withData);
  const pool = new Piscina<FuzzTask, FuzzOutcome>({
    filename: new URL("./fuzzWorker.ts", import.meta.url).href,
    minThreads: settings.threads,
    maxThreads: settings.threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    execArgv: ["--import", typescriptLoader],
    env: { ...process.env, DELEVERAGE_MEMORY_LIMIT: fuzzMemoryLimit },
  });
  const report: FuzzReport = {
    counts: { error: 0, ran: 0, notRun: 0, numeric: 0, crash: 0, hang: 0 },
    cliCases: 0,
    findings: [],
    seconds: 0,
  };
  const find = (index: number, kind: FuzzFinding["kind"], detail: string): void => {
    const fuzzCase = cases[index];
    report.findings.push({
      index,
      preset: fuzzCase.preset,
      mutation: fuzzCase.mutation,
      kind,
      detail,
    });
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < cases.length) {
      const index = next++;
      const fuzzCase = cases[index];
      const where = mkdtempSync(path.join(folder, `case-${index}-`));
      try {
        const outcome = await pool.run(
          {
            index,
            bytes: fuzzCase.bytes,
            overrides: fuzzCase.overrides,
            folder: where,
            maxRunBytes: 300e6,
          },
          { signal: AbortSignal.timeout(settings.timeoutMs) },
        );
        report.counts[outcome.kind]++;
        if (outcome.kind === "crash" || outcome.kind === "numeric")
          find(index, outcome.kind, outcome.message);
        for (const problem of outcome.problems) find(index, outcome.kind, problem);
      } catch (error) {
        const name = (error as Error).name;
        if (name === "AbortError" || name === "TimeoutError") {
          report.counts.hang++;
          find(index, "hang", `no answer in ${settings.timeoutMs} ms`);
        } else {
          report.counts.crash++;
          find(index, "crash", (error as Error).stack ?? String(error));
        }
      }
      if (index % settings.cliEvery === 0) {
        report.cliCases++;
        const file = path.join(where, "cli.yaml");
        writeFileSync(file, fuzzCase.bytes);
        const out = path.join(where, "cli-out");
        const sets = fuzzCase.overrides.flatMap((override) => ["--set", override]);
        const result = await cli(
          ["run", file, "--out", out, "--json", ...sets],
          settings.timeoutMs,
        );
        if (result.signal !== null || (result.code !== 0 && result.code !== 2)) {
          find(
            index,
            "cli",
            `exit ${result.code} signal ${result.signal}: ${result.stderr.slice(0, 2000)}`,
          );
        } else if (result.code === 2 && (existsSync(out) || /\n\s+at /.test(result.stderr))) {
          find(
            index,
            "cli",
            `exit 2 wrote --out or printed a stack: ${result.stderr.slice(0, 2000)}`,
          );
        }
      }
      rmSync(where, { recursive: true, force: true });
    }
  };
  try {
    await Promise.all(Array.from({ length: settings.threads }, lane));
  } finally {
    await pool.destroy();
    rmSync(folder, { recursive: true, force: true });
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
