import { readFileSync } from "node:fs";
import { resolve } from "node:path";

let cached: string | undefined;

/** The package version, stamped into every summary so results name the code that made them. */
export function packageVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  return cached;
}
