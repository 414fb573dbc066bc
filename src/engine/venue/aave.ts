/**
 * An Aave v3 pool as a `LendingVenue`: accounts with several collateral and debt assets, kept as
 * typed arrays (account × asset) of scaled balances like the protocol's aTokens and variable debt
 * tokens, so interest accrues by moving one index per asset rather than touching every account.
 *
 * Rules and where they come from (aave-v3-core):
 * - health factor: GenericLogic.calculateUserAccountData,
 *   HF = Σ collateral_i · price_i · LT_i / Σ debt_j · price_j;
 * - close factor: LiquidationLogic, DEFAULT_LIQUIDATION_CLOSE_FACTOR = 50 % while
 *   HF > CLOSE_FACTOR_HF_THRESHOLD = 0.95, 100 % at and below it; from v3.3 (aave-v3-origin) also
 *   100 % for a reserve position under $2,000, the 50 % measured on the account's total debt, and
 *   no partial liquidation that leaves under $1,000 of debt or collateral (see
 *   `maxLiquidatableDebt`, `debtToCoverLeavingNoDust`);
 * - seized collateral: LiquidationLogic._calculateAvailableCollateralToLiquidate,
 *   collateral = debt · debtPrice · bonus / collateralPrice, capped by the balance (then the debt
 *   is recomputed from the collateral), and the protocol fee is a share of the bonus part;
 * - e-mode: an account in category e uses e's LTV, LT and bonus for the assets in e;
 * - caps: ValidationLogic.validateSupply / validateBorrow (supplyCap, borrowCap);
 * - interest: DefaultReserveInterestRateStrategy (base, slope1, slope2, optimal usage) with
 *   ReserveLogic's linear supply index and compounded borrow index (MathUtils).
 *
 * Units: balances in asset units; prices in USD; rates, LTV, LT, bonus and fee shares as
 * fractions (LT 0.825 is Aave's 8250; bonus 0.05 is Aave's 10500 = 105 %).
 */
import { type LiquidatorSpec, Liquidators } from "../agents/liquidators.ts";
import { type LoopingSpec, releverBorrow, unwindQuantity } from "../agents/looping.ts";
import {
  emptySwap,
  type HealthFactorHistogram,
  type LendingEvent,
  type LendingVenue,
  type VenueContext,
  type VenueSummary,
} from "../lending/contracts.ts";
import type { RandomStream } from "../random.ts";
import { emptyHistogram, histogramBucket } from "./healthHistogram.ts";

export const secondsPerYear = 365 * 24 * 3600;
/** LiquidationLogic.CLOSE_FACTOR_HF_THRESHOLD (0.95e18). */
export const closeFactorHealthFactorThreshold = 0.95;
/** LiquidationLogic.DEFAULT_LIQUIDATION_CLOSE_FACTOR (0.5e4) and MAX_LIQUIDATION_CLOSE_FACTOR (1e4). */
export const defaultCloseFactor = 0.5;
/** Relative index move (interest) after which every account's health factor is recomputed. */
export const rescanIndexDrift = 1e-4;
export const maxCloseFactor = 1;
/**
 * aave-v3-origin v3.3 LiquidationLogic.MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2000e8: $2,000 in the
 * oracle's base currency (USD, 8 decimals), below which a reserve position is liquidatable whole.
 */
export const minBaseMaxCloseFactorThreshold = 2000;
/** v3.3 LiquidationLogic.MIN_LEFTOVER_BASE = MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD / 2: $1,000. */
export const minLeftoverBase = minBaseMaxCloseFactorThreshold / 2;

/**
 * Which liquidation rules the pool follows: `v3.0` (aave-v3-core LiquidationLogic) or `v3.3`
 * (aave-v3-origin v3.3.0 LiquidationLogic, the dust rules above).
 */
export type AaveVersion = "v3.0" | "v3.3";

export interface InterestRateSpec {
  /** Annual borrow rate at zero usage. */
  base: number;
  /** Added linearly up to the optimal usage. */
  slope1: number;
  /** Added linearly from the optimal usage to 100 %. */
  slope2: number;
  optimalUsage: number;
}

export interface AaveReserveSpec {
  ltv: number;
  liquidationThreshold: number;
  /** Extra collateral a liquidator receives per unit of debt value repaid: 0.05 = 5 %. */
  liquidationBonus: number;
  /** Share of the bonus that goes to the protocol treasury (Aave's liquidationProtocolFee). */
  protocolFee: number;
  /** Units; Infinity for none. */
  supplyCap: number;
  borrowCap: number;
  reserveFactor: number;
  rate: InterestRateSpec;
  /**
   * Units supplied by lenders who never borrow: the liquidity borrowers draw on. Undefined: the
   * accounts' total debt / 0.8, a pool at 80 % usage.
   */
  passiveSupply: number | undefined;
}

/**
 * A reserve with a 5 % liquidation bonus and otherwise the scenario schema's defaults
 * (src/scenario/lendingSchema.ts: 10 % protocol fee and reserve factor, no caps, rates 0 / 4 % /
 * 75 % kinked at 80 % usage), for the worlds generated in code: the lending benchmark and tests.
 */
export function defaultReserve(
  ltv: number,
  liquidationThreshold: number,
  passiveSupply: number | undefined,
): AaveReserveSpec {
  return {
    ltv,
    liquidationThreshold,
    liquidationBonus: 0.05,
    protocolFee: 0.1,
    supplyCap: Number.POSITIVE_INFINITY,
    borrowCap: Number.POSITIVE_INFINITY,
    reserveFactor: 0.1,
    rate: { base: 0, slope1: 0.04, slope2: 0.75, optimalUsage: 0.8 },
    passiveSupply,
  };
}

export interface EModeSpec {
  ltv: number;
  liquidationThreshold: number;
  liquidationBonus: number;
  /** Assets in the category (asset indexes). */
  assets: readonly number[];
}

export interface AaveAccounts {
  count: number;
  /** count × assetCount, units. */
  collateral: Float64Array;
  debt: Float64Array;
  /** 0 = no e-mode, k = eModes[k − 1]. */
  eMode: Uint8Array;
  /** 1 for a leverage looper. */
  looper: Uint8Array;
  targetHealthFactor: Float64Array;
  unwindHealthFactor: Float64Array;
}

export interface AaveVenueSpec {
  name: string;
  version: AaveVersion;
  assetCount: number;
  /** One per asset index; undefined when the pool does not list the asset. */
  reserves: readonly (AaveReserveSpec | undefined)[];
  eModes: readonly EModeSpec[];
  liquidators: LiquidatorSpec;
  looping: LoopingSpec;
  accounts: AaveAccounts;
}

