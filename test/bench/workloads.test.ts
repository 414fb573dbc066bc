import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { writeW1 } from "../../bench/w1Workload.ts";
import { standardWorkload } from "../../bench/workload.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { scratchFolder } from "../support/cli.ts";
import { positionRows } from "../support/positions.ts";

const bench = resolve(import.meta.dirname, "../../bench");

describe("benchmark workloads", () => {
  it("standard-workload.yaml is bench/workload.ts as a scenario file", async () => {
    const loaded = await loadScenario(join(bench, "standard-workload.yaml"));
    const { positions, ...engine } = loaded.engine;
    const { positions: expectedPositions, ...expected } = standardWorkload();
    expect(engine).toEqual(expected);
    expect(positions.population).toEqual(expectedPositions.population);
    expect(positions.explicit.count).toBe(0);
    expect(loaded.scenario.seed).toBe(1);
  });

  it("W1 follows the issue's formulas (first rows worked by hand)", async () => {
    const folder = scratchFolder("deleverage-w1-");
    const files = writeW1(folder, 5);
    const loaded = await loadScenario(files.scenario);
    const rows = positionRows(loaded.engine.positions.explicit);
    // i = 1: u1 = 2654435761 / 2^32, u2 = (2246822519 + 374761393) / 2^32; leverage 10.
    const u1 = 2654435761 / 2 ** 32;
    const u2 = (2246822519 + 374761393) / 2 ** 32;
    expect(rows[1].entryPrice).toBe(90 + 10 * u2);
    expect(rows[1].collateral).toBe((1000 + 99000 * u1) / 10);
    expect(rows[1].size).toBe((1000 + 99000 * u1) / (90 + 10 * u2));
    expect(rows.map((row) => row.side)).toEqual(Array(5).fill("long"));
    const market = loaded.engine.markets[0].liquidity;
    expect(market.kind === "orderBook" && market.bids[0]).toEqual({
      price: 99,
      size: files.longQuantity / 10,
    });
    expect(readFileSync(files.positions, "utf8").split("\n")[0]).toBe(
      "account,side,size,entryPrice,collateral",
    );
  });
});
