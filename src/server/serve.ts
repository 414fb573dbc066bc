/**
 * `deleverage serve`: the dashboard on a local port. It binds to 127.0.0.1 unless told
 * otherwise, and on loopback it answers only requests addressed to a loopback name, so a web
 * page cannot reach it by pointing its own domain at 127.0.0.1 (DNS rebinding).
 */
import { lstat, readdir, realpath, rm, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import { UsageError } from "../scenario/errors.ts";
import { createDashboard } from "./app.ts";

const loopbackHosts = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export interface ServerOptions {
  port: number;
  host: string;
  dataDirectory?: string;
  maxConcurrentRuns?: number;
}

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * Removes upload folders (`deleverage-upload-*` in the temporary directory, this user's) that
 * servers before this version left behind when they were killed; this one writes none.
 */
async function removeStaleUploadFolders(): Promise<void> {
  const directory = tmpdir();
  const entries = await readdir(directory).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith("deleverage-upload-")) continue;
    const folder = path.join(directory, entry);
    const found = await lstat(folder).catch(() => undefined);
    if (found?.isDirectory() && found.uid === process.getuid?.()) {
      await rm(folder, { recursive: true, force: true });
    }
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  await removeStaleUploadFolders();
  const loopback = loopbackHosts.has(options.host);
  const dashboard = createDashboard({
    dataDirectory: options.dataDirectory,
    maxConcurrentRuns: options.maxConcurrentRuns,
    allowedHostnames: loopback ? ["127.0.0.1", "localhost", "[::1]"] : undefined,
  });
  const server = serve({ fetch: dashboard.app.fetch, port: options.port, hostname: options.host });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once("listening", () => resolve(server.address() as AddressInfo));
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new UsageError(`--port: ${options.port} is already in use; choose another port`)
          : error,
      );
    });
  });
  const hostText = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostText}:${address.port}/`,
    close: async () => {
      await dashboard.close();
      // Progress streams stay open until their run ends; the server does not wait for them.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ServeCommandOptions {
  port: string;
  host: string;
  dataDir?: string;
  runs?: string;
}

function integerOption(name: string, text: string, low: number, high: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < low || value > high) {
    throw new UsageError(
      `${name}: "${text}" is not allowed; expected an integer from ${low} to ${high}`,
    );
  }
  return value;
}

async function checkDirectory(text: string): Promise<string> {
  const directory = path.resolve(text);
  const found = await stat(directory).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new UsageError(`--data-dir: "${text}" is not allowed; expected an existing directory`);
  }
  // Data files are confined to the real folder, links resolved.
  return realpath(directory);
}

export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  const dataDirectory =
    options.dataDir === undefined ? undefined : await checkDirectory(options.dataDir);
  const server = await startServer({
    port: integerOption("--port", options.port, 0, 65_535),
    host: options.host,
    dataDirectory,
    maxConcurrentRuns:
      options.runs === undefined
        ? Math.max(1, availableParallelism() - 1)
        : integerOption("--runs", options.runs, 1, 64),
  });
  process.stdout.write(`deleverage dashboard: ${server.url} (Ctrl-C stops it)\n`);
  if (!loopbackHosts.has(options.host)) {
    process.stderr.write(
      `warning: listening on ${options.host}; anyone who can reach this address can run scenarios and upload files\n`,
    );
  }
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