/** DefaultReserveInterestRateStrategy.calculateInterestRates: the variable borrow rate. */
export function borrowRate(usage: number, rate: InterestRateSpec): number {
  if (usage <= rate.optimalUsage) {
    return rate.base + (rate.slope1 * usage) / rate.optimalUsage;
  }
  return (
    rate.base + rate.slope1 + (rate.slope2 * (usage - rate.optimalUsage)) / (1 - rate.optimalUsage)
  );
}

/**
 * DefaultReserveInterestRateStrategy.calculateInterestRates: liquidityRate = borrowRate · usage ·
 * (1 − reserveFactor), usage = totalDebt / (availableLiquidity + totalDebt).
 */
export function supplyRate(usage: number, rate: InterestRateSpec, reserveFactor: number): number {
  return borrowRate(usage, rate) * usage * (1 - reserveFactor);
}

/** MathUtils.calculateLinearInterest: 1 + rate × seconds / year, the supply index's growth. */
export function linearInterest(annualRate: number, seconds: number): number {
  return 1 + (annualRate * seconds) / secondsPerYear;
}

/**
 * MathUtils.calculateCompoundedInterest compounds per second with the binomial 1 + n·x +
 * n(n−1)/2·x² + n(n−1)(n−2)/6·x³ (x = rate / year, n seconds); this is its many-second limit
 * 1 + rt + (rt)²/2 + (rt)³/6, which differs from it by about (rt)² / 2n.
 */
export function compoundedInterest(annualRate: number, seconds: number): number {
  const x = (annualRate * seconds) / secondsPerYear;
  return 1 + x + (x * x) / 2 + (x * x * x) / 6;
}

/**
 * LiquidationLogic._calculateDebt (aave-v3-core): `healthFactor > CLOSE_FACTOR_HF_THRESHOLD ?
 * DEFAULT_LIQUIDATION_CLOSE_FACTOR : MAX_LIQUIDATION_CLOSE_FACTOR`, so 50 % of the debt above
 * HF 0.95 and all of it at HF 0.95 exactly and below.
 */
export function closeFactor(healthFactor: number): number {
  return healthFactor > closeFactorHealthFactorThreshold ? defaultCloseFactor : maxCloseFactor;
}

/**
 * Most of one reserve's debt (units) a liquidation may repay.
 * - v3.0 (aave-v3-core LiquidationLogic._calculateDebt): the reserve debt × `closeFactor`.
 * - v3.3 (aave-v3-origin v3.3.0 LiquidationLogic.executeLiquidationCall): the whole reserve debt,
 *   unless the reserve's collateral and its debt are both worth at least $2,000 and HF > 0.95;
 *   then at most 50 % of the account's total debt in base currency, and the reserve debt only
 *   when it is below that. Collateral $2,000 and debt $10,000 all in one reserve: 100 %; $100,000
 *   of collateral, HF 0.97: half of the total debt.
 */
export function maxLiquidatableDebt(
  version: AaveVersion,
  healthFactor: number,
  reserveDebt: number,
  debtPrice: number,
  reserveCollateralUsd: number,
  totalDebtUsd: number,
): number {
  if (version === "v3.0") return reserveDebt * closeFactor(healthFactor);
  const reserveDebtUsd = reserveDebt * debtPrice;
  if (
    reserveCollateralUsd >= minBaseMaxCloseFactorThreshold &&
    reserveDebtUsd >= minBaseMaxCloseFactorThreshold &&
    healthFactor > closeFactorHealthFactorThreshold
  ) {
    const defaultLiquidatableUsd = totalDebtUsd * defaultCloseFactor;
    if (reserveDebtUsd > defaultLiquidatableUsd) return defaultLiquidatableUsd / debtPrice;
  }
  return reserveDebt;
}

/**
 * v3.3 LiquidationLogic (aave-v3-origin v3.3.0): a liquidation that repays less than the whole
 * reserve debt and takes less than the whole collateral balance must leave at least
 * MIN_LEFTOVER_BASE ($1,000) of both, else it reverts with MUST_NOT_LEAVE_DUST. Returns the
 * largest debt to cover, at most `debtToCover`, that the pool accepts: `debtToCover` itself when
 * it clears the debt, takes all the collateral or leaves enough of both; otherwise the amount
 * that leaves exactly $1,000 of whichever side runs short (LiquidationDataProvider, the
 * protocol's helper for liquidators, lowers the amount the same way); 0 when even that is none.
 */
export function debtToCoverLeavingNoDust(
  debtToCover: number,
  reserveDebt: number,
  collateralBalance: number,
  debtPrice: number,
  collateralPrice: number,
  bonus: number,
): number {
  if (debtToCover >= reserveDebt) return debtToCover;
  const collateralPerDebt = (debtPrice * (1 + bonus)) / collateralPrice;
  const seized = debtToCover * collateralPerDebt;
  if (seized >= collateralBalance) return debtToCover;
  const debtLeftUsd = (reserveDebt - debtToCover) * debtPrice;
  const collateralLeftUsd = (collateralBalance - seized) * collateralPrice;
  if (debtLeftUsd >= minLeftoverBase && collateralLeftUsd >= minLeftoverBase) return debtToCover;
  const allowed = Math.min(
    debtToCover,
    reserveDebt - minLeftoverBase / debtPrice,
    (collateralBalance - minLeftoverBase / collateralPrice) / collateralPerDebt,
  );
  return Math.max(0, allowed);
}

export interface LiquidationAmounts {
  debtRepaid: number;
  /** Collateral taken from the account, protocol fee included. */
  collateralSeized: number;
  /** Part of it that goes to the treasury, not the liquidator. */
  protocolFee: number;
}

/**
 * LiquidationLogic._calculateAvailableCollateralToLiquidate for a liquidator who offers
 * `debtToCover` (already limited by the close factor): base = debt · debtPrice / collateralPrice,
 * max = base · (1 + bonus); if that exceeds the balance, take the balance and repay
 * balance · collateralPrice / (debtPrice · (1 + bonus)). Protocol fee = (seized − seized /
 * (1 + bonus)) · protocolFee.
 */
