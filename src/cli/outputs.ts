/**
 * Writes a run's files so that a folder never holds half a result: everything goes to a temporary
 * sibling folder first and is renamed into place only once every file is complete.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

export function writeOutputs(
  outDirectory: string,
  files: Record<string, string | Uint8Array>,
): void {
  const target = resolve(outDirectory);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.tmp-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(staging, name), content);
    mkdirSync(target, { recursive: true });
    for (const name of Object.keys(files)) renameSync(join(staging, name), join(target, name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
