/**
 * The perp's market makers hedging on spot: the second direction of the cross-venue crossing
 * (issue 3, part 8). Perp liquidations sell into the perp's book; the makers whose bids they fill
 * end up long the perp, and a market maker does not keep that delta: it sells the same quantity of
 * the asset on spot, the basis trade (long perp, short spot) that ties the perp to spot. Here the
 * spot market is the world's market for the asset (the AMM pool), so perp liquidation sales reach
 * the pool, whose price is the perp's index and the lending venues' collateral price.
 *
 * Why the fills and not the book's price gap: the perp engine's book refills between steps, so its
 * mid is back at the index by the time the world sees it; the makers' inventory is what persists.
 *
 * Finite capital and speed: the hedger starts with `capital` (USD) worth of the asset, the most it
 * can sell, and sells at most `maxNotionalPerStep` per step; what a step could not sell waits for
 * the next. `hedgeRatio` is the share of the makers' liquidation fills hedged. The perp legs stay
 * inside the perp engine (its makers' ledger); the asset and the quote received are world assets,
 * counted in the world's ledger through the perp venue's `netHoldings`.
 */

export interface BasisHedgeSpec {
  /** USD value of the asset the hedger holds at the start: the most it can sell. */
  capital: number;
  /** Largest notional (USD) it sells per step. */
  maxNotionalPerStep: number;
  /** Share of the perp liquidation volume it hedges. */
  hedgeRatio: number;
}

/** What the hedger needs of the spot market: a price and a sale into it. */
export interface SpotSide {
  /** Spot price of the asset, USD. */
  price(): number;
  /** Sells `quantity` units; `out` gets the units sold and the quote units received. */
  sell(quantity: number, out: { sold: number; received: number }): void;
}

export class BasisHedger {
  /** Units of the asset still held. */
  inventory: number;
  /** Quote units received for what it sold. */
  proceeds = 0;
  /** Units it still has to sell to be hedged. */
  backlog = 0;
  /** Units sold into the spot market so far, and USD sold this step. */
  soldUnits = 0;
  stepNotional = 0;
  private readonly sale = { sold: 0, received: 0 };

  constructor(
    readonly spec: BasisHedgeSpec,
    startPrice: number,
  ) {
    if (!(startPrice > 0) || !Number.isFinite(startPrice)) {
      throw new Error(`basis hedge: start price ${startPrice} is not a positive number`);
    }
    this.inventory = spec.capital / startPrice;
  }

  /** The makers bought `liquidatedNotional` USD of perp at about `perpPrice`: sell the hedge. */
  step(liquidatedNotional: number, perpPrice: number, spot: SpotSide): void {
    this.stepNotional = 0;
    if (liquidatedNotional > 0 && perpPrice > 0) {
      this.backlog += (this.spec.hedgeRatio * liquidatedNotional) / perpPrice;
    }
    const spotPrice = spot.price();
    const quantity = Math.min(
      this.backlog,
      this.inventory,
      this.spec.maxNotionalPerStep / spotPrice,
    );
    if (!(quantity > 0)) return;
    spot.sell(quantity, this.sale);
    this.inventory -= this.sale.sold;
    this.backlog -= this.sale.sold;
    this.soldUnits += this.sale.sold;
    this.proceeds += this.sale.received;
    this.stepNotional = this.sale.sold * spotPrice;
  }
}
