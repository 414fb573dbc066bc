/**
 * The `maker` credit venue of a `model: lending` scenario: Maker-style vaults (dss Vat/Jug),
 * liquidations (Dog), Dutch auctions (Clipper with an Abacus price curve) and keepers that bid
 * with their own DAI and pay gas. Field names follow dss where one exists (mat, chop, buf, tail,
 * cusp, chip, tip, hole, dust), so a reader can check them against the contracts; see
 * docs/models/maker.md. Every rule below says which field, which value and why.
 */
import { z } from "zod";
import { finite, logSpread, nonNegative, positive } from "./primitives.ts";

const symbol = z.string().min(1, "must name an asset of the scenario");

/** A per-step decay factor: 1 keeps the price, below 1 lowers it, above 1 would raise it. */
const cut = finite.refine((value) => value > 0 && value <= 1, {
  message: "cut must be > 0 and <= 1 (abaci.sol requires cut <= RAY; above 1 the price would rise)",
});

export const abacusSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("linear"),
      tau: positive.describe(
        "LinearDecrease (abaci.sol): seconds after which the price reaches 0; price = top × (tau − elapsed) / tau.",
      ),
    }),
    z.strictObject({
      kind: z.literal("stairstep"),
      step: positive.describe("StairstepExponentialDecrease: seconds between price cuts."),
      cut: cut.describe(
        "StairstepExponentialDecrease: multiplier per step; price = top × cut^floor(elapsed / step).",
      ),
    }),
    z.strictObject({
      kind: z.literal("exponential"),
      cut: cut.describe(
        "ExponentialDecrease: multiplier per second; price = top × cut^elapsed (e.g. 0.9999 ≈ −0.6 %/min).",
      ),
    }),
  ])
  .describe("The Clipper's price curve `calc` (dss abaci.sol).");

export const ilkSchema = z.strictObject({
  name: z.string().min(1).describe("Collateral type name, e.g. ETH-A."),
  collateral: symbol.describe("Asset symbol locked in these vaults (one collateral per ilk)."),
  mat: finite
    .refine((value) => value > 1, {
      message:
        "liquidation ratio mat must be above 1 (100 %): a vault must hold more than its debt",
    })
    .describe(
      "Liquidation ratio (Spotter mat): unsafe when ink × price < art × rate × mat; 1.5 = 150 %.",
    ),
  chop: finite
    .refine((value) => value >= 1, {
      message: "liquidation penalty multiplier chop must be >= 1 (1.13 = 13 % penalty)",
    })
    .default(1.13)
    .describe("Dog chop: the auction must raise tab = debt × chop."),
  buf: finite
    .refine((value) => value >= 1, {
      message:
        "starting price buffer buf must be >= 1: auctions start at or above the oracle price",
    })
    .default(1.2)
    .describe("Clipper buf: an auction starts at top = oracle price × buf."),
  tail: positive
    .default(8400)
    .describe("Clipper tail: seconds after which an auction needs a reset (redo)."),
  cusp: finite
    .refine((value) => value > 0 && value < 1, {
      message: "cusp must be strictly between 0 and 1: the share of top below which a reset is due",
    })
    .default(0.4)
    .describe("Clipper cusp: an auction needs a reset once price / top < cusp."),
  chip: finite
    .refine((value) => value >= 0 && value < 1, {
      message: "chip must be >= 0 and < 1: the keeper incentive as a share of tab",
    })
    .default(0.001)
    .describe("Clipper chip: share of tab paid (minted) to the keeper who barks or redoes."),
  tip: nonNegative.default(300).describe("Clipper tip: flat DAI paid to the keeper on bark/redo."),
  hole: positive
    .default(1e12)
    .describe("Dog ilk.hole: most DAI (tab) this ilk may have in auctions at once."),
  dust: nonNegative
    .default(0)
    .describe("Vat dust: smallest debt a vault or a partial auction may leave (DAI)."),
  stabilityFee: finite
    .refine((value) => value >= 0 && value < 10, {
      message: "stabilityFee is an annual rate and must be >= 0 and < 10 (1000 %)",
    })
    .default(0)
    .describe(
      "Annual stability fee; Jug duty = (1 + fee)^(1 / 31 536 000) per second, compounded each step.",
    ),
  abacus: abacusSchema.default({ kind: "stairstep", step: 90, cut: 0.99 }),
});

export const makerVaultSchema = z.strictObject({
  ilk: z.string().min(1).describe("Name of the ilk this vault belongs to."),
  collateral: nonNegative.describe("Locked collateral (Vat ink), in collateral units."),
  debt: nonNegative.describe("Drawn DAI at the start (art × rate with rate = 1)."),
});

const ratioBucketSchema = z
  .strictObject({
    low: positive.describe("Lowest collateral ratio in the bucket (1.5 = 150 %)."),
    high: positive.describe("Highest collateral ratio in the bucket."),
    share: positive.describe("Relative share of vaults in the bucket (normalised over buckets)."),
  })
  .refine((bucket) => bucket.high >= bucket.low, {
    message: "high must be >= low",
    path: ["high"],
  });

