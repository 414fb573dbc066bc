import { describe, expect, it } from "vitest";
import { coinApiPath, parseCoinApi } from "../../../src/scenario/importers/coinApi.ts";
import { gasPath, parseGasSeries } from "../../../src/scenario/importers/gasSeries.ts";
import { parseUniswapReserves } from "../../../src/scenario/importers/uniswapReserves.ts";

const bars = JSON.stringify([
  {
    time_period_start: "2021-05-19T00:00:00.0000000Z",
    time_period_end: "2021-05-19T00:10:00.0000000Z",
    price_open: 100,
    price_high: 110,
    price_low: 90,
    price_close: 105,
  },
  {
    time_period_start: "2021-05-19T00:10:00.0000000Z",
    time_period_end: "2021-05-19T00:20:00.0000000Z",
    price_open: 105,
    price_high: 106,
    price_low: 80,
    price_close: 85,
  },
]);

describe("CoinAPI OHLCV importer", () => {
  it("stamps closes at each bar's end and interpolates linearly onto the step grid", () => {
    const series = parseCoinApi(bars, "bars.json", "close");
    expect(Array.from(series.values)).toEqual([105, 85]);
    // dt = 300 s: 00:10 → 105, 00:15 → 95, 00:20 → 85, then the last close holds.
    expect(Array.from(coinApiPath(series, 300, 3))).toEqual([105, 95, 85, 85]);
    expect(Array.from(parseCoinApi(bars, "bars.json", "open").values)).toEqual([100, 105]);
  });

  it("rejects a bar without a positive price, naming the file, the bar and the field", () => {
    const broken = bars.replace('"price_close":85', '"price_close":"n/a"');
    expect(() => parseCoinApi(broken, "bars.json", "close")).toThrow(
      "bars.json: bar 1: price_close is missing or not allowed; expected a positive finite number",
    );
    expect(() => parseCoinApi("{", "bars.json", "close")).toThrow(/bars\.json: not valid JSON/);
  });
});

describe("pandas table gas importer", () => {
  const table = JSON.stringify({
    schema: { fields: [{ name: "timestamp" }, { name: "90.0 Perc" }] },
    data: [
      { timestamp: "2021-05-19T00:00:00.000Z", "90.0 Perc": 100e9 },
      { timestamp: "2021-05-19T00:10:00.000Z", "90.0 Perc": 200e9 },
    ],
  });

  it("converts wei to gwei and resamples", () => {
    const series = parseGasSeries(table, "gas.json", "90.0 Perc");
    expect(Array.from(gasPath(series, 300, 3))).toEqual([100, 150, 200, 200]);
  });

  it("names the columns when the one asked for is missing", () => {
    expect(() => parseGasSeries(table, "gas.json", "95.0 Perc")).toThrow(
      'gas.column: "95.0 Perc" is not a column of gas.json (its schema.fields names 2); expected one of its percentile columns, e.g. "90.0 Perc"',
    );
  });
});

describe("Uniswap reserves importer", () => {
  it("reads the two tokens' reserves per sample and rejects a missing one", () => {
    const text = JSON.stringify([
      { DAI: 2000, WETH: 1 },
      { DAI: 3000, WETH: 2 },
    ]);
    const reserves = parseUniswapReserves(text, "pool.json", "WETH", "DAI");
    expect(Array.from(reserves.base)).toEqual([1, 2]);
    expect(Array.from(reserves.quote)).toEqual([2000, 3000]);
    expect(() => parseUniswapReserves(text, "pool.json", "ETH", "DAI")).toThrow(
      "pool.json: sample 0: ETH is missing or not allowed; expected a positive reserve (check baseToken and quoteToken)",
    );
  });
});
