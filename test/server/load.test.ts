/**
 * The real `deleverage serve` under load: two waves of 500 requests, 50 at a time (reads,
 * validations good and bad, small runs, a cancel), then every accepted run accounted for, and
 * the server's threads and memory back where the first wave left them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isFinished, type RunStatus } from "../../src/server/protocol.ts";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "bin/deleverage.js");

let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill("SIGKILL");
});

function start(...args: string[]): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, "serve", "--port", "0", ...args], { cwd: root });
  return new Promise((resolveStart, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/\S+\/)/.exec(output);
      if (match !== null) resolveStart({ process: child, url: match[1] });
    });
    child.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

/** Threads and resident memory of a process, from /proc. */
function usage(pid: number): { threads: number; rssKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  return { threads: field("Threads"), rssKb: field("VmRSS") };
}

const small = ["steps=200", "positions.population.count=200"];

interface Wave {
  statuses: Map<number, number>;
  accepted: string[];
  cancelled: string[];
}

/** 500 requests, at most 50 in flight; ten are runs, of which every fifth is cancelled at once. */
async function wave(url: string): Promise<Wave> {
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path.slice(1)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const requests: (() => Promise<Response>)[] = [];
  for (let index = 0; index < 500; index++) {
    const kind = index % 50;
    if (kind < 1) {
      requests.push(() => post("/api/runs", { source: { preset: "example" }, overrides: small }));
    } else if (kind < 12) {
      requests.push(() =>
        post("/api/validate", {
          source: { preset: "example" },
          overrides: kind % 2 === 0 ? small : ["shock.drop=1.5"],
        }),
      );
    } else if (kind < 14) {
      requests.push(() => post("/api/validate", "not json"));
    } else {
      const path = ["/api/presets", "/api/runs", "/api/uploads", "/"][kind % 4];
      requests.push(() => fetch(`${url}${path.slice(1)}`));
    }
  }
  const result: Wave = { statuses: new Map(), accepted: [], cancelled: [] };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests.length) {
      const response = await requests[next++]();
      result.statuses.set(response.status, (result.statuses.get(response.status) ?? 0) + 1);
      const body = (await response.text()).trim();
      if (response.status !== 202) continue;
      const run = (JSON.parse(body) as { run: RunStatus }).run;
      result.accepted.push(run.id);
      if (result.accepted.length % 5 === 1) {
        const cancel = await fetch(`${url}api/runs/${run.id}/cancel`, { method: "POST" });
        if (cancel.status === 200) result.cancelled.push(run.id);
      }
    }
  };
  await Promise.all(Array.from({ length: 50 }, lane));
  return result;
}

async function settled(url: string, ids: readonly string[]): Promise<RunStatus[]> {
  for (;;) {
    const statuses = await Promise.all(
      ids.map(
        async (id) =>
          ((await (await fetch(`${url}api/runs/${id}`)).json()) as { run: RunStatus }).run,
      ),
    );
    if (statuses.every((status) => isFinished(status.state))) return statuses;
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
}

describe("deleverage serve under load", () => {
  it("500 requests, 50 at a time, twice: no lost run, no leaked thread or memory", async () => {
    const data = join(tmpdir(), "deleverage-load-data");
    mkdirSync(data, { recursive: true });
    const started = await start("--runs", "1", "--data-dir", data);
    server = started.process;
    const pid = started.process.pid as number;
    const rounds: { wave: Wave; after: ReturnType<typeof usage> }[] = [];
    for (let round = 0; round < 2; round++) {
      const result = await wave(started.url);
      const statuses = await settled(started.url, result.accepted);
      // Every accepted run finished; only the cancelled ones did not run to the end.
      for (const status of statuses) {
        expect(status.state, status.id).toBe(
          result.cancelled.includes(status.id) ? "cancelled" : "done",
        );
      }
      const total = [...result.statuses.values()].reduce((sum, count) => sum + count, 0);
      expect(total).toBe(500);
      expect([...result.statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 202, 400]));
      // 429 (queue full) is the only other answer a run may get; nothing failed on the server.
      expect(result.statuses.get(500)).toBeUndefined();
      expect(result.cancelled.length).toBeGreaterThan(0);
      // Give finished threads a moment to be torn down before counting.
      await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
      rounds.push({ wave: result, after: usage(pid) });
    }
    const [first, second] = rounds;
    expect(second.after.threads).toBeLessThanOrEqual(first.after.threads);
    expect(second.after.rssKb).toBeLessThan(first.after.rssKb * 1.5);
    process.stderr.write(
      `load: wave statuses ${JSON.stringify([...first.wave.statuses])}, ${JSON.stringify([...second.wave.statuses])}; threads ${first.after.threads} → ${second.after.threads}, RSS ${first.after.rssKb} → ${second.after.rssKb} KB (load ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]})\n`,
    );
    const exited = new Promise<number | null>((done) => started.process.once("exit", done));
    started.process.kill("SIGTERM");
    expect(await exited).toBe(0);
    server = undefined;
  });
});
