/**
 * A Maker-style CDP venue (MakerDAO Multi-Collateral Dai with Liquidations 2.0), following the dss
 * contracts (github.com/makerdao/dss, src/): Vat vaults (ink, art) and ilk rates, Jug stability
 * fees, Spotter safety prices, Dog.bark liquidations with hole/Hole limits, Clipper Dutch auctions
 * with an Abacus price curve, redo after tail/cusp, tip + chip incentives, partial takes that
 * respect dust, and the Vow's sin (debt) healed by auction proceeds. DAI is minted on draw, so
 * `netHoldings(DAI)` subtracts outstanding debt. Prices are in USD and DAI's par is 1.
 *
 * Every party's holding lives here: vaults (ink), lots in auctions, collateral returned to vault
 * owners after an auction, keepers' DAI, inventory and gas ETH, gas paid to block producers, the
 * Vow's DAI and sin. See docs/models/maker.md.
 */

import { type KeeperSpec, Keepers } from "../agents/keepers.ts";
import { EngineNumericError } from "../errors.ts";
import type {
  HealthFactorHistogram,
  LendingEvent,
  LendingVenue,
  VenueContext,
  VenueSummary,
} from "../lending/contracts.ts";
import type { RandomStream } from "../random.ts";
import { grown } from "../typedArrays.ts";
import { emptyHistogram, histogramBucket } from "./healthHistogram.ts";

const secondsPerYear = 31_536_000;

/**
 * Relative slack where Clipper.take compares DAI amounts for equality: dss's integers make
 * 100 × chop 1.1 exactly 110, doubles make it 110.00000000000001, and a take of exactly the tab
 * must not fall on the wrong side of the chost rule for that last bit (clip.t.sol
 * test_take_at_tab, test_take_bid_fails_no_partial_allowed).
 */
const takeSlack = 1e-12;

/** The Clipper's `calc` (dss abaci.sol); fields as in src/scenario/makerSchema.ts. */
export type AbacusSpec =
  | { kind: "linear"; tau: number }
  | { kind: "stairstep"; step: number; cut: number }
  | { kind: "exponential"; cut: number };

/** One collateral type; field names and units follow dss (see src/scenario/makerSchema.ts). */
export interface MakerIlkSpec {
  name: string;
  /** Symbol of the collateral asset. */
  collateral: string;
  mat: number;
  chop: number;
  buf: number;
  tail: number;
  cusp: number;
  chip: number;
  tip: number;
  hole: number;
  dust: number;
  /** Annual rate. */
  stabilityFee: number;
  abacus: AbacusSpec;
}

export interface MakerVenueSpec {
  name: string;
  debtAsset: string;
  gasAsset: string;
  globalHole: number;
  ilks: readonly MakerIlkSpec[];
  vaults: {
    inline?: readonly { ilk: string; collateral: number; debt: number }[];
    population?: readonly {
      ilk: string;
      count: number;
      totalDebt: number;
      debtSigma: number;
      ratio: readonly { low: number; high: number; share: number }[];
    }[];
  };
  keepers: readonly KeeperSpec[];
}

/**
 * The Clipper's price `elapsed` seconds after an auction (re)started at `top` (dss abaci.sol):
 * LinearDecrease.price = top × (tau − dur) / tau, 0 once dur ≥ tau;
 * StairstepExponentialDecrease.price = top × cut^(dur / step) with integer division;
 * ExponentialDecrease.price = top × cut^dur.
 */
export function abacusPrice(abacus: AbacusSpec, top: number, elapsed: number): number {
  switch (abacus.kind) {
    case "linear":
      return elapsed >= abacus.tau ? 0 : (top * (abacus.tau - elapsed)) / abacus.tau;
    case "stairstep":
      return top * abacus.cut ** Math.floor(elapsed / abacus.step);
    case "exponential":
      return top * abacus.cut ** elapsed;
  }
}

/** Result of one Clipper.take, for tests and the keeper that called it. */
export interface TakeResult {
  /** Collateral bought. */
  slice: number;
  /** DAI paid. */
  owe: number;
}

export interface MakerAssets {
  /** Index of each asset symbol in the world's asset list. */
  indexBySymbol: ReadonlyMap<string, number>;
  /** Oracle price of an asset at the start, to turn population collateral ratios into ink. */
  initialPrice(asset: number): number;
}

