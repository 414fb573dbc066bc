/**
 * Keepers of a Maker-style venue: bots that call bark/redo for the incentive and take auction lots
 * with their own DAI, paying gas in ETH. A keeper acts in a step only when the step's gas price is
 * at or below its limit and its gas wallet can pay the transaction; that is how congestion starves
 * auctions of bidders (12 March 2020). Keepers act in order of their gas limit, highest first: a
 * higher gas price is included first in a block, so it wins a race for the same lot.
 *
 * What a keeper wins it sells on the world's market (context.swap) for the debt asset, which moves
 * the price and refills its DAI. See docs/models/maker.md, "Keepers".
 */
import { emptySwap, type LendingEvent, type VenueContext } from "../lending/contracts.ts";

/** One keeper as the scenario describes it (src/scenario/makerSchema.ts, `keepers`). */
export interface KeeperSpec {
  name: string;
  /** DAI for bids. */
  dai: number;
  gasPriceLimitGwei: number;
  /** ETH for gas. */
  gasEth: number;
  /** Required profit as a share of the value of what it buys. */
  margin: number;
  /** Worst average discount to the market price it accepts when selling what it won. */
  saleSlippage: number;
  gasPerTake: number;
  gasPerBark: number;
  gasPerRedo: number;
  bids: boolean;
  barks: boolean;
}

const gweiPerEth = 1e9;
/** A keeper tries its full size, then halves it this many times looking for a profitable take. */
const maximumHalvings = 12;

export class Keepers {
  readonly count: number;
  /** DAI each keeper holds for bids. */
  readonly dai: Float64Array;
  /** ETH each keeper holds for gas. */
  readonly gasEth: Float64Array;
  readonly gasPriceLimitGwei: Float64Array;
  readonly margin: Float64Array;
  readonly saleSlippage: Float64Array;
  readonly gasPerTake: Float64Array;
  readonly gasPerBark: Float64Array;
  readonly gasPerRedo: Float64Array;
  readonly bids: Uint8Array;
  readonly barks: Uint8Array;
  /** Collateral won and not yet sold: inventory[keeper × assetCount + asset]. */
  readonly inventory: Float64Array;
  /** Keeper indexes by gas limit, highest first (ties by list order). */
  readonly order: Int32Array;
  /** ETH spent on gas, now held by block producers; kept so ETH is conserved. */
  minersEth = 0;
  /** DAI minted to keepers as tip + chip. */
  incentivesDai = 0;
  private readonly swapResult = emptySwap();

  constructor(
    configs: readonly KeeperSpec[],
    readonly assetCount: number,
  ) {
    const count = configs.length;
    this.count = count;
    this.dai = Float64Array.from(configs, (keeper) => keeper.dai);
    this.gasEth = Float64Array.from(configs, (keeper) => keeper.gasEth);
    this.gasPriceLimitGwei = Float64Array.from(configs, (keeper) => keeper.gasPriceLimitGwei);
    this.margin = Float64Array.from(configs, (keeper) => keeper.margin);
    this.saleSlippage = Float64Array.from(configs, (keeper) => keeper.saleSlippage);
    this.gasPerTake = Float64Array.from(configs, (keeper) => keeper.gasPerTake);
    this.gasPerBark = Float64Array.from(configs, (keeper) => keeper.gasPerBark);
    this.gasPerRedo = Float64Array.from(configs, (keeper) => keeper.gasPerRedo);
    this.bids = Uint8Array.from(configs, (keeper) => (keeper.bids ? 1 : 0));
    this.barks = Uint8Array.from(configs, (keeper) => (keeper.barks ? 1 : 0));
    this.inventory = new Float64Array(count * assetCount);
    const indexes = configs.map((_, index) => index);
    indexes.sort(
      (left, right) =>
        configs[right].gasPriceLimitGwei - configs[left].gasPriceLimitGwei || left - right,
    );
    this.order = Int32Array.from(indexes);
  }

  /** ETH one transaction of `gasUnits` costs at this step's gas price. */
  gasCostEth(gasUnits: number, context: VenueContext): number {
    return (gasUnits * context.gasPriceGwei) / gweiPerEth;
  }

  /** The keeper may send a transaction of `gasUnits` now: gas price within limit and gas paid. */
  canSend(keeper: number, gasUnits: number, context: VenueContext): boolean {
    return (
      context.gasPriceGwei <= this.gasPriceLimitGwei[keeper] &&
      this.gasEth[keeper] >= this.gasCostEth(gasUnits, context)
    );
  }