export const makerPopulationSchema = z.strictObject({
  ilk: z.string().min(1),
  count: z.number().int().positive().describe("Number of vaults generated."),
  totalDebt: positive.describe("DAI drawn by all generated vaults together."),
  debtSigma: logSpread
    .default(1)
    .describe("Log-normal spread of vault sizes (0 = equal sizes); sizes rescaled to totalDebt."),
  ratio: z
    .array(ratioBucketSchema)
    .min(1, "needs at least one collateral-ratio bucket")
    .describe(
      "Collateral ratio (ink × initial oracle price / debt) of each vault: a bucket drawn by share, uniform inside it.",
    ),
});

export const keeperSchema = z.strictObject({
  name: z.string().min(1),
  dai: nonNegative.describe("The keeper's own DAI for bids; refilled by selling what it wins."),
  gasPriceLimitGwei: positive.describe(
    "Highest gas price the keeper pays: above it the keeper does nothing that step.",
  ),
  gasEth: nonNegative
    .default(10)
    .describe("ETH the keeper holds for gas; it cannot act once a transaction would exceed it."),
  margin: finite
    .refine((value) => value >= 0 && value < 1, { message: "margin must be >= 0 and < 1" })
    .default(0.03)
    .describe(
      "Profit required: takes only at price <= market price × (1 − margin) − gas per unit.",
    ),
  saleSlippage: finite
    .refine((value) => value >= 0 && value < 1, { message: "saleSlippage must be >= 0 and < 1" })
    .default(0.02)
    .describe(
      "Worst average discount to the market price accepted when selling won collateral; the rest waits.",
    ),
  gasPerTake: positive
    .default(400000)
    .describe("Gas units of one take including the sale of the lot (assumption)."),
  gasPerBark: positive.default(450000).describe("Gas units of one bark (Dog.bark + Clipper.kick)."),
  gasPerRedo: positive.default(150000).describe("Gas units of one redo."),
  bids: z.boolean().default(true).describe("Whether the keeper takes auction lots."),
  barks: z
    .boolean()
    .default(true)
    .describe("Whether the keeper calls bark and redo for tip + chip."),
});

export const makerVenueSchema = z
  .strictObject({
    kind: z.literal("maker"),
    name: z.string().min(1),
    debtAsset: symbol.default("DAI").describe("The minted stablecoin (its par is 1 USD)."),
    gasAsset: symbol.default("ETH").describe("Asset keepers pay gas in."),
    globalHole: positive
      .default(1e12)
      .describe("Dog Hole: most DAI (tab) all ilks may have in auctions at once."),
    ilks: z.array(ilkSchema).min(1, "needs at least one ilk"),
    vaults: z
      .strictObject({
        inline: z.array(makerVaultSchema).optional(),
        population: z.array(makerPopulationSchema).optional(),
      })
      .refine((vaults) => vaults.inline !== undefined || vaults.population !== undefined, {
        message: "needs inline vaults, a population, or both",
      }),
    keepers: z.array(keeperSchema).default([]),
  })
  .superRefine((venue, context) => {
    const ilkNames = new Set<string>();
    venue.ilks.forEach((ilk, index) => {
      if (ilkNames.has(ilk.name)) {
        context.addIssue({
          code: "custom",
          path: ["ilks", index, "name"],
          message: "ilk names must be unique; this one is used twice",
        });
      }
      ilkNames.add(ilk.name);
      if (ilk.collateral === venue.debtAsset) {
        context.addIssue({
          code: "custom",
          path: ["ilks", index, "collateral"],
          message: `must differ from the debt asset ${venue.debtAsset}`,
        });
      }
    });
    const checkIlk = (name: string, path: (string | number)[]) => {
      if (!ilkNames.has(name)) {
        context.addIssue({
          code: "custom",
          path,
          message: `must name one of the venue's ilks: ${[...ilkNames].join(", ")}`,
        });
      }
    };
    venue.vaults.inline?.forEach((vault, index) => {
      checkIlk(vault.ilk, ["vaults", "inline", index, "ilk"]);
    });
    venue.vaults.population?.forEach((population, index) => {
      checkIlk(population.ilk, ["vaults", "population", index, "ilk"]);
    });
    const keeperNames = new Set<string>();
    venue.keepers.forEach((keeper, index) => {
      if (keeperNames.has(keeper.name)) {
        context.addIssue({
          code: "custom",
          path: ["keepers", index, "name"],
          message: "keeper names must be unique; this one is used twice",
        });
      }
      keeperNames.add(keeper.name);
    });
  });

export type MakerVenueInput = z.input<typeof makerVenueSchema>;
export type MakerVenueConfig = z.output<typeof makerVenueSchema>;
export type MakerIlkConfig = z.output<typeof ilkSchema>;
export type KeeperConfig = z.output<typeof keeperSchema>;
export type AbacusConfig = z.output<typeof abacusSchema>;

/**
 * Assets a Maker venue names that the scenario does not list, as issues relative to the venue
 * (the lending scenario schema prefixes its own path). The gas asset may be absent: gas is then
 * paid outside the world.
 */
export function makerAssetIssues(
  venue: MakerVenueConfig,
  symbols: readonly string[],
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const known = new Set(symbols);
  const rule = `must be one of the scenario's assets: ${symbols.join(", ")}`;
  if (!known.has(venue.debtAsset)) issues.push({ path: ["debtAsset"], message: rule });
  venue.ilks.forEach((ilk, index) => {
    if (!known.has(ilk.collateral)) {
      issues.push({ path: ["ilks", index, "collateral"], message: rule });
    }
  });
  return issues;
}
