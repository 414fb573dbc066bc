/**
 * Every scenario field that names a data file, of every model, found by walking the scenario
 * schema for the fields declared with `dataFilePath` (primitives.ts). The loader checks all of
 * them before it reads any file, and the dashboard confines all of them to its data directory,
 * so a file field added to any schema is covered by being declared that way; a test fails for a
 * string field whose name says "file" but that is declared otherwise.
 */
import { z } from "zod";
import { isRecord } from "./errors.ts";
import { dataFileRegistry } from "./primitives.ts";
import { scenarioFileSchema } from "./schema.ts";

/** A field path with "*" standing for any list index or record key. */
export type FileFieldPattern = readonly string[];

export interface FileFieldValue {
  /** Concrete path, e.g. ["assets", 0, "path", "file"]. */
  fieldPath: (string | number)[];
  value: string;
}

function collect(schema: z.core.$ZodType, prefix: string[], found: Map<string, string[]>): void {
  const stack: { schema: z.core.$ZodType; prefix: string[] }[] = [{ schema, prefix }];
  // Lazy schemas are entered once per path: the scenario schemas are not recursive, and this
  // keeps the walk finite if one ever becomes so.
  const seen = new Set<string>();
  while (stack.length > 0) {
    const { schema: current, prefix: at } = stack.pop() as (typeof stack)[number];
    if (dataFileRegistry.has(current)) {
      found.set(at.join("."), at);
      continue;
    }
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      stack.push({ schema: current.unwrap(), prefix: at });
    } else if (current instanceof z.ZodLazy) {
      const key = `${at.join(".")}#lazy`;
      if (seen.has(key)) continue;
      seen.add(key);
      stack.push({ schema: current.unwrap(), prefix: at });
    } else if (current instanceof z.ZodPipe) {
      stack.push({ schema: current.def.in, prefix: at });
    } else if (current instanceof z.ZodUnion) {
      for (const option of current.options) stack.push({ schema: option, prefix: at });
    } else if (current instanceof z.ZodObject) {
      for (const [key, field] of Object.entries(current.shape)) {
        stack.push({ schema: field as z.core.$ZodType, prefix: [...at, key] });
      }
    } else if (current instanceof z.ZodArray) {
      stack.push({ schema: current.element, prefix: [...at, "*"] });
    } else if (current instanceof z.ZodRecord) {
      stack.push({ schema: current.valueType, prefix: [...at, "*"] });
    }
  }
}

/** The file fields of `schema` (by default every scenario model's), sorted by path. */
export function fileFieldPatterns(
  schema: z.core.$ZodType = scenarioFileSchema,
): FileFieldPattern[] {
  const found = new Map<string, string[]>();
  collect(schema, [], found);
  return [...found.keys()].sort().map((key) => found.get(key) as string[]);
}

let everyPattern: FileFieldPattern[] | undefined;

/**
 * The file fields a scenario (as plain data: validated, or raw from a file) fills in, each with
 * its concrete path. Values that are not strings are left to validation.
 */
export function fileFieldValues(data: unknown): FileFieldValue[] {
  everyPattern ??= fileFieldPatterns();
  const values: FileFieldValue[] = [];
  for (const pattern of everyPattern) {
    let frontier: { value: unknown; fieldPath: (string | number)[] }[] = [
      { value: data, fieldPath: [] },
    ];
    for (const key of pattern) {
      const next: typeof frontier = [];
      for (const { value, fieldPath } of frontier) {
        if (key === "*") {
          if (Array.isArray(value)) {
            value.forEach((item, index) => {
              next.push({ value: item, fieldPath: [...fieldPath, index] });
            });
          } else if (isRecord(value)) {
            for (const [name, item] of Object.entries(value)) {
              next.push({ value: item, fieldPath: [...fieldPath, name] });
            }
          }
        } else if (isRecord(value) && Object.hasOwn(value, key)) {
          next.push({ value: value[key], fieldPath: [...fieldPath, key] });
        }
      }
      frontier = next;
    }
    for (const { value, fieldPath } of frontier) {
      if (typeof value === "string") values.push({ fieldPath, value });
    }
  }
  return values;
}