interface Ilk {
  readonly config: MakerIlkSpec;
  readonly collateral: number;
  /** Jug: per-second rate factor, (1 + annual fee)^(1 / year). */
  readonly duty: number;
  /** Clipper chost = dust × chop (Clipper.upchost). */
  readonly chost: number;
  /** Vat ilk.rate: debt per unit of normalised art. */
  rate: number;
  /** Vat ilk.Art: total normalised debt. */
  totalArt: number;
  /** Dog ilk.dirt: tab of this ilk's live auctions. */
  dirt: number;
  /** Collateral handed back to vault owners when an auction covered its tab (Vat gem). */
  returned: number;
}

export class MakerVenue implements LendingVenue {
  readonly name: string;
  readonly ilks: Ilk[];
  readonly keepers: Keepers;
  readonly debtAsset: number;
  /** -1 when the world has no asset with the gas symbol: gas is then paid outside the world. */
  readonly gasAsset: number;
  readonly timeseriesColumns: readonly string[];

  /** Vat urns: ilk, ink (collateral) and art (normalised debt) per vault. */
  readonly vaultIlk: Int32Array;
  readonly ink: Float64Array;
  readonly art: Float64Array;

  /** Clipper sales; a slot is live when `auctionLive` is 1. */
  auctionCapacity = 0;
  auctionLive = new Uint8Array(0);
  auctionIlk = new Int32Array(0);
  auctionVault = new Int32Array(0);
  auctionTab = new Float64Array(0);
  auctionLot = new Float64Array(0);
  auctionTop = new Float64Array(0);
  auctionTic = new Float64Array(0);
  /** Debt grabbed from the vault (tab before the penalty) and DAI raised so far, per auction. */
  auctionDue = new Float64Array(0);
  auctionRaised = new Float64Array(0);
  liveAuctions = 0;

  /** Dog.Dirt: tab of all live auctions. */
  dirt = 0;
  readonly hole: number;
  /** Vow: DAI surplus (fees, auction proceeds) and sin (grabbed debt, minted incentives). */
  vowDai = 0;
  sin = 0;

  badDebtDai = 0;
  liquidationCount = 0;
  liquidatedCollateralUsd = 0;
  debtRepaidDai = 0;
  takeCount = 0;
  resetCount = 0;
  private tvlStartUsd = Number.NaN;
  private healthStart: HealthFactorHistogram | undefined;

