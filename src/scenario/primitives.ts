/**
 * Number primitives shared by every scenario schema (perp, leverage cycle, lending, Maker, sweep),
 * so that one rule reads with one message wherever a file breaks it. This module imports only zod:
 * schema.ts and lendingSchema.ts import each other, and a shared module that imported either of
 * them would join that cycle.
 */
import { z } from "zod";

export const finite = z.number().refine(Number.isFinite, { message: "must be a finite number" });
export const positive = finite.refine((value) => value > 0, { message: "must be > 0" });
export const nonNegative = finite.refine((value) => value >= 0, { message: "must be >= 0" });
export const fraction = finite.refine((value) => value >= 0 && value <= 1, {
  message: "must be between 0 and 1",
});
export const openFraction = finite.refine((value) => value > 0 && value < 1, {
  message: "must be strictly between 0 and 1",
});
export const positiveInteger = z.number().int().positive();
export const nonNegativeInteger = z.number().int().nonnegative();
