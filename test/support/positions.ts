/** ExplicitPositions read back as one object per position, for readable expectations. */
import type { ExplicitPositions } from "../../src/engine/config.ts";
import { accountNameAt } from "../../src/engine/explicitPositions.ts";

export interface PositionRow {
  account: string;
  side: "long" | "short";
  size: number;
  entryPrice: number;
  collateral: number;
  marginMode: "cross" | "isolated";
  market?: number;
}

export function positionRows(positions: ExplicitPositions, withMarket = false): PositionRow[] {
  return Array.from({ length: positions.count }, (_, index) => {
    const row: PositionRow = {
      account: accountNameAt(positions.accountNames, positions.account[index]),
      side: positions.side[index] > 0 ? "long" : "short",
      size: positions.size[index],
      entryPrice: positions.entryPrice[index],
      collateral: positions.collateral[index],
      marginMode: positions.cross[index] === 1 ? "cross" : "isolated",
    };
    if (withMarket) row.market = positions.market[index];
    return row;
  });
}