  constructor(config: MakerVenueSpec, assets: MakerAssets, random: RandomStream | undefined) {
    this.name = config.name;
    const lookup = (symbol: string, field: string): number => {
      const index = assets.indexBySymbol.get(symbol);
      if (index === undefined) {
        throw new Error(
          `venue ${config.name}: ${field} ${JSON.stringify(symbol)} is not an asset of the scenario (${[...assets.indexBySymbol.keys()].join(", ")})`,
        );
      }
      return index;
    };
    this.debtAsset = lookup(config.debtAsset, "debtAsset");
    this.gasAsset = assets.indexBySymbol.get(config.gasAsset) ?? -1;
    this.hole = config.globalHole;
    this.referencePrice = new Float64Array(config.ilks.length);
    this.ilks = config.ilks.map((ilk, index) => ({
      config: ilk,
      collateral: lookup(ilk.collateral, `ilks[${index}].collateral`),
      duty: (1 + ilk.stabilityFee) ** (1 / secondsPerYear),
      chost: ilk.dust * ilk.chop,
      rate: 1,
      totalArt: 0,
      dirt: 0,
      returned: 0,
    }));
    let assetCount = 0;
    for (const index of assets.indexBySymbol.values()) assetCount = Math.max(assetCount, index + 1);
    this.keepers = new Keepers(config.keepers, assetCount);

    const ilkIndex = new Map(config.ilks.map((ilk, index) => [ilk.name, index]));
    const inline = config.vaults.inline ?? [];
    const populations = config.vaults.population ?? [];
    let vaultCount = inline.length;
    for (const population of populations) vaultCount += population.count;
    this.vaultIlk = new Int32Array(vaultCount);
    this.ink = new Float64Array(vaultCount);
    this.art = new Float64Array(vaultCount);
    let vault = 0;
    for (const spec of inline) {
      this.openVault(vault++, ilkIndex.get(spec.ilk) ?? 0, spec.collateral, spec.debt);
    }
    for (const population of populations) {
      if (random === undefined) {
        throw new Error(`venue ${config.name}: a vault population needs a random stream`);
      }
      const ilk = ilkIndex.get(population.ilk) ?? 0;
      const price = assets.initialPrice(this.ilks[ilk].collateral);
      if (!(price > 0 && Number.isFinite(price))) {
        throw new Error(`venue ${config.name}: initial price ${price} of ${population.ilk}`);
      }
      const weights = new Float64Array(population.count);
      let weightSum = 0;
      for (let index = 0; index < population.count; index++) {
        weights[index] = Math.exp(population.debtSigma * random.normal());
        weightSum += weights[index];
      }
      let shareSum = 0;
      for (const bucket of population.ratio) shareSum += bucket.share;
      for (let index = 0; index < population.count; index++) {
        const debt = (population.totalDebt * weights[index]) / weightSum;
        let draw = random.uniform() * shareSum;
        let bucket = 0;
        while (bucket < population.ratio.length - 1 && draw >= population.ratio[bucket].share) {
          draw -= population.ratio[bucket].share;
          bucket++;
        }
        const { low, high } = population.ratio[bucket];
        const ratio = low + (high - low) * random.uniform();
        this.openVault(vault++, ilk, (debt * ratio) / price, debt);
      }
    }

    // The first five names are the ones the lending report charts for every venue.
    this.timeseriesColumns = [
      "liquidations",
      "liquidatedUsd",
      "badDebtUsd",
      "tvlUsd",
      "debtUsd",
      "liveAuctions",
      "auctionLotUsd",
      "auctionTabDai",
      "takes",
      "keepersDai",
      "incentivesDai",
      "vowNetDai",
    ].map((column) => `${this.name}.${column}`);
  }

  /** Vat.frob at rate 1: lock `collateral`, draw `debt` DAI (to the owner, outside the venue). */
  private openVault(vault: number, ilk: number, collateral: number, debt: number): void {
    this.vaultIlk[vault] = ilk;
    this.ink[vault] = collateral;
    this.art[vault] = debt / this.ilks[ilk].rate;
    this.ilks[ilk].totalArt += this.art[vault];
  }

  /** Vault debt in DAI: art × rate. */
  debtOf(vault: number): number {
    return this.art[vault] * this.ilks[this.vaultIlk[vault]].rate;
  }

  /** Spotter: spot = price / par / mat with par = 1; Vat: unsafe when ink × spot < art × rate. */
  isUnsafe(vault: number, context: VenueContext): boolean {
    const ilk = this.ilks[this.vaultIlk[vault]];
    const spot = this.oracle(ilk.collateral, context) / ilk.config.mat;
    return this.ink[vault] * spot < this.art[vault] * ilk.rate;
  }

  private oracle(asset: number, context: VenueContext): number {
    const price = context.oraclePrice(asset);
    if (!(price > 0 && Number.isFinite(price))) {
      throw new EngineNumericError(
        context.step,
        this.name,
        `oracle price of asset ${asset}`,
        price,
      );
    }
    return price;
  }

  /** Counters at the start of the current step, so samples report what the step did. */
  private readonly stepStart = { liquidations: 0, liquidatedUsd: 0, takes: 0 };

  step(context: VenueContext): void {
    if (Number.isNaN(this.tvlStartUsd)) this.recordStart(context);
    this.stepStart.liquidations = this.liquidationCount;
    this.stepStart.liquidatedUsd = this.liquidatedCollateralUsd;
    this.stepStart.takes = this.takeCount;
    this.drip(context);
    this.barkUnsafeVaults(context);
    this.redoStaleAuctions(context);
    this.keepersTake(context);
    this.heal();
  }

  private recordStart(context: VenueContext): void {
    this.tvlStartUsd = this.collateralUsd(context);
    this.healthStart = this.healthHistogram(context);
  }

