/**
 * The scenario contract as JSON Schema (draft 2020-12), for editors and other tools. It describes
 * what may be written in a file (`io: "input"`: fields with defaults are optional). Refinements such
 * as "must be > 0" or "exactly one of levels, shape, depthCsv" are code, not data, so the JSON Schema
 * is looser than the loader: a file that passes it can still be rejected with a located message.
 */
import { z } from "zod";
import { scenarioFileSchema } from "./schema.ts";

export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioFileSchema, {
      io: "input",
      // A schema type with no JSON Schema form (a transform, say) becomes "anything" rather than
      // making `deleverage schema` fail for every field because of one.
      unrepresentable: "any",
    }),
    title: "deleverage scenario",
  };
}

/** The schema as `deleverage schema` prints it (and as the build stores it, src/cli/schema.ts). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
