import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  jobIdOf,
  resultKeyOf,
  storedKeyOf,
  writeResultScript,
} from "../../src/runner/distributed.ts";
import { cliPath, deleverage, repositoryRoot } from "../support/cli.ts";
import { storeRows } from "../support/store.ts";

const fixture = join(repositoryRoot, "test/runner/fixtures/small-stress.yaml");

const redisServer = spawnSync("redis-server", ["--version"]).status === 0;
if (!redisServer) {
  console.warn(
    "test/cli/worker.test.ts: redis-server is not installed (apt-get install redis-server, or .ci/run); the distributed tests skip",
  );
}

const scratchDirectories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "deleverage-worker-"));
  scratchDirectories.push(directory);
  return directory;
}

/** Every process a test starts, so none outlives the file even when an assertion fails. */
const children: ChildProcess[] = [];
function start(command: string, args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(command, args, { cwd: repositoryRoot });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return Object.assign(child, { output: () => output });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolveExit) => {
    child.on("exit", (code, signal) => resolveExit({ code, signal }));
  });
}

async function waitFor(what: string, condition: () => boolean, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited(child);
    }
  }
  for (const directory of scratchDirectories) rmSync(directory, { recursive: true, force: true });
});

describe("deleverage stress --queue: unreachable Redis", () => {
  it("fails in one line with exit 1 and leaves no store behind", async () => {
    const port = await freePort();
    const out = join(scratch(), "out");
    const outcome = await deleverage(
      "stress",
      fixture,
      "--runs",
      "10",
      "--out",
      out,
      "--queue",
      `redis://127.0.0.1:${port}`,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(
      `deleverage: queue: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!redisServer)("deleverage stress --queue with deleverage worker", () => {
  let queueUrl = "";
  let redis: Redis | undefined;

  beforeAll(async () => {
    const port = await freePort();
    const server = start("redis-server", [
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--bind",
      "127.0.0.1",
    ]);
    await waitFor("redis-server", () => /Ready to accept connections/.test(server.output()));
    queueUrl = `redis://127.0.0.1:${port}`;
    redis = new Redis(queueUrl);
  });

  afterAll(() => {
    redis?.disconnect();
  });

  it("lets a stalled duplicate write no result once its shard is stored", async () => {
    const jobId = "0123456789abcdef-00007";
    const write = (): Promise<unknown> | undefined =>
      redis?.eval(writeResultScript, 2, resultKeyOf(jobId), storedKeyOf(jobId), "records", 60);
    expect(await write()).toBe(1);
    expect(await redis?.get(resultKeyOf(jobId))).toBe("records");
    await redis?.multi().set(storedKeyOf(jobId), "1", "EX", 60).del(resultKeyOf(jobId)).exec();
    expect(await write()).toBe(0);
    expect(await redis?.exists(resultKeyOf(jobId))).toBe(0);
    await redis?.del(storedKeyOf(jobId));
  });

  it("loses and duplicates nothing when a worker and the coordinator are killed", async () => {
    const args = ["stress", fixture, "--runs", "160", "--shard-size", "4", "--json"];
    const reference = scratch();
    const local = await deleverage(...args, "--workers", "2", "--out", reference);
    expect(local.code, local.stderr).toBe(0);

    const out = scratch();
    const worker = (): ReturnType<typeof start> =>
      start(process.execPath, [
        cliPath,
        "worker",
        "--queue",
        queueUrl,
        "--concurrency",
        "1",
        "--lock-duration",
        "1000",
      ]);
    const doomed = worker();
    const survivor = worker();
    const shardsDone = (child: ReturnType<typeof start>): number =>
      child.output().match(/ shard \d+ \(runs/g)?.length ?? 0;

    const coordinator = start(process.execPath, [
      cliPath,
      ...args,
      "--out",
      out,
      "--queue",
      queueUrl,
    ]);
    // Killed right after a shard, while it already holds the next one: that job must come back.
    await waitFor("the first worker's first shards", () => shardsDone(doomed) >= 2);
    doomed.kill("SIGKILL");
    expect((await exited(doomed)).signal).toBe("SIGKILL");

    await waitFor("a quarter of the batch", () => /\(30 %\)/.test(coordinator.output()));
    coordinator.kill("SIGKILL");
    expect((await exited(coordinator)).signal).toBe("SIGKILL");

    const resumed = await deleverage(...args, "--out", out, "--queue", queueUrl);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming batch [0-9a-f]{16}: \d+ of 160 runs already stored/);
    expect(resumed.stdout).toBe(local.stdout);

    const db = join(out, "results.duckdb");
    const [counts] = await storeRows(
      db,
      "SELECT count(*) AS runs, count(DISTINCT runIndex) AS distinctRuns, min(runIndex) AS first, max(runIndex) AS last, (SELECT count(*) FROM timeseries) AS steps FROM runs",
    );
    expect(counts).toEqual({ runs: 160, distinctRuns: 160, first: 0, last: 159, steps: 160 * 41 });
    const everything = "SELECT * FROM runs ORDER BY runIndex";
    expect(await storeRows(db, everything)).toEqual(
      await storeRows(join(reference, "results.duckdb"), everything),
    );
    const series = "SELECT * FROM timeseries ORDER BY runIndex, step";
    expect(await storeRows(db, series)).toEqual(
      await storeRows(join(reference, "results.duckdb"), series),
    );

    // The survivor finished the killed worker's shard; no result is left behind in Redis, only
    // the short-lived markers of stored shards that keep a stalled duplicate from writing one.
    expect(shardsDone(survivor)).toBeGreaterThan(0);
    expect(await redis?.keys("deleverage:shard-result:*")).toEqual([]);
    for (const key of (await redis?.keys("deleverage:*")) ?? []) {
      expect(key).toMatch(/^deleverage:shard-stored:/);
      expect(await redis?.ttl(key)).toBeGreaterThan(0);
    }

    // A coordinator killed between a shard's commit and the deletion of its result leaves the
    // result behind: the next call on the batch forgets the results of every stored shard.
    const batchId = /resuming batch ([0-9a-f]{16})/.exec(resumed.stderr)?.[1] ?? "";
    const leftBehind = resultKeyOf(jobIdOf(batchId, 0));
    await redis?.set(leftBehind, "left behind", "EX", 60);
    const again = await deleverage(...args, "--out", out, "--queue", queueUrl);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(local.stdout);
    expect(await redis?.exists(leftBehind)).toBe(0);

    survivor.kill("SIGTERM");
    expect(await exited(survivor)).toEqual({ code: 0, signal: null });
    expect(survivor.output()).toMatch(/worker: stopped/);
  });
});
