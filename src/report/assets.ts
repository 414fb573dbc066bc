/**
 * The browser-side files a report or the dashboard ships: uPlot as published, and our TypeScript
 * bundled with esbuild. Running from the sources bundles on first use; the compiled program reads
 * the same bundles written by scripts/build.ts (which calls `browserBundle` here), so it neither
 * starts esbuild nor needs it. Minified output holds no file paths, and a given esbuild version
 * turns the same sources into the same bytes, which keeps reports byte-identical.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { compiledFolder, packageRoot, runsCompiled } from "../packageFiles.ts";

export interface UplotAssets {
  script: string;
  css: string;
}

let cachedUplot: UplotAssets | undefined;

export function uplotAssets(): UplotAssets {
  if (cachedUplot === undefined) {
    const require = createRequire(import.meta.url);
    cachedUplot = {
      script: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
      css: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    };
  }
  return cachedUplot;
}

/** The script report.html inlines. */
export const reportClientEntry = path.join(packageRoot, "src/report/client/reportPage.ts");

/** Where the compiled program keeps the bundle of a browser entry: dist/browser/NAME.js. */
export function prebuiltBundlePath(entry: string): string {
  return path.join(compiledFolder, "browser", `${path.basename(entry, ".ts")}.js`);
}

const bundles = new Map<string, string>();

/** `entry` and everything it imports as one browser script (an IIFE), cached per process. */
export function browserBundle(entry: string): string {
  let code = bundles.get(entry);
  if (code === undefined) {
    code = runsCompiled ? readFileSync(prebuiltBundlePath(entry), "utf8") : bundleNow(entry);
    bundles.set(entry, code);
  }
  return code;
}

/** esbuild is loaded only here: the compiled program never needs it. */
function bundleNow(entry: string): string {
  const require = createRequire(import.meta.url);
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const built = buildSync({
    entryPoints: [entry],
    absWorkingDir: packageRoot,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    charset: "utf8",
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  return built.outputFiles[0].text;
}
