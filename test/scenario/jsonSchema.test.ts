import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/scenario/jsonSchema.ts";

describe("scenarioJsonSchema", () => {
  const schema = scenarioJsonSchema() as {
    $schema: string;
    title: string;
    type: string;
    required: string[];
    additionalProperties: boolean;
    properties: Record<string, { oneOf?: { properties: { kind: { const: string } } }[] }>;
  };

  it("is a draft 2020-12 object schema that rejects unknown top-level fields", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.title).toBe("deleverage scenario");
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
  });

  it("describes input: fields with defaults are optional, the rest required", () => {
    expect(schema.required.sort()).toEqual(["asset", "market", "name", "positions"]);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["seed", "steps", "dt", "exchange", "shock"]),
    );
  });

  it("lists every shock kind as an alternative", () => {
    const kinds = schema.properties.shock.oneOf?.map((option) => option.properties.kind.const);
    expect(kinds).toEqual(["none", "instant", "linear", "steps", "path", "gbm", "jump"]);
  });

  it("serialises to JSON and back unchanged", () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});
