import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/engine/sim.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import type {
  ErrorResponse,
  RunReport,
  RunStatus,
  ScenarioInfo,
  UploadEntry,
} from "../../src/server/protocol.ts";
import { maxUploadBytes } from "../../src/server/scenarios.ts";
import {
  dashboardMaker,
  postJson as postJsonTo,
  upload as uploadTo,
} from "../support/dashboard.ts";

const root = resolve(import.meta.dirname, "../..");
const fixtures = join(root, "test/fixtures/scenarios");

/** A data directory with one CSV, a link that leads out of it, and a file beside it. */
function makeDataDirectory(): string {
  const parent = mkdtempSync(join(tmpdir(), "deleverage-data-"));
  const directory = join(parent, "data");
  mkdirSync(join(directory, "book"), { recursive: true });
  copyFileSync(join(fixtures, "positions.csv"), join(directory, "book/positions.csv"));
  writeFileSync(
    join(parent, "outside.csv"),
    "account,side,size,entryPrice,collateral\nsecret,long,1,1,1\n",
  );
  symlinkSync(join(parent, "outside.csv"), join(directory, "escape.csv"));
  return directory;
}

const dataDirectory = makeDataDirectory();
const dashboard = dashboardMaker({ dataDirectory, maxConcurrentRuns: 2 });
const main = dashboard();
const upload = (fileName: string, content: BlobPart, app = main.app) =>
  uploadTo(app, fileName, content);
const postJson = (path: string, body: unknown, app = main.app) => postJsonTo(app, path, body);

/** valid.yaml from the fixtures, its positions read from the data directory. */
function validScenario(csv = "book/positions.csv"): string {
  return readFileSync(join(fixtures, "valid.yaml"), "utf8").replace(
    "csv: positions.csv",
    `csv: ${csv}`,
  );
}

async function uploadIds(): Promise<string[]> {
  const response = await main.app.request("/api/uploads");
  return ((await response.json()) as { uploads: UploadEntry[] }).uploads.map((entry) => entry.id);
}

function leftoverUploadFolders(): string[] {
  return readdirSync(tmpdir()).filter((entry) => entry.startsWith("deleverage-upload-"));
}

