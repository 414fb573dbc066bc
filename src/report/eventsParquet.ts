/**
 * `events.parquet` (`deleverage run --events parquet`): the rows and columns of events.csv in a
 * typed, compressed file that DuckDB, pandas or Spark read without parsing text. Numbers go in
 * as the engine's doubles (no formatting, which is most of what events.csv costs), copied into
 * DuckDB's vectors a data chunk at a time; an empty CSV cell (NaN) is a NULL here.
 */
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, VARCHAR } from "@duckdb/node-api";
import { eventTypes, type RunResult } from "../engine/result.ts";
import { eventColumns, sideName } from "./csv.ts";

/** DuckDB's vector size: the most rows one data chunk holds. */
const chunkRows = 2048;

type NumberColumn = Int32Array | Float64Array;

/** Writes the run's events to `path` as Parquet (zstd, DuckDB's row groups). */
export async function writeEventsParquet(result: RunResult, path: string): Promise<void> {
  const events = result.events;
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const columnTypes = [
      "INTEGER",
      "INTEGER",
      "VARCHAR",
      "VARCHAR",
      "VARCHAR",
      "DOUBLE",
      "DOUBLE",
      "DOUBLE",
      "DOUBLE",
      "DOUBLE",
      "VARCHAR",
    ];
    const definition = eventColumns
      .map((column, index) => `"${column}" ${columnTypes[index]}`)
      .join(", ");
    await connection.run(`CREATE TABLE events (${definition})`);
    const appender = await connection.createAppender("events");
    const types = [
      INTEGER,
      INTEGER,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      DOUBLE,
      DOUBLE,
      DOUBLE,
      DOUBLE,
      DOUBLE,
      VARCHAR,
    ];
    const numbers: [number, NumberColumn][] = [
      [0, events.step],
      [1, events.round],
      [5, events.quantity],
      [6, events.price],
      [7, events.notional],
      [8, events.amount],
      [9, events.insuranceFund],
    ];
    const names = new Map<number, string | null>();
    const accountName = (position: number): string | null => {
      let name = names.get(position);
      if (name === undefined) {
        name = position < 0 ? null : events.accountName(position);
        names.set(position, name);
      }
      return name;
    };
    for (let from = 0; from < events.length; from += chunkRows) {
      const rows = Math.min(chunkRows, events.length - from);
      const chunk = DuckDBDataChunk.create(types, rows);
      for (const [column, values] of numbers) {
        const vector = chunk.getColumnVector(column) as unknown as {
          items: NumberColumn;
          setItem(row: number, value: number | null): void;
          flush(): void;
        };
        vector.items.set(values.subarray(from, from + rows));
        for (let row = 0; row < rows; row++) {
          if (Number.isNaN(values[from + row])) vector.setItem(row, null);
        }
        vector.flush();
      }
      const type = chunk.getColumnVector(2);
      const account = chunk.getColumnVector(3);
      const side = chunk.getColumnVector(4);
      const market = chunk.getColumnVector(10);
      for (let row = 0; row < rows; row++) {
        type.setItem(row, eventTypes[events.type[from + row]]);
        account.setItem(row, accountName(events.account[from + row]));
        const sideText = sideName(events.side[from + row]);
        side.setItem(row, sideText === "" ? null : sideText);
        market.setItem(row, events.markets[events.market[from + row]]);
      }
      type.flush();
      account.flush();
      side.flush();
      market.flush();
      chunk.rowCount = rows;
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    await connection.run(
      `COPY events TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
