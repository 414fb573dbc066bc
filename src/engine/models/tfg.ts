/**
 * Thurner, Farmer & Geanakoplos (2012), "Leverage causes fat tails and clustered volatility",
 * Quantitative Finance 12(5):695-707 (arXiv 0908.1555), as transcribed in
 * ../shared/REFERENCES.md. Equation numbers below (R1-R5) are that transcription's steps; the
 * transcription, not the paper's own text, is what this code was checked against (see
 * docs/models/tfg.md for what could not be checked).
 *
 * One asset with fundamental value V and N shares. A noise trader demands ξ(t)/p shares; value
 * funds buy when the price is below V, more the larger the mispricing, up to a leverage cap
 * λ_max that a bank enforces. When the price falls, a fund at the cap loses wealth W, so its
 * allowed position λ_max·W/p shrinks and it must sell into the falling market: the margin call
 * is the cap itself, not a separate rule. Funds whose wealth falls to W_min default and are
 * replaced after a delay; investors move money towards funds that performed well.
 *
 * State is one typed array per fund field; a step allocates nothing.
 */
import { EngineInputError, EngineNumericError } from "../errors.ts";
import type { RandomStream } from "../random.ts";
import { brentRoot, RootNotBracketedError } from "./rootFinding.ts";

/** Every parameter of the model; the paper's symbol is in each comment. */
export interface TfgParameters {
  /** V: the fundamental value the funds believe in. */
  fundamentalValue: number;
  /** N: shares outstanding; only W0/(N·V) matters for the dynamics. */
  shares: number;
  /** ρ: persistence of the noise trader's log demand. */
  noiseMemory: number;
  /** σ: volatility of the noise trader's log demand. */
  noiseVolatility: number;
  /** β_h: aggressiveness of each fund (one fund per entry). */
  betas: readonly number[];
  /** λ_max: the leverage cap set by the bank. */
  lambdaMax: number;
  /** W0: wealth of a fund at the start and when it is reintroduced after a default. */
  initialWealth: number;
  /** W_min: a fund whose wealth falls to or below this defaults. */
  bankruptcyWealth: number;
  /** T_int: steps a defaulted fund stays out before it is reintroduced. */
  reentryDelay: number;
  /** a: weight of the latest return in the performance average. */
  performanceMemory: number;
  /** b: sensitivity of investor flows to performance. */
  flowSensitivity: number;
  /** r_b: the benchmark return investors compare funds against. */
  benchmarkReturn: number;
  /** Where the clearing price is searched for; REFERENCES.md uses [0.01, 5]. */
  priceBracket: { low: number; high: number };
}

/** Paper values (REFERENCES.md; b = 0.15 is the paper's, public codes use 0.10). */
export const tfgPaperParameters: TfgParameters = {
  fundamentalValue: 1,
  shares: 1000,
  noiseMemory: 0.99,
  noiseVolatility: 0.035,
  betas: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50],
  lambdaMax: 20,
  initialWealth: 2,
  bankruptcyWealth: 0.2,
  reentryDelay: 100,
  performanceMemory: 0.1,
  flowSensitivity: 0.15,
  benchmarkReturn: 0.005,
  priceBracket: { low: 0.01, high: 5 },
};

/** Per-step aggregates of one run; index 0 is the initial state, index t the end of step t. */
export interface TfgSeries {
  price: Float64Array;
  /** ξ(t): the noise trader's demand in money (it buys ξ/p shares). */
  noiseDemand: Float64Array;
  /** Σ_h W_h over funds that are in the market. */
  fundWealth: Float64Array;
  /** Σ_h D_h: shares the funds hold after rebalancing. */
  fundHoldings: Float64Array;
  /** Σ_h D_h·p / Σ_h W_h: leverage of the fund sector as a whole (0 when it holds nothing). */
  leverage: Float64Array;
  /** max_h D_h·p / W_h: the most levered fund (λ_max when some fund is at the cap). */
  maxLeverage: Float64Array;
  /** Funds in the market (not waiting to be reintroduced). */
  activeFunds: Uint8Array;
  /** Funds that defaulted in this step. */
  defaults: Uint8Array;
}

export interface TfgRun {
  series: TfgSeries;
  /** Defaults of each fund over the run, in the order of `betas`. */
  defaultsByFund: Int32Array;
  steps: number;
}

export class TfgModel {
  readonly fundCount: number;
  /** M_h: cash; negative is a loan from the bank. */
  readonly cash: Float64Array;
  /** D_h: shares held. */
  readonly holdings: Float64Array;
  /** W_h at the end of the last step (after flows): the denominator of the next step's return. */
  readonly wealth: Float64Array;
  /** r_h^perf: exponential moving average of the fund's returns. */
  readonly performance: Float64Array;
  /** Steps left before a defaulted fund is reintroduced; 0 while it is in the market. */
  readonly idleSteps: Int32Array;
  readonly defaultsByFund: Int32Array;
  price: number;
  /** log ξ(t). */
  logNoiseDemand: number;
  step = 0;

