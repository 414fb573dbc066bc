/**
 * Uniswap v2 pool reserves as a JSON array of samples `{ "DAI": 67923883.6, "WETH": 23221.3 }`
 * (../shared/data/may-2021/uniswap-eth-dai-reserves-2021-05-19.json). One sample gives a pool's
 * starting depth; the model's own trades move it from there.
 */
import { maxMagnitude } from "../primitives.ts";
import { parseJsonText } from "./jsonText.ts";

export function parseUniswapReserves(
  text: string,
  fileName: string,
  baseToken: string,
  quoteToken: string,
): { base: Float64Array; quote: Float64Array } {
  const data = parseJsonText(text, fileName, "an array of reserve samples");
  if (!Array.isArray(data) || data.length === 0) {
    throw new Error(
      `${fileName}: expected a non-empty JSON array of {${baseToken}, ${quoteToken}} samples`,
    );
  }
  const base = new Float64Array(data.length);
  const quote = new Float64Array(data.length);
  data.forEach((sample: Record<string, unknown>, index) => {
    for (const [token, target] of [
      [baseToken, base],
      [quoteToken, quote],
    ] as const) {
      const value = sample?.[token];
      if (
        typeof value !== "number" ||
        !Number.isFinite(value) ||
        value <= 0 ||
        value > maxMagnitude
      ) {
        throw new Error(
          `${fileName}: sample ${index}: ${token} is missing or not allowed; expected a positive reserve (check baseToken and quoteToken)`,
        );
      }
      target[index] = value;
    }
  });
  return { base, quote };
}
