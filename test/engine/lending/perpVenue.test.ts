import { describe, expect, it } from "vitest";
import { runLending } from "../../../src/engine/lending/run.ts";
import { ScenarioError } from "../../../src/scenario/errors.ts";
import { loadAnyScenario } from "../../../src/scenario/load.ts";

async function crossVenue(overrides: string[] = []) {
  const loaded = await loadAnyScenario("cross-venue", { overrides });
  if (loaded.model !== "lending") throw new Error(`loaded as ${loaded.model}`);
  return runLending(loaded.engine, { seed: loaded.scenario.seed, runIndex: 0 });
}

describe("a perp venue in the lending world (cross-venue preset)", () => {
  it("gets the pool's price as its index every step, and the ledger still balances", async () => {
    const run = await crossVenue();
    const column = (name: string): Float64Array =>
      run.world.series[run.world.columns.indexOf(name)];
    expect(Array.from(column("perp.index"))).toEqual(Array.from(column("ETH.market")));
    for (const entry of run.world.ledger) expect(entry.drift).toBeLessThan(1e-12);
    const perp = run.perp[1];
    expect(perp?.liquidationCount).toBe(run.venues[1].liquidationCount);
    expect(run.venues[1].kind).toBe("perp");
  });

  it("on-chain liquidation sales reach the perp: more perp liquidations on the pool's price than on the oracle's", async () => {
    const onPool = await crossVenue();
    const onOracle = await crossVenue(["venues.1.index=oracle"]);
    // The lending side is the same run: the perp never feeds back into the pool.
    expect(onOracle.venues[0]).toEqual(onPool.venues[0]);
    expect(onPool.venues[1].liquidatedCollateralUsd).toBeGreaterThan(
      onOracle.venues[1].liquidatedCollateralUsd * 1.2,
    );
  });

  it("rejects a perp on an unknown asset", async () => {
    await expect(
      loadAnyScenario("cross-venue", { overrides: ["venues.1.asset=BTC"] }),
    ).rejects.toThrow(ScenarioError);
    await expect(
      loadAnyScenario("cross-venue", { overrides: ["venues.1.asset=BTC"] }),
    ).rejects.toThrow(
      /venues\.1\.asset: "BTC" is not allowed; unknown asset "BTC"; assets are ETH, DAI/,
    );
  });
});
