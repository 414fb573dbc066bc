import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "bin/deleverage.js");

function serve(...args: string[]): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [cli, "serve", ...args], { cwd: root });
  return new Promise((resolveStart, reject) => {
    let output = "";
    server.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/\S+\/)/.exec(output);
      if (match !== null) resolveStart({ server, url: match[1] });
    });
    server.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

function statusWithHost(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolveStatus, reject) => {
    const request = get(url, { headers: { host } }, (response) => {
      response.resume();
      resolveStatus(response.statusCode);
    });
    request.on("error", reject);
  });
}

async function failure(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(process.execPath, [cli, "serve", ...args], { cwd: root });
    return { code: 0, stderr: "" };
  } catch (error) {
    return error as { code: number; stderr: string };
  }
}

describe("deleverage serve", () => {
  it("listens on loopback by default and stops cleanly on SIGTERM", async () => {
    const { server, url } = await serve("--port", "0");
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const response = await fetch(`${url}api/presets`);
      expect(response.status).toBe(200);
      // fetch may not set Host; a page reached through DNS rebinding would carry its own name.
      expect(await statusWithHost(`${url}api/presets`, "attacker.example")).toBe(403);
      expect(await statusWithHost(`${url}api/presets`, "localhost")).toBe(200);
    } finally {
      const exited = new Promise<number | null>((done) => server.once("exit", done));
      server.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });

  it("exits 2 with a message for a bad port or data directory", async () => {
    const port = await failure("--port", "99999");
    expect(port.code).toBe(2);
    expect(port.stderr).toContain(
      '--port: "99999" is not allowed; expected an integer from 0 to 65535',
    );
    const data = await failure("--port", "0", "--data-dir", join(root, "no-such-folder"));
    expect(data.code).toBe(2);
    expect(data.stderr).toContain("--data-dir:");
  });

  it("removes upload folders a killed server left behind, at start", async () => {
    const stale = join(tmpdir(), "deleverage-upload-stale0");
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, "crash.yaml"), "name: x\n");
    const { server } = await serve("--port", "0");
    try {
      expect(existsSync(stale)).toBe(false);
    } finally {
      const exited = new Promise<number | null>((done) => server.once("exit", done));
      server.kill("SIGTERM");
      await exited;
    }
  });

  it("answers other requests and stops on SIGTERM while a 1 MB upload is validated", async () => {
    let text = readFileSync(join(root, "scenarios/example.yaml"), "utf8");
    for (let key = 0; text.length < 1_000_000; key++) text += `k${key}: 1\n`;
    const { server, url } = await serve("--port", "0");
    const form = new FormData();
    form.append("file", new File([text], "keys.yaml"));
    const uploading = fetch(`${url}api/uploads`, { method: "POST", body: form }).catch(
      () => undefined,
    );
    const presets = await fetch(`${url}api/presets`);
    expect(presets.status).toBe(200);
    const exited = new Promise<number | null>((done) => server.once("exit", done));
    const stopping = performance.now();
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    // Well before a validation of minutes would end; the figure is noisy, so only its order.
    expect(performance.now() - stopping).toBeLessThan(15_000);
    await uploading;
  });
});
