import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { ExplicitPositionsBuilder } from "../../../src/engine/explicitPositions.ts";
import { ScenarioError } from "../../../src/scenario/errors.ts";
import { parsePositionsCsv } from "../../../src/scenario/importers/positionsCsv.ts";
import {
  isParquet,
  parsePositionsParquet,
} from "../../../src/scenario/importers/positionsParquet.ts";
import { scratchFolder } from "../../support/cli.ts";
import { positionRows } from "../../support/positions.ts";

/** A Parquet file written by DuckDB from the rows of `select`. */
async function parquetFile(select: string): Promise<Uint8Array> {
  const file = join(scratchFolder("deleverage-parquet-"), "positions.parquet");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return readFileSync(file);
}

const options = {
  fileName: "p.parquet",
  markets: new Map([["BTC", 0]]),
  defaultCross: false,
};

describe("parsePositionsParquet", () => {
  it("reads the same positions as the same rows in CSV, with extra columns and a mapping", async () => {
    const bytes = await parquetFile(
      `SELECT * FROM (VALUES
        ('a1', 'long', 2.0, 100000.0, 10000.0, NULL, 1),
        ('fund, ltd', 'short', 1.5, 99000.5, 2000.0, 'cross', 2),
        ('a1', 'long', 0.25, 101000.0, 3000.0, 'isolated', 3)
      ) AS t(trader, side, size, entryPrice, collateral, marginMode, extra)`,
    );
    expect(isParquet(bytes)).toBe(true);
    const builder = new ExplicitPositionsBuilder();
    const rows = await parsePositionsParquet(bytes, builder, {
      ...options,
      columns: { account: "trader" },
    });
    const fromParquet = builder.finish();
    const csv = new ExplicitPositionsBuilder();
    parsePositionsCsv(
      new TextEncoder().encode(
        'trader,side,size,entryPrice,collateral,marginMode\na1,long,2,100000,10000,\n"fund, ltd",short,1.5,99000.5,2000,cross\na1,long,0.25,101000,3000,isolated\n',
      ),
      csv,
      { ...options, fileName: "p.csv", columns: { account: "trader" } },
    );
    expect(positionRows(fromParquet)).toEqual(positionRows(csv.finish()));
    expect(Array.from(rows.lines)).toEqual([1, 2, 3]);
    expect(fromParquet.accountCount).toBe(2);
  });

  it("takes integer columns and signed sizes, and names the row and column of a bad value", async () => {
    const signed = await parquetFile(
      "SELECT * FROM (VALUES ('l', 3, 100, 50), ('s', -2, 100, 40)) AS t(account, size, entryPrice, collateral)",
    );
    const builder = new ExplicitPositionsBuilder();
    await parsePositionsParquet(signed, builder, options);
    expect(positionRows(builder.finish()).map((row) => [row.account, row.side, row.size])).toEqual([
      ["l", "long", 3],
      ["s", "short", 2],
    ]);
    const bad = await parquetFile(
      "SELECT * FROM (VALUES ('a', 'long', 1.0, 100.0, 5.0), ('b', 'up', 1.0, -1.0, 5.0)) AS t(account, side, size, entryPrice, collateral)",
    );
    const error = await parsePositionsParquet(bad, new ExplicitPositionsBuilder(), options).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message.split("\n")).toEqual([
      "p.parquet row 2: side: the value is not allowed; must be one of long, short",
      "p.parquet row 2: entryPrice: the value is not allowed; must be a number > 0",
    ]);
  });
});
