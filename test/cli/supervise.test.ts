/**
 * The work budget from the command line: a scenario past DELEVERAGE_MEMORY_LIMIT is refused with
 * exit 2; `--allow-large` runs it, and a run that then runs out of memory fails with exit 1 and
 * writes nothing, whether a typed array cannot be allocated or the V8 heap is full.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { exitCodeOf, failureMessage } from "../../src/cli/failure.ts";
import { cliPath, type Outcome, repositoryRoot, scratchFolder } from "../support/cli.ts";

const execute = promisify(execFile);

async function withEnvironment(
  environment: Record<string, string>,
  args: string[],
): Promise<Outcome> {
  try {
    const { stdout, stderr } = await execute(process.execPath, [cliPath, ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, ...environment },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe("--allow-large", () => {
  it("past the budget: exit 2 naming the field; with --allow-large the run goes ahead", async () => {
    const out = join(scratchFolder(), "out");
    const args = ["run", "example", "--set", "positions.population.count=50000", "--out", out];
    const refused = await withEnvironment({ DELEVERAGE_MEMORY_LIMIT: "100MB" }, args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /--set positions\.population\.count: 50000 is not allowed: the run would need about [\d.]+ MB of memory .* above the limit of 100 MB \(DELEVERAGE_MEMORY_LIMIT sets it/,
    );
    expect(existsSync(out)).toBe(false);
    const allowed = await withEnvironment({ DELEVERAGE_MEMORY_LIMIT: "100MB" }, [
      ...args,
      "--allow-large",
      "--json",
    ]);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).name).toBe("example");
  });

  it("a full V8 heap under --allow-large is a clean exit 1 and writes nothing", async () => {
    const out = join(scratchFolder(), "out");
    // Five million book levels of a few hundred bytes each in a 100 MB heap.
    const outcome = await withEnvironment({ NODE_OPTIONS: "--max-old-space-size=100" }, [
      "run",
      "example",
      "--set",
      "market.orderBook.shape.levels=5e6",
      "--set",
      "market.orderBook.shape.tick=0.001",
      "--out",
      out,
      "--allow-large",
    ]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(
      "deleverage: out of memory: the run ran out of memory (its JavaScript heap is full); it was allowed past the work budget by --allow-large",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("a malformed DELEVERAGE_MEMORY_LIMIT is an input error naming the variable", async () => {
    const outcome = await withEnvironment({ DELEVERAGE_MEMORY_LIMIT: "lots" }, [
      "run",
      "example",
      "--json",
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      'DELEVERAGE_MEMORY_LIMIT: "lots" is not allowed; expected a size in bytes such as 500000000, 512MiB or 2GB',
    );
  });
});

describe("failureMessage", () => {
  it("an allocation V8 refuses is 'out of memory' with exit 1, not a stack trace", () => {
    for (const message of ["Array buffer allocation failed", "Invalid typed array length: 1e15"]) {
      const error = new RangeError(message);
      expect(exitCodeOf(error)).toBe(1);
      expect(failureMessage(error)).toMatch(/^deleverage: out of memory: .*none were\n$/);
    }
    expect(failureMessage(new RangeError("something else"))).toMatch(/internal error: RangeError/);
  });
});

describe("the work budget of a batch", () => {
  it("stress refuses a batch whose runs would not fit, naming --runs, before anything is written", async () => {
    const out = join(scratchFolder(), "out");
    const outcome = await withEnvironment({ DELEVERAGE_MEMORY_LIMIT: "2GB" }, [
      "stress",
      "example",
      "--runs",
      "100000000",
      "--out",
      out,
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /--runs: 100000000 is not allowed: the batch would need about [\d.]+ GB of memory \(largest parts: --runs [\d.]+ GB/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
