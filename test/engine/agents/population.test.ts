import { describe, expect, it } from "vitest";
import { generatePopulation } from "../../../src/engine/agents/population.ts";
import { runStreams } from "../../../src/engine/random.ts";
import { MarginTiers } from "../../../src/engine/venue/marginTiers.ts";
import { PositionStore } from "../../../src/engine/venue/positionStore.ts";
import { defaultTiers } from "../../../src/scenario/schema.ts";
import { population } from "../fixtures.ts";

const tiers = new MarginTiers(defaultTiers);

function generate(count: number): PositionStore {
  const store = new PositionStore(count);
  generatePopulation(
    population({
      count,
      notional: { distribution: "pareto", min: 1_000, alpha: 1.5, max: 5_000_000 },
    }),
    [{ ...population(), price: 100_000, tiers, share: 1 }],
    store,
    runStreams(5, 0).population,
  );
  return store;
}

describe("generated population", () => {
  const count = 100_000;
  const store = generate(count);

  it("follows the long share and leverage mix within sampling error", () => {
    let longs = 0;
    const byLeverage = new Map<number, number>();
    for (let id = 0; id < count; id++) {
      if (store.side[id] > 0) longs++;
      const leverage = Math.round((store.size[id] * store.entryPrice[id]) / store.collateral[id]);
      byLeverage.set(leverage, (byLeverage.get(leverage) ?? 0) + 1);
    }
    // Binomial standard error at n = 100,000 is at most 0.0016; allow 5 of them.
    expect(Math.abs(longs / count - 0.8)).toBeLessThan(0.008);
    for (const [leverage, share] of [
      [5, 0.15],
      [10, 0.3],
      [25, 0.25],
      [50, 0.2],
      [100, 0.1],
    ]) {
      expect(Math.abs((byLeverage.get(leverage) ?? 0) / count - share)).toBeLessThan(0.008);
    }
  });

  it("never opens a position above the leverage its bracket allows", () => {
    for (let id = 0; id < count; id++) {
      const notional = store.size[id] * store.entryPrice[id];
      const leverage = notional / store.collateral[id];
      expect(leverage).toBeLessThanOrEqual(tiers.maxLeverageFor(notional) * (1 + 1e-9));
    }
  });

  it("draws Pareto notionals: the median is min × 2^(1/alpha)", () => {
    const notionals = Float64Array.from(
      { length: count },
      (_, id) => store.size[id] * store.entryPrice[id],
    );
    notionals.sort();
    // Median of Pareto(1,000, 1.5) = 1,000 × 2^(2/3) = 1,587.4 (caps only touch the far tail).
    expect(notionals[count / 2] / 1587.4).toBeGreaterThan(0.98);
    expect(notionals[count / 2] / 1587.4).toBeLessThan(1.02);
  });
});
