/**
 * Accumulation agents: leveraged longs that build the position population during the run, so
 * the bull phase makes the crowd the bust then liquidates. Each agent holds one position and a
 * wallet; every rebalance it computes a target notional and trades a share (`speed`) of the gap
 * through the book. Three rules, chosen per agent group:
 *
 * - targetLeverage (Adrian & Shin 2010, "Liquidity and leverage"; volatility targeting):
 *     leverage* = min(maxLeverage, targetVolatility / vol), target = leverage* × equity.
 *   Falling volatility raises leverage, and rising prices raise equity, so both buy more.
 * - trendFollower: target = maxLeverage × equity while the return over the lookback exceeds
 *   `threshold`, else 0 (a time-series momentum rule, Moskowitz, Ooi & Pedersen 2012, long only).
 * - fundingSensitive: target = maxLeverage × equity × clamp(1 − funding / maxFundingRate, 0, 1):
 *   longs are cheap to carry while funding is low and are cut as it rises.
 *
 * Volatility is the realised volatility of the mark over `volatilityWindowSeconds` (sqrt Σ r²);
 * before the window has any returns it is taken as the target, i.e. leverage 1.
 */
import type { AccumulationAgentSpec, AccumulationSpec } from "../config.ts";
import { RealisedVolatility, stepsFor } from "../venue/policy.ts";

const kindCode = { targetLeverage: 0, trendFollower: 1, fundingSensitive: 2 } as const;

export class AccumulationAgents {
  readonly volatility: RealisedVolatility;
  readonly count: number;
  /** Position id of agent 0; agents occupy consecutive ids. */
  firstId = -1;
  readonly group: Uint16Array;
  private readonly groups: readonly AccumulationAgentSpec[];
  private readonly kinds: Uint8Array;
  private readonly marks: Float64Array;
  private markCursor = 0;
  private markCount = 0;
  private readonly lookbackSteps: Int32Array;
  readonly rebalanceSteps: number;

  constructor(spec: AccumulationSpec, dt: number) {
    this.groups = spec.agents;
    this.volatility = new RealisedVolatility(stepsFor(spec.volatilityWindowSeconds, dt));
    this.rebalanceSteps = stepsFor(spec.rebalanceSeconds, dt);
    this.count = spec.agents.reduce((total, agent) => total + agent.count, 0);
    this.group = new Uint16Array(this.count);
    this.kinds = new Uint8Array(spec.agents.length);
    this.lookbackSteps = new Int32Array(spec.agents.length);
    let agent = 0;
    let longest = 1;
    spec.agents.forEach((group, index) => {
      this.kinds[index] = kindCode[group.kind];
      this.lookbackSteps[index] = stepsFor(group.lookbackSeconds, dt);
      longest = Math.max(longest, this.lookbackSteps[index]);
      for (let member = 0; member < group.count; member++) this.group[agent++] = index;
    });
    this.marks = new Float64Array(longest + 1);
  }

  capitalOf(agent: number): number {
    return this.groups[this.group[agent]].capital;
  }

  nameOf(agent: number): string {
    const group = this.group[agent];
    let first = 0;
    for (let index = 0; index < group; index++) first += this.groups[index].count;
    return `${this.groups[group].kind}-${agent - first}`;
  }

  speedOf(agent: number): number {
    return this.groups[this.group[agent]].speed;
  }

  /** End of step: the price volatility is measured on, and the mark for the lookback. */
  observe(volatilityPrice: number, mark: number): void {
    this.volatility.observe(volatilityPrice);
    this.marks[this.markCursor] = mark;
    this.markCursor = (this.markCursor + 1) % this.marks.length;
    if (this.markCount < this.marks.length) this.markCount++;
  }

  /** Return of the mark over the last `steps` steps (0 until that much history exists). */
  momentum(steps: number, mark: number): number {
    if (this.markCount <= steps) return 0;
    const length = this.marks.length;
    const past = this.marks[(this.markCursor - 1 - steps + 2 * length) % length];
    return mark / past - 1;
  }

  /** Target leverage of a target-leverage agent at this volatility. */
  static targetLeverage(group: AccumulationAgentSpec, volatility: number): number {
    if (!(volatility > 0)) return 1;
    return Math.min(group.maxLeverage, group.targetVolatility / volatility);
  }

  /** Quote notional agent `agent` wants to hold, with `equity` in its wallet. */
  targetNotional(agent: number, equity: number, mark: number, fundingRate: number): number {
    if (!(equity > 0)) return 0;
    const index = this.group[agent];
    const group = this.groups[index];
    switch (this.kinds[index]) {
      case kindCode.targetLeverage:
        return AccumulationAgents.targetLeverage(group, this.volatility.value) * equity;
      case kindCode.trendFollower:
        return this.momentum(this.lookbackSteps[index], mark) > group.threshold
          ? group.maxLeverage * equity
          : 0;
      default: {
        const appetite = Math.min(1, Math.max(0, 1 - fundingRate / group.maxFundingRate));
        return group.maxLeverage * equity * appetite;
      }
    }
  }
}
