import { describe, expect, it } from "vitest";
import { formatMoney } from "../../src/report/format.ts";
import { type Summary, summaryJson, summaryText } from "../../src/report/summary.ts";
import { makeSummary } from "./fixtures.ts";

describe("summaryText", () => {
  it("describes the worked case", () => {
    expect(summaryText(makeSummary())).toBe(
      "The index fell 10.0 % below the start price of $100 at its lowest (the exogenous shock); " +
        "the mark fell 23.4 % (amplification 2.34x). " +
        "1,234 positions liquidated, $1.23B of notional over 17 cascade rounds: $1.23B sold into the book. " +
        "The insurance fund covered 100.0 % of $800K bad debt ($1.00M → $200K). " +
        "ADL closed $0 of winning positions; socialised loss $0. " +
        "Ledger drift 1.2e-9.",
    );
  });

  it("handles a run with no shock, no move and no liquidations", () => {
    const text = summaryText(
      makeSummary({
        exogenousMove: 0,
        totalMove: 0,
        amplification: Number.NaN,
        liquidatedNotional: 0,
        liquidationCount: 0,
        cascadeRounds: 0,
        badDebt: 0,
        insuranceFundUsed: 0,
        insuranceFundEnd: 1_000_000,
        ledger: { valueStart: 1, valueEnd: 1, drift: 0 },
      }),
    );
    expect(text).toBe(
      "No exogenous shock and no price move (amplification n/a). No position was liquidated. " +
        "No bad debt; the insurance fund went $1.00M → $1.00M. " +
        "ADL closed $0 of winning positions; socialised loss $0. Ledger drift 0.",
    );
  });

  it("reports amplification n/a when the price moved without a shock", () => {
    const text = summaryText(
      makeSummary({ exogenousMove: 0, totalMove: 0.03, amplification: Number.NaN }),
    );
    expect(
      text.startsWith(
        "No exogenous shock, yet the mark saw a 3.0 % fall from the start price of $100 (amplification n/a).",
      ),
    ).toBe(true);
  });

  it("uses singulars, mentions partial liquidations, partial cover and the later loss layers", () => {
    const text = summaryText(
      makeSummary({
        liquidationCount: 1,
        partialLiquidationCount: 1,
        cascadeRounds: 1,
        liquidatedNotional: 3_505_000,
        badDebt: 4_500_000,
        insuranceFundUsed: 900_000,
        backstopTakeoverNotional: 2e6,
        backstopCapitalStart: 3e6,
        backstopCapitalEnd: 2.5e6,
        adlNotional: 1.5e6,
        adlCount: 3,
        socializedLoss: 10_000,
        exchangeLoss: 250,
        unfilledNotional: 42_000,
      }),
    );
    expect(text).toContain(
      "1 position liquidated (1 partial close), $3.50M of notional over 1 cascade round: " +
        "$5.00K sold into the book, $2.00M taken over by the backstop, $1.50M closed by ADL.",
    );
    expect(text).toContain("The insurance fund covered 20.0 % of $4.50M bad debt");
    expect(text).toContain(
      "The backstop vault took over $2.00M of positions (capital $3.00M → $2.50M).",
    );
    expect(text).toContain(
      "ADL closed $1.50M of winning positions in 3 closes (a close cuts one winner's position against one bankrupt position); socialised loss $10.0K.",
    );
    expect(text).toContain("The exchange absorbed $250.");
    expect(text).toContain("$42.0K of liquidation orders found no liquidity.");
  });
});

describe("formatMoney", () => {
  it("keeps three significant digits and moves up a unit when rounding reaches 1000", () => {
    expect(formatMoney(1_234_567_890)).toBe("$1.23B");
    expect(formatMoney(12_345_678)).toBe("$12.3M");
    expect(formatMoney(999_999)).toBe("$1.00M");
    expect(formatMoney(999.7)).toBe("$1.00K");
    expect(formatMoney(0.42)).toBe("$0.42");
    expect(formatMoney(-3100)).toBe("-$3.10K");
    expect(formatMoney(0)).toBe("$0");
  });
});

describe("summaryJson", () => {
  it("writes the documented key order with 2-space indent and a trailing newline", () => {
    const json = summaryJson(makeSummary());
    expect(json.endsWith("}\n")).toBe(true);
    expect(json.split("\n")[1]).toBe('  "name": "worked example",');
    const keys = Object.keys(JSON.parse(json));
    expect(keys.slice(0, 3)).toEqual(["name", "symbol", "steps"]);
    // startTime exists only for replays of timestamped data.
    expect(keys).not.toContain("startTime");
    const replay = JSON.parse(
      summaryJson({ ...makeSummary(), startTime: "2025-10-10T20:00:00.000Z" }),
    );
    expect(Object.keys(replay).slice(3, 6)).toEqual(["dt", "startTime", "positionCount"]);
    // Per-market figures come last: with 160 markets they would bury everything else.
    expect(keys.slice(-6)).toEqual([
      "ledger",
      "seed",
      "scenarioHash",
      "version",
      "markets",
      "contagion",
    ]);
    expect(Object.keys(JSON.parse(json).ledger)).toEqual(["valueStart", "valueEnd", "drift"]);
  });

  it("does not depend on the order the summary was assembled in", () => {
    const summary = makeSummary();
    const reversed = Object.fromEntries(Object.entries(summary).reverse()) as Summary;
    reversed.ledger = {
      drift: summary.ledger.drift,
      valueEnd: summary.ledger.valueEnd,
      valueStart: summary.ledger.valueStart,
    };
    expect(summaryJson(reversed)).toBe(summaryJson(summary));
  });

  it("writes undefined amplification as null and keeps unknown keys, sorted, at the end", () => {
    const summary = {
      ...makeSummary({ amplification: Number.NaN }),
      zeta: 1,
      alpha: "x",
    } as Summary;
    const parsed = JSON.parse(summaryJson(summary));
    expect(parsed.amplification).toBeNull();
    expect(Object.keys(parsed).slice(-2)).toEqual(["alpha", "zeta"]);
  });
});
