/**
 * The dashboard under hostile uploads and load (issues 13 and 15): every file field of every
 * model is confined to the data directory before anything is read, a 100,000-key upload gets a
 * capped answer without blocking other requests, runs are budgeted, bounded, cancellable and
 * forgotten past the limit, and no CORS header invites other origins.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { fileFieldPatterns } from "../../src/scenario/fileFields.ts";
import { type ErrorResponse, isFinished, type RunStatus } from "../../src/server/protocol.ts";
import { maxUploadEntries } from "../../src/server/scenarioRequest.ts";
import {
  dashboardMaker,
  postJson as postJsonTo,
  upload as uploadTo,
} from "../support/dashboard.ts";

const root = resolve(import.meta.dirname, "../..");
const secret = "SECRET-51d2";

const dataDirectory = realpathSync(mkdtempSync(join(tmpdir(), "deleverage-limits-")));
execFileSync("mkfifo", [join(dataDirectory, "pipe.csv")]);
symlinkSync("/dev/zero", join(dataDirectory, "zero.csv"));
writeFileSync(join(dataDirectory, "secret.csv"), `${secret},${secret}\n`);
writeFileSync(join(dataDirectory, "secret.json"), `{"${secret}": "${secret}"}`);

const dashboard = dashboardMaker({ dataDirectory, maxConcurrentRuns: 1 });
const main = dashboard();
const upload = (fileName: string, content: BlobPart, app = main.app) =>
  uploadTo(app, fileName, content);
const postJson = (path: string, body: unknown, app = main.app) => postJsonTo(app, path, body);

/** A scenario file's YAML with one field set, as an uploaded file would hold it. */
function scenarioWith(file: string, fieldPath: (string | number)[], value: unknown): string {
  const document = parseDocument(readFileSync(join(root, file), "utf8"));
  document.setIn(fieldPath, document.createNode(value));
  return document.toString();
}
function presetWith(preset: string, fieldPath: (string | number)[], value: unknown): string {
  return scenarioWith(join("scenarios", `${preset}.yaml`), fieldPath, value);
}
const marketsScenario = "test/fixtures/scenarios/markets.yaml";

/** Each file field as an upload sets it. */
const uploadCases: Record<string, (file: string) => string> = {
  "market.orderBook.depthCsv.file": (file) =>
    presetWith("example", ["market", "orderBook"], { depthCsv: { file } }),
  "positions.csv": (file) => presetWith("example", ["positions", "csv"], file),
  "positions.csv.file": (file) => presetWith("example", ["positions", "csv"], { file }),
  "positions.wallets": (file) =>
    presetWith("example", ["positions"], { csv: "positions.csv", wallets: file }),
  "markets.*.orderBook.depthCsv.file": (file) =>
    scenarioWith(marketsScenario, ["markets", 1, "orderBook"], { depthCsv: { file } }),
  "markets.*.shock.csv": (file) =>
    scenarioWith(marketsScenario, ["markets", 2, "shock"], { kind: "path", csv: file }),
  "shock.csv": (file) => presetWith("example", ["shock"], { kind: "path", csv: file }),
  "assets.*.path.file": (file) =>
    presetWith("cross-venue", ["assets", 0, "path"], { kind: "coinApi", file }),
  "assets.*.path.csv": (file) =>
    presetWith("cross-venue", ["assets", 0, "path"], { kind: "path", csv: file }),
  "gas.file": (file) => presetWith("cross-venue", ["gas"], { file }),
  "markets.*.reservesFile.file": (file) =>
    presetWith("cross-venue", ["markets", 0], {
      base: "ETH",
      quote: "DAI",
      reservesFile: { file },
    }),
  "venues.*.market.orderBook.depthCsv.file": (file) =>
    presetWith("cross-venue", ["venues", 1, "market"], { orderBook: { depthCsv: { file } } }),
};

