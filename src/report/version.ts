import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../packageFiles.ts";

let cached: string | undefined;

/** The package version, stamped into every summary so results name the code that made them. */
export function packageVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  return cached;
}