  private readonly betas: Float64Array;
  private readonly logNoiseMean: number;
  private noiseDemand: number;
  /** Bound once so that root finding calls no freshly allocated closure each step. */
  private readonly excessDemandAt = (price: number): number => this.excessDemand(price);

  constructor(
    readonly parameters: TfgParameters,
    private readonly stream: RandomStream,
  ) {
    checkParameters(parameters);
    this.fundCount = parameters.betas.length;
    this.betas = Float64Array.from(parameters.betas);
    this.cash = new Float64Array(this.fundCount).fill(parameters.initialWealth);
    this.holdings = new Float64Array(this.fundCount);
    this.wealth = new Float64Array(this.fundCount).fill(parameters.initialWealth);
    this.performance = new Float64Array(this.fundCount);
    this.idleSteps = new Int32Array(this.fundCount);
    this.defaultsByFund = new Int32Array(this.fundCount);
    // Initial state (REFERENCES.md "Initial"): p = V = 1 in the paper, ξ = N·V, so the noise
    // trader alone clears the market and funds, seeing no mispricing, hold nothing.
    this.price = parameters.fundamentalValue;
    this.logNoiseMean = Math.log(parameters.fundamentalValue * parameters.shares);
    this.logNoiseDemand = this.logNoiseMean;
    this.noiseDemand = Math.exp(this.logNoiseDemand);
  }

  /**
   * R2: D_h(p) = 0 if m = V − p ≤ 0, else min(β_h·m, λ_max)·W_h(p)/p, with
   * W_h(p) = max(0, M_h + D_h(t−1)·p). The leverage λ = D·p/W is β·m until it reaches the cap.
   * A fund waiting to be reintroduced has no cash and no shares, so its demand is 0 here too.
   */
  fundDemand(fund: number, price: number): number {
    const mispricing = this.parameters.fundamentalValue - price;
    if (mispricing <= 0) return 0;
    const wealth = this.cash[fund] + this.holdings[fund] * price;
    if (wealth <= 0) return 0;
    const leverage = Math.min(this.betas[fund] * mispricing, this.parameters.lambdaMax);
    return (leverage * wealth) / price;
  }

  /** R3: ξ(t)/p + Σ_h D_h(p) − N; the clearing price is its root. */
  excessDemand(price: number): number {
    let demand = this.noiseDemand / price;
    for (let fund = 0; fund < this.fundCount; fund++) demand += this.fundDemand(fund, price);
    return demand - this.parameters.shares;
  }

  /** ξ(t) of the current step. */
  get currentNoiseDemand(): number {
    return this.noiseDemand;
  }

  /** One step: noise, clearing, settlement. Returns the number of funds that defaulted. */
  advance(): number {
    this.drawNoise();
    return this.settle(this.clearMarket());
  }

  /** Starts the next step with R1: log ξ(t) = ρ log ξ(t−1) + σ χ(t) + (1 − ρ) log(V·N), χ ~ N(0, 1). */
  drawNoise(): void {
    const parameters = this.parameters;
    this.step++;
    this.logNoiseDemand =
      parameters.noiseMemory * this.logNoiseDemand +
      parameters.noiseVolatility * this.stream.normal() +
      (1 - parameters.noiseMemory) * this.logNoiseMean;
    this.noiseDemand = Math.exp(this.logNoiseDemand);
  }

  /** R3: the price at which excess demand is zero, searched in the price bracket by Brent's method. */
  clearMarket(): number {
    const { low, high } = this.parameters.priceBracket;
    let price: number;
    try {
      price = brentRoot(this.excessDemandAt, low, high);
    } catch (error) {
      if (error instanceof RootNotBracketedError) {
        throw new EngineInputError(
          this.step,
          "tfg.priceBracket",
          `no clearing price in [${low}, ${high}] (excess demand ${error.valueAtLow} at ${low}, ${error.valueAtHigh} at ${high}); widen it`,
        );
      }
      throw error;
    }
    if (!Number.isFinite(price)) throw new EngineNumericError(this.step, "market", "price", price);
    return price;
  }

