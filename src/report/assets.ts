/**
 * The browser-side files a report or the dashboard ships: uPlot as published, and our TypeScript
 * bundled with esbuild (already installed as tsx's compiler, so a fresh clone needs no build
 * step). Minified output holds no file paths, and a given esbuild version turns the same sources
 * into the same bytes, which keeps reports byte-identical.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buildSync } from "esbuild";

const projectRoot = path.resolve(import.meta.dirname, "../..");

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
export const reportClientEntry = path.join(projectRoot, "src/report/client/reportPage.ts");

const bundles = new Map<string, string>();

/** `entry` and everything it imports as one browser script (an IIFE), cached per process. */
export function browserBundle(entry: string): string {
  let code = bundles.get(entry);
  if (code === undefined) {
    const built = buildSync({
      entryPoints: [entry],
      absWorkingDir: projectRoot,
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
    code = built.outputFiles[0].text;
    bundles.set(entry, code);
  }
  return code;
}
