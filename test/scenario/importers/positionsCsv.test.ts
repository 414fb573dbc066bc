import { describe, expect, it } from "vitest";
import { accountNameAt, ExplicitPositionsBuilder } from "../../../src/engine/explicitPositions.ts";
import { ScenarioError } from "../../../src/scenario/errors.ts";
import { numberFromBytes, numberFromText } from "../../../src/scenario/importers/csvBytes.ts";
import {
  type PositionsCsvOptions,
  parsePositionsCsv,
} from "../../../src/scenario/importers/positionsCsv.ts";
import { positionRows } from "../../support/positions.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function parse(text: string, options: Partial<PositionsCsvOptions> = {}) {
  const builder = new ExplicitPositionsBuilder();
  const rows = parsePositionsCsv(bytes(text), builder, {
    fileName: "p.csv",
    markets: new Map([["BTC", 0]]),
    defaultCross: false,
    ...options,
  });
  return { rows, positions: builder.finish() };
}

function issuesOf(text: string, options: Partial<PositionsCsvOptions> = {}): string[] {
  try {
    parse(text, options);
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
    const { rows, positions } = parse(text);
    expect(positionRows(positions)).toEqual([
      {
        account: "a1",
        side: "long",
        size: 2,
        entryPrice: 100000,
        collateral: 10000,
        marginMode: "isolated",
      },
      {
        account: "fund, ltd",
        side: "short",
        size: 1.5,
        entryPrice: 99000.5,
        collateral: 2000,
        marginMode: "cross",
      },
    ]);
    expect(Array.from(rows.lines)).toEqual([2, 4]);
    expect([positions.accountCount, positions.market[0]]).toEqual([2, 0]);
  });

  it("takes the columns in the header's order, without a marginMode column, the exchange default applied", () => {
    const text = "collateral,entryPrice,size,side,account\n500,100,1,short,z\n";
    expect(positionRows(parse(text, { defaultCross: true }).positions)).toEqual([
      {
        account: "z",
        side: "short",
        size: 1,
        entryPrice: 100,
        collateral: 500,
        marginMode: "cross",
      },
    ]);
  });

  it("gives one account index per name, however the name is written", () => {
    const text =
      'account,side,size,entryPrice,collateral\nx,long,1,1,1\n"x",long,1,1,1\n y ,long,1,1,1\n';
    const { positions } = parse(text);
    expect(Array.from(positions.account)).toEqual([0, 0, 1]);
    expect([0, 1].map((account) => accountNameAt(positions.accountNames, account))).toEqual([
      "x",
      "y",
    ]);
  });

  it("numbers accounts in the order of their names' first rows across batches of lookups, quoted names among them", () => {
    const names = Array.from({ length: 1000 }, (_, row) =>
      row % 97 === 0 ? `"q${row % 7}"` : `n${(row * 7919) % 300}`,
    );
    const text = [
      "account,side,size,entryPrice,collateral",
      ...names.map((name, row) => `${name},long,${row + 1},1,1`),
    ].join("\n");
    const { positions } = parse(text);
    const plain = names.map((name) => name.replaceAll('"', ""));
    const firstRows = [...new Set(plain)];
    expect(positions.accountCount).toBe(firstRows.length);
    expect(Array.from(positions.account)).toEqual(plain.map((name) => firstRows.indexOf(name)));
    expect(firstRows.map((_, account) => accountNameAt(positions.accountNames, account))).toEqual(
      firstRows,
    );
    expect(positions.size[999]).toBe(1000);
  });

  it("points at each bad cell with line, column, the value and what is allowed", () => {
    const text = [
      "account,side,size,entryPrice,collateral,marginMode",
      "a1,sideways,2,100000,10000,",
      "a2,long,-1,1e400,abc,portfolio",
      ",long,1,1,1",
      "a3,long,1..5,1,1,",
    ].join("\n");
    expect(issuesOf(text)).toEqual([
      "p.csv:2:4: side: the cell is not allowed; must be one of long, short",
      "p.csv:3:9: size: the cell is not allowed; must be a number > 0",
      "p.csv:3:12: entryPrice: the cell is not allowed; must be a number > 0",
      "p.csv:3:18: collateral: the cell is not allowed; must be a number > 0",
      "p.csv:3:22: marginMode: the cell is not allowed; must be one of isolated, cross, or empty for the exchange default",
      "p.csv:4:12: row: expected 6 cells, as many as the header has, found 5",
      "p.csv:5:9: size: the cell is not allowed; must be a number > 0",
    ]);
  });

  it("counts columns in characters, not bytes, after a non-ASCII name", () => {
    expect(issuesOf("account,side,size,entryPrice,collateral\nfünf €,long,x,1,1\n")).toEqual([
      "p.csv:2:13: size: the cell is not allowed; must be a number > 0",
    ]);
  });

  it("ignores extra columns, and names a missing one with the header's candidates for a mapping", () => {
    const text = "id,account,side,size,entryPrice,collateral,note\n7,a,long,1,100,50,hello\n";
    expect(positionRows(parse(text).positions)).toHaveLength(1);
    expect(issuesOf("account,side,size,price,collateral\n")).toEqual([
      'p.csv:1:1: header: missing column "entryPrice"; the header must name account, size, entryPrice, collateral (side, marginMode, market are optional); the header cell at column 19 is another name, and positions.csv: { file, columns: { entryPrice: NAME } } maps one',
    ]);
    expect(issuesOf("account,size,size,entryPrice,collateral\na,1,1,1,1\n")).toEqual([
      'p.csv:1:14: header: column "size" appears twice',
    ]);
  });

  it("maps the file's own column names (positions.csv.columns)", () => {
    const text = "trader,dir,qty,avg_px,margin,entryPrice\nq,short,3,50,30,999\n";
    const columns = {
      account: "trader",
      side: "dir",
      size: "qty",
      entryPrice: "avg_px",
      collateral: "margin",
    };
    expect(positionRows(parse(text, { columns }).positions)).toEqual([
      {
        account: "q",
        side: "short",
        size: 3,
        entryPrice: 50,
        collateral: 30,
        marginMode: "isolated",
      },
    ]);
    expect(issuesOf("trader,dir,qty,avg_px,margin\nq,short,-3,50,30\n", { columns })).toEqual([
      "p.csv:2:9: qty: the cell is not allowed; must be a number > 0",
    ]);
    expect(issuesOf("account,side,size,entryPrice,collateral\n", { columns })[0]).toMatch(
      /^p\.csv:1:1: header: missing column "trader" \(positions\.csv\.columns\.account\)/,
    );
  });

  it("reads a signed size as the side when there is no side column", () => {
    const text = "account,size,entryPrice,collateral\nl,2.5,100,50\ns,-4,100,80\n";
    expect(
      positionRows(parse(text).positions).map((row) => [row.account, row.side, row.size]),
    ).toEqual([
      ["l", "long", 2.5],
      ["s", "short", 4],
    ]);
    expect(issuesOf("account,size,entryPrice,collateral\nz,0,100,50\n")).toEqual([
      "p.csv:2:3: size: the cell is not allowed; must be a non-zero number, negative for a short (there is no side column)",
    ]);
  });

  it("reads a market column of the scenario's symbols into market indexes", () => {
    const markets = new Map([
      ["BTC", 0],
      ["ETH", 1],
    ]);
    const text =
      "account,side,size,entryPrice,collateral,market\na,long,1,100,50,ETH\nb,long,1,100,50,BTC\n";
    const { positions } = parse(text, { markets });
    expect(Array.from(positions.market)).toEqual([1, 0]);
    expect(
      issuesOf("account,side,size,entryPrice,collateral,market\na,long,1,100,50,SOL\n"),
    ).toEqual([
      "p.csv:2:17: market: the cell is not allowed; must be one of BTC (the scenario's markets)",
    ]);
  });

  it("rejects an empty file and a file with only a header", () => {
    expect(issuesOf("\n\n")).toEqual([
      "p.csv: the file is empty; expected a header line account,side,size,entryPrice,collateral[,marginMode,market] and one position per line",
    ]);
    expect(issuesOf("account,side,size,entryPrice,collateral\n")).toEqual([
      "p.csv:1:1: no positions below the header",
    ]);
  });

  it("stops after 20 issues and says so", () => {
    const rows = Array.from({ length: 30 }, (_, index) => `a${index},up,1,1,1`);
    const issues = issuesOf(["account,side,size,entryPrice,collateral", ...rows].join("\n"));
    expect(issues).toHaveLength(21);
    expect(issues[19]).toBe(
      "p.csv:21:5: side: the cell is not allowed; must be one of long, short",
    );
    expect(issues[20]).toBe("p.csv: stopped after 20 issues");
  });
});