  /**
   * Jug.drip: rate' = rate × duty^(now − rho); the debt this adds is DAI owed to the Vow
   * (Vat.fold credits the Vow's dai with Art × Δrate).
   */
  drip(context: VenueContext): void {
    for (const ilk of this.ilks) {
      if (ilk.duty === 1) continue;
      const factor = ilk.duty ** context.dt;
      const added = ilk.totalArt * ilk.rate * (factor - 1);
      ilk.rate *= factor;
      this.vowDai += added;
    }
  }

  private barkUnsafeVaults(context: VenueContext): void {
    for (let vault = 0; vault < this.ink.length; vault++) {
      if (this.art[vault] <= 0 || !this.isUnsafe(vault, context)) continue;
      const ilk = this.ilks[this.vaultIlk[vault]];
      const expectedTab = Math.min(
        this.debtOf(vault) * ilk.config.chop,
        this.hole - this.dirt,
        ilk.config.hole - ilk.dirt,
      );
      if (expectedTab <= 0) continue;
      const incentive = ilk.config.tip + ilk.config.chip * expectedTab;
      const keeper = this.keepers.firstCaller(incentive, false, context);
      if (keeper < 0) {
        this.recordStarvedKeepers(context);
        continue;
      }
      if (this.bark(vault, keeper, context) >= 0) {
        this.keepers.payGas(keeper, this.keepers.gasPerBark[keeper], context);
      }
    }
  }

  /** Step whose starved keepers were logged, so each is logged once per step with work. */
  private starvedStep = -1;

  /** Logs every keeper that has work this step but cannot send at this gas price. */
  private recordStarvedKeepers(context: VenueContext): void {
    if (this.starvedStep === context.step) return;
    this.starvedStep = context.step;
    const keepers = this.keepers;
    for (let keeper = 0; keeper < keepers.count; keeper++) {
      const gasUnits =
        keepers.bids[keeper] === 1 ? keepers.gasPerTake[keeper] : keepers.gasPerBark[keeper];
      if (!keepers.canSend(keeper, gasUnits, context)) {
        keepers.recordStarved(keeper, this.name, context);
      }
    }
  }

  /**
   * Dog.bark (dss dog.sol): liquidates vault `vault` for keeper `keeper`. The DAI room left under
   * Hole and ilk.hole bounds dart = min(art, room / rate / chop); a partial liquidation that would
   * leave a dusty vault takes the whole vault, one that would start a dusty auction is refused.
   * dink = ink × dart / art moves to the auction, due = dart × rate to the Vow's sin, and the
   * auction must raise tab = due × chop. Clipper.kick starts it at top = oracle price × buf and
   * mints tip + chip × tab to the keeper. Returns the auction slot, or -1 when refused.
   */
  bark(vault: number, keeper: number, context: VenueContext): number {
    if (!this.isUnsafe(vault, context)) return -1;
    const ilkIndex = this.vaultIlk[vault];
    const ilk = this.ilks[ilkIndex];
    const { chop, dust, buf, tip, chip } = ilk.config;
    if (!(this.hole > this.dirt && ilk.config.hole > ilk.dirt)) return -1;
    const room = Math.min(this.hole - this.dirt, ilk.config.hole - ilk.dirt);
    const art = this.art[vault];
    let dart = Math.min(art, room / ilk.rate / chop);
    if (art > dart) {
      if ((art - dart) * ilk.rate < dust) {
        dart = art;
      } else if (dart * ilk.rate < dust) {
        return -1;
      }
    }
    // A whole-vault liquidation moves exactly ink and art, so no rounding dust stays behind.
    const whole = dart === art;
    const dink = whole ? this.ink[vault] : (this.ink[vault] * dart) / art;
    if (!(dink > 0)) return -1;
    this.ink[vault] = whole ? 0 : this.ink[vault] - dink;
    this.art[vault] = whole ? 0 : art - dart;
    ilk.totalArt -= dart;
    const due = dart * ilk.rate;
    this.sin += due;
    const tab = due * chop;
    this.dirt += tab;
    ilk.dirt += tab;

    const price = this.oracle(ilk.collateral, context);
    const slot = this.allocateAuction();
    this.auctionIlk[slot] = ilkIndex;
    this.auctionVault[slot] = vault;
    this.auctionTab[slot] = tab;
    this.auctionLot[slot] = dink;
    this.auctionTop[slot] = price * buf;
    this.auctionTic[slot] = context.time;
    this.auctionDue[slot] = due;
    this.auctionRaised[slot] = 0;
    this.mintIncentive(keeper, tip + chip * tab);

    this.liquidationCount++;
    this.liquidatedCollateralUsd += dink * price;
    this.record(context, "liquidation", vault, ilk.collateral, dink, dink * price);
    this.record(context, "auction_start", vault, this.debtAsset, tab, tab);
    return slot;
  }