export function liquidationAmounts(
  debtToCover: number,
  collateralBalance: number,
  debtPrice: number,
  collateralPrice: number,
  bonus: number,
  protocolFeeShare: number,
  out: LiquidationAmounts,
): void {
  const multiplier = 1 + bonus;
  let seized = (debtToCover * debtPrice * multiplier) / collateralPrice;
  let repaid = debtToCover;
  if (seized > collateralBalance) {
    seized = collateralBalance;
    repaid = (seized * collateralPrice) / (debtPrice * multiplier);
  }
  out.debtRepaid = repaid;
  out.collateralSeized = seized;
  out.protocolFee = (seized - seized / multiplier) * protocolFeeShare;
}

/**
 * Moves the `count` smallest values of `values` to its front (in no order): Hoare's quickselect,
 * with the middle element as pivot so that sorted input stays linear.
 */
export function selectSmallest(values: Float64Array, count: number): void {
  let low = 0;
  let high = values.length - 1;
  const target = count - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1];
    let left = low;
    let right = high;
    while (left <= right) {
      while (values[left] < pivot) left++;
      while (values[right] > pivot) right--;
      if (left <= right) {
        const swap = values[left];
        values[left] = values[right];
        values[right] = swap;
        left++;
        right--;
      }
    }
    if (target <= right) high = right;
    else if (target >= left) low = left;
    else return;
  }
}

interface LoopQuote {
  weighted: number;
  debt: number;
  oracle: number;
  debtOracle: number;
  threshold: number;
  market: number;
}

export class AaveVenue implements LendingVenue {
  readonly name: string;
  readonly timeseriesColumns: readonly string[];
  private readonly version: AaveVersion;
  private readonly reserves: readonly (AaveReserveSpec | undefined)[];
  private readonly looping: LoopingSpec;
  private readonly assetCount: number;
  private readonly accountCount: number;
  /** Scaled balances: units = scaled × index (aToken / variable debt token style). */
  private readonly collateralScaled: Float64Array;
  private readonly debtScaled: Float64Array;
  private readonly eMode: Uint8Array;
  private readonly looperIndexes: Int32Array;
  private readonly targetHealthFactor: Float64Array;
  private readonly unwindHealthFactor: Float64Array;
  readonly healthFactor: Float64Array;
  /** (eMode category + 1 rows) × assets: LT, LTV and bonus that apply. */
  private readonly thresholdTable: Float64Array;
  private readonly ltvTable: Float64Array;
  private readonly bonusTable: Float64Array;
  readonly liquidityIndex: Float64Array;
  readonly borrowIndex: Float64Array;
  private readonly totalCollateralScaled: Float64Array;
  private readonly totalDebtScaled: Float64Array;
  private readonly passiveScaled: Float64Array;
  private readonly treasuryScaled: Float64Array;
  /** Underlying units held by the pool (aToken contracts). */
  private readonly cash: Float64Array;
  /** Loopers' and unwinders' leftover units (proceeds above the debt they repaid). */
  private readonly agentWallet: Float64Array;
  readonly liquidators: Liquidators;
  /** Per-step scratch: index·price·LT per (eMode row, asset), index·price per debt asset. */
  private readonly weightedPrice: Float64Array;
  private readonly debtPrice: Float64Array;
  private readonly valuePrice: Float64Array;
  private readonly candidateKeys: Float64Array;
  /** Whether the head of the liquidation queue is selected and sorted for the current scan. */
  private queueOrdered = false;
  /** Loopers outside their band at the last scan. */
  private readonly attention: Int32Array;
  private attentionCount = 0;
  /** Oracle prices and indexes of the last full scan. */
  private readonly scannedPrice: Float64Array;
  private readonly scannedBorrowIndex: Float64Array;
  private readonly scannedLiquidityIndex: Float64Array;
  /** Debt above collateral value summed over accounts, as of the last full scan. */
  private scannedShortfall = 0;
  /** Scratch for one account's weighted collateral and debt. */
  private readonly totals = { weighted: 0, debt: 0 };
  /** Scratch for what a looper's trade is sized from (loopQuote). */
  private readonly quote: LoopQuote = {
    weighted: 0,
    debt: 0,
    oracle: 0,
    debtOracle: 0,
    threshold: 0,
    market: 0,
  };
  private readonly badDebtRecorded: Uint8Array;
  private readonly amounts: LiquidationAmounts = {
    debtRepaid: 0,
    collateralSeized: 0,
    protocolFee: 0,
  };
  private readonly swapResult = emptySwap();
  private readonly event: LendingEvent;
  private started = false;
  private tvlStart = 0;
  private histogramStart = emptyHistogram();
  liquidationCount = 0;
  liquidatedCollateralUsd = 0;
  debtRepaidUsd = 0;
  unwindCount = 0;
  loopCount = 0;
  private stepLiquidations = 0;
  private stepLiquidatedUsd = 0;
  private stepUnwinds = 0;
  private liquidatableCount = 0;

