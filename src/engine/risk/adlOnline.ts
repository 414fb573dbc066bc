/**
 * The online ADL policy, in the spirit of Chitra, Thogiti, Trujillo Ramirez & Xu, "Autodeleveraging
 * as Online Learning" (arXiv 2602.15182): ADL as a sequence of rounds in which the venue picks a
 * solvency budget (a severity θ_t, the share of the round's shortfall the winners pay) and how
 * the haircut is spread over profitable accounts, each learned from the rounds before. From the
 * paper's description and its authors' appendix on regret (repository
 * pluriholonomic/autodeleveraging-analysis, paper/regret.tex) this implements:
 *
 * - Severity by projected online gradient descent (their severity controller; Euclidean mirror
 *   map, step η_t = η / √t): after round t with shortfall S_t, with A_t what the insurance fund and
 *   the vault's spare capital could pay when the round's first ADL came, the severity that would
 *   have used exactly that, θ*_t = 1 − min(1, A_t / S_t), defines the convex loss
 *   ½ (θ − θ*_t)², and θ_{t+1} = clip(θ_t − η_t (θ_t − θ*_t), θ_min, 1).
 * - Weights by entropic mirror descent (their "MDIC" vector controller; KL divergence, uniform
 *   start over active winners): each winner's weight is multiplied by exp(−η_w ℓ_i) after every
 *   round it paid in, ℓ_i = its haircut / its positive PnL in that round, so those just cut hard
 *   carry less of the next round. The round's haircut is then split by capped water-filling with
 *   weights U_i × weight_i (risk/adlAllocation.ts), U_i the positive PnL.
 *
 * Not checked offline (the paper's full text was not available here): its exact per-round loss
 * functions, step sizes, the calibration on the Hyperliquid replay and the $3M figure; the
 * severity loss above is this engine's choice, made so that the fund pays what it can first.
 */
import type { OnlineAdlSpec } from "../config.ts";

export class OnlineAdl {
  private readonly severities: Float64Array;
  private readonly roundsLearned: Int32Array;
  private readonly shortfall: Float64Array;
  private readonly capacity: Float64Array;
  private logWeights = new Float64Array(0);

  constructor(
    private readonly spec: OnlineAdlSpec,
    marketCount: number,
    private readonly positionCount: number,
  ) {
    this.severities = new Float64Array(marketCount).fill(
      Math.min(1, Math.max(spec.minSeverity, spec.initialSeverity)),
    );
    this.roundsLearned = new Int32Array(marketCount);
    this.shortfall = new Float64Array(marketCount);
    this.capacity = new Float64Array(marketCount).fill(Number.NaN);
  }

  severity(market: number): number {
    return this.severities[market];
  }

  /** What the fund and vault could pay when the round's first ADL came (kept for the round). */
  noteCapacity(market: number, available: number): void {
    if (Number.isNaN(this.capacity[market])) this.capacity[market] = Math.max(0, available);
  }

  noteShortfall(market: number, amount: number): void {
    if (amount > 0) this.shortfall[market] += amount;
  }

  /** Round end: one projected gradient step of the severity toward the round's θ*. */
  endRound(market: number): void {
    const shortfall = this.shortfall[market];
    const capacity = this.capacity[market];
    this.shortfall[market] = 0;
    this.capacity[market] = Number.NaN;
    if (!(shortfall > 0)) return;
    const round = ++this.roundsLearned[market];
    const target = 1 - Math.min(1, capacity / shortfall);
    const step = this.spec.severityLearningRate / Math.sqrt(round);
    const theta = this.severities[market];
    this.severities[market] = Math.min(
      1,
      Math.max(this.spec.minSeverity, theta - step * (theta - target)),
    );
  }

  logWeight(id: number): number {
    return this.logWeights.length === 0 ? 0 : this.logWeights[id];
  }

  /** A winner paid `share` of its positive PnL this round: its weight × exp(−η_w × share). */
  penalize(id: number, share: number): void {
    if (!(share > 0)) return;
    if (this.logWeights.length === 0) this.logWeights = new Float64Array(this.positionCount);
    this.logWeights[id] -= this.spec.weightLearningRate * Math.min(1, share);
  }
}
