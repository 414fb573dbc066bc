/**
 * Number primitives shared by every scenario schema (perp, leverage cycle, lending, Maker, sweep),
 * so that one rule reads with one message wherever a file breaks it. This module imports only zod:
 * schema.ts and lendingSchema.ts import each other, and a shared module that imported either of
 * them would join that cycle.
 */
import { z } from "zod";

/**
 * The largest magnitude a scenario number may have. No price, amount or duration a risk model
 * needs comes near a quadrillion, and sums and products of larger ones overflow to Infinity
 * (capital 1e308 made a null ledger), so they are refused as input, not found as NaN later.
 */
export const maxMagnitude = 1e15;
/** The smallest positive value: a price or size of 5e-324 rounds to 0 in the first product. */
export const minPositive = 1e-12;

export const finite = z
  .number()
  .refine(Number.isFinite, { message: "must be a finite number", abort: true })
  .refine((value) => Math.abs(value) <= maxMagnitude, {
    message: "must be between -1e15 and 1e15 (larger values overflow the model's sums)",
    abort: true,
  });
export const positive = finite
  .refine((value) => value > 0, { message: "must be > 0", abort: true })
  .refine((value) => value >= minPositive, {
    message: "must be at least 1e-12 (smaller amounts vanish in the model's arithmetic)",
  });
export const nonNegative = finite.refine((value) => value >= 0, { message: "must be >= 0" });
export const fraction = finite.refine((value) => value >= 0 && value <= 1, {
  message: "must be between 0 and 1",
});
export const openFraction = finite.refine((value) => value > 0 && value < 1, {
  message: "must be strictly between 0 and 1",
});
/**
 * A log-normal spread (the sd of a log): above 10 a draw lands e^±60 away from its median, where
 * prices, sizes and wallets overflow or vanish.
 */
export const logSpread = nonNegative.refine((value) => value <= 10, {
  message: "must be at most 10 (a log-sd above that puts draws e^60 away from the median)",
});
/** A step: at most a day, so that rates, fees and volatility compound over a sane interval. */
export const stepSeconds = positive.refine((seconds) => seconds <= 86_400, {
  message: "must be at most 86400 (one day): rates, fees and volatility compound per step",
});
export const positiveInteger = z.number().int().positive();
export const nonNegativeInteger = z.number().int().nonnegative();

/**
 * Schemas of the fields that name a data file. src/scenario/fileFields.ts walks the scenario
 * schema for them, so every file field of every model is found by one list that a new field joins
 * by being declared with {@link dataFilePath}: the loader checks them all before it reads any.
 */
export const dataFileRegistry = z.registry<{ format: string }>();

/** A field that names a data file (relative to the scenario file), in the given format. */
export function dataFilePath(format: string) {
  return z.string().min(1).max(4096).describe(format).register(dataFileRegistry, { format });
}