  constructor(
    spec: AaveVenueSpec,
    private readonly random: RandomStream,
  ) {
    this.name = spec.name;
    this.version = spec.version;
    this.reserves = spec.reserves;
    this.looping = spec.looping;
    const assets = spec.assetCount;
    const accounts = spec.accounts.count;
    this.assetCount = assets;
    this.accountCount = accounts;
    const rows = spec.eModes.length + 1;
    this.thresholdTable = new Float64Array(rows * assets);
    this.ltvTable = new Float64Array(rows * assets);
    this.bonusTable = new Float64Array(rows * assets);
    for (let asset = 0; asset < assets; asset++) {
      const reserve = spec.reserves[asset];
      for (let row = 0; row < rows; row++) {
        const category = row === 0 ? undefined : spec.eModes[row - 1];
        const inCategory = category?.assets.includes(asset) ?? false;
        const source = inCategory && category !== undefined ? category : reserve;
        this.thresholdTable[row * assets + asset] = source?.liquidationThreshold ?? 0;
        this.ltvTable[row * assets + asset] = source?.ltv ?? 0;
        this.bonusTable[row * assets + asset] = source?.liquidationBonus ?? 0;
      }
    }
    this.liquidityIndex = new Float64Array(assets).fill(1);
    this.borrowIndex = new Float64Array(assets).fill(1);
    this.collateralScaled = Float64Array.from(spec.accounts.collateral);
    this.debtScaled = Float64Array.from(spec.accounts.debt);
    this.eMode = Uint8Array.from(spec.accounts.eMode);
    this.targetHealthFactor = Float64Array.from(spec.accounts.targetHealthFactor);
    this.unwindHealthFactor = Float64Array.from(spec.accounts.unwindHealthFactor);
    let looperCount = 0;
    for (let account = 0; account < accounts; account++)
      looperCount += spec.accounts.looper[account];
    this.looperIndexes = new Int32Array(looperCount);
    looperCount = 0;
    for (let account = 0; account < accounts; account++) {
      if (spec.accounts.looper[account] === 1) this.looperIndexes[looperCount++] = account;
    }
    this.healthFactor = new Float64Array(accounts);
    this.attention = new Int32Array(looperCount);
    this.totalCollateralScaled = new Float64Array(assets);
    this.totalDebtScaled = new Float64Array(assets);
    this.passiveScaled = new Float64Array(assets);
    this.treasuryScaled = new Float64Array(assets);
    this.cash = new Float64Array(assets);
    this.agentWallet = new Float64Array(assets);
    for (let account = 0; account < accounts; account++) {
      for (let asset = 0; asset < assets; asset++) {
        this.totalCollateralScaled[asset] += this.collateralScaled[account * assets + asset];
        this.totalDebtScaled[asset] += this.debtScaled[account * assets + asset];
      }
    }
    for (let asset = 0; asset < assets; asset++) {
      const reserve = spec.reserves[asset];
      const passive =
        reserve === undefined ? 0 : (reserve.passiveSupply ?? this.totalDebtScaled[asset] / 0.8);
      this.passiveScaled[asset] = passive;
      // Collateral and lenders' deposits sit in the pool; what was borrowed left it.
      this.cash[asset] = this.totalCollateralScaled[asset] + passive - this.totalDebtScaled[asset];
      if (this.cash[asset] < 0) {
        throw new Error(
          `venues.${spec.name}: asset ${asset}: the accounts borrow ${this.totalDebtScaled[asset]} units but only ${this.totalCollateralScaled[asset] + passive} are supplied; raise the reserve's passiveSupply`,
        );
      }
    }
    this.liquidators = new Liquidators(spec.liquidators);
    this.weightedPrice = new Float64Array(rows * assets);
    this.debtPrice = new Float64Array(assets);
    this.valuePrice = new Float64Array(assets);
    this.scannedPrice = new Float64Array(assets);
    this.scannedBorrowIndex = new Float64Array(assets).fill(1);
    this.scannedLiquidityIndex = new Float64Array(assets).fill(1);
    if (accounts > 2 ** 24)
      throw new Error(`venues.${spec.name}: ${accounts} accounts; at most 2^24`);
    this.candidateKeys = new Float64Array(accounts);
    this.badDebtRecorded = new Uint8Array(accounts);
    this.event = {
      type: "liquidation",
      venue: this.name,
      account: -1,
      asset: -1,
      quantity: 0,
      valueUsd: 0,
    };
    this.timeseriesColumns = [
      "liquidations",
      "liquidatedUsd",
      "unwinds",
      "liquidatable",
      "badDebtUsd",
      "tvlUsd",
      "debtUsd",
      "liquidatorCashUsd",
    ].map((column) => `${this.name}.${column}`);
  }

  step(context: VenueContext): void {
    if (!this.started) this.start(context);
    this.stepLiquidations = 0;
    this.stepLiquidatedUsd = 0;
    this.stepUnwinds = 0;
    this.accrue(context.dt);
    if (this.refreshPrices(context)) this.computeHealthFactors();
    this.liquidate(context);
    this.runLoopers(context);
  }

  /** Records the start-of-run TVL and health factors at the first step's prices. */
  private start(context: VenueContext): void {
    this.started = true;
    this.refreshPrices(context);
    this.computeHealthFactors();
    this.tvlStart = this.tvlUsd(context);
    this.histogramStart = this.histogram();
  }

  /** ReserveLogic.updateState: supply index grows linearly, borrow index compounds. */
  private accrue(seconds: number): void {
    for (let asset = 0; asset < this.assetCount; asset++) {
      const reserve = this.reserves[asset];
      if (reserve === undefined) continue;
      const debt = this.totalDebtScaled[asset] * this.borrowIndex[asset];
      if (debt <= 0) continue;
      const usage = debt / (this.cash[asset] + debt);
      const borrow = borrowRate(usage, reserve.rate);
      const supply = borrow * usage * (1 - reserve.reserveFactor);
      this.liquidityIndex[asset] *= linearInterest(supply, seconds);
      this.borrowIndex[asset] *= compoundedInterest(borrow, seconds);
    }
  }

  /**
   * Per-step price tables. Returns whether every account needs rescanning: an oracle answer
   * changed, or an index moved by more than `rescanIndexDrift` since the last scan (interest moves
   * health factors by about that fraction). Accounts touched in between are recomputed one by one
   * where they are acted on, so skipping the scan never acts on a stale value.
   */
  private refreshPrices(context: VenueContext): boolean {
    const assets = this.assetCount;
    const rows = this.thresholdTable.length / assets;
    let changed = false;
    for (let asset = 0; asset < assets; asset++) {
      const price = context.oraclePrice(asset);
      if (
        price !== this.scannedPrice[asset] ||
        Math.abs(this.borrowIndex[asset] / this.scannedBorrowIndex[asset] - 1) > rescanIndexDrift ||
        Math.abs(this.liquidityIndex[asset] / this.scannedLiquidityIndex[asset] - 1) >
          rescanIndexDrift
      ) {
        changed = true;
      }
      this.debtPrice[asset] = this.borrowIndex[asset] * price;
      this.valuePrice[asset] = this.liquidityIndex[asset] * price;
      for (let row = 0; row < rows; row++) {
        const cell = row * assets + asset;
        this.weightedPrice[cell] = this.liquidityIndex[asset] * price * this.thresholdTable[cell];
      }
    }
    if (changed) {
      for (let asset = 0; asset < assets; asset++) {
        this.scannedPrice[asset] = context.oraclePrice(asset);
        this.scannedBorrowIndex[asset] = this.borrowIndex[asset];
        this.scannedLiquidityIndex[asset] = this.liquidityIndex[asset];
      }
    }
    return changed;
  }

  private healthFactorOf(account: number): number {
    const assets = this.assetCount;
    const base = account * assets;
    const row = this.eMode[account] * assets;
    let weighted = 0;
    let debt = 0;
    for (let asset = 0; asset < assets; asset++) {
      weighted += this.collateralScaled[base + asset] * this.weightedPrice[row + asset];
      debt += this.debtScaled[base + asset] * this.debtPrice[asset];
    }
    return debt > 0 ? weighted / debt : Number.POSITIVE_INFINITY;
  }

