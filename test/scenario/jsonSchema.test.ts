import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/scenario/jsonSchema.ts";

interface ObjectSchema {
  type: string;
  required: string[];
  additionalProperties: boolean;
  properties: Record<
    string,
    { const?: string; oneOf?: { properties: { kind: { const: string } } }[] }
  >;
}

describe("scenarioJsonSchema", () => {
  const file = scenarioJsonSchema() as { $schema: string; title: string; oneOf: ObjectSchema[] };
  const schema = file.oneOf[0];

  it("is a draft 2020-12 schema with one strict object per model", () => {
    expect(file.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(file.title).toBe("deleverage scenario");
    expect(file.oneOf.map((model) => model.properties.model.const)).toEqual([
      "perp",
      "tfg",
      "lending",
    ]);
    for (const model of file.oneOf) {
      expect(model.type).toBe("object");
      expect(model.additionalProperties).toBe(false);
    }
  });

  it("describes input: fields with defaults are optional, the rest required", () => {
    // asset + market or markets: one of the two is required, which the loader checks.
    expect(schema.required.sort()).toEqual(["name", "positions"]);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        "seed",
        "steps",
        "dt",
        "exchange",
        "shock",
        "asset",
        "market",
        "markets",
      ]),
    );
  });

  it("lists every shock kind as an alternative", () => {
    const kinds = schema.properties.shock.oneOf?.map((option) => option.properties.kind.const);
    expect(kinds).toEqual([
      "none",
      "instant",
      "linear",
      "steps",
      "path",
      "gbm",
      "jump",
      "garch",
      "regimes",
    ]);
  });

  it("serialises to JSON and back unchanged", () => {
    expect(JSON.parse(JSON.stringify(file))).toEqual(file);
  });
});
