/**
 * Uniswap v2 pool reserves as a JSON array of samples `{ "DAI": 67923883.6, "WETH": 23221.3 }`
 * (../shared/data/may-2021/uniswap-eth-dai-reserves-2021-05-19.json). One sample gives a pool's
 * starting depth; the model's own trades move it from there.
 */
export function parseUniswapReserves(
  text: string,
  fileName: string,
  baseToken: string,
  quoteToken: string,
): { base: Float64Array; quote: Float64Array } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${fileName}: not JSON (${(error as Error).message}); expected an array of reserve samples`,
    );
  }
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
      if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        const keys =
          sample !== null && typeof sample === "object" ? Object.keys(sample).join(", ") : "none";
        throw new Error(
          `${fileName}: sample ${index}: ${token} is ${JSON.stringify(value)}; expected a positive reserve (keys: ${keys})`,
        );
      }
      target[index] = value;
    }
  });
  return { base, quote };
}
