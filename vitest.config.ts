import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    pool: "forks",
    // The JSON report lets .ci/run print "N passed, N failed" from the same `npm test` run.
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
});
