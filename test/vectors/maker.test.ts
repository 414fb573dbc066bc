/**
 * Maker Liquidations 2.0 against makerdao/dss's own tests: the Abacus price curves
 * (src/test/abaci.t.sol) and Dog.bark / Clipper.take / redo (src/test/clip.t.sol). dss computes
 * in integers — wad 1e18 (collateral, art), ray 1e27 (prices, rate), rad 1e45 (DAI) — with
 * floor divisions; the engine uses doubles, so where a floor shows, the tolerance names it.
 */
import { describe, expect, it } from "vitest";
import type { MakerIlkSpec } from "../../src/engine/venue/maker.ts";
import { abacusPrice, type TakeResult } from "../../src/engine/venue/maker.ts";
import type { MakerVenueInput } from "../../src/scenario/makerSchema.ts";
import { maker, TestWorld } from "../engine/venue/makerFixtures.ts";
import { expectAbsolute, expectRelative } from "../support/vectors.ts";

// makerdao/dss src/test/abaci.t.sol test_linear_decrease: tau = 3600, top = 1000 RAY, every
// 360 s the price falls by 100 and is 0 at tau; asserted with assertEq (exact).
describe("dss abaci.t.sol: LinearDecrease", () => {
  const linear = { kind: "linear", tau: 3600 } as const;
  it.each(Array.from({ length: 11 }, (_, step) => [360 * step, 1000 - 100 * step]))(
    "price(1000, %i s) = %i",
    (elapsed, expected) => {
      expectAbsolute(abacusPrice(linear, 1000, elapsed), expected, 1e-12);
    },
  );
});

// abaci.t.sol test_continuous_exp_decrease: cut = 0.999230132966 (a 900 s half-life),
// top = 4000 RAY, the price halves every 900 s; the test allows RAY / 1000 (0.001 absolute).
describe("dss abaci.t.sol: ExponentialDecrease", () => {
  const exponential = { kind: "exponential", cut: 0.999230132966 } as const;
  it.each([
    [0, 4000],
    [900, 2000],
    [1800, 1000],
    [2700, 500],
    [3600, 250],
  ])("price(4000, %i s) = %i ± 0.001", (elapsed, expected) => {
    expectAbsolute(abacusPrice(exponential, 4000, elapsed), expected, 0.001);
  });
});

// abaci.t.sol test_stairstep_exp_decrease: cut = 1 − 1.1234567890 %, top = $50M, step 1, 5 and
// 300 s; the test's expected price multiplies by cut at every step boundary (rmul, floor at
// 1e-27) and holds it in between, over 600 s. The engine raises cut to the number of steps.
describe("dss abaci.t.sol: StairstepExponentialDecrease", () => {
  const cut = 1 - 1.123456789 / 100;
  const top = 50_000_000;
  it.each([
    [1, 1, top * cut],
    [1, 599, top * cut ** 599],
    [5, 4, top],
    [5, 5, top * cut],
    [5, 599, top * cut ** 119],
    [300, 599, top * cut],
  ])("step %i s, after %i s", (step, elapsed, expected) => {
    expectRelative(abacusPrice({ kind: "stairstep", step, cut }, top, elapsed), expected, 1e-12);
  });
});

/**
 * clip.t.sol setUp and takeSetup: mat 200 %, chop 1.1, dust 20 DAI, hole = Hole = 1,000 DAI,
 * buf 1.25, cusp 0.3, tail 3600, StairstepExponentialDecrease cut 0.99 every second, tip = chip
 * = 0. The vault locks 40 and draws 100 DAI at $5 (spot $2.5); the price falls to $4, the vault
 * is unsafe (40 × 4 / 2 = 80 < 100) and is barked.
 */
const clipIlk: Partial<MakerIlkSpec> & { name: string; collateral: string; mat: number } = {
  name: "gold",
  collateral: "ETH",
  mat: 2,
  chop: 1.1,
  dust: 20,
  hole: 1000,
  buf: 1.25,
  cusp: 0.3,
  tail: 3600,
  tip: 0,
  chip: 0,
  abacus: { kind: "stairstep", step: 1, cut: 0.99 },
};

function clipVenue(ilk: Partial<MakerIlkSpec> = {}, overrides: Partial<MakerVenueInput> = {}) {
  return maker({
    globalHole: 1000,
    ilks: [{ ...clipIlk, ...ilk }],
    vaults: { inline: [{ ilk: "gold", collateral: 40, debt: 100 }] },
    keepers: [
      { name: "ali", dai: 1000, gasPriceLimitGwei: 1000 },
      { name: "bob", dai: 1000, gasPriceLimitGwei: 1000 },
    ],
    ...overrides,
  });
}

/** The world at $4: a pool deep enough to be irrelevant, the oracle set by hand. */
function worldAt(price: number): TestWorld {
  return new TestWorld(1e9, 4e9, price);
}

const result = (): TakeResult => ({ slice: 0, owe: 0 });

