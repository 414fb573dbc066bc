// Whether dist/ holds a build of the current sources: scripts/build.ts records when it started
// and every file it depends on in dist/build-inputs.json; any of them modified since (or removed)
// makes the build stale. A few hundred stat calls: about a millisecond.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The URL of the compiled command line, or undefined when it is missing or stale. */
export function compiledProgram(root = defaultRoot) {
  let record;
  try {
    record = JSON.parse(readFileSync(path.join(root, "dist", "build-inputs.json"), "utf8"));
  } catch {
    return undefined;
  }
  if (typeof record?.startedAt !== "number" || !Array.isArray(record.inputs)) return undefined;
  for (const input of record.inputs) {
    const status = statSync(path.join(root, input), { throwIfNoEntry: false });
    if (status === undefined || status.mtimeMs > record.startedAt) return undefined;
  }
  return pathToFileURL(path.join(root, "dist", "cli.js"));
}
