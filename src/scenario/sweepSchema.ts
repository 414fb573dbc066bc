/**
 * The optional `sweep:` section of a perp scenario: which fields `deleverage stress` and
 * `deleverage recommend` vary, and over what. Paths are the `--set` paths (dotted, list items by
 * index); each point of the sweep is the scenario with those `--set` overrides applied, so a
 * point is validated exactly like a scenario file before any run starts (src/runner/sweep.ts).
 *
 * - `grid`: a list of values per path; the points are the cartesian product. A value may be
 *   anything the path accepts, e.g. a whole `exchange.maintenanceMarginTiers` list per
 *   alternative.
 * - `random`: `samples` points drawn from ranges by Latin hypercube sampling (each range cut into
 *   `samples` equal strata, one draw per stratum, strata shuffled per path), from `seed` (the
 *   scenario's seed by default), so the same file gives the same points.
 *
 * With both, every grid point is paired with every random sample.
 */
import { z } from "zod";
import { finite } from "./primitives.ts";

const sweepPath = z.string().regex(/^[A-Za-z_]\w*(\.\w+)*$/, {
  message: "must be a dotted scenario path such as exchange.insuranceFund",
});

/** A sweep bigger than this is almost certainly a typo (a range where a list was meant). */
export const maxSweepPoints = 10_000;

export const sweepRangeSchema = z
  .strictObject({
    min: finite,
    max: finite,
    scale: z
      .enum(["linear", "log"])
      .default("linear")
      .describe("log: uniform in log(value), for sizes that span orders of magnitude."),
    integer: z.boolean().default(false).describe("Round each draw to the nearest integer."),
  })
  .refine((range) => range.max > range.min, {
    message: "max must be greater than min",
    path: ["max"],
  })
  .refine((range) => range.scale !== "log" || range.min > 0, {
    message: "a log-scale range needs min > 0",
    path: ["min"],
  })
  .refine((range) => !range.integer || Math.floor(range.max) >= Math.ceil(range.min), {
    message: "an integer range must contain an integer",
    path: ["max"],
  });

export const sweepSchema = z
  .strictObject({
    grid: z
      .record(sweepPath, z.array(z.unknown()).min(1, { message: "needs at least one value" }))
      .optional()
      .describe("PATH: [value, ...]; every combination of the values is a point."),
    random: z
      .strictObject({
        samples: z.number().int().positive().max(maxSweepPoints),
        seed: z.number().int().nonnegative().optional(),
        parameters: z.record(sweepPath, sweepRangeSchema),
      })
      .optional()
      .describe("Latin hypercube samples of PATH: {min, max, scale, integer} ranges."),
  })
  .refine(
    (sweep) =>
      Object.keys(sweep.grid ?? {}).length + Object.keys(sweep.random?.parameters ?? {}).length > 0,
    { message: "a sweep needs at least one path in grid or random.parameters" },
  )
  .describe("Parameters `stress` and `recommend` vary (docs/runner.md).");

export type Sweep = z.infer<typeof sweepSchema>;
export type SweepRange = z.infer<typeof sweepRangeSchema>;