  /**
   * Ends the step at the clearing price: for each fund its return, then R4 default or R2
   * rebalance at that price, and R5 investor flows; defaulted funds wait, then come back.
   * Returns the number of funds that defaulted.
   */
  settle(price: number): number {
    const parameters = this.parameters;
    const previousPrice = this.price;
    this.price = price;
    let defaults = 0;
    for (let fund = 0; fund < this.fundCount; fund++) {
      if (this.idleSteps[fund] > 0) {
        this.idleSteps[fund]--;
        if (this.idleSteps[fund] === 0) this.reintroduce(fund);
        continue;
      }
      const holdings = this.holdings[fund];
      const wealth = this.cash[fund] + holdings * price;
      // R5: r_h(t) = D_h(t−1)·(p(t) − p(t−1)) / W_h(t−1); r_perf = (1 − a)·r_perf + a·r_h.
      // W_h(t−1) is 0 only after a flow of −100 % of wealth; such a fund holds no equity to
      // earn a return on.
      const previousWealth = this.wealth[fund];
      const fundReturn =
        previousWealth > 0 ? (holdings * (price - previousPrice)) / previousWealth : 0;
      this.performance[fund] =
        (1 - parameters.performanceMemory) * this.performance[fund] +
        parameters.performanceMemory * fundReturn;
      // R4: W_h ≤ W_min → the fund defaults; its holdings leave the market with it.
      if (wealth <= parameters.bankruptcyWealth) {
        this.cash[fund] = 0;
        this.holdings[fund] = 0;
        this.wealth[fund] = 0;
        this.performance[fund] = 0;
        this.idleSteps[fund] = parameters.reentryDelay;
        this.defaultsByFund[fund]++;
        defaults++;
        if (parameters.reentryDelay === 0) this.reintroduce(fund);
        continue;
      }
      // R3 "then rebalance at p": the fund holds what it demanded at the clearing price.
      const demand = this.fundDemand(fund, price);
      // R5: F_h = max(−1, b·(r_perf − r_b))·W_h, paid into (or out of) the fund's cash.
      const flow =
        Math.max(
          -1,
          parameters.flowSensitivity * (this.performance[fund] - parameters.benchmarkReturn),
        ) * wealth;
      this.holdings[fund] = demand;
      this.cash[fund] = wealth - demand * price + flow;
      this.wealth[fund] = wealth + flow;
    }
    return defaults;
  }

  private reintroduce(fund: number): void {
    this.cash[fund] = this.parameters.initialWealth;
    this.holdings[fund] = 0;
    this.wealth[fund] = this.parameters.initialWealth;
    this.performance[fund] = 0;
    this.idleSteps[fund] = 0;
  }
}

function checkParameters(parameters: TfgParameters): void {
  const { low, high } = parameters.priceBracket;
  if (!(low > 0 && high > low)) {
    throw new RangeError(`priceBracket must satisfy 0 < low < high, got [${low}, ${high}]`);
  }
  if (parameters.betas.length === 0 || parameters.betas.length > 255) {
    throw new RangeError(`betas must name 1..255 funds, got ${parameters.betas.length}`);
  }
  if (!(parameters.initialWealth > parameters.bankruptcyWealth)) {
    throw new RangeError(
      `initialWealth ${parameters.initialWealth} must exceed bankruptcyWealth ${parameters.bankruptcyWealth}, or a reintroduced fund defaults at once`,
    );
  }
}

export interface TfgRunOptions {
  steps: number;
  onStep?: (step: number, steps: number) => void;
}

/** Runs the model for `steps` steps on `stream` (a run's "tfg" stream) and records the aggregates. */
export function runTfg(
  parameters: TfgParameters,
  stream: RandomStream,
  options: TfgRunOptions,
): TfgRun {
  const { steps } = options;
  const model = new TfgModel(parameters, stream);
  const length = steps + 1;
  const series: TfgSeries = {
    price: new Float64Array(length),
    noiseDemand: new Float64Array(length),
    fundWealth: new Float64Array(length),
    fundHoldings: new Float64Array(length),
    leverage: new Float64Array(length),
    maxLeverage: new Float64Array(length),
    activeFunds: new Uint8Array(length),
    defaults: new Uint8Array(length),
  };
  record(model, series, 0, 0);
  for (let step = 1; step <= steps; step++) {
    const defaults = model.advance();
    record(model, series, step, defaults);
    options.onStep?.(step, steps);
  }
  return { series, defaultsByFund: model.defaultsByFund, steps };
}

function record(model: TfgModel, series: TfgSeries, step: number, defaults: number): void {
  const price = model.price;
  let wealth = 0;
  let holdings = 0;
  let maxLeverage = 0;
  let active = 0;
  for (let fund = 0; fund < model.fundCount; fund++) {
    if (model.idleSteps[fund] > 0) continue;
    active++;
    const fundWealth = model.wealth[fund];
    const fundHoldings = model.holdings[fund];
    wealth += fundWealth;
    holdings += fundHoldings;
    // Investors may withdraw everything (R5's flow floor of −W): a fund left with no wealth has
    // no leverage ratio, and it defaults when it next settles.
    if (fundHoldings > 0 && fundWealth > 0) {
      maxLeverage = Math.max(maxLeverage, (fundHoldings * price) / fundWealth);
    }
  }
  // A diverging model (e.g. flowSensitivity 1e15) stops here, at the step, instead of writing
  // NaN statistics; the price is checked where it clears.
  if (!Number.isFinite(wealth)) throw new EngineNumericError(step, "funds", "fundWealth", wealth);
  if (!Number.isFinite(holdings)) {
    throw new EngineNumericError(step, "funds", "fundHoldings", holdings);
  }
  if (!Number.isFinite(maxLeverage)) {
    throw new EngineNumericError(step, "funds", "maxLeverage", maxLeverage);
  }
  series.price[step] = price;
  series.noiseDemand[step] = model.currentNoiseDemand;
  series.fundWealth[step] = wealth;
  series.fundHoldings[step] = holdings;
  series.leverage[step] = holdings > 0 ? (holdings * price) / wealth : 0;
  series.maxLeverage[step] = maxLeverage;
  series.activeFunds[step] = active;
  series.defaults[step] = defaults;
}
