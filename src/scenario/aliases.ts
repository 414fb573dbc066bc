/**
 * Friendlier scenario input. Numbers may be written as a risk analyst writes them — `10M`,
 * `2.5B`, `500K`, `$1.2M`, `8%`, `1_000_000` — wherever the schema expects a number (and only
 * there: a name such as "10M" stays text). Unknown fields get a suggestion from the usual
 * spelling distance and, past that, from a table of synonyms: the names other venues and papers
 * use for our fields (`mmr` → `rate`, `leverageCap` → `maxLeverage`, …).
 */

const multipliers: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, bn: 1e9, t: 1e12 };

const aliasPattern =
  /^\s*\$?\s*([+-]?(?:\d[\d_]*\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(k|m|bn|b|t|%)?\s*$/i;

/**
 * The number an alias stands for, or undefined when the text is not one: "10M" → 10,000,000,
 * "8%" → 0.08, "$1.5K" → 1,500, "1_000" → 1,000.
 */
export function parseNumberAlias(text: string): number | undefined {
  const match = aliasPattern.exec(text);
  if (match === null) return undefined;
  const value = Number(match[1].replaceAll("_", ""));
  if (!Number.isFinite(value)) return undefined;
  const suffix = match[2]?.toLowerCase();
  if (suffix === undefined) return value;
  // 8 % is 0.08: every fraction field of the scenarios is a share, not percentage points.
  if (suffix === "%") return value / 100;
  return value * multipliers[suffix];
}

/** Names used elsewhere for our fields: each key may mean any of its values. */
const synonyms: Record<string, readonly string[]> = {
  mmr: ["rate"],
  maintenancemarginrate: ["rate"],
  maintenancemargin: ["rate", "maintenanceMarginTiers"],
  margintiers: ["maintenanceMarginTiers"],
  tiers: ["maintenanceMarginTiers"],
  brackets: ["maintenanceMarginTiers"],
  notionalcap: ["maxNotional"],
  fee: ["liquidationFeeRate"],
  liquidationfee: ["liquidationFeeRate", "liquidationBonus"],
  penalty: ["liquidationFeeRate", "liquidationBonus", "chop"],
  insurance: ["insuranceFund"],
  fund: ["insuranceFund"],
  qty: ["size"],
  quantity: ["size"],
  amount: ["size"],
  entry: ["entryPrice"],
  margin: ["collateral"],
  direction: ["side"],
  lev: ["leverage", "maxLeverage"],
  leveragecap: ["maxLeverage"],
  depth: ["depthPerPercent"],
  halflife: ["resilienceHalfLife", "recoveryHalfLife"],
  adlranking: ["ranking"],
  lt: ["liquidationThreshold"],
  liqthreshold: ["liquidationThreshold"],
  bonus: ["liquidationBonus"],
  lb: ["liquidationBonus"],
  vol: ["sigmaDaily"],
  volatility: ["sigmaDaily"],
  sigma: ["sigmaDaily", "sigma"],
  duration: ["steps"],
  timestep: ["dt"],
};

/** A synonym of `word` that is an allowed field here, or undefined. */
export function synonymFor(word: string, allowed: readonly string[]): string | undefined {
  const key = word.replaceAll(/[\s_-]/g, "").toLowerCase();
  return synonyms[key]?.find((candidate) => allowed.includes(candidate));
}