  /** Vat.suck(vow, keeper, coin): the Vow takes the sin, the keeper gets new DAI. */
  private mintIncentive(keeper: number, coin: number): void {
    if (keeper < 0 || coin <= 0) return;
    this.sin += coin;
    this.keepers.dai[keeper] += coin;
    this.keepers.incentivesDai += coin;
  }

  private allocateAuction(): number {
    for (let slot = 0; slot < this.auctionCapacity; slot++) {
      if (this.auctionLive[slot] === 0) {
        this.auctionLive[slot] = 1;
        this.liveAuctions++;
        return slot;
      }
    }
    const slot = this.auctionCapacity;
    this.growAuctions(Math.max(16, this.auctionCapacity * 2));
    this.auctionLive[slot] = 1;
    this.liveAuctions++;
    return slot;
  }

  private growAuctions(capacity: number): void {
    this.auctionLive = grown(this.auctionLive, capacity);
    this.auctionIlk = grown(this.auctionIlk, capacity);
    this.auctionVault = grown(this.auctionVault, capacity);
    this.auctionTab = grown(this.auctionTab, capacity);
    this.auctionLot = grown(this.auctionLot, capacity);
    this.auctionTop = grown(this.auctionTop, capacity);
    this.auctionTic = grown(this.auctionTic, capacity);
    this.auctionDue = grown(this.auctionDue, capacity);
    this.auctionRaised = grown(this.auctionRaised, capacity);
    this.auctionCapacity = capacity;
  }

  /** Clipper.getStatus: the price now, and whether the auction needs a redo (tail or cusp). */
  auctionPrice(slot: number, context: VenueContext): number {
    const ilk = this.ilks[this.auctionIlk[slot]];
    return abacusPrice(
      ilk.config.abacus,
      this.auctionTop[slot],
      context.time - this.auctionTic[slot],
    );
  }

  /** Clipper.status: done = now − tic > tail or price / top < cusp. */
  needsRedo(slot: number, context: VenueContext): boolean {
    const ilk = this.ilks[this.auctionIlk[slot]];
    const price = this.auctionPrice(slot, context);
    return (
      context.time - this.auctionTic[slot] > ilk.config.tail ||
      price / this.auctionTop[slot] < ilk.config.cusp
    );
  }

  private redoStaleAuctions(context: VenueContext): void {
    for (let slot = 0; slot < this.auctionCapacity; slot++) {
      if (this.auctionLive[slot] === 0 || !this.needsRedo(slot, context)) continue;
      const incentive = this.redoIncentive(slot, context);
      const keeper = this.keepers.firstCaller(incentive, true, context);
      if (keeper < 0) {
        this.recordStarvedKeepers(context);
        continue;
      }
      if (this.redo(slot, keeper, context)) {
        this.keepers.payGas(keeper, this.keepers.gasPerRedo[keeper], context);
      }
    }
  }

  /** Clipper.redo pays tip + chip × tab only when neither tab nor the lot's value is below chost. */
  redoIncentive(slot: number, context: VenueContext): number {
    const ilk = this.ilks[this.auctionIlk[slot]];
    const tab = this.auctionTab[slot];
    const lotValue = this.auctionLot[slot] * this.oracle(ilk.collateral, context);
    if (tab >= ilk.chost && lotValue >= ilk.chost) return ilk.config.tip + ilk.config.chip * tab;
    return 0;
  }

  /** Clipper.redo: restarts a done auction at top = oracle price × buf, now. */
  redo(slot: number, keeper: number, context: VenueContext): boolean {
    if (this.auctionLive[slot] === 0 || !this.needsRedo(slot, context)) return false;
    const ilk = this.ilks[this.auctionIlk[slot]];
    const coin = this.redoIncentive(slot, context);
    const price = this.oracle(ilk.collateral, context);
    this.auctionTop[slot] = price * ilk.config.buf;
    this.auctionTic[slot] = context.time;
    this.mintIncentive(keeper, coin);
    this.resetCount++;
    const vault = this.auctionVault[slot];
    const lot = this.auctionLot[slot];
    this.record(context, "auction_reset", vault, ilk.collateral, lot, lot * price);
    return true;
  }

