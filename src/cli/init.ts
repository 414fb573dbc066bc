/**
 * `deleverage init [FILE]`: writes the commented scenario template to FILE (scenario.yaml by
 * default). An existing file is never overwritten: that is invalid input, exit 2.
 */
import { writeFileSync } from "node:fs";
import { UsageError } from "../scenario/errors.ts";
import { scenarioTemplate } from "../scenario/template.ts";

export function initCommand(file: string): void {
  try {
    // "wx" creates the file or fails if it exists, in one step: no race with another writer.
    writeFileSync(file, scenarioTemplate, { flag: "wx" });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EEXIST") {
      throw new UsageError(
        `${file}: the file exists and is not overwritten; name another file, e.g. deleverage init mine.yaml`,
      );
    }
    if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "ENOTDIR") {
      throw new UsageError(
        `${file}: cannot be written (${code}); name a file in a folder you can write to`,
      );
    }
    throw error;
  }
  process.stdout.write(
    `Wrote ${file}. Run it: deleverage run ${file} --out out/${file.replace(/\.\w+$/, "").replace(/.*\//, "")}\n`,
  );
}
