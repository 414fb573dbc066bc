/**
 * A hand-made lending world for testing the Maker venue alone: two assets (0 = ETH, 1 = DAI), one
 * constant-product ETH/DAI pool without fee, an oracle price and a gas price set by the test.
 */
import type {
  LendingEvent,
  SwapArguments,
  VenueContext,
} from "../../../src/engine/lending/contracts.ts";
import { type RandomStream, runStreams } from "../../../src/engine/random.ts";
import { createMakerVenue, type MakerVenue } from "../../../src/engine/venue/maker.ts";
import { type MakerVenueInput, makerVenueSchema } from "../../../src/scenario/makerSchema.ts";

export const eth = 0;
export const dai = 1;

export class TestWorld implements VenueContext {
  step = 0;
  time = 0;
  dt = 600;
  gasPriceGwei = 0;
  gasTokenPrice: number;
  oracle: number;
  readonly events: LendingEvent[] = [];

  constructor(
    public poolEth: number,
    public poolDai: number,
    oracle?: number,
  ) {
    this.oracle = oracle ?? poolDai / poolEth;
    this.gasTokenPrice = this.oracle;
  }

  oraclePrice(asset: number): number {
    return asset === dai ? 1 : this.oracle;
  }

  marketPrice(asset: number): number {
    return asset === dai ? 1 : this.poolDai / this.poolEth;
  }

  /** Constant product x·y = k; a minimum average price sells only what reaches it. */
  swap(...[assetIn, assetOut, quantityIn, minimumOutPerUnit, out]: SwapArguments): void {
    const reserveIn = assetIn === eth ? this.poolEth : this.poolDai;
    const reserveOut = assetOut === eth ? this.poolEth : this.poolDai;
    let quantity = quantityIn;
    if (minimumOutPerUnit > 0)
      quantity = Math.min(quantity, reserveOut / minimumOutPerUnit - reserveIn);
    if (!(quantity > 0) || assetIn === assetOut) {
      out.amountIn = 0;
      out.amountOut = 0;
      return;
    }
    const amountOut = (reserveOut * quantity) / (reserveIn + quantity);
    if (assetIn === eth) {
      this.poolEth += quantity;
      this.poolDai -= amountOut;
    } else {
      this.poolDai += quantity;
      this.poolEth -= amountOut;
    }
    out.amountIn = quantity;
    out.amountOut = amountOut;
  }

  record(event: LendingEvent): void {
    this.events.push(event);
  }

  /** One step of the venue, then the clock moves by dt. */
  run(venue: MakerVenue): void {
    venue.step(this);
    this.advance(this.dt);
  }

  advance(seconds: number): void {
    this.time += seconds;
    this.step++;
  }

  total(venue: MakerVenue, asset: number): number {
    return venue.netHoldings(asset) + (asset === eth ? this.poolEth : this.poolDai);
  }
}

/** The same world with a quote: keepers size their takes by what the pool would pay. */
export class QuotingWorld extends TestWorld {
  quote(assetIn: number, _assetOut: number, quantityIn: number): number {
    const reserveIn = assetIn === eth ? this.poolEth : this.poolDai;
    const reserveOut = assetIn === eth ? this.poolDai : this.poolEth;
    return (reserveOut * quantityIn) / (reserveIn + quantityIn);
  }
}

export const assets = {
  indexBySymbol: new Map([
    ["ETH", eth],
    ["DAI", dai],
  ]),
  initialPrice: () => 150,
};

export function makerConfig(overrides: Partial<MakerVenueInput> = {}): MakerVenueInput {
  return {
    kind: "maker",
    name: "maker",
    ilks: [{ name: "ETH-A", collateral: "ETH", mat: 1.5, tip: 300, chip: 0.001 }],
    vaults: { inline: [{ ilk: "ETH-A", collateral: 10, debt: 1000 }] },
    keepers: [],
    ...overrides,
  };
}

export function maker(overrides: Partial<MakerVenueInput> = {}, seed = 1): MakerVenue {
  const config = makerVenueSchema.parse(makerConfig(overrides));
  const random: RandomStream = runStreams(seed, 0).population;
  return createMakerVenue(config, assets, random);
}