  /**
   * Clipper.take (dss clip.sol): buy up to `amount` collateral at the current price if it is at
   * most `maxPrice`. slice = min(lot, amount), owe = slice × price; owe is capped at tab (an owe
   * within `takeSlack` of it is the tab); a partial
   * purchase may not leave 0 < tab < chost (it is cut to owe = tab − chost, or refused when
   * tab ≤ chost). The Dog's dirt falls by owe, or by the whole tab once the lot is gone; a lot
   * left after the tab is covered goes back to the vault owner; a tab left when the lot is gone is
   * bad debt (the Vow keeps the sin). Returns slice and owe (both 0 when refused).
   */
  take(
    slot: number,
    keeper: number,
    amount: number,
    maxPrice: number,
    context: VenueContext,
    out: TakeResult,
  ): void {
    out.slice = 0;
    out.owe = 0;
    if (this.auctionLive[slot] === 0 || this.needsRedo(slot, context)) return;
    const price = this.auctionPrice(slot, context);
    if (maxPrice < price) return;
    const ilkIndex = this.auctionIlk[slot];
    const ilk = this.ilks[ilkIndex];
    const lot = this.auctionLot[slot];
    const tab = this.auctionTab[slot];
    let slice = Math.min(lot, amount);
    let owe = slice * price;
    if (owe >= tab * (1 - takeSlack)) {
      owe = tab;
      slice = Math.min(lot, owe / price);
    } else if (slice < lot) {
      if (tab - owe < ilk.chost) {
        if (tab <= ilk.chost * (1 + takeSlack)) return;
        owe = tab - ilk.chost;
        slice = owe / price;
      }
    }
    if (!(slice > 0) && !(owe > 0)) return;
    // takeAmount sizes slices to the keeper's DAI; slice × price may exceed it by rounding only.
    if (owe > this.keepers.dai[keeper] * (1 + 1e-12)) return;

    const lotLeft = lot - slice;
    const tabLeft = tab - owe;
    this.keepers.dai[keeper] -= owe;
    this.keepers.inventory[keeper * this.keepers.assetCount + ilk.collateral] += slice;
    this.vowDai += owe;
    this.auctionRaised[slot] += owe;
    this.debtRepaidDai += owe;
    this.takeCount++;
    const digs = lotLeft <= 0 ? tab : owe;
    this.dirt -= digs;
    ilk.dirt -= digs;
    this.record(context, "auction_take", this.auctionVault[slot], ilk.collateral, slice, owe);
    out.slice = slice;
    out.owe = owe;

    if (lotLeft <= 0) {
      this.auctionLot[slot] = 0;
      this.auctionTab[slot] = tabLeft;
      this.closeAuction(slot, context);
    } else if (tabLeft <= 0) {
      ilk.returned += lotLeft;
      this.auctionLot[slot] = 0;
      this.auctionTab[slot] = 0;
      this.closeAuction(slot, context);
    } else {
      this.auctionLot[slot] = lotLeft;
      this.auctionTab[slot] = tabLeft;
    }
  }

  /** Ends a sale; the part of the grabbed debt the auction did not raise is bad debt. */
  private closeAuction(slot: number, context: VenueContext): void {
    const shortfall = this.auctionDue[slot] - this.auctionRaised[slot];
    if (shortfall > 0) {
      this.badDebtDai += shortfall;
      this.record(
        context,
        "bad_debt",
        this.auctionVault[slot],
        this.debtAsset,
        shortfall,
        shortfall,
      );
    }
    this.auctionLive[slot] = 0;
    this.liveAuctions--;
  }

  private readonly takeResult: TakeResult = { slice: 0, owe: 0 };

  /** Market price of each ilk's collateral when the step's keepers start: their sale reference. */
  private readonly referencePrice: Float64Array;