  /** The hot scan: every account's health factor, with the liquidatable ones keyed for sorting. */
  private computeHealthFactors(): void {
    const assets = this.assetCount;
    const collateral = this.collateralScaled;
    const debt = this.debtScaled;
    const weightedPrice = this.weightedPrice;
    const debtPrice = this.debtPrice;
    const eMode = this.eMode;
    const healthFactors = this.healthFactor;
    const keys = this.candidateKeys;
    const valuePrice = this.valuePrice;
    let liquidatable = 0;
    let shortfall = 0;
    for (let account = 0, base = 0; account < this.accountCount; account++, base += assets) {
      const row = eMode[account] * assets;
      let weighted = 0;
      let owed = 0;
      let value = 0;
      for (let asset = 0; asset < assets; asset++) {
        const units = collateral[base + asset];
        weighted += units * weightedPrice[row + asset];
        value += units * valuePrice[asset];
        owed += debt[base + asset] * debtPrice[asset];
      }
      if (owed > value) shortfall += owed - value;
      const healthFactor = owed > 0 ? weighted / owed : Number.POSITIVE_INFINITY;
      healthFactors[account] = healthFactor;
      // Largest debt first (bots go for the largest bonus), as log2 of the debt in the high
      // bits and the account in the low 24: a native numeric sort with no comparator, ties by
      // account.
      if (healthFactor < 1) {
        keys[liquidatable++] = Math.floor((64 - Math.log2(owed + 1)) * 2 ** 20) * 2 ** 24 + account;
      }
    }
    this.liquidatableCount = liquidatable;
    this.scannedShortfall = shortfall;
    this.queueOrdered = false;
    // Loopers with something to do at these prices; the others wait for the next scan.
    let attention = 0;
    const band = 1 + this.looping.releverBand;
    for (const account of this.looperIndexes) {
      const healthFactor = healthFactors[account];
      if (healthFactor < 1) continue;
      if (
        healthFactor < this.unwindHealthFactor[account] ||
        healthFactor > this.targetHealthFactor[account] * band
      ) {
        this.attention[attention++] = account;
      }
    }
    this.attentionCount = attention;
  }

  /** The asset with the largest value in `balances` for `account` (−1 when none). */
  private largest(
    balances: Float64Array,
    account: number,
    prices: Float64Array,
    row: number,
  ): number {
    const assets = this.assetCount;
    let best = -1;
    let bestValue = 0;
    for (let asset = 0; asset < assets; asset++) {
      const value = balances[account * assets + asset] * prices[row + asset];
      if (value > bestValue) {
        bestValue = value;
        best = asset;
      }
    }
    return best;
  }

  private liquidate(context: VenueContext): void {
    const count = this.liquidatableCount;
    if (count === 0) return;
    const queue = this.candidateKeys.subarray(0, count);
    // Only the head of the queue can be reached this step: select it in O(n), sort just that.
    const reachable = Math.min(count, 2 * this.liquidators.spec.maxPerStep + 1);
    // Without a new scan the head is still the one selected and sorted last step.
    if (!this.queueOrdered) {
      if (reachable < count) selectSmallest(queue, reachable);
      queue.subarray(0, reachable).sort();
      this.queueOrdered = true;
    }
    const liquidators = this.liquidators;
    const gasUsd = liquidators.gasCostUsd(context.gasPriceGwei, context.gasTokenPrice);
    const assets = this.assetCount;
    // Bots give up for the step after as many unprofitable candidates as their capacity: further
    // down the queue debts are smaller, so the bonus is too.
    let skipped = 0;
    for (let position = 0; position < reachable; position++) {
      if (this.stepLiquidations >= liquidators.spec.maxPerStep) break;
      if (skipped >= liquidators.spec.maxPerStep) break;
      const account = queue[position] % 2 ** 24;
      const healthFactor = this.healthFactorOf(account);
      if (healthFactor >= 1) continue;
      const row = this.eMode[account] * assets;
      const collateralAsset = this.largest(this.collateralScaled, account, this.weightedPrice, row);
      const debtAsset = this.largest(this.debtScaled, account, this.debtPrice, 0);
      if (collateralAsset < 0 || debtAsset < 0 || collateralAsset === debtAsset) continue;
      const debtPrice = context.oraclePrice(debtAsset);
      const collateralPrice = context.oraclePrice(collateralAsset);
      const debtUnits = this.debtScaled[account * assets + debtAsset] * this.borrowIndex[debtAsset];
      const collateralUnits =
        this.collateralScaled[account * assets + collateralAsset] *
        this.liquidityIndex[collateralAsset];
      const bonus = this.bonusTable[row + collateralAsset];
      // The account's total debt counts only in v3.3, so v3.0 does not pay for summing it.
      const totalDebtUsd = this.version === "v3.3" ? this.accountTotals(account).debt : 0;
      let debtToCover = Math.min(
        maxLiquidatableDebt(
          this.version,
          healthFactor,
          debtUnits,
          debtPrice,
          collateralUnits * collateralPrice,
          totalDebtUsd,
        ),
        liquidators.wallet[debtAsset],
      );
      if (this.version === "v3.3") {
        debtToCover = debtToCoverLeavingNoDust(
          debtToCover,
          debtUnits,
          collateralUnits,
          debtPrice,
          collateralPrice,
          bonus,
        );
      }
      if (debtToCover <= 0) continue;
      const reserve = this.reserves[collateralAsset];
      const protocolFeeShare = reserve?.protocolFee ?? 0;
      liquidationAmounts(
        debtToCover,
        collateralUnits,
        debtPrice,
        collateralPrice,
        bonus,
        protocolFeeShare,
        this.amounts,
      );
      const received = this.amounts.collateralSeized - this.amounts.protocolFee;
      const proceeds =
        context.quote !== undefined
          ? context.quote(collateralAsset, debtAsset, received)
          : (received * context.marketPrice(collateralAsset)) / context.marketPrice(debtAsset);
      const profitUsd = (proceeds - this.amounts.debtRepaid) * debtPrice - gasUsd;
      if (profitUsd < liquidators.spec.minProfitUsd) {
        liquidators.skippedUnprofitable++;
        skipped++;
        continue;
      }
      this.applyLiquidation(account, collateralAsset, debtAsset, received);
      liquidators.gasSpentUsd += gasUsd;
      liquidators.profitUsd += profitUsd;
      const seizedUsd = this.amounts.collateralSeized * collateralPrice;
      this.liquidationCount++;
      this.stepLiquidations++;
      this.liquidatedCollateralUsd += seizedUsd;
      this.stepLiquidatedUsd += seizedUsd;
      this.debtRepaidUsd += this.amounts.debtRepaid * debtPrice;
      this.emit(
        context,
        "liquidation",
        account,
        collateralAsset,
        this.amounts.collateralSeized,
        seizedUsd,
      );
      // Sell at no worse than break-even; the rest waits in the wallet for a better price.
      const breakEven = this.amounts.debtRepaid / received;
      context.swap(collateralAsset, debtAsset, received, breakEven, this.swapResult);
      liquidators.wallet[collateralAsset] -= this.swapResult.amountIn;
      liquidators.wallet[debtAsset] += this.swapResult.amountOut;
      this.checkBadDebt(context, account);
      this.healthFactor[account] = this.healthFactorOf(account);
      // A partly liquidated account may still be below 1: it goes again while capacity lasts.
      if (this.healthFactor[account] < 1) position--;
    }
    this.sellInventory(context);
    if (this.stepLiquidations > 0) this.dropRestoredCandidates();
  }