  payGas(keeper: number, gasUnits: number, context: VenueContext): void {
    const cost = this.gasCostEth(gasUnits, context);
    this.gasEth[keeper] -= cost;
    this.minersEth += cost;
  }

  /**
   * The first keeper, in gas order, that calls bark (or redo) for an incentive of `incentiveDai`:
   * it must bark, be able to send, and earn more than the gas costs. -1 when none.
   */
  firstCaller(incentiveDai: number, redo: boolean, context: VenueContext): number {
    for (let position = 0; position < this.count; position++) {
      const keeper = this.order[position];
      if (this.barks[keeper] === 0) continue;
      const gasUnits = redo ? this.gasPerRedo[keeper] : this.gasPerBark[keeper];
      if (!this.canSend(keeper, gasUnits, context)) continue;
      if (incentiveDai > this.gasCostEth(gasUnits, context) * context.gasTokenPrice) return keeper;
    }
    return -1;
  }

  /**
   * Collateral units `keeper` wants to take from a lot of `lot` units at auction price `price`
   * (DAI per unit), or 0. It buys as much as its DAI pays for, halving the amount until selling it
   * on the market (context.quote, or the market price when the world gives no quote) returns
   * more than the purchase, its margin and the gas of the take: sale × (1 − margin) − amount ×
   * price > gas.
   */
  takeAmount(
    keeper: number,
    price: number,
    lot: number,
    collateral: number,
    debtAsset: number,
    context: VenueContext,
  ): number {
    if (this.bids[keeper] === 0) return 0;
    const keep = 1 - this.margin[keeper];
    const marketPrice = context.marketPrice(collateral);
    if (price > marketPrice * keep) return 0;
    const gasUsd = this.gasCostEth(this.gasPerTake[keeper], context) * context.gasTokenPrice;
    let amount = Math.min(lot, price > 0 ? this.dai[keeper] / price : lot);
    for (let halving = 0; halving < maximumHalvings && amount > 0; halving++) {
      const sale =
        context.quote === undefined
          ? amount * marketPrice
          : context.quote(collateral, debtAsset, amount);
      if (sale * keep - amount * price > gasUsd) return amount;
      amount /= 2;
    }
    return 0;
  }

  /**
   * Sells the keeper's inventory of `collateral` for `debtAsset`, accepting on average no less
   * than `referencePrice` × (1 − saleSlippage): what the AMM does not give at that price stays in
   * stock. The reference is the market price at the start of the step, so a row of sales in one
   * step cannot ratchet the floor down with the price it pushes; and the floor is not the margin:
   * a keeper that bought at a tenth of the market does not dump at a tenth of it.
   */
  sellInventory(
    keeper: number,
    collateral: number,
    debtAsset: number,
    referencePrice: number,
    context: VenueContext,
  ): void {
    const slot = keeper * this.assetCount + collateral;
    const held = this.inventory[slot];
    if (held <= 0) return;
    const minimum = referencePrice * (1 - this.saleSlippage[keeper]);
    context.swap(collateral, debtAsset, held, minimum, this.swapResult);
    this.inventory[slot] -= this.swapResult.amountIn;
    this.dai[keeper] += this.swapResult.amountOut;
  }

  /** Records that `keeper` had work but the gas price was above its limit or its gas ran out. */
  recordStarved(keeper: number, venue: string, context: VenueContext): void {
    const event: LendingEvent = {
      type: "keeper_out_of_gas",
      venue,
      account: keeper,
      asset: -1,
      quantity: context.gasPriceGwei,
      valueUsd: this.gasEth[keeper] * context.gasTokenPrice,
    };
    context.record(event);
  }

  totalDai(): number {
    let total = 0;
    for (let keeper = 0; keeper < this.count; keeper++) total += this.dai[keeper];
    return total;
  }

  totalInventory(asset: number): number {
    let total = 0;
    for (let keeper = 0; keeper < this.count; keeper++) {
      total += this.inventory[keeper * this.assetCount + asset];
    }
    return total;
  }

  totalGasEth(): number {
    let total = 0;
    for (let keeper = 0; keeper < this.count; keeper++) total += this.gasEth[keeper];
    return total;
  }
}
