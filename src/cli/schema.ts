import { scenarioJsonSchema } from "../scenario/jsonSchema.ts";

export function schemaCommand(): void {
  process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
}