  /**
   * Removes accounts that liquidations brought back to HF ≥ 1 from the queue, so that until the
   * next scan the head holds accounts still liquidatable rather than ones already dealt with.
   */
  private dropRestoredCandidates(): void {
    const keys = this.candidateKeys;
    let kept = 0;
    for (let position = 0; position < this.liquidatableCount; position++) {
      const key = keys[position];
      if (this.healthFactor[key % 2 ** 24] < 1) keys[kept++] = key;
    }
    this.liquidatableCount = kept;
    this.queueOrdered = false;
  }

  private applyLiquidation(
    account: number,
    collateralAsset: number,
    debtAsset: number,
    received: number,
  ): void {
    const assets = this.assetCount;
    const amounts = this.amounts;
    const debtScaled = amounts.debtRepaid / this.borrowIndex[debtAsset];
    const collateralScaled = amounts.collateralSeized / this.liquidityIndex[collateralAsset];
    const debtCell = account * assets + debtAsset;
    const collateralCell = account * assets + collateralAsset;
    this.debtScaled[debtCell] = Math.max(0, this.debtScaled[debtCell] - debtScaled);
    this.totalDebtScaled[debtAsset] -= debtScaled;
    this.collateralScaled[collateralCell] = Math.max(
      0,
      this.collateralScaled[collateralCell] - collateralScaled,
    );
    this.totalCollateralScaled[collateralAsset] -= collateralScaled;
    this.treasuryScaled[collateralAsset] +=
      amounts.protocolFee / this.liquidityIndex[collateralAsset];
    this.liquidators.wallet[debtAsset] -= amounts.debtRepaid;
    this.cash[debtAsset] += amounts.debtRepaid;
    // The liquidator receives the underlying (receiveAToken = false); the fee stays as aTokens.
    this.cash[collateralAsset] -= received;
    this.liquidators.wallet[collateralAsset] += received;
  }

  /** Collateral left in the liquidators' wallets from earlier steps, sold when the market allows. */
  private sellInventory(context: VenueContext): void {
    const wallet = this.liquidators.wallet;
    const initial = this.liquidators.spec.capital;
    for (let asset = 0; asset < this.assetCount; asset++) {
      if (initial[asset] > 0 || wallet[asset] <= 0) continue;
      let target = -1;
      for (let other = 0; other < this.assetCount; other++) {
        if (initial[other] > 0 && (target < 0 || initial[other] > initial[target])) target = other;
      }
      if (target < 0) return;
      // No worse than oracle / (1 + bonus): the price at which a liquidation breaks even.
      const floor =
        context.oraclePrice(asset) / context.oraclePrice(target) / (1 + this.bonusTable[asset]);
      context.swap(asset, target, wallet[asset], floor, this.swapResult);
      wallet[asset] -= this.swapResult.amountIn;
      wallet[target] += this.swapResult.amountOut;
    }
  }

  private checkBadDebt(context: VenueContext, account: number): void {
    if (this.badDebtRecorded[account] === 1) return;
    const assets = this.assetCount;
    let collateral = 0;
    let debt = 0;
    for (let asset = 0; asset < assets; asset++) {
      collateral +=
        this.collateralScaled[account * assets + asset] *
        this.liquidityIndex[asset] *
        context.oraclePrice(asset);
      debt += this.debtScaled[account * assets + asset] * this.debtPrice[asset];
    }
    if (debt > 0 && collateral < 1e-9 * debt) {
      this.badDebtRecorded[account] = 1;
      this.emit(context, "bad_debt", account, -1, 0, debt);
    }
  }

  private emit(
    context: VenueContext,
    type: LendingEvent["type"],
    account: number,
    asset: number,
    quantity: number,
    valueUsd: number,
  ): void {
    const event = this.event;
    event.type = type;
    event.account = account;
    event.asset = asset;
    event.quantity = quantity;
    event.valueUsd = valueUsd;
    context.record(event);
  }

  private runLoopers(context: VenueContext): void {
    const assets = this.assetCount;
    const loopers = this.attention;
    for (let position = 0; position < this.attentionCount; position++) {
      const account = loopers[position];
      const target = this.targetHealthFactor[account];
      const scanned = this.healthFactor[account];
      // The last scan's value: liquidatable accounts cannot unwind (Aave refuses a withdrawal
      // below HF 1), and accounts in their band have nothing to do.
      if (
        scanned < 1 ||
        (scanned >= this.unwindHealthFactor[account] &&
          scanned <= target * (1 + this.looping.releverBand))
      ) {
        continue;
      }
      const healthFactor = this.healthFactorOf(account);
      if (healthFactor < 1 || !Number.isFinite(healthFactor)) continue;
      const row = this.eMode[account] * assets;
      const collateralAsset = this.largest(this.collateralScaled, account, this.weightedPrice, row);
      const debtAsset = this.largest(this.debtScaled, account, this.debtPrice, 0);
      if (collateralAsset < 0 || debtAsset < 0 || collateralAsset === debtAsset) continue;
      if (healthFactor < this.unwindHealthFactor[account]) {
        if (this.random.uniform() < this.looping.reactionProbability) {
          this.unwind(context, account, collateralAsset, debtAsset, target);
        }
      } else if (healthFactor > target * (1 + this.looping.releverBand)) {
        this.relever(context, account, collateralAsset, debtAsset, target);
      }
    }
  }