describe("presets and validation", () => {
  it("lists the perp and lending presets, not the TFG one", async () => {
    const response = await main.app.request("/api/presets");
    const { presets } = (await response.json()) as { presets: { name: string }[] };
    const names = presets.map((preset) => preset.name);
    expect(names).toContain("example");
    expect(names).toContain("oct-10-2025");
    expect(names).toContain("cross-venue");
    expect(names).not.toContain("tfg-2012");
  });

  it("runs a lending upload to its report; its data files pass the same guard as a perp's", async () => {
    const lending = readFileSync(join(fixtures, "small-lending.yaml"), "utf8");
    const stored = await upload("lending.yaml", lending);
    expect(stored.status, await stored.clone().text()).toBe(201);
    const { upload: entry } = (await stored.json()) as { upload: UploadEntry };
    const started = await postJson("/api/runs", { source: { upload: entry.id } });
    const { run } = (await started.json()) as { run: RunStatus };
    expect(run.model).toBe("lending");
    expect((await waitForRun(run.id)).state).toBe("done");
    const report = (await (
      await main.app.request(`/api/runs/${run.id}/report`)
    ).json()) as RunReport;
    expect(report.chartData).toBeUndefined();
    const html = await (await main.app.request(`/api/runs/${run.id}/report.html`)).text();
    expect(html).toContain("(lending)</title>");
    // A lending file naming a price file must sit in the data directory like any other.
    const withFile = `${lending.replace(/\n*$/, "")}\n`.replace(
      /assets:\n/,
      "assets:\n  - symbol: BTC\n    path: { kind: coinApi, file: /etc/passwd, column: close }\n",
    );
    const refused = await upload("file.yaml", withFile);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorResponse).issues[0].path).toBe("assets.0.path.file");
  });

  it("answers a valid preset with its key parameters", async () => {
    const response = await postJson("/api/validate", { source: { preset: "example" } });
    expect(response.status).toBe(200);
    const { scenario } = (await response.json()) as { scenario: ScenarioInfo };
    expect(scenario.name).toBe("example");
    expect(scenario.parameters).toEqual({
      shockDrop: "0.08",
      leverage: "{5: 0.15, 10: 0.3, 25: 0.25, 50: 0.2, 100: 0.1}",
      depthPerPercent: "2000000",
      insuranceFund: "2000000",
      adlRanking: "binance",
      steps: "300",
      seed: "42",
    });
  });

  it("rejects a bad parameter with the very line the CLI prints", async () => {
    const response = await postJson("/api/validate", {
      source: { preset: "example" },
      overrides: ["shock.drop=1.5"],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorResponse;
    expect(body.issues).toHaveLength(1);
    expect(body.issues[0].path).toBe("shock.drop");
    const cli = await promisify(execFile)(
      process.execPath,
      [
        join(root, "bin/deleverage.js"),
        "run",
        "example",
        "--set",
        "shock.drop=1.5",
        "--out",
        join(tmpdir(), "never"),
      ],
      { cwd: root },
    ).catch((error: { stderr: string }) => error);
    expect(cli.stderr).toContain(body.issues[0].text);
    expect(body.issues[0].text).toBe(
      "--set shock.drop: 1.5 is not allowed; must be strictly between 0 and 1",
    );
  });

  it("names the known presets for an unknown one", async () => {
    const response = await postJson("/api/validate", { source: { preset: "../../etc/passwd" } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorResponse;
    expect(body.issues[0].message).toContain("example");
  });

  it("refuses bodies that are not scenario requests, and oversized ones", async () => {
    expect((await postJson("/api/validate", "{not json")).status).toBe(400);
    const wrongShape = await postJson("/api/validate", { source: "example" });
    expect(wrongShape.status).toBe(400);
    expect(((await wrongShape.json()) as ErrorResponse).error).toContain('"preset"');
    const huge = await postJson("/api/validate", {
      source: { preset: "example" },
      overrides: Array.from({ length: 40 }, () => `description=${"x".repeat(9_000)}`),
    });
    expect(huge.status).toBe(413);
  });
});

describe("data files a request may make the server read", () => {
  it("refuses overrides that set a data file, on presets and uploads alike", async () => {
    for (const override of [
      "positions.csv=/etc/passwd",
      "shock={kind: path, csv: /etc/passwd}",
      "market.orderBook.depthCsv.file=../../etc/passwd",
    ]) {
      const response = await postJson("/api/validate", {
        source: { preset: "example" },
        overrides: [override],
      });
      expect(response.status, override).toBe(400);
      const body = (await response.json()) as ErrorResponse;
      expect(body.issues[0].message, override).toContain(
        "data files cannot be set from the dashboard",
      );
      expect(body.issues[0].location).toBe(`--set ${override.slice(0, override.indexOf("="))}`);
    }
  });

  it("lets a preset keep its own data files", async () => {
    const response = await postJson("/api/validate", {
      source: { preset: "oct-10-2025" },
      overrides: ["exchange.insuranceFund=5e8"],
    });
    // The preset reads the shared market data, which some machines do not have.
    const present = existsSync(resolve(root, "../shared/data/oct-10-2025"));
    expect(response.status).toBe(present ? 200 : 400);
  });

  it("lets an upload read a file inside the data directory and nothing else", async () => {
    const accepted = await upload("inside.yaml", validScenario());
    expect(accepted.status).toBe(201);
    const refused: [string, string][] = [
      ["/etc/passwd", "must be a relative path"],
      ["../outside.csv", "must be a relative path"],
      ["book/../../outside.csv", "must be a relative path"],
      ["escape.csv", "outside the server's data directory"],
      ["missing.csv", "no such file"],
      ["book", "not a regular file"],
    ];
    for (const [csv, reason] of refused) {
      const response = await upload("evil.yaml", validScenario(csv));
      expect(response.status, csv).toBe(400);
      const body = (await response.json()) as ErrorResponse;
      expect(body.issues[0].location, csv).toMatch(/^evil\.yaml:\d+:\d+$/);
      expect(body.issues[0].path).toBe("positions.csv");
      expect(body.issues[0].message, csv).toContain(reason);
      expect(body.issues[0].message).not.toContain("secret");
    }
  });

  it("lets an upload read no file at all when the server has no data directory", async () => {
    const strict = dashboard({ dataDirectory: undefined });
    const response = await upload("inside.yaml", validScenario(), strict.app);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorResponse;
    expect(body.issues[0].text).toMatch(
      /^inside\.yaml:\d+:\d+: positions\.csv: "book\/positions\.csv" is not allowed; .*--data-dir/,
    );
  });
});

describe("uploads", () => {
  it("keeps a valid upload and runs it through the same validation as presets", async () => {
    const response = await upload("crash.json", readFileSync(join(fixtures, "valid.json"), "utf8"));
    expect(response.status).toBe(201);
    const { upload: stored, scenario } = (await response.json()) as {
      upload: UploadEntry;
      scenario: ScenarioInfo;
    };
    expect(stored.fileName).toBe("crash.json");
    expect(scenario.source).toEqual({ upload: stored.id });
    expect(await uploadIds()).toContain(stored.id);
    const invalid = await postJson("/api/validate", {
      source: { upload: stored.id },
      overrides: ["exchange.adl.ranking=fifo"],
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as ErrorResponse).issues[0].text).toBe(
      '--set exchange.adl.ranking: "fifo" is not allowed; must be one of binance, hyperliquid, proRata, none',
    );
  });

  const badUploads: [string, string, BlobPart, number, RegExp][] = [
    [
      "malformed YAML",
      "broken.yaml",
      readFileSync(join(fixtures, "syntax-error.yaml"), "utf8"),
      400,
      /^broken\.yaml:\d+:\d+: YAML syntax error/,
    ],
    [
      "an invalid scenario",
      "bad.yaml",
      "name: bad\nasset: { symbol: BTC, price: -5 }\n",
      400,
      /^bad\.yaml:2:\d+: asset\.price: -5 is not allowed/,
    ],
    [
      "a file over 1 MB",
      "big.yaml",
      `name: big\n#${"x".repeat(maxUploadBytes)}\n`,
      413,
      /at most 1048576 bytes/,
    ],
    [
      "a path-traversal name",
      "../../etc/passwd",
      "name: x\n",
      400,
      /file name "\.\.\/\.\.\/etc\/passwd" is not allowed/,
    ],
    [
      "an absolute name",
      "/etc/passwd.yaml",
      "name: x\n",
      400,
      /is not allowed; expected a plain file name/,
    ],
    ["a hidden name", ".env.yaml", "name: x\n", 400, /is not allowed; expected a plain file name/],
    [
      "a name without a scenario extension",
      "scenario.sh",
      "name: x\n",
      400,
      /ending in \.yaml, \.yml or \.json/,
    ],
    [
      "bytes that are not UTF-8",
      "binary.yaml",
      Uint8Array.of(0x6e, 0xff, 0xfe, 0x00),
      400,
      /not UTF-8 text/,
    ],
  ];
  for (const [what, fileName, content, status, message] of badUploads) {
    it(`refuses ${what} with a clear message and keeps nothing`, async () => {
      const before = await uploadIds();
      const dataBefore = readdirSync(dataDirectory, { recursive: true });
      const response = await upload(fileName, content);
      expect(response.status).toBe(status);
      const body = (await response.json()) as ErrorResponse;
      expect(body.issues.map((issue) => issue.text).join("\n")).toMatch(message);
      expect(await uploadIds()).toEqual(before);
      expect(readdirSync(dataDirectory, { recursive: true })).toEqual(dataBefore);
      expect(leftoverUploadFolders()).toEqual([]);
    });
  }

  it("refuses a request body far over the limit before reading it", async () => {
    const response = await upload("huge.yaml", "x".repeat(3 * maxUploadBytes));
    expect(response.status).toBe(413);
  });
});

describe("who may talk to the server", () => {
  it("answers only to loopback names when told to", async () => {
    const loopback = dashboard({ allowedHostnames: ["127.0.0.1", "localhost", "[::1]"] });
    const ask = (host: string) =>
      loopback.app.request("http://127.0.0.1/api/presets", { headers: { host } });
    expect((await ask("127.0.0.1:8080")).status).toBe(200);
    expect((await ask("localhost:8080")).status).toBe(200);
    expect((await ask("attacker.example:8080")).status).toBe(403);
  });

  it("refuses posts sent by a page on another origin", async () => {
    const form = new FormData();
    form.append("file", new File([validScenario()], "inside.yaml"));
    const response = await main.app.request("http://localhost/api/uploads", {
      method: "POST",
      body: form,
      headers: { origin: "http://attacker.example" },
    });
    expect(response.status).toBe(403);
    const same = await main.app.request("http://localhost/api/validate", {
      method: "POST",
      headers: { origin: "http://localhost", "content-type": "application/json" },
      body: JSON.stringify({ source: { preset: "example" } }),
    });
    expect(same.status).toBe(200);
  });
});

async function waitForRun(id: string): Promise<RunStatus> {
  for (;;) {
    const response = await main.app.request(`/api/runs/${id}`);
    const { run } = (await response.json()) as { run: RunStatus };
    if (run.state === "done" || run.state === "failed") return run;
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Every status the progress stream sends, until it ends. */
async function progressEvents(id: string): Promise<RunStatus[]> {
  const response = await main.app.request(`/api/runs/${id}/progress`);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const text = await response.text();
  return Array.from(text.matchAll(/^data: (.*)$/gm), (match) => JSON.parse(match[1]) as RunStatus);
}

describe("runs", () => {
  it("keeps concurrent runs apart: each result is its own scenario's", async () => {
    const variants = [
      ["exchange.insuranceFund=1e6", "seed=3", "steps=150"],
      ["exchange.insuranceFund=9e6", "seed=4", "steps=150", "shock.drop=0.15"],
    ];
    const started = await Promise.all(
      variants.map(async (overrides) => {
        const response = await postJson("/api/runs", { source: { preset: "example" }, overrides });
        expect(response.status).toBe(202);
        return ((await response.json()) as { run: RunStatus }).run;
      }),
    );
    expect(new Set(started.map((run) => run.id)).size).toBe(2);
    const [streamed] = await Promise.all([
      progressEvents(started[1].id),
      ...started.map((run) => waitForRun(run.id)),
    ]);
    expect(streamed.at(-1)?.state).toBe("done");
    const steps = streamed.map((status) => status.step);
    expect(steps).toEqual([...steps].sort((left, right) => left - right));

    for (const [index, run] of started.entries()) {
      const response = await main.app.request(`/api/runs/${run.id}/report`);
      expect(response.status).toBe(200);
      const report = (await response.json()) as RunReport;
      // The same scenario loaded and run directly, in this process, must give the same numbers.
      const loaded = await loadScenario("example", { overrides: variants[index], cwd: root });
      const direct = runScenario(loaded.engine, { seed: loaded.scenario.seed });
      expect(report.status.model).toBe("perp");
      expect(report.summary?.scenarioHash).toBe(loaded.hash);
      expect(report.summary?.seed).toBe(loaded.scenario.seed);
      expect(report.summary?.insuranceFundStart).toBe(loaded.scenario.exchange.insuranceFund);
      expect(report.summary?.liquidatedNotional).toBe(direct.summary.liquidatedNotional);
      expect(report.summary?.adlNotional).toBe(direct.summary.adlNotional);
      expect(report.chartData?.price[0]).toHaveLength(151);
      const html = await main.app.request(`/api/runs/${run.id}/report.html`);
      expect(await html.text()).toContain("<title>example</title>");
    }
  });

  it("says which runs do not exist", async () => {
    for (const path of [
      "/api/runs/nope",
      "/api/runs/nope/report",
      "/api/runs/nope/report.html",
      "/api/runs/nope/progress",
    ]) {
      expect((await main.app.request(path)).status, path).toBe(404);
    }
  });

  it("does not start a run for an invalid scenario", async () => {
    const before = ((await (await main.app.request("/api/runs")).json()) as { runs: RunStatus[] })
      .runs;
    const response = await postJson("/api/runs", {
      source: { preset: "example" },
      overrides: ["steps=-1"],
    });
    expect(response.status).toBe(400);
    const after = ((await (await main.app.request("/api/runs")).json()) as { runs: RunStatus[] })
      .runs;
    expect(after).toHaveLength(before.length);
  });
});

describe("the page", () => {
  it("serves the page, its bundled script and uPlot", async () => {
    const page = await (await main.app.request("/")).text();
    expect(page).toContain('<script src="/assets/dashboard.js"></script>');
    for (const field of [
      "shockDrop",
      "leverage",
      "depthPerPercent",
      "insuranceFund",
      "adlRanking",
    ]) {
      expect(page).toContain(`id="param-${field}"`);
    }
    const script = await main.app.request("/assets/dashboard.js");
    expect(script.headers.get("content-type")).toContain("javascript");
    const code = await script.text();
    expect(code).toContain("/api/validate");
    expect(code).not.toMatch(/^import /m);
    expect((await main.app.request("/assets/uplot.js")).status).toBe(200);
  });
});
