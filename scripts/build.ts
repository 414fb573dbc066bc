/**
 * `npm run build` (also run by `npm ci` and `npm install` through `prepare`): compiles the program
 * into dist/ so that the command line, the stress workers and the dashboard's run worker start
 * without compiling TypeScript at run time.
 *
 * - One esbuild bundle per entry point, ES modules with shared chunks, every file directly in
 *   dist/ (src/packageFiles.ts relies on that to find the package root). Pure-JavaScript
 *   dependencies are bundled in, which saves loading hundreds of small files at start-up; native
 *   and worker-spawning packages stay external and load from node_modules.
 * - The browser scripts a report or the dashboard inlines, built by the same `browserBundle` the
 *   sources use at run time, so the bytes are the same either way (dist/browser/).
 * - The scenario JSON Schema as `deleverage schema` prints it (dist/scenario.schema.json), so the
 *   compiled command prints a file instead of loading zod to convert the schema.
 * - dist/build-inputs.json: when the build started and the files it depends on (all of src/ and
 *   the build's own configuration). bin/deleverage.js runs the compiled program only while none
 *   of them changed since, and the sources through tsx otherwise, so an edit never runs against
 *   a stale build.
 *
 * The build goes to a temporary folder that replaces dist/ only once complete.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { prebuiltSchemaPath } from "../src/cli/schema.ts";
import { compiledFolder, packageRoot } from "../src/packageFiles.ts";
import { browserBundle, prebuiltBundlePath, reportClientEntry } from "../src/report/assets.ts";
import { scenarioJsonSchemaText } from "../src/scenario/jsonSchema.ts";
import { dashboardEntry } from "../src/server/page.ts";

/**
 * Entry points of the compiled program: dist/NAME.js ← source. bin/deleverage.js starts `cli`;
 * src/packageFiles.ts names the workers.
 */
const entryPoints: Record<string, string> = {
  cli: "src/cli/main.ts",
  "runner-worker": "src/runner/worker.ts",
  "server-worker": "src/server/runWorker.ts",
  "server-validation-worker": "src/server/validationWorker.ts",
};

/** Loaded from node_modules at run time: native code, or packages that start their own workers. */
const externalPackages = [
  "@duckdb/node-api",
  "@resvg/resvg-js",
  "bullmq",
  "esbuild",
  "ioredis",
  "piscina",
  "playwright-core",
  "tsx",
];

/** Bundled CommonJS packages call require() for Node's own modules, which ES modules lack. */
const requireShim =
  'import { createRequire as createRequireForBundle } from "node:module";\n' +
  "const require = createRequireForBundle(import.meta.url);";

/** Extra files whose change makes a build stale, besides everything under src/. */
const otherInputs = ["scripts/build.ts", "package.json", "package-lock.json"];

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(packageRoot, folder), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(folder, entry.name);
    return entry.isDirectory() ? sourceFiles(relative) : [relative];
  });
}

async function buildProgram(): Promise<void> {
  // Inputs are compared with the time the build started: a file saved during the build is newer.
  const startedAt = Date.now();
  const staging = `${compiledFolder}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await build({
      entryPoints,
      absWorkingDir: packageRoot,
      outdir: staging,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      external: externalPackages,
      banner: { js: requireShim },
      legalComments: "none",
      logLevel: "warning",
    });
    mkdirSync(path.join(staging, "browser"));
    for (const entry of [reportClientEntry, dashboardEntry]) {
      const target = path.join(staging, path.relative(compiledFolder, prebuiltBundlePath(entry)));
      writeFileSync(target, browserBundle(entry));
    }
    writeFileSync(
      path.join(staging, path.relative(compiledFolder, prebuiltSchemaPath)),
      scenarioJsonSchemaText(),
    );
    const inputs = [...sourceFiles("src"), ...otherInputs].sort();
    writeFileSync(
      path.join(staging, "build-inputs.json"),
      `${JSON.stringify({ startedAt, inputs })}\n`,
    );
    const previous = `${compiledFolder}.old-${process.pid}`;
    rmSync(previous, { recursive: true, force: true });
    try {
      renameSync(compiledFolder, previous);
    } catch {
      // No earlier build.
    }
    renameSync(staging, compiledFolder);
    rmSync(previous, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

await buildProgram();
