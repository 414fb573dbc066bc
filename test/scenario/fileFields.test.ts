import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fileFieldPatterns, fileFieldValues } from "../../src/scenario/fileFields.ts";
import { dataFileRegistry } from "../../src/scenario/primitives.ts";
import { scenarioFileSchema } from "../../src/scenario/schema.ts";

/** Every string field of the scenario schema, with its path ("*" for list items). */
function stringFields(): { path: string; schema: z.core.$ZodType }[] {
  const found: { path: string; schema: z.core.$ZodType }[] = [];
  const seen = new Set<z.core.$ZodType>();
  const visit = (schema: z.core.$ZodType, at: string[]): void => {
    if (seen.has(schema)) return;
    seen.add(schema);
    if (schema instanceof z.ZodString) found.push({ path: at.join("."), schema });
    else if (
      schema instanceof z.ZodOptional ||
      schema instanceof z.ZodNullable ||
      schema instanceof z.ZodDefault ||
      schema instanceof z.ZodLazy
    ) {
      visit(schema.unwrap(), at);
    } else if (schema instanceof z.ZodUnion) {
      for (const option of schema.options) visit(option, at);
    } else if (schema instanceof z.ZodObject) {
      for (const [key, field] of Object.entries(schema.shape)) {
        visit(field as z.core.$ZodType, [...at, key]);
      }
    } else if (schema instanceof z.ZodArray) visit(schema.element, [...at, "*"]);
    else if (schema instanceof z.ZodRecord) visit(schema.valueType, [...at, "*"]);
  };
  visit(scenarioFileSchema, []);
  return found;
}

describe("file fields", () => {
  it("every string field whose name or description says it is a file is declared with dataFilePath", () => {
    const suspicious = stringFields().filter(
      ({ path, schema }) =>
        /(file|csv|json)$/i.test(path.split(".").at(-1) ?? "") ||
        /\b(CSV|JSON)\b/.test((schema as z.ZodString).description ?? ""),
    );
    expect(suspicious.length).toBeGreaterThan(0);
    for (const { path, schema } of suspicious) {
      expect(dataFileRegistry.has(schema), `${path} names a file but is not a dataFilePath`).toBe(
        true,
      );
    }
  });

  it("lists the file fields of every model, and finds their values in a scenario", () => {
    expect(fileFieldPatterns().map((pattern) => pattern.join("."))).toEqual([
      "assets.*.path.csv",
      "assets.*.path.file",
      "gas.file",
      "market.orderBook.depthCsv.file",
      "markets.*.orderBook.depthCsv.file",
      "markets.*.reservesFile.file",
      "markets.*.shock.csv",
      "positions.csv",
      "positions.csv.file",
      "positions.wallets",
      "shock.csv",
      "venues.*.market.orderBook.depthCsv.file",
    ]);
    const values = fileFieldValues({
      assets: [{ path: { kind: "coinApi", file: "a.json" } }, { price: 1 }],
      gas: { file: 7 },
      markets: [{}, { reservesFile: { file: "r.json" } }],
    });
    expect(values).toEqual([
      { fieldPath: ["assets", 0, "path", "file"], value: "a.json" },
      { fieldPath: ["markets", 1, "reservesFile", "file"], value: "r.json" },
    ]);
  });
});