/** The field a refusal names: list indexes for "*"; a lending venue's book refuses `depthCsv` whole. */
function fieldPattern(field: string): RegExp {
  const at = field
    .replace(/\.file$/, "")
    .replaceAll(".", "\\.")
    .replaceAll("*", "\\d+");
  return new RegExp(`: ${at}(\\.file)?: `);
}

describe("uploads name data files only inside the data directory, every model's", () => {
  it("has an upload case for every file field", () => {
    expect(Object.keys(uploadCases).sort()).toEqual(
      fileFieldPatterns().map((pattern) => pattern.join(".")),
    );
  });

  it.each(Object.keys(uploadCases))("%s: refused before anything is read", async (field) => {
    for (const file of [
      "/etc/passwd",
      "../../etc/passwd",
      "pipe.csv",
      "zero.csv",
      "secret.csv",
      "secret.json",
    ]) {
      const response = await upload("evil.yaml", uploadCases[field](file));
      expect(response.status, `${field} = ${file}`).toBe(400);
      const text = JSON.stringify(await response.json());
      expect(text, file).not.toContain(secret);
      expect(text, file).not.toContain("root:");
      expect(text, file).not.toContain(dataDirectory);
      // The guard refuses these four by the field that names them; the other two are read
      // and refused by their parser, which never quotes them.
      if (!file.startsWith("secret")) expect(text, file).toMatch(fieldPattern(field));
    }
  });

  it("a lending upload is checked by the same guard and its files are not read", async () => {
    const response = await upload(
      "lending.yaml",
      presetWith("cross-venue", ["gas"], { file: "/etc/passwd" }),
    );
    const body = (await response.json()) as ErrorResponse;
    expect(body.issues.map((issue) => issue.text)).toEqual([
      expect.stringMatching(
        /^lending\.yaml:\d+:\d+: gas\.file: "\/etc\/passwd" is not allowed; must be a relative path inside the server's data directory/,
      ),
    ]);
  });

  it("a tfg upload is refused as a model", async () => {
    const response = await upload(
      "cycle.yaml",
      readFileSync(join(root, "scenarios/tfg-2012.yaml"), "utf8"),
    );
    const body = (await response.json()) as ErrorResponse;
    expect(body.issues.map((issue) => issue.text)).toEqual([
      expect.stringMatching(
        /^cycle\.yaml:\d+:\d+: model: "tfg" is not allowed here; the dashboard runs perp and lending scenarios/,
      ),
    ]);
  });
});

/** example.yaml with `keys` unknown top-level keys added (within `maxBytes`, if given). */
function withKeys(
  keys: number,
  maxBytes = Number.POSITIVE_INFINITY,
): { text: string; keys: number } {
  let text = readFileSync(join(root, "scenarios/example.yaml"), "utf8");
  let added = 0;
  while (added < keys) {
    const line = `k${added}: 1\n`;
    if (text.length + line.length > maxBytes) break;
    text += line;
    added++;
  }
  return { text, keys: added };
}

