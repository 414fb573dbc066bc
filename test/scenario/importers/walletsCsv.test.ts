import { describe, expect, it } from "vitest";
import { ExplicitPositionsBuilder } from "../../../src/engine/explicitPositions.ts";
import { MarginTiers } from "../../../src/engine/venue/marginTiers.ts";
import { ScenarioError } from "../../../src/scenario/errors.ts";
import { parsePositionsCsv } from "../../../src/scenario/importers/positionsCsv.ts";
import { applyWallets, parseWalletsCsv } from "../../../src/scenario/importers/walletsCsv.ts";
import { defaultTiers } from "../../../src/scenario/schema.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function load(walletsText: string, positionsText: string) {
  const builder = new ExplicitPositionsBuilder();
  const wallets = parseWalletsCsv(bytes(walletsText), builder, "w.csv");
  const rows = parsePositionsCsv(bytes(positionsText), builder, {
    fileName: "p.csv",
    markets: new Map([["BTC", 0]]),
    defaultCross: false,
    walletAccounts: wallets.walletAccounts,
  });
  const positions = builder.finish();
  const tiers = new MarginTiers(defaultTiers);
  // Each position's initial margin at its bracket (notional / max leverage; 125x here).
  const initialMargin = (index: number) => {
    const notional = positions.size[index] * positions.entryPrice[index];
    return notional / tiers.maxLeverageFor(notional);
  };
  const issues = applyWallets(positions, rows, wallets, initialMargin);
  return { positions, issues };
}

function messages(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

describe("positions.wallets", () => {
  it("splits a cross account's wallet over its cross positions by initial margin (the file's worked example)", () => {
    const { positions, issues } = load(
      "account,wallet,note\nfund,30000,desk A\n",
      [
        "account,side,size,entryPrice,collateral,marginMode",
        "fund,long,2,100,,cross",
        "fund,long,1,400,0,cross",
        "fund,long,1,100,70,isolated",
        "solo,long,1,100,50,cross",
      ].join("\n"),
    );
    expect(issues).toEqual([]);
    // Both in the 125x bracket: 30,000 × 1.6 / 4.8 and 30,000 × 3.2 / 4.8; the isolated and
    // unlisted positions keep theirs.
    const collateral = Array.from(positions.collateral);
    expect(collateral[0]).toBeCloseTo(10_000, 9);
    expect(collateral[1]).toBeCloseTo(20_000, 9);
    expect(collateral.slice(2)).toEqual([70, 50]);
  });

  it("lets the collateral column go when every position draws on a wallet", () => {
    const { positions } = load(
      "account,wallet\na,500\n",
      "account,side,size,entryPrice,marginMode\na,short,1,100,cross\n",
    );
    expect(Array.from(positions.collateral)).toEqual([500]);
  });

  it("reads rows as short as rows can be, up to a last line without a line feed (rows are counted before columns are allocated)", () => {
    const builder = new ExplicitPositionsBuilder();
    const wallets = parseWalletsCsv(bytes("account,wallet\na,6\n\nb,9"), builder, "w.csv");
    const rows = parsePositionsCsv(
      bytes("account,size,entryPrice\na,1,1\nb,-2,3\n \na,1,1"),
      builder,
      {
        fileName: "p.csv",
        markets: new Map([["BTC", 0]]),
        defaultCross: true,
        walletAccounts: wallets.walletAccounts,
      },
    );
    const positions = builder.finish();
    expect([Array.from(wallets.lines), Array.from(wallets.wallet)]).toEqual([
      [2, 4],
      [6, 9],
    ]);
    expect(Array.from(rows.lines)).toEqual([2, 3, 5]);
    expect([positions.count, Array.from(positions.size), Array.from(positions.side)]).toEqual([
      3,
      [1, 2, 1],
      [1, -1, 1],
    ]);
  });

  it("refuses a collateral next to a wallet, a listed account without cross positions, duplicates and bad wallets", () => {
    expect(
      messages(() =>
        load(
          "account,wallet\na,500\n",
          "account,side,size,entryPrice,collateral,marginMode\na,long,1,100,20,cross\n",
        ),
      ),
    ).toEqual([
      "p.csv:2:14: collateral: the cell is not allowed; this cross account's wallet comes from positions.wallets and is shared by its cross positions; leave collateral empty or 0",
    ]);
    expect(
      load("account,wallet\na,500\n", "account,side,size,entryPrice,collateral\na,long,1,100,20\n")
        .issues,
    ).toEqual([
      {
        location: "w.csv:2:1",
        path: "account",
        message:
          "the account has no cross position in positions.csv; list only cross accounts here (isolated positions keep their own collateral)",
      },
    ]);
    expect(messages(() => load("account,wallet\na,1\nb,-2\na,3\n", ""))).toEqual([
      "w.csv:3:3: wallet: the cell is not allowed; must be a number > 0",
      "w.csv:4:1: account: the account is listed twice; its wallet is on line 2",
    ]);
    expect(messages(() => load("account,amount\n", ""))).toEqual([
      'w.csv:1:1: header: missing column "wallet"; the header must name account, wallet',
    ]);
  });
});
