import { describe, expect, it } from "vitest";
import {
  accountNameAt,
  ExplicitPositionsBuilder,
  explicitPositions,
  mergeCrossPositions,
} from "../../src/engine/explicitPositions.ts";

describe("ExplicitPositionsBuilder", () => {
  it("interns each account name once, across many names and a table that grows", () => {
    const builder = new ExplicitPositionsBuilder();
    for (let round = 0; round < 2; round++) {
      for (let index = 0; index < 5_000; index++) {
        const account = builder.accountNamed(`trader-${index}`);
        expect(account).toBe(index);
        builder.add(account, 0, 1, 1, 100, 10, false);
      }
    }
    const positions = builder.finish();
    expect([positions.count, positions.accountCount]).toEqual([10_000, 5_000]);
    expect(accountNameAt(positions.accountNames, 4_321)).toBe("trader-4321");
    expect(builder.accountNamed("ünïcode")).toBe(5_000);
  });
});

describe("mergeCrossPositions", () => {
  it("merges one account's cross positions per market at the size-weighted entry, and keeps isolated ones", () => {
    const positions = explicitPositions([
      { account: "a", side: "long", size: 1, entryPrice: 100, collateral: 10, marginMode: "cross" },
      { account: "a", side: "long", size: 1, entryPrice: 100, collateral: 5 },
      { account: "b", side: "short", size: 1, entryPrice: 100, collateral: 7, marginMode: "cross" },
      { account: "a", side: "long", size: 3, entryPrice: 200, collateral: 30, marginMode: "cross" },
    ]);
    const merged = mergeCrossPositions(positions);
    expect(merged.count).toBe(3);
    expect(Array.from(merged.account.subarray(0, 3))).toEqual([0, 0, 1]);
    expect(Array.from(merged.size.subarray(0, 3))).toEqual([4, 1, 1]);
    expect(Array.from(merged.entryPrice.subarray(0, 3))).toEqual([175, 100, 100]);
    expect(Array.from(merged.collateral.subarray(0, 3))).toEqual([40, 5, 7]);
    expect(Array.from(merged.cross.subarray(0, 3))).toEqual([1, 0, 1]);
  });
});

describe("account names across threads", () => {
  it("are plain data: a structured clone names every account as the original does", () => {
    const positions = explicitPositions([
      { account: "alice", side: "long", size: 1, entryPrice: 100, collateral: 10 },
      { account: "bob, the whale", side: "short", size: 1, entryPrice: 100, collateral: 10 },
    ]);
    const copy = structuredClone(positions);
    expect([0, 1].map((account) => accountNameAt(copy.accountNames, account))).toEqual([
      "alice",
      "bob, the whale",
    ]);
  });
});
