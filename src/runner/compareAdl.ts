/**
 * Counterfactual ADL comparison: the same scenario, seed and run index under every mechanism.
 * Nothing random depends on the mechanism (the population, the paths and every agent draw from
 * their own streams), so two rows differ only by what ADL did and what followed from it.
 */
import type { AdlMechanism, EngineScenario } from "../engine/config.ts";
import type { MarketSummary, RunResult } from "../engine/result.ts";
import type { AdlFigures } from "../engine/risk/adlMetrics.ts";
import { runScenario } from "../engine/sim.ts";

/** Every mechanism, ADL off last. */
export const comparedMechanisms: readonly AdlMechanism[] = [
  "binance",
  "hyperliquid",
  "proRata",
  "pnlProRata",
  "riskAwareProRata",
  "budgeted",
  "online",
  "none",
];

export interface AdlComparisonRow extends AdlFigures {
  mechanism: AdlMechanism;
  /** "all" for the exchange, else the market's symbol. */
  market: string;
  adlNotional: number;
  adlCount: number;
  liquidatedNotional: number;
  badDebt: number;
  /**
   * Bad debt neither the fund nor the vault paid: socialised plus the exchange's own loss (for a
   * market row, its socialised loss; the exchange's loss is not split by market).
   */
  badDebtLeft: number;
  ledgerDrift: number;
}

export interface AdlComparison {
  scenario: string;
  seed: number;
  runIndex: number;
  price: string;
  markets: string[];
  /** Exchange rows (market "all") in mechanism order, then each market's rows when there are several. */
  rows: AdlComparisonRow[];
}

function marketRow(
  mechanism: AdlMechanism,
  market: MarketSummary,
  drift: number,
): AdlComparisonRow {
  return {
    mechanism,
    market: market.symbol,
    adlNotional: market.adlNotional,
    adlCount: market.adlCount,
    liquidatedNotional: market.liquidatedNotional,
    badDebt: market.badDebt,
    badDebtLeft: market.socializedLoss,
    ledgerDrift: drift,
    ...market.adl,
  };
}

function exchangeRow(mechanism: AdlMechanism, result: RunResult): AdlComparisonRow {
  const summary = result.summary;
  const {
    mechanism: _mechanism,
    price: _price,
    innocentLeverage: _leverage,
    ...figures
  } = summary.adl;
  return {
    mechanism,
    market: "all",
    adlNotional: summary.adlNotional,
    adlCount: summary.adlCount,
    liquidatedNotional: summary.liquidatedNotional,
    badDebt: summary.badDebt,
    badDebtLeft: summary.socializedLoss + summary.exchangeLoss,
    ledgerDrift: summary.ledger.drift,
    ...figures,
  };
}

/** The scenario with `mechanism` as its ADL mechanism, everything else as it was. */
export function withMechanism(scenario: EngineScenario, mechanism: AdlMechanism): EngineScenario {
  const { ranking: _ranking, ...adl } = scenario.exchange.adl;
  return { ...scenario, exchange: { ...scenario.exchange, adl: { ...adl, mechanism } } };
}

export function compareAdl(
  scenario: EngineScenario,
  options: {
    seed: number;
    runIndex: number;
    mechanisms?: readonly AdlMechanism[];
    /** Called before each run, e.g. to say which mechanism is running. */
    onRun?: (mechanism: AdlMechanism, index: number, count: number) => void;
  },
): AdlComparison {
  const mechanisms = options.mechanisms ?? comparedMechanisms;
  const exchangeRows: AdlComparisonRow[] = [];
  const marketRows: AdlComparisonRow[][] = scenario.markets.map(() => []);
  mechanisms.forEach((mechanism, index) => {
    options.onRun?.(mechanism, index, mechanisms.length);
    const result = runScenario(withMechanism(scenario, mechanism), {
      seed: options.seed,
      runIndex: options.runIndex,
    });
    exchangeRows.push(exchangeRow(mechanism, result));
    result.summary.markets.forEach((market, marketIndex) => {
      marketRows[marketIndex].push(marketRow(mechanism, market, result.summary.ledger.drift));
    });
  });
  return {
    scenario: scenario.name,
    seed: options.seed,
    runIndex: options.runIndex,
    price: scenario.exchange.adl.price ?? "bankruptcy",
    markets: scenario.markets.map((market) => market.symbol),
    rows: scenario.markets.length > 1 ? [...exchangeRows, ...marketRows.flat()] : exchangeRows,
  };
}
