/**
 * Where the files the program reads at run time live (presets, package.json, the browser
 * scripts, the worker entry points), the same way whether the code runs from src/ through tsx
 * or compiled into dist/ by scripts/build.ts. This file sits one folder below the package root
 * and the build puts every compiled file (entries and shared chunks) one folder below it too,
 * so `..` from here is the package root in both cases. Nothing else should compute paths from
 * its own location: a bundled module no longer sits where its source did.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

export const packageRoot = path.resolve(import.meta.dirname, "..");

/** True when running the compiled JavaScript in dist/, false when running the sources. */
export const runsCompiled = !import.meta.url.endsWith(".ts");

/** Folder of the compiled program, written by `npm run build` (and by `npm ci`). */
export const compiledFolder = path.join(packageRoot, "dist");

/** A compiled entry point (see scripts/build.ts), as a URL for Worker and piscina. */
export function compiledEntry(name: "runner-worker" | "server-worker"): URL {
  return pathToFileURL(path.join(compiledFolder, `${name}.js`));
}
