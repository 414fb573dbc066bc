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
    const onPool = await crossVenue(["venues.1.basis.capital=0"]);
    const onOracle = await crossVenue(["venues.1.index=oracle", "venues.1.basis.capital=0"]);
    // The lending side is the same run: without the makers' hedge the perp never feeds back.
    expect(onOracle.venues[0]).toEqual(onPool.venues[0]);
    expect(onPool.venues[1].liquidatedCollateralUsd).toBeGreaterThan(
      onOracle.venues[1].liquidatedCollateralUsd * 1.2,
    );
  });

  it("the way back: the perp makers' spot hedge pushes the pool further and liquidates more on Aave", async () => {
    const twoWay = await crossVenue();
    const oneWay = await crossVenue(["venues.1.basis.capital=0"]);
    const lowest = (run: Awaited<ReturnType<typeof crossVenue>>): number =>
      Math.min(...run.world.series[run.world.columns.indexOf("ETH.market")]);
    expect(lowest(twoWay)).toBeLessThan(lowest(oneWay) * 0.99);
    expect(twoWay.venues[0].liquidatedCollateralUsd).toBeGreaterThan(
      oneWay.venues[0].liquidatedCollateralUsd,
    );
    const hedged = twoWay.world.series[twoWay.world.columns.indexOf("perp.hedgeSoldUsd")];
    expect(hedged.reduce((total, value) => total + value, 0)).toBeGreaterThan(1e6);
    // Both ledgers balance: the world's (the hedger's ETH and DAI included) and the perp's own.
    for (const entry of twoWay.world.ledger) expect(entry.drift).toBeLessThan(1e-12);
    const perpLedger = twoWay.perp[1]?.ledger;
    expect(Math.abs(perpLedger?.drift ?? Number.NaN)).toBeLessThan(
      1e-9 * (perpLedger?.valueStart ?? 0),
    );
  });

  it("rejects a hedge paid in the perp's own asset", async () => {
    await expect(
      loadAnyScenario("cross-venue", { overrides: ["venues.1.basis.quote=ETH"] }),
    ).rejects.toThrow(/venues\.1\.basis\.quote: "ETH" is not allowed; .*the perp's own asset/);
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
