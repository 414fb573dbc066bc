import { describe, expect, it } from "vitest";
import { eventTypes, type RunResult, timeseriesColumns } from "../../src/engine/result.ts";
import { runScenario } from "../../src/engine/sim.ts";
import {
  csvField,
  eventColumns,
  eventsCsv,
  sideName,
  timeseriesCsv,
  writeEventsCsv,
} from "../../src/report/csv.ts";
import { formatNumber } from "../../src/report/format.ts";
import { bookMarket, population, scenario } from "../engine/fixtures.ts";
import { fixtureAccounts, makeEventLog, makeRunResult } from "./fixtures.ts";

describe("formatNumber", () => {
  it("writes integers without a fraction, NaN as empty and everything else round-trippably", () => {
    expect(formatNumber(42)).toBe("42");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(Number.NaN)).toBe("");
    expect(formatNumber(0.1 * 0.2)).toBe("0.020000000000000004");
    for (const value of [Math.PI, 1e-12, 123456789.123, -7.5e300])
      expect(Number(formatNumber(value))).toBe(value);
  });
});

describe("csvField", () => {
  it("quotes only names that need it and doubles inner quotes", () => {
    expect(csvField("alice")).toBe("alice");
    expect(csvField("bob, the whale")).toBe('"bob, the whale"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });
});

describe("timeseriesCsv", () => {
  const csv = timeseriesCsv(makeRunResult());
  const lines = csv.split("\n");

  it("has the column header, one row per recorded step and a trailing newline", () => {
    expect(lines[0]).toBe(timeseriesColumns.join(","));
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(lines.at(-1)).toBe("");
  });

  it("writes a known row exactly", () => {
    expect(lines[2]).toBe(
      "1,0.5,90,94.15,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41",
    );
  });

  it("leaves NaN cells empty", () => {
    const row = lines[4].split(",");
    expect(row[timeseriesColumns.indexOf("bestAsk")]).toBe("");
    expect(row[timeseriesColumns.indexOf("bestBid")]).toBe("35");
  });

  it("round-trips every value exactly", () => {
    const result = makeRunResult();
    lines.slice(1, -1).forEach((line, row) => {
      line.split(",").forEach((cell, column) => {
        const original = result.timeseries[timeseriesColumns[column]][row];
        expect(cell === "" ? Number.NaN : Number(cell)).toBe(original);
      });
    });
  });
});

describe("eventsCsv", () => {
  it("writes the documented columns and every event with names, sides and quoting", () => {
    expect(eventsCsv(makeRunResult()).split("\n")).toEqual([
      eventColumns.join(","),
      "1,1,liquidation,alice,long,2,95.5,191,-3.25,1000000,BTC-PERP",
      '1,2,partial_liquidation,"bob, the whale",short,0.1,0.2,0.020000000000000004,0,999999.5,BTC-PERP',
      "2,1,insurance_fund_cover,,,0,,,800000,200000,BTC-PERP",
      '3,1,adl,"say ""hi""",long,1,80,80,12,200000,BTC-PERP',
      "",
    ]);
    expect(eventColumns.join(",")).toBe(
      "step,round,type,account,side,quantity,price,notional,amount,insuranceFund,market",
    );
  });

  it("writes only the header for an empty log", () => {
    const result = makeRunResult({ events: [] });
    expect(eventsCsv(result)).toBe(`${eventColumns.join(",")}\n`);
  });

  it("handles a large log in one pass", () => {
    const count = 200_000;
    const events = Array.from({ length: count }, (_, index) => ({
      step: index >> 4,
      round: (index & 15) + 1,
      type: "liquidation" as const,
      account: index % fixtureAccounts.length,
      side: index % 2 === 0 ? 1 : -1,
      quantity: index / 7,
      price: 100 - index / 1e4,
      amount: -index / 3,
      insuranceFund: 1e6,
    }));
    const result = { ...makeRunResult(), events: makeEventLog(events, fixtureAccounts) };
    const lines = eventsCsv(result).split("\n");
    expect(lines).toHaveLength(count + 2);
    expect(lines[count].split(",")[0]).toBe(String((count - 1) >> 4));
  });
});

/** events.csv as it was written before it was streamed: every row formatted, joined once. */
function eventsCsvBefore(result: RunResult): string {
  const events = result.events;
  const rows = [eventColumns.join(",")];
  for (let index = 0; index < events.length; index++) {
    const position = events.account[index];
    rows.push(
      `${events.step[index]},${events.round[index]},${eventTypes[events.type[index]]},` +
        `${position < 0 ? "" : csvField(events.accountName(position))},${sideName(events.side[index])},` +
        `${formatNumber(events.quantity[index])},${formatNumber(events.price[index])},` +
        `${formatNumber(events.notional[index])},${formatNumber(events.amount[index])},` +
        `${formatNumber(events.insuranceFund[index])},${csvField(events.markets[events.market[index]])}`,
    );
  }
  return `${rows.join("\n")}\n`;
}

describe("writeEventsCsv", () => {
  it("streams exactly the bytes events.csv had before, in pieces of whole rows", () => {
    const result = runScenario(
      scenario({
        exchange: { ...scenario().exchange, insuranceFund: 20_000 },
        market: bookMarket(100_000, 300_000, { levels: 300 }),
        positions: { explicit: [], population: population({ count: 4_000 }) },
      }),
      { seed: 5 },
    );
    // Pieces are views of a reused buffer: each is decoded as it comes.
    const pieces: string[] = [];
    writeEventsCsv(result, (piece) => pieces.push(new TextDecoder().decode(piece)));
    expect(result.events.length).toBeGreaterThan(3_000);
    expect(new Set(Array.from(result.events.type, (type) => eventTypes[type]))).toContain("adl");
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith("\n")).toBe(true);
    expect(pieces.join("")).toBe(eventsCsvBefore(result));
    const handMade = makeRunResult();
    expect(eventsCsv(handMade)).toBe(eventsCsvBefore(handMade));
  });

  it("writes names beyond ASCII and longer than a piece, and empty cells for NaN", () => {
    const names = ["zoë, the ünïcode whale", "x".repeat(100_000), "日本"];
    const events = Array.from({ length: 9 }, (_, index) => ({
      step: index,
      round: 1,
      type: "liquidation" as const,
      account: index % names.length,
      side: 1,
      quantity: index === 4 ? Number.NaN : index / 3,
      price: 100 - index * 1e-9,
      amount: -index * 1e21,
      insuranceFund: index * 1e-8,
    }));
    const result = { ...makeRunResult(), events: makeEventLog(events, names) };
    expect(eventsCsv(result)).toBe(eventsCsvBefore(result));
  });
});