  private accountTotals(account: number): { weighted: number; debt: number } {
    const assets = this.assetCount;
    const row = this.eMode[account] * assets;
    let weighted = 0;
    let debt = 0;
    for (let asset = 0; asset < assets; asset++) {
      weighted += this.collateralScaled[account * assets + asset] * this.weightedPrice[row + asset];
      debt += this.debtScaled[account * assets + asset] * this.debtPrice[asset];
    }
    this.totals.weighted = weighted;
    this.totals.debt = debt;
    return this.totals;
  }

  /**
   * What a looper's trade is sized from (agents/looping.ts): W and D, the oracle prices of the
   * collateral and the debt asset, the collateral's LT, and m, the market's price of one collateral
   * unit in USD at the debt asset's oracle price.
   */
  private loopQuote(
    context: VenueContext,
    account: number,
    collateralAsset: number,
    debtAsset: number,
  ): LoopQuote {
    const totals = this.accountTotals(account);
    const quote = this.quote;
    quote.weighted = totals.weighted;
    quote.debt = totals.debt;
    quote.oracle = context.oraclePrice(collateralAsset);
    quote.debtOracle = context.oraclePrice(debtAsset);
    quote.threshold = this.thresholdTable[this.eMode[account] * this.assetCount + collateralAsset];
    const marketRatio = context.marketPrice(collateralAsset) / context.marketPrice(debtAsset);
    quote.market = marketRatio * quote.debtOracle;
    return quote;
  }

  /** `units` of `asset` into (negative: out of) a collateral cell, through the pool's cash. */
  private addCollateral(cell: number, asset: number, units: number): void {
    this.collateralScaled[cell] += units / this.liquidityIndex[asset];
    this.totalCollateralScaled[asset] += units / this.liquidityIndex[asset];
    this.cash[asset] += units;
  }

  /** `units` of `asset` borrowed by (negative: repaid from) a debt cell, out of the pool's cash. */
  private addDebt(cell: number, asset: number, units: number): void {
    this.debtScaled[cell] += units / this.borrowIndex[asset];
    this.totalDebtScaled[asset] += units / this.borrowIndex[asset];
    this.cash[asset] -= units;
  }

  /** Repay with collateral: sell collateral, repay the debt asset, back to the target HF. */
  private unwind(
    context: VenueContext,
    account: number,
    collateralAsset: number,
    debtAsset: number,
    target: number,
  ): void {
    const assets = this.assetCount;
    const { weighted, debt, oracle, debtOracle, threshold, market } = this.loopQuote(
      context,
      account,
      collateralAsset,
      debtAsset,
    );
    const collateralCell = account * assets + collateralAsset;
    const debtCell = account * assets + debtAsset;
    const available = this.collateralScaled[collateralCell] * this.liquidityIndex[collateralAsset];
    const quantity = Math.min(
      available,
      unwindQuantity(weighted, debt, oracle, threshold, market, target),
    );
    if (quantity <= 0) return;
    this.addCollateral(collateralCell, collateralAsset, -quantity);
    const worstPrice = (oracle / debtOracle) * (1 - this.looping.maxSlippage);
    context.swap(collateralAsset, debtAsset, quantity, worstPrice, this.swapResult);
    // What the market would not take at that price goes back in as collateral.
    this.addCollateral(collateralCell, collateralAsset, quantity - this.swapResult.amountIn);
    const debtUnits = this.debtScaled[debtCell] * this.borrowIndex[debtAsset];
    const repaid = Math.min(debtUnits, this.swapResult.amountOut);
    this.addDebt(debtCell, debtAsset, -repaid);
    this.agentWallet[debtAsset] += this.swapResult.amountOut - repaid;
    this.healthFactor[account] = this.healthFactorOf(account);
    this.unwindCount++;
    this.stepUnwinds++;
    this.emit(
      context,
      "unwind",
      account,
      collateralAsset,
      this.swapResult.amountIn,
      this.swapResult.amountIn * oracle,
    );
  }

  /** One loop: borrow the debt asset, buy collateral at the market, deposit it. */
  private relever(
    context: VenueContext,
    account: number,
    collateralAsset: number,
    debtAsset: number,
    target: number,
  ): void {
    const assets = this.assetCount;
    const { weighted, debt, oracle, debtOracle, threshold, market } = this.loopQuote(
      context,
      account,
      collateralAsset,
      debtAsset,
    );
    const row = this.eMode[account] * assets;
    // ValidationLogic.validateBorrow: the new debt must fit under Σ collateral · price · LTV.
    let borrowingPower = -debt;
    for (let asset = 0; asset < assets; asset++) {
      borrowingPower +=
        this.collateralScaled[account * assets + asset] *
        this.liquidityIndex[asset] *
        context.oraclePrice(asset) *
        this.ltvTable[row + asset];
    }
    const wantedUsd = releverBorrow(weighted, debt, oracle, threshold, market, target);
    const reserve = this.reserves[debtAsset];
    const collateralReserve = this.reserves[collateralAsset];
    if (reserve === undefined || collateralReserve === undefined) return;
    const borrowRoom =
      reserve.borrowCap - this.totalDebtScaled[debtAsset] * this.borrowIndex[debtAsset];
    const supplied =
      (this.totalCollateralScaled[collateralAsset] +
        this.passiveScaled[collateralAsset] +
        this.treasuryScaled[collateralAsset]) *
      this.liquidityIndex[collateralAsset];
    const supplyRoom = collateralReserve.supplyCap - supplied;
    let borrowUnits = Math.min(wantedUsd, borrowingPower) / debtOracle;
    borrowUnits = Math.min(borrowUnits, borrowRoom, this.cash[debtAsset]);
    if (borrowUnits < wantedUsd / debtOracle - 1e-9 && (borrowRoom <= 0 || supplyRoom <= 0)) {
      this.emit(
        context,
        "cap_reached",
        account,
        borrowRoom <= 0 ? debtAsset : collateralAsset,
        0,
        0,
      );
    }
    if (borrowUnits <= 0 || supplyRoom <= 0) return;
    const debtCell = account * assets + debtAsset;
    const collateralCell = account * assets + collateralAsset;
    this.addDebt(debtCell, debtAsset, borrowUnits);
    const worstRate = (debtOracle / oracle) * (1 - this.looping.maxSlippage);
    context.swap(debtAsset, collateralAsset, borrowUnits, worstRate, this.swapResult);
    // Anything the market did not fill is repaid at once.
    this.addDebt(debtCell, debtAsset, -(borrowUnits - this.swapResult.amountIn));
    const deposit = Math.min(this.swapResult.amountOut, supplyRoom);
    this.addCollateral(collateralCell, collateralAsset, deposit);
    this.agentWallet[collateralAsset] += this.swapResult.amountOut - deposit;
    this.healthFactor[account] = this.healthFactorOf(account);
    this.loopCount++;
    this.emit(context, "loop", account, collateralAsset, deposit, deposit * oracle);
  }