  /** Keepers in gas order try every live auction, then sell what they won. */
  private keepersTake(context: VenueContext): void {
    const keepers = this.keepers;
    for (let index = 0; index < this.ilks.length; index++) {
      const collateral = this.ilks[index].collateral;
      const price = context.marketPrice(collateral);
      if (!(price > 0 && Number.isFinite(price))) {
        throw new EngineNumericError(
          context.step,
          this.name,
          `market price of asset ${collateral}`,
          price,
        );
      }
      this.referencePrice[index] = price;
    }
    if (this.liveAuctions === 0) {
      this.sellInventories(context);
      return;
    }
    for (let position = 0; position < keepers.count; position++) {
      const keeper = keepers.order[position];
      if (keepers.bids[keeper] === 0) continue;
      if (!keepers.canSend(keeper, keepers.gasPerTake[keeper], context)) {
        this.recordStarvedKeepers(context);
        continue;
      }
      for (let slot = 0; slot < this.auctionCapacity; slot++) {
        if (this.auctionLive[slot] === 0 || this.needsRedo(slot, context)) continue;
        if (!keepers.canSend(keeper, keepers.gasPerTake[keeper], context)) break;
        const ilkIndex = this.auctionIlk[slot];
        const collateral = this.ilks[ilkIndex].collateral;
        const price = this.auctionPrice(slot, context);
        const lot = this.auctionLot[slot];
        const amount = keepers.takeAmount(keeper, price, lot, collateral, this.debtAsset, context);
        if (amount <= 0) continue;
        this.take(slot, keeper, amount, price, context, this.takeResult);
        if (this.takeResult.slice > 0 || this.takeResult.owe > 0) {
          keepers.payGas(keeper, keepers.gasPerTake[keeper], context);
          const reference = this.referencePrice[ilkIndex];
          keepers.sellInventory(keeper, collateral, this.debtAsset, reference, context);
        }
      }
    }
    this.sellInventories(context);
  }

  /** Stock a sale could not place at the keeper's price is offered again each step. */
  private sellInventories(context: VenueContext): void {
    const keepers = this.keepers;
    for (let keeper = 0; keeper < keepers.count; keeper++) {
      for (let index = 0; index < this.ilks.length; index++) {
        const collateral = this.ilks[index].collateral;
        keepers.sellInventory(
          keeper,
          collateral,
          this.debtAsset,
          this.referencePrice[index],
          context,
        );
      }
    }
  }

  /** Vow.heal: surplus DAI cancels sin one for one. */
  heal(): void {
    const healed = Math.min(this.vowDai, this.sin);
    this.vowDai -= healed;
    this.sin -= healed;
  }

  private record(
    context: VenueContext,
    type: LendingEvent["type"],
    account: number,
    asset: number,
    quantity: number,
    valueUsd: number,
  ): void {
    context.record({ type, venue: this.name, account, asset, quantity, valueUsd });
  }

  totalDebt(): number {
    let total = 0;
    for (const ilk of this.ilks) total += ilk.totalArt * ilk.rate;
    return total;
  }

  netHoldings(asset: number): number {
    let total = 0;
    if (asset === this.debtAsset) {
      total += this.keepers.totalDai() + this.vowDai - this.sin - this.totalDebt();
    }
    for (let index = 0; index < this.ilks.length; index++) {
      const ilk = this.ilks[index];
      if (ilk.collateral !== asset) continue;
      total += ilk.returned;
      for (let vault = 0; vault < this.ink.length; vault++) {
        if (this.vaultIlk[vault] === index) total += this.ink[vault];
      }
      for (let slot = 0; slot < this.auctionCapacity; slot++) {
        if (this.auctionLive[slot] === 1 && this.auctionIlk[slot] === index) {
          total += this.auctionLot[slot];
        }
      }
    }
    total += this.keepers.totalInventory(asset);
    if (asset === this.gasAsset) total += this.keepers.totalGasEth() + this.keepers.minersEth;
    return total;
  }

  private collateralUsd(context: VenueContext): number {
    let total = 0;
    for (let vault = 0; vault < this.ink.length; vault++) {
      total += this.ink[vault] * this.oracle(this.ilks[this.vaultIlk[vault]].collateral, context);
    }
    return total;
  }

  /** Health factor of a vault: ink × price / (art × rate × mat); below 1 it can be barked. */
  healthFactor(vault: number, context: VenueContext): number {
    const ilk = this.ilks[this.vaultIlk[vault]];
    const debt = this.art[vault] * ilk.rate;
    return (this.ink[vault] * this.oracle(ilk.collateral, context)) / (debt * ilk.config.mat);
  }