describe("numberFromBytes", () => {
  it("reads exactly what Number() reads from the same text, and rejects what the grammar does", () => {
    const cases = [
      "0",
      "-0",
      "+5",
      "1.",
      ".5",
      "00012",
      "0.00123",
      "1e5",
      "1E-5",
      "5.e3",
      "123456789012345",
      "1234567890123456",
      "0.1",
      "0.3",
      "99000.5",
      "0.04165507459679473",
      "1e22",
      "1e23",
      "4.35e-23",
      "1e400",
      "1e-400",
      "12345678901234567890",
      "9007199254740993",
      "3.14159265358979323846",
      "",
      ".",
      "+",
      "e5",
      "1e",
      "1e+",
      "1.2.3",
      "0x10",
      "1_000",
      "Infinity",
      "NaN",
      " 1",
      "1 ",
    ];
    for (const text of cases) {
      const encoded = Buffer.from(text);
      expect(
        Object.is(numberFromBytes(encoded, 0, encoded.length), numberFromText(text)),
        text,
      ).toBe(true);
    }
    let state = 7;
    for (let trial = 0; trial < 20_000; trial++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const value = (state / 2 ** 32) * 10 ** ((state % 13) - 4);
      for (const text of [
        String(value),
        value.toFixed(trial % 9),
        value.toPrecision(1 + (trial % 17)),
      ]) {
        const encoded = Buffer.from(text);
        expect(numberFromBytes(encoded, 0, encoded.length), text).toBe(Number(text));
      }
    }
  });
});