describe("dss clip.t.sol: Dog.bark and Clipper.kick", () => {
  it("takeSetup: tab = 100 × 1.1 = 110, lot = 40, top = $4 × 1.25 = $5, vault emptied", () => {
    const venue = clipVenue();
    const world = worldAt(4);
    const slot = venue.bark(0, -1, world);
    expectRelative(venue.auctionTab[slot], 110, 1e-15);
    expect(venue.auctionLot[slot]).toBe(40);
    expectRelative(venue.auctionTop[slot], 5, 1e-15);
    expect(venue.ink[0]).toBe(0);
    expect(venue.art[0]).toBe(0);
  });

  it("bark_not_leaving_dust: hole 80, chop 1 → tab 80, lot 32; the vault keeps ink 8, art 20", () => {
    const venue = clipVenue({ hole: 80, chop: 1 });
    const slot = venue.bark(0, -1, worldAt(4));
    expectRelative(venue.auctionTab[slot], 80, 1e-15);
    expectRelative(venue.auctionLot[slot], 32, 1e-15);
    expectRelative(venue.ink[0], 8, 1e-14);
    expectRelative(venue.art[0], 20, 1e-14);
  });

  it("bark_not_leaving_dust_rate: rate 1.02, hole 100 → remnant 2 DAI < dust: all 102 taken", () => {
    const venue = clipVenue({ hole: 100, chop: 1 });
    // Vat.fold(ilk, vow, 0.02 RAY): the rate the test sets directly.
    venue.ilks[0].rate = 1.02;
    const slot = venue.bark(0, -1, worldAt(4));
    expectRelative(venue.auctionTab[slot], 102, 1e-15);
    expect(venue.auctionLot[slot]).toBe(40);
    expect(venue.art[0]).toBe(0);
  });

  it("bark_only_leaving_dust_over_hole_rate: hole 81.6, dust 20.4 → dart 80, remnant = dust", () => {
    const venue = clipVenue({ hole: 81.6, chop: 1, dust: 20.4 });
    venue.ilks[0].rate = 1.02;
    const slot = venue.bark(0, -1, worldAt(4));
    expectRelative(venue.auctionTab[slot], 81.6, 1e-15);
    expectRelative(venue.auctionLot[slot], 32, 1e-14);
    expectRelative(venue.ink[0], 8, 1e-13);
    expectRelative(venue.art[0] * venue.ilks[0].rate, 20.4, 1e-14);
  });

  it("partial_liquidation_hole_limit: hole 75 → tab 75, dart = 75 / 1.1, lot = 40 × dart / 100", () => {
    // dss: tab = rad(75) − ray(0.2): dart = 75 × WAD / rate / chop floors to the wei, and the
    // tab rebuilt from it is 2e-19 DAI short. 1e-15 relative covers that floor.
    const venue = clipVenue({ hole: 75 });
    const slot = venue.bark(0, -1, worldAt(4));
    expectRelative(venue.auctionTab[slot], 75, 1e-15);
    expectRelative(venue.auctionLot[slot], (40 * (75 / 1.1)) / 100, 1e-15);
    expectRelative(venue.art[0], 100 - 75 / 1.1, 1e-15);
  });
});

