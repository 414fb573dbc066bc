import { readFileSync } from "node:fs";
import path from "node:path";
import { compiledFolder, runsCompiled } from "../packageFiles.ts";

/**
 * The schema as `deleverage schema` prints it, written by scripts/build.ts: the compiled command
 * prints this file instead of loading zod and the scenario schema and converting them, which is
 * most of its start-up (issue 12 asks for `schema` under 0.3 s).
 */
export const prebuiltSchemaPath = path.join(compiledFolder, "scenario.schema.json");

export async function schemaCommand(): Promise<void> {
  const text = runsCompiled
    ? readFileSync(prebuiltSchemaPath, "utf8")
    : (await import("../scenario/jsonSchema.ts")).scenarioJsonSchemaText();
  process.stdout.write(text);
}
