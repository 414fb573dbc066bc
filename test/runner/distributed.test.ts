import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { accountNameAt } from "../../src/engine/explicitPositions.ts";
import { jobIdOf } from "../../src/runner/distributed.ts";
import {
  decodeRecords,
  decodeScenario,
  encodeRecords,
  encodeScenario,
} from "../../src/runner/distributedWire.ts";
import type { RunRecord } from "../../src/runner/runRecord.ts";
import { loadScenario } from "../../src/scenario/load.ts";

describe("distributed wire format", () => {
  it("keeps NaN, ±Infinity, −0 and series bit for bit, whatever the array's offset", () => {
    const backing = new Float64Array([9, 1.5, Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-310]);
    const series = new Float64Array(backing.buffer, 8, 5);
    const record = {
      runIndex: 3,
      status: "ok",
      metrics: { amplification: Number.NaN, minPrice: Number.NEGATIVE_INFINITY, totalMove: -0 },
      series: { markPrice: series },
    } as unknown as RunRecord;
    const [decoded] = decodeRecords(encodeRecords([record]));
    expect(decoded).toEqual(record);
    if (decoded.status !== "ok") throw new Error("decoded as failed");
    expect(Object.is(decoded.metrics.totalMove, -0)).toBe(true);
    expect(new Uint8Array(decoded.series.markPrice.buffer)).toEqual(
      new Uint8Array(backing.buffer, 8, 40),
    );
    const failed: RunRecord = { runIndex: 4, status: "failed", error: "index price became 0" };
    expect(decodeRecords(encodeRecords([failed]))).toEqual([failed]);
  });

  it("carries a loaded scenario, typed-array path shocks included", async () => {
    const loaded = await loadScenario("example", {
      overrides: [
        "shock={kind: jump, sigmaDaily: 0.04, jumpsPerDay: 300, jumpMean: -0.015, jumpSigma: 0.01}",
      ],
    });
    expect(decodeScenario(encodeScenario(loaded.engine))).toEqual(loaded.engine);
    const path = { ...loaded.engine, shock: { kind: "path", prices: new Float64Array([1, 0.9]) } };
    expect(decodeScenario(encodeScenario(path as typeof loaded.engine))).toEqual(path);
  });

  it("carries explicit positions column by column, their account names made again on arrival", async () => {
    const loaded = await loadScenario("valid.yaml", {
      cwd: resolve(import.meta.dirname, "../fixtures/scenarios"),
    });
    const decoded = decodeScenario(encodeScenario(loaded.engine));
    expect(decoded).toEqual(loaded.engine);
    const explicit = decoded.positions.explicit;
    expect(explicit.account).toBeInstanceOf(Int32Array);
    expect(explicit.cross).toBeInstanceOf(Uint8Array);
    expect(
      Array.from(explicit.account, (account) => accountNameAt(explicit.accountNames, account)),
    ).toEqual(["a1", "b1", "b2"]);
  });

  it("names jobs by batch and shard, without the ':' BullMQ refuses in custom ids", () => {
    expect(jobIdOf("348135c93f598c1c", 7)).toBe("348135c93f598c1c-00007");
  });
});