describe("dss clip.t.sol: Clipper.take after takeSetup (price $5, tab 110, lot 40)", () => {
  function auction() {
    const venue = clipVenue();
    const world = worldAt(4);
    const slot = venue.bark(0, -1, world);
    return { venue, world, slot };
  }

  it("take_over_tab: 25 at max $5 buys only 110 / 5 = 22 and pays 110; 18 go back to the vault", () => {
    const { venue, world, slot } = auction();
    const out = result();
    venue.take(slot, 0, 25, 5, world, out);
    expectRelative(out.slice, 22, 1e-15);
    expectRelative(out.owe, 110, 1e-15);
    expectRelative(venue.ilks[0].returned, 18, 1e-14);
    expect(venue.auctionLive[slot]).toBe(0);
    expectAbsolute(venue.dirt, 0, 1e-12);
  });

  it("take_at_tab: 22 at $5 pays the whole tab", () => {
    const { venue, world, slot } = auction();
    const out = result();
    venue.take(slot, 0, 22, 5, world, out);
    expectRelative(out.owe, 110, 1e-15);
    expect(venue.auctionLive[slot]).toBe(0);
  });

  it("take_under_tab: 11 at $5 pays 55; tab 55 and lot 29 remain", () => {
    const { venue, world, slot } = auction();
    const out = result();
    venue.take(slot, 0, 11, 5, world, out);
    expectRelative(out.owe, 55, 1e-15);
    expectRelative(venue.auctionTab[slot], 55, 1e-15);
    expectRelative(venue.auctionLot[slot], 29, 1e-15);
  });

  it("take_bid_recalculates_due_to_chost_check: 18 would leave 20 < chost 22; tab ends at chost", () => {
    const { venue, world, slot } = auction();
    const out = result();
    venue.take(slot, 0, 18, 5, world, out);
    // chost = dust × chop = 22; lot = 40 − (110 − 22) / 5 = 22.4.
    expectRelative(venue.auctionTab[slot], 22, 1e-15);
    expectRelative(venue.auctionLot[slot], 40 - 88 / 5, 1e-15);
  });

  it("take_bid_fails_no_partial_allowed: after 17.6 (tab 22 = chost) a partial take is refused", () => {
    const { venue, world, slot } = auction();
    const out = result();
    venue.take(slot, 0, 17.6, 5, world, out);
    expectRelative(venue.auctionTab[slot], 22, 1e-14);
    expectRelative(venue.auctionLot[slot], 22.4, 1e-14);
    venue.take(slot, 0, 1, 5, world, out);
    expect(out.slice).toBe(0);
    // Taking the whole tab is allowed: tab / price = 4.4.
    venue.take(slot, 0, 22 / 5, 5, world, out);
    expectRelative(out.owe, 22, 1e-14);
  });

  it("take_multiple_bids_different_prices: 10 at $5, then the rest at 5 × 0.99^30", () => {
    const { venue, world, slot } = auction();
    const out = result();
    venue.take(slot, 0, 10, 5, world, out);
    expectRelative(venue.auctionTab[slot], 60, 1e-15);
    expectRelative(venue.auctionLot[slot], 30, 1e-15);
    world.time += 30;
    const price = venue.auctionPrice(slot, world);
    // The test's comment: 5 * 0.99 ** 30 = 3.698501866941401.
    expectRelative(price, 3.698501866941401, 1e-15);
    venue.take(slot, 1, 30, price, world, out);
    // bob buys tab / price and pays the remaining 60; the rest of the lot goes back.
    expectRelative(out.slice, 60 / price, 1e-15);
    expectRelative(out.owe, 60, 1e-15);
    expectRelative(venue.ilks[0].returned, 30 - 60 / price, 1e-14);
  });

  it("take_bid_avoids_recalculate_due_no_more_lot: at +60 s the price is 2.7357832119538073…", () => {
    const { venue, world, slot } = auction();
    world.time += 60;
    const price = venue.auctionPrice(slot, world);
    // assertEq(price, 2735783211953807380973706855): ray, i.e. 27 decimals; doubles hold 16.
    expectRelative(price, Number("2.735783211953807380973706855"), 1e-15);
    const out = result();
    venue.take(slot, 0, 40, 2.8, world, out);
    // 40 × 2.7357… = 109.43 < 110: the lot is gone, so the auction ends despite the tab left.
    expectRelative(out.owe, 40 * price, 1e-15);
    expect(venue.auctionLive[slot]).toBe(0);
  });

  it("take_full_lot_partial_tab: at +69 s (≈ half price) the whole lot costs just under 100", () => {
    const { venue, world, slot } = auction();
    world.time += 69;
    const out = result();
    venue.take(slot, 0, 40, 2.5, world, out);
    expect(out.slice).toBe(40);
    // The test: paid within 0.1 DAI of 100 (5 × 0.99^69 × 40 = 99.97).
    expect(out.owe).toBeGreaterThan(99.9);
    expect(out.owe).toBeLessThanOrEqual(100);
    expectAbsolute(venue.dirt, 0, 1e-12);
  });
});

// clip.t.sol auctionResetSetup (LinearDecrease, cusp 0.5, tail 3600, buf 1.25, bark at $4) with
// test_auction_reset_tail (tau 10 h) and test_auction_reset_cusp (tau 1 h); the oracle moves to
// $3 before the reset, so the new top is $3.75.
describe("dss clip.t.sol: Clipper.redo", () => {
  function resetAuction(tau: number) {
    const venue = clipVenue({ cusp: 0.5, abacus: { kind: "linear", tau } });
    const world = worldAt(4);
    const slot = venue.bark(0, -1, world);
    world.oracle = 3;
    return { venue, world, slot };
  }

  it("auction_reset_tail: no redo at 3,600 s, redo at 3,601 s to top = $3 × 1.25 = $3.75", () => {
    const { venue, world, slot } = resetAuction(36_000);
    world.time = 3600;
    expect(venue.needsRedo(slot, world)).toBe(false);
    world.time = 3601;
    expect(venue.needsRedo(slot, world)).toBe(true);
    expect(venue.redo(slot, -1, world)).toBe(true);
    expectRelative(venue.auctionTop[slot], 3.75, 1e-15);
    expect(venue.auctionTic[slot]).toBe(3601);
  });

  it("auction_reset_cusp: no redo at 1,800 s (price = top / 2), redo at 1,801 s", () => {
    const { venue, world, slot } = resetAuction(3600);
    world.time = 1800;
    expect(venue.needsRedo(slot, world)).toBe(false);
    world.time = 1801;
    expect(venue.needsRedo(slot, world)).toBe(true);
    expect(venue.redo(slot, -1, world)).toBe(true);
    expectRelative(venue.auctionTop[slot], 3.75, 1e-15);
  });

  it("auction_reset_cusp_twice: a fresh auction needs no second redo", () => {
    const { venue, world, slot } = resetAuction(3600);
    world.time = 1801;
    venue.redo(slot, -1, world);
    expect(venue.redo(slot, -1, world)).toBe(false);
  });
});
