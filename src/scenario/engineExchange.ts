/**
 * The engine's exchange rules from a validated `exchange` section. Brackets, mark and funding
 * rules are per market in the engine (each market may override them), so they stay out.
 */
import type { ExchangeSpec } from "../engine/config.ts";
import type { ExchangeConfig } from "./schema.ts";

export function engineExchange(exchange: ExchangeConfig): ExchangeSpec {
  return {
    marginMode: exchange.marginMode,
    liquidationFeeRate: exchange.liquidationFeeRate,
    liquidation: exchange.liquidation,
    insuranceFund: exchange.insuranceFund,
    insuranceFundScope: exchange.insuranceFundScope,
    ...(exchange.backstop === undefined ? {} : { backstop: exchange.backstop }),
    adl: exchange.adl,
    crossMarginBand: exchange.crossMarginBand,
  };
}
