#!/usr/bin/env node
// Runs the compiled program in dist/ (built by `npm ci`, `npm install` and `npm run build`) when
// it is up to date, and the TypeScript sources through tsx otherwise (no build yet, or a source
// changed since the build), so a stale build never runs.
import { compiledProgram } from "./compiledProgram.js";

const compiled = compiledProgram();
if (compiled !== undefined) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
