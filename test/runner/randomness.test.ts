import { describe, expect, it } from "vitest";
import { perpRandomness, randomnessText } from "../../src/runner/randomness.ts";
import { loadScenario } from "../../src/scenario/load.ts";

describe("what a batch randomises", () => {
  it("example: only the population is redrawn; the linear index path is the same in every run", async () => {
    const loaded = await loadScenario("example", {});
    const randomness = perpRandomness(loaded.engine);
    expect(randomness.varies).toEqual([
      "the position population (20000 positions: sides, leverage, entry prices, sizes)",
    ]);
    expect(randomness.fixed[0]).toBe("the index path (linear shock)");
    expect(randomnessText(randomness)).toMatch(
      /^Between runs only the position population .* varies; the same in every run: the index path \(linear shock\) and the order book/,
    );
  });

  it("a jump shock is drawn anew; explicit positions never are", async () => {
    const loaded = await loadScenario("example", {
      overrides: [
        "shock={kind: jump, sigmaDaily: 0.04, jumpsPerDay: 300, jumpMean: -0.015, jumpSigma: 0.01}",
      ],
    });
    expect(perpRandomness(loaded.engine).varies[0]).toBe("the index path (jump shock, drawn anew)");
  });
});
