import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/scenario/errors.ts";
import { parsePositionsCsv } from "../../../src/scenario/importers/positionsCsv.ts";

function issuesOf(text: string): string[] {
  try {
    parsePositionsCsv(text, "p.csv");
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

describe("parsePositionsCsv", () => {
  it("reads every column, with marginMode optional per row and the source line of each position", () => {
    const text = [
      "account,side,size,entryPrice,collateral,marginMode",
      "a1,long,2,100000,10000,",
      "",
      '"fund, ltd",short,1.5e0,99000.5,2000,cross',
    ].join("\r\n");
    expect(parsePositionsCsv(text, "p.csv")).toEqual({
      positions: [
        { account: "a1", side: "long", size: 2, entryPrice: 100000, collateral: 10000 },
        {
          account: "fund, ltd",
          side: "short",
          size: 1.5,
          entryPrice: 99000.5,
          collateral: 2000,
          marginMode: "cross",
        },
      ],
      lines: [2, 4],
    });
  });

  it("takes the columns in the header's order, without a marginMode column", () => {
    const text = "collateral,entryPrice,size,side,account\n500,100,1,short,z\n";
    expect(parsePositionsCsv(text, "p.csv").positions).toEqual([
      { account: "z", side: "short", size: 1, entryPrice: 100, collateral: 500 },
    ]);
  });

  it("points at each bad cell with line, column, the value and what is allowed", () => {
    const text = [
      "account,side,size,entryPrice,collateral,marginMode",
      "a1,sideways,2,100000,10000,",
      "a2,long,-1,1e400,abc,portfolio",
      ",long,1,1,1",
    ].join("\n");
    expect(issuesOf(text)).toEqual([
      'p.csv:2:4: side: "sideways" is not allowed; must be one of long, short',
      'p.csv:3:9: size: "-1" is not allowed; must be a number > 0',
      'p.csv:3:12: entryPrice: "1e400" is not allowed; must be a number > 0',
      'p.csv:3:18: collateral: "abc" is not allowed; must be a number > 0',
      'p.csv:3:22: marginMode: "portfolio" is not allowed; must be one of isolated, cross, or empty for the exchange default',
      "p.csv:4:12: row: expected 6 cells (account,side,size,entryPrice,collateral,marginMode), found 5",
    ]);
  });

  it("rejects a header that misses a column or names an unknown one", () => {
    expect(issuesOf("account,side,size,price,collateral\n")).toEqual([
      'p.csv:1:19: header: "price" is not a column; allowed columns: account, side, size, entryPrice, collateral, marginMode (the first line must be the header)',
      'p.csv:1:1: header: missing column "entryPrice"; the header must name account, side, size, entryPrice, collateral (marginMode is optional)',
    ]);
  });

  it("rejects an empty file and a file with only a header", () => {
    expect(issuesOf("\n\n")).toEqual([
      "p.csv: the file is empty; expected a header line account,side,size,entryPrice,collateral,marginMode and one position per line",
    ]);
    expect(issuesOf("account,side,size,entryPrice,collateral\n")).toEqual([
      "p.csv:1:1: no positions below the header",
    ]);
  });

  it("stops after 20 issues and says so", () => {
    const rows = Array.from({ length: 30 }, (_, index) => `a${index},up,1,1,1`);
    const issues = issuesOf(["account,side,size,entryPrice,collateral", ...rows].join("\n"));
    expect(issues).toHaveLength(21);
    expect(issues[19]).toBe('p.csv:21:5: side: "up" is not allowed; must be one of long, short');
    expect(issues[20]).toBe("p.csv: stopped after 20 issues");
  });
});