  netHoldings(asset: number): number {
    return this.cash[asset] + this.liquidators.wallet[asset] + this.agentWallet[asset];
  }

  /** Supplied value (accounts' collateral, lenders' deposits, treasury) at oracle prices. */
  private tvlUsd(context: VenueContext): number {
    let total = 0;
    for (let asset = 0; asset < this.assetCount; asset++) {
      const scaled =
        this.totalCollateralScaled[asset] + this.passiveScaled[asset] + this.treasuryScaled[asset];
      total += scaled * this.liquidityIndex[asset] * context.oraclePrice(asset);
    }
    return total;
  }

  private debtUsd(context: VenueContext): number {
    let total = 0;
    for (let asset = 0; asset < this.assetCount; asset++) {
      total += this.totalDebtScaled[asset] * this.borrowIndex[asset] * context.oraclePrice(asset);
    }
    return total;
  }

  /** Debt of accounts left with no collateral, and debt beyond collateral value over all accounts. */
  private insolvency(context: VenueContext): { emptied: number; shortfall: number } {
    const assets = this.assetCount;
    let emptied = 0;
    let shortfall = 0;
    for (let account = 0; account < this.accountCount; account++) {
      let collateral = 0;
      let debt = 0;
      for (let asset = 0; asset < assets; asset++) {
        const price = context.oraclePrice(asset);
        collateral +=
          this.collateralScaled[account * assets + asset] * this.liquidityIndex[asset] * price;
        debt += this.debtScaled[account * assets + asset] * this.borrowIndex[asset] * price;
      }
      if (debt <= 0) continue;
      if (collateral < 1e-9 * debt) emptied += debt;
      if (debt > collateral) shortfall += debt - collateral;
    }
    return { emptied, shortfall };
  }

  private histogram(): HealthFactorHistogram {
    const histogram = emptyHistogram();
    for (let account = 0; account < this.accountCount; account++) {
      const healthFactor = this.healthFactorOf(account);
      if (!Number.isFinite(healthFactor)) continue;
      histogram.counts[histogramBucket(healthFactor)]++;
    }
    return histogram;
  }

  sample(context: VenueContext, out: Float64Array, offset: number): void {
    // The health-factor scan sums the shortfall as it goes; between scans it holds.
    const badDebt = this.scannedShortfall;
    let liquidatorCash = 0;
    for (let asset = 0; asset < this.assetCount; asset++) {
      liquidatorCash += this.liquidators.wallet[asset] * context.oraclePrice(asset);
    }
    out[offset] = this.stepLiquidations;
    out[offset + 1] = this.stepLiquidatedUsd;
    out[offset + 2] = this.stepUnwinds;
    out[offset + 3] = this.liquidatableCount;
    out[offset + 4] = badDebt;
    out[offset + 5] = this.tvlUsd(context);
    out[offset + 6] = this.debtUsd(context);
    out[offset + 7] = liquidatorCash;
  }

  liquidatableByPrice(asset: number, prices: Float64Array, context: VenueContext): Float64Array {
    if (!this.started) this.refreshPrices(context);
    const assets = this.assetCount;
    const result = new Float64Array(prices.length);
    const current = context.oraclePrice(asset);
    for (let account = 0; account < this.accountCount; account++) {
      const base = account * assets;
      const row = this.eMode[account] * assets;
      let weightedOthers = 0;
      let debtOthers = 0;
      let collateralValue = 0;
      for (let other = 0; other < assets; other++) {
        const collateral = this.collateralScaled[base + other];
        collateralValue += collateral * this.liquidityIndex[other] * context.oraclePrice(other);
        if (other === asset) continue;
        weightedOthers += collateral * this.weightedPrice[row + other];
        debtOthers += this.debtScaled[base + other] * this.debtPrice[other];
      }
      const weightedPerPrice =
        (this.collateralScaled[base + asset] * this.weightedPrice[row + asset]) / current;
      const debtPerPrice = (this.debtScaled[base + asset] * this.debtPrice[asset]) / current;
      if (debtOthers + debtPerPrice * current <= 0) continue;
      for (let index = 0; index < prices.length; index++) {
        const price = prices[index];
        if (weightedOthers + weightedPerPrice * price < debtOthers + debtPerPrice * price) {
          result[index] += collateralValue;
        }
      }
    }
    return result;
  }

  summary(context: VenueContext): VenueSummary {
    const { shortfall } = this.insolvency(context);
    return {
      name: this.name,
      kind: "aave",
      badDebtUsd: shortfall,
      liquidatedCollateralUsd: this.liquidatedCollateralUsd,
      liquidationCount: this.liquidationCount,
      debtRepaidUsd: this.debtRepaidUsd,
      tvlStartUsd: this.tvlStart,
      tvlEndUsd: this.tvlUsd(context),
      healthFactorStart: this.histogramStart,
      healthFactorEnd: this.histogram(),
    };
  }

  /** Beyond the shared summary: insolvent debt (VaR's per-run quantity) and agent activity. */
  extraSummary(context: VenueContext): AaveExtraSummary {
    const { emptied, shortfall } = this.insolvency(context);
    return {
      insolventDebtUsd: shortfall,
      emptiedAccountsDebtUsd: emptied,
      unwindCount: this.unwindCount,
      loopCount: this.loopCount,
      liquidatorGasUsd: this.liquidators.gasSpentUsd,
      liquidatorProfitUsd: this.liquidators.profitUsd,
      liquidationsSkippedUnprofitable: this.liquidators.skippedUnprofitable,
      borrowIndex: Array.from(this.borrowIndex),
      liquidityIndex: Array.from(this.liquidityIndex),
    };
  }
}

export interface AaveExtraSummary {
  /** Debt above collateral value over all accounts at the end (Gauntlet's insolvent debt). */
  insolventDebtUsd: number;
  /** Part of the debt held by accounts left with no collateral at all. */
  emptiedAccountsDebtUsd: number;
  unwindCount: number;
  loopCount: number;
  liquidatorGasUsd: number;
  liquidatorProfitUsd: number;
  liquidationsSkippedUnprofitable: number;
  borrowIndex: number[];
  liquidityIndex: number[];
}