  private healthHistogram(context: VenueContext): HealthFactorHistogram {
    const histogram = emptyHistogram();
    for (let vault = 0; vault < this.ink.length; vault++) {
      if (this.art[vault] <= 0) continue;
      histogram.counts[histogramBucket(this.healthFactor(vault, context))]++;
    }
    return histogram;
  }

  sample(context: VenueContext, out: Float64Array, offset: number): void {
    let lotUsd = 0;
    let tab = 0;
    for (let slot = 0; slot < this.auctionCapacity; slot++) {
      if (this.auctionLive[slot] === 0) continue;
      const collateral = this.ilks[this.auctionIlk[slot]].collateral;
      lotUsd += this.auctionLot[slot] * this.oracle(collateral, context);
      tab += this.auctionTab[slot];
    }
    out[offset] = this.liquidationCount - this.stepStart.liquidations;
    out[offset + 1] = this.liquidatedCollateralUsd - this.stepStart.liquidatedUsd;
    out[offset + 2] = this.endBadDebt(context);
    out[offset + 3] = this.collateralUsd(context);
    out[offset + 4] = this.totalDebt();
    out[offset + 5] = this.liveAuctions;
    out[offset + 6] = lotUsd;
    out[offset + 7] = tab;
    out[offset + 8] = this.takeCount - this.stepStart.takes;
    out[offset + 9] = this.keepers.totalDai();
    out[offset + 10] = this.keepers.incentivesDai;
    out[offset + 11] = this.vowDai - this.sin;
  }

  liquidatableByPrice(asset: number, prices: Float64Array, context: VenueContext): Float64Array {
    const result = new Float64Array(prices.length);
    for (let vault = 0; vault < this.ink.length; vault++) {
      const ilk = this.ilks[this.vaultIlk[vault]];
      if (ilk.collateral !== asset || this.art[vault] <= 0) continue;
      const debt = this.art[vault] * ilk.rate;
      const valueNow = this.ink[vault] * this.oracle(asset, context);
      for (let index = 0; index < prices.length; index++) {
        if ((this.ink[vault] * prices[index]) / ilk.config.mat < debt) result[index] += valueNow;
      }
    }
    return result;
  }

  /**
   * Bad debt at the end: shortfalls of finished auctions, plus what live auctions and unbarked
   * vaults could not cover if their collateral were sold at the end oracle price.
   */
  endBadDebt(context: VenueContext): number {
    let total = this.badDebtDai;
    for (let slot = 0; slot < this.auctionCapacity; slot++) {
      if (this.auctionLive[slot] === 0) continue;
      const price = this.oracle(this.ilks[this.auctionIlk[slot]].collateral, context);
      const uncovered =
        this.auctionDue[slot] - this.auctionRaised[slot] - this.auctionLot[slot] * price;
      if (uncovered > 0) total += uncovered;
    }
    for (let vault = 0; vault < this.ink.length; vault++) {
      if (this.art[vault] <= 0) continue;
      const ilk = this.ilks[this.vaultIlk[vault]];
      const uncovered =
        this.art[vault] * ilk.rate - this.ink[vault] * this.oracle(ilk.collateral, context);
      if (uncovered > 0) total += uncovered;
    }
    return total;
  }

  summary(context: VenueContext): VenueSummary {
    if (Number.isNaN(this.tvlStartUsd)) this.recordStart(context);
    return {
      name: this.name,
      kind: "maker",
      badDebtUsd: this.endBadDebt(context),
      liquidatedCollateralUsd: this.liquidatedCollateralUsd,
      liquidationCount: this.liquidationCount,
      debtRepaidUsd: this.debtRepaidDai,
      tvlStartUsd: this.tvlStartUsd,
      tvlEndUsd: this.collateralUsd(context),
      healthFactorStart: this.healthStart ?? emptyHistogram(),
      healthFactorEnd: this.healthHistogram(context),
    };
  }
}

export function createMakerVenue(
  config: MakerVenueSpec,
  assets: MakerAssets,
  random?: RandomStream,
): MakerVenue {
  return new MakerVenue(config, assets, random);
}
