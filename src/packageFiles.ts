/**
 * Where the files the program reads at run time live (presets, package.json, the browser
 * scripts, the worker entry points), the same way whether the code runs from src/ through tsx
 * or compiled into dist/ by scripts/build.ts. This file sits one folder below the package root
 * and the build puts every compiled file (entries and shared chunks) one folder below it too,
 * so `..` from here is the package root in both cases. Nothing else should compute paths from
 * its own location: a bundled module no longer sits where its source did.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const packageRoot = path.resolve(import.meta.dirname, "..");

/** True when running the compiled JavaScript in dist/, false when running the sources. */
export const runsCompiled = !import.meta.url.endsWith(".ts");

/** Folder of the compiled program, written by `npm run build` (and by `npm ci`). */
export const compiledFolder = path.join(packageRoot, "dist");

/** The worker threads, by the name of their compiled entry point (see scripts/build.ts). */
export type WorkerName = "runner-worker" | "server-worker" | "server-validation-worker";

/** A compiled entry point (see scripts/build.ts), as a URL for Worker and piscina. */
export function compiledEntry(name: WorkerName): URL {
  return pathToFileURL(path.join(compiledFolder, `${name}.js`));
}

/**
 * Running from the sources, worker threads do not inherit loader hooks registered at run time
 * (bin/deleverage.js registers tsx that way), so each worker loads tsx itself, by absolute path so
 * it resolves wherever the command is run from.
 */
export const typescriptLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * A piscina worker's entry point and Node options: the compiled worker when the program runs
 * compiled, else `source` (the worker's TypeScript file) with the tsx loader. (A plain Worker
 * ignores `--import` for its main module; the dashboard's run worker registers tsx itself.)
 */
export function workerStart(
  name: WorkerName,
  source: URL,
): { filename: string; execArgv?: string[] } {
  if (runsCompiled) return { filename: compiledEntry(name).href };
  return { filename: source.href, execArgv: ["--import", typescriptLoader] };
}
