/**
 * Which auto-deleveraging mechanism a scenario runs, with every default filled in. The
 * mechanisms and their formulas are in docs/models/waterfall.md ("ADL mechanisms"):
 *   binance, hyperliquid — ranked queues (src/engine/risk/adl.ts), unchanged rules;
 *   proRata — the round's ADL volume split over the winners by size;
 *   pnlProRata — split by positive PnL, no winner paying more than its PnL;
 *   riskAwareProRata — split by positive PnL × effective leverage, same caps;
 *   budgeted — least profit per unit first, capped: closes carry as little profit as they can;
 *   online — pro rata on PnL re-weighted round by round, with a learned severity
 *            (src/engine/risk/adlOnline.ts);
 *   none — no ADL.
 */
import type { AdlMechanism, AdlPrice, AdlSpec, OnlineAdlSpec } from "../config.ts";

export interface ResolvedAdl {
  mechanism: AdlMechanism;
  price: AdlPrice;
  innocentLeverage: number;
  online: OnlineAdlSpec;
}

export const defaultInnocentLeverage = 2;

export const defaultOnlineAdl: OnlineAdlSpec = {
  severityLearningRate: 0.5,
  weightLearningRate: 1,
  initialSeverity: 1,
  minSeverity: 0,
};

export function resolveAdl(spec: AdlSpec): ResolvedAdl {
  return {
    mechanism: spec.mechanism ?? spec.ranking ?? "binance",
    price: spec.price ?? "bankruptcy",
    innocentLeverage: spec.innocentLeverage ?? defaultInnocentLeverage,
    online: spec.online ?? defaultOnlineAdl,
  };
}

/**
 * The price of an ADL close of a bankrupt position on `side` with bankruptcy price `bankrupt`:
 * the bankruptcy price (Binance, "What is Auto-Deleveraging"), or the mark at the end of the
 * previous step (Hyperliquid, "Auto-deleveraging": winners' "positions are closed at the previous
 * oracle price"). `severity` (the online policy; 1 otherwise) scales the winners' haircut per
 * unit, side_w × (mark − price), towards zero when it is positive: price = mark + severity ×
 * (price − mark). Whatever the price, loser and winner trade at the same one, so the ledger is
 * unchanged; a price beyond the loser's bankruptcy price leaves it a deficit the caller sends
 * down the waterfall.
 */
export function adlPrice(
  rule: AdlPrice,
  side: number,
  bankrupt: number,
  mark: number,
  previousMark: number,
  severity: number,
): number {
  const base = rule === "previousMark" ? previousMark : bankrupt;
  // The winners are on the other side: their haircut per unit is −side × (mark − base).
  if (severity === 1 || !(-side * (mark - base) > 0)) return base;
  return mark + severity * (base - mark);
}