describe("uploads of many keys", () => {
  it("a 1 MB upload of 100,000 keys is refused before it is parsed, while other requests are answered", async () => {
    const { text, keys } = withKeys(Number.POSITIVE_INFINITY, 1024 * 1024);
    expect(keys).toBeGreaterThan(100_000);
    const started = performance.now();
    const pending = upload("keys.yaml", text);
    // The request thread is free while the upload is validated: a small request overtakes it.
    const presets = await main.app.request("/api/presets");
    const presetsAnswered = performance.now();
    const response = await pending;
    const answered = performance.now();
    expect(presets.status).toBe(200);
    expect(presetsAnswered).toBeLessThan(answered);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorResponse;
    expect(body.issues.map((issue) => issue.text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^keys\\.yaml:\\d+:\\d+: the file holds more than ${maxUploadEntries.toLocaleString("en-US")} fields and list items`,
        ),
      ),
    ]);
    process.stderr.write(
      `100,000-key upload answered in ${((answered - started) / 1000).toFixed(2)} s (load ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]})\n`,
    );
  });

  it("an upload of 15,000 unknown keys (within the entry limit) gets the first 50 issues and a count", async () => {
    const { text, keys } = withKeys(15_000);
    const response = await upload("keys.yaml", text);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorResponse;
    expect(body.issues).toHaveLength(50);
    expect(body.omitted).toBe(keys - 50);
    expect(body.issues[0].text).toMatch(/^keys\.yaml:\d+:1: k0: unknown field "k0"/);
    expect(JSON.stringify(body).length).toBeLessThan(30_000);
  });
});

async function waitFor(app: typeof main.app, id: string): Promise<RunStatus> {
  for (;;) {
    const { run } = (await (await app.request(`/api/runs/${id}`)).json()) as { run: RunStatus };
    if (isFinished(run.state)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const small = {
  source: { preset: "example" },
  overrides: ["steps=200", "positions.population.count=200"],
};

describe("runs", () => {
  it("a run past the work budget is refused with the field, its value and the estimate", async () => {
    const response = await postJson("/api/runs", {
      source: { preset: "example" },
      overrides: ["steps=1e8"],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorResponse;
    expect(body.issues[0].text).toMatch(
      /^--set steps: 100000000 is not allowed: timeseries\.csv would be about/,
    );
    const memory = await postJson("/api/runs", {
      source: { preset: "example" },
      overrides: ["positions.population.count=1e9"],
    });
    expect(((await memory.json()) as ErrorResponse).issues[0].text).toMatch(
      /^--set positions\.population\.count: 1000000000 is not allowed: the run would need about [\d.]+ [GT]B of memory/,
    );
  });

  it("the queue is bounded, queued and running runs can be cancelled, finished ones are forgotten past the limit", async () => {
    const bounded = dashboard({ maxQueuedRuns: 2, maxStoredRuns: 2 });
    const start = async () => postJson("/api/runs", small, bounded.app);
    const first = ((await (await start()).json()) as { run: RunStatus }).run;
    const second = ((await (await start()).json()) as { run: RunStatus }).run;
    const third = ((await (await start()).json()) as { run: RunStatus }).run;
    const refused = await start();
    expect(refused.status, JSON.stringify(await refused.clone().json())).toBe(429);
    expect(((await refused.json()) as ErrorResponse).error).toMatch(
      /runs are already waiting \(at most 2\)/,
    );
    const cancelQueued = await bounded.app.request(`/api/runs/${third.id}/cancel`, {
      method: "POST",
    });
    expect(((await cancelQueued.json()) as { run: RunStatus }).run.state).toBe("cancelled");
    const cancelRunning = await bounded.app.request(`/api/runs/${first.id}/cancel`, {
      method: "POST",
    });
    expect(((await cancelRunning.json()) as { run: RunStatus }).run.state).toBe("cancelled");
    expect((await waitFor(bounded.app, second.id)).state).toBe("done");
    const again = await bounded.app.request(`/api/runs/${second.id}/cancel`, { method: "POST" });
    expect(again.status).toBe(409);
    const fourth = ((await (await start()).json()) as { run: RunStatus }).run;
    expect((await waitFor(bounded.app, fourth.id)).state).toBe("done");
    const { runs } = (await (await bounded.app.request("/api/runs")).json()) as {
      runs: RunStatus[];
    };
    // Four finished (two cancelled, two done); the two started first are forgotten.
    expect(runs.map((run) => run.id)).toEqual([fourth.id, third.id]);
  });
});

describe("other origins", () => {
  it("no CORS header is sent, to a preflight or to a refused cross-site post", async () => {
    const preflight = await main.app.request("/api/runs", {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const post = await main.app.request("/api/runs", {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify(small),
    });
    expect(post.status).toBe(403);
    expect(post.headers.get("access-control-allow-origin")).toBeNull();
  });
});
