import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { abacusPrice, type TakeResult } from "../../../src/engine/venue/maker.ts";
import { dai, eth, maker, QuotingWorld, TestWorld } from "./makerFixtures.ts";

const take = (): TakeResult => ({ slice: 0, owe: 0 });

describe("Abacus price curves (dss abaci.sol)", () => {
  it("LinearDecrease: top × (tau − dur) / tau, 0 from tau on", () => {
    const linear = { kind: "linear", tau: 3600 } as const;
    expect(abacusPrice(linear, 1000, 0)).toBe(1000);
    expect(abacusPrice(linear, 1000, 900)).toBe(750);
    expect(abacusPrice(linear, 1000, 3600)).toBe(0);
    expect(abacusPrice(linear, 1000, 5000)).toBe(0);
  });

  it("StairstepExponentialDecrease: top × cut^floor(dur / step)", () => {
    const stairstep = { kind: "stairstep", step: 90, cut: 0.99 } as const;
    // 600 s / 90 s = 6 whole steps: 1000 × 0.99^6 = 941.4801494...
    expect(abacusPrice(stairstep, 1000, 600)).toBeCloseTo(941.4801494, 6);
    expect(abacusPrice(stairstep, 1000, 89)).toBe(1000);
    // ETH-A's 2021 parameters: after tail = 8400 s the price is 0.99^93 = 39.27 % of top.
    expect(abacusPrice(stairstep, 1000, 8400)).toBeCloseTo(392.71102836, 6);
  });

  it("ExponentialDecrease: top × cut^dur", () => {
    const exponential = { kind: "exponential", cut: 0.9999 } as const;
    expect(abacusPrice(exponential, 1000, 600)).toBeCloseTo(941.76170811, 6);
    expect(abacusPrice(exponential, 1000, 0)).toBe(1000);
  });
});

describe("Dog.bark (dss dog.sol)", () => {
  it("leaves a vault exactly at the liquidation ratio alone", () => {
    const venue = maker();
    // 10 ETH × 150 / 1.5 = 1000 = debt: not strictly below.
    const world = new TestWorld(1000, 150_000);
    expect(venue.isUnsafe(0, world)).toBe(false);
    expect(venue.bark(0, -1, world)).toBe(-1);
  });

  it("starts an auction for tab = debt × chop at top = oracle × buf, paying tip + chip × tab", () => {
    const venue = maker({
      keepers: [{ name: "k", dai: 0, gasPriceLimitGwei: 100 }],
    });
    const world = new TestWorld(1000, 140_000);
    const daiBefore = world.total(venue, dai);
    const slot = venue.bark(0, 0, world);
    expect(slot).toBe(0);
    expect(venue.auctionTab[slot]).toBeCloseTo(1130, 9);
    expect(venue.auctionLot[slot]).toBe(10);
    expect(venue.auctionTop[slot]).toBeCloseTo(168, 9);
    expect(venue.ink[0]).toBe(0);
    expect(venue.art[0]).toBe(0);
    // tip 300 + chip 0.001 × 1130 = 301.13 DAI minted to the keeper, owed by the Vow.
    expect(venue.keepers.dai[0]).toBeCloseTo(301.13, 9);
    expect(venue.sin).toBeCloseTo(1000 + 301.13, 9);
    expect(venue.dirt).toBeCloseTo(1130, 9);
    expect(world.total(venue, dai)).toBeCloseTo(daiBefore, 9);
  });

  it("limits dart to the room under ilk.hole: dart = room / rate / chop", () => {
    const venue = maker({
      ilks: [{ name: "ETH-A", collateral: "ETH", mat: 1.5, hole: 565, dust: 100 }],
    });
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, -1, world);
    // room 565 / 1.13 = 500 DAI of debt, half the vault: dink = 10 × 500 / 1000 = 5.
    expect(venue.auctionTab[slot]).toBeCloseTo(565, 9);
    expect(venue.auctionLot[slot]).toBeCloseTo(5, 12);
    expect(venue.debtOf(0)).toBeCloseTo(500, 9);
    // ilk.dirt = hole now: the next bark finds no room.
    expect(venue.bark(0, -1, world)).toBe(-1);
  });

  it("limits dart by the global Hole the same way", () => {
    const venue = maker({ globalHole: 226 });
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, -1, world);
    expect(venue.auctionTab[slot]).toBeCloseTo(226, 9);
    expect(venue.debtOf(0)).toBeCloseTo(800, 9);
  });

  it("takes the whole vault when the remainder would be dusty", () => {
    const venue = maker({
      ilks: [{ name: "ETH-A", collateral: "ETH", mat: 1.5, hole: 565, dust: 600 }],
    });
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, -1, world);
    // The leftover 500 DAI is below dust 600: dart = art, the tab exceeds hole (as in dss).
    expect(venue.auctionTab[slot]).toBeCloseTo(1130, 9);
    expect(venue.auctionLot[slot]).toBe(10);
  });

  it("refuses a partial liquidation whose auction would be dusty", () => {
    const venue = maker({
      ilks: [{ name: "ETH-A", collateral: "ETH", mat: 1.5, hole: 113, dust: 200 }],
    });
    const world = new TestWorld(1000, 140_000);
    // dart = 113 / 1.13 = 100 DAI < dust 200 while the remainder 900 is not dusty.
    expect(venue.bark(0, -1, world)).toBe(-1);
    expect(venue.debtOf(0)).toBe(1000);
  });
});

describe("Clipper.take (dss clip.sol)", () => {
  const linear = (dust = 0, lot = 10, debt = 1000) =>
    maker({
      ilks: [
        {
          name: "ETH-A",
          collateral: "ETH",
          mat: 1.5,
          dust,
          tail: 10_000,
          cusp: 0.1,
          abacus: { kind: "linear", tau: 1000 },
        },
      ],
      vaults: { inline: [{ ilk: "ETH-A", collateral: lot, debt }] },
      keepers: [{ name: "k", dai: 10_000, gasPriceLimitGwei: 100, barks: false }],
    });

  it("sells partial slices at the curve's price; a tab left when the lot is gone is bad debt", () => {
    const venue = linear();
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, -1, world);
    world.advance(500);
    // top 168, half of tau gone: price 84.
    expect(venue.auctionPrice(slot, world)).toBeCloseTo(84, 9);
    const result = take();
    venue.take(slot, 0, 5, 84, world, result);
    expect(result.slice).toBe(5);
    expect(result.owe).toBeCloseTo(420, 9);
    expect(venue.auctionTab[slot]).toBeCloseTo(710, 9);
    venue.take(slot, 0, 8, 84, world, result);
    // slice = lot = 5: the auction ends with 290 DAI of tab unpaid; the debt was 1000, 840 raised.
    expect(result.slice).toBe(5);
    expect(venue.liveAuctions).toBe(0);
    expect(venue.badDebtDai).toBeCloseTo(160, 9);
    expect(venue.dirt).toBeCloseTo(0, 9);
  });

  it("refuses a take above the buyer's max price", () => {
    const venue = linear();
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, -1, world);
    world.advance(500);
    const result = take();
    venue.take(slot, 0, 5, 83.9, world, result);
    expect(result.slice).toBe(0);
    expect(venue.auctionLot[slot]).toBe(10);
  });

  it("cuts a partial take that would leave 0 < tab < chost to owe = tab − chost", () => {
    // 20 ETH, 2000 DAI debt at 140: tab 2260, top 168; dust 100 → chost 113.
    const venue = linear(100, 20, 2000);
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, -1, world);
    const result = take();
    // 13 × 168 = 2184 would leave 76 < 113: owe = 2260 − 113 = 2147, slice = 2147 / 168.
    venue.take(slot, 0, 13, 168, world, result);
    expect(result.owe).toBeCloseTo(2147, 9);
    expect(result.slice).toBeCloseTo(12.779761904761905, 12);
    expect(venue.auctionTab[slot]).toBeCloseTo(113, 9);
  });

  it("refuses a partial take when tab ≤ chost, but sells the whole lot", () => {
    // dust 2000 → chost 2260 = tab.
    const venue = linear(2000, 20, 2000);
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, -1, world);
    const result = take();
    venue.take(slot, 0, 5, 168, world, result);
    expect(result.slice).toBe(0);
    venue.take(slot, 0, 20, 168, world, result);
    expect(result.owe).toBeCloseTo(2260, 9);
  });

  it("caps owe at tab and hands the rest of the lot back to the vault owner", () => {
    const venue = linear(0, 20, 2000);
    const world = new TestWorld(1000, 140_000);
    const ethBefore = world.total(venue, eth);
    const daiBefore = world.total(venue, dai);
    const slot = venue.bark(0, -1, world);
    const result = take();
    // 20 × 168 = 3360 > tab 2260: owe = 2260, slice = 2260 / 168 = 13.452..., 6.547... returned.
    venue.take(slot, 0, 20, 168, world, result);
    expect(result.owe).toBeCloseTo(2260, 9);
    expect(result.slice).toBeCloseTo(13.452380952380953, 12);
    expect(venue.ilks[0].returned).toBeCloseTo(6.5476190476190474, 12);
    expect(venue.liveAuctions).toBe(0);
    expect(venue.badDebtDai).toBe(0);
    expect(venue.dirt).toBeCloseTo(0, 9);
    venue.heal();
    // The Vow kept the 260 DAI penalty after healing the 2000 of sin.
    expect(venue.vowDai - venue.sin).toBeCloseTo(260, 9);
    expect(world.total(venue, eth)).toBeCloseTo(ethBefore, 12);
    expect(world.total(venue, dai)).toBeCloseTo(daiBefore, 9);
  });
});

describe("Clipper.redo (dss clip.sol)", () => {
  const venueWith = (tail: number, cusp: number) =>
    maker({
      ilks: [
        {
          name: "ETH-A",
          collateral: "ETH",
          mat: 1.5,
          tail,
          cusp,
          tip: 300,
          chip: 0.001,
          abacus: { kind: "linear", tau: 1000 },
        },
      ],
      keepers: [{ name: "k", dai: 10_000, gasPriceLimitGwei: 100 }],
    });

  it("is due after tail seconds; take is refused until a redo restarts at oracle × buf", () => {
    const venue = venueWith(600, 0.01);
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, 0, world);
    world.advance(600);
    expect(venue.needsRedo(slot, world)).toBe(false);
    world.advance(1);
    expect(venue.needsRedo(slot, world)).toBe(true);
    const result = take();
    venue.take(slot, 0, 1, 1000, world, result);
    expect(result.slice).toBe(0);
    world.oracle = 120;
    const daiBefore = venue.keepers.dai[0];
    expect(venue.redo(slot, 0, world)).toBe(true);
    expect(venue.auctionTop[slot]).toBeCloseTo(144, 9);
    expect(venue.auctionTic[slot]).toBe(601);
    // tip 300 + chip 0.001 × tab 1130.
    expect(venue.keepers.dai[0] - daiBefore).toBeCloseTo(301.13, 9);
  });

  it("is due once price / top < cusp", () => {
    const venue = venueWith(100_000, 0.4);
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, 0, world);
    world.advance(600);
    // price / top = 0.4: not yet below cusp.
    expect(venue.needsRedo(slot, world)).toBe(false);
    world.advance(1);
    expect(venue.needsRedo(slot, world)).toBe(true);
    expect(venue.redo(slot, 0, world)).toBe(true);
    expect(venue.redo(slot, 0, world)).toBe(false);
  });

  it("pays no incentive when the tab or the lot's value is below chost", () => {
    const venue = maker({
      ilks: [
        {
          name: "ETH-A",
          collateral: "ETH",
          mat: 1.5,
          tail: 600,
          dust: 1000,
          chop: 1.13,
          abacus: { kind: "linear", tau: 1000 },
        },
      ],
    });
    const world = new TestWorld(1000, 140_000);
    const slot = venue.bark(0, -1, world);
    world.advance(601);
    // chost = 1000 × 1.13 = 1130 = tab, but the lot is worth 10 × 140 = 1400 ≥ 1130: paid.
    expect(venue.redoIncentive(slot, world)).toBeCloseTo(300 + 1.13, 9);
    world.oracle = 100;
    // 10 × 100 = 1000 < chost 1130: nothing.
    expect(venue.redoIncentive(slot, world)).toBe(0);
  });
});

describe("Jug.drip (dss jug.sol)", () => {
  it("compounds the annual stability fee per second: 5 % a year raises 1000 DAI to 1050", () => {
    const venue = maker({
      ilks: [{ name: "ETH-A", collateral: "ETH", mat: 1.5, stabilityFee: 0.05 }],
    });
    const world = new TestWorld(1000, 150_000);
    world.dt = 86_400;
    const daiBefore = world.total(venue, dai);
    for (let day = 0; day < 365; day++) {
      venue.drip(world);
      world.advance(86_400);
    }
    // 365 daily compoundings of the per-second factor: 1050 up to rounding (~1e-9 relative).
    expect(venue.debtOf(0)).toBeCloseTo(1050, 5);
    expect(venue.vowDai).toBeCloseTo(50, 5);
    expect(world.total(venue, dai)).toBeCloseTo(daiBefore, 9);
  });
});

describe("keepers in the step loop", () => {
  it("bark, take and sell when gas allows; nothing when the gas price is above every limit", () => {
    const config = {
      keepers: [{ name: "k", dai: 5000, gasPriceLimitGwei: 100, margin: 0.03 }],
      ilks: [
        {
          name: "ETH-A",
          collateral: "ETH",
          mat: 1.5,
          abacus: { kind: "stairstep", step: 90, cut: 0.99 },
        } as const,
      ],
    };
    const starved = maker(config);
    const world = new TestWorld(10_000, 1_400_000);
    world.gasPriceGwei = 150;
    for (let step = 0; step < 20; step++) {
      starved.step(world);
      world.advance(600);
    }
    expect(starved.liquidationCount).toBe(0);
    expect(world.events.some((event) => event.type === "keeper_out_of_gas")).toBe(true);

    const funded = maker(config);
    const other = new TestWorld(10_000, 1_400_000);
    other.gasPriceGwei = 50;
    const ethBefore = other.total(funded, eth);
    const daiBefore = other.total(funded, dai);
    for (let step = 0; step < 20; step++) {
      funded.step(other);
      other.advance(600);
    }
    expect(funded.liquidationCount).toBe(1);
    expect(funded.takeCount).toBeGreaterThan(0);
    expect(funded.liveAuctions).toBe(0);
    expect(funded.badDebtDai).toBe(0);
    // The keeper sold what it won: no ETH left in its inventory.
    expect(funded.keepers.inventory[eth]).toBeCloseTo(0, 9);
    expect(other.total(funded, eth)).toBeCloseTo(ethBefore, 9);
    expect(other.total(funded, dai)).toBeCloseTo(daiBefore, 6);
  });
});

describe("conservation of ETH and DAI (property, fixed seed 20200312)", () => {
  it("vaults, auctions, keepers, gas and the pool hold the same totals after every step", () => {
    const parameters = fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      count: fc.integer({ min: 1, max: 60 }),
      low: fc.double({ min: 1.2, max: 2, noNaN: true }),
      spread: fc.double({ min: 0, max: 2, noNaN: true }),
      hole: fc.double({ min: 2_000, max: 1e7, noNaN: true }),
      dust: fc.constantFrom(0, 50, 500),
      fee: fc.constantFrom(0, 0.02, 0.5),
      abacus: fc.constantFrom(
        { kind: "linear", tau: 3000 } as const,
        { kind: "stairstep", step: 90, cut: 0.99 } as const,
        { kind: "exponential", cut: 0.9995 } as const,
      ),
      tail: fc.constantFrom(1200, 8400),
      cusp: fc.constantFrom(0.05, 0.4),
      keepers: fc.array(
        fc.record({
          dai: fc.double({ min: 0, max: 200_000, noNaN: true }),
          limit: fc.double({ min: 1, max: 400, noNaN: true }),
          gasEth: fc.double({ min: 0, max: 2, noNaN: true }),
          margin: fc.double({ min: 0, max: 0.5, noNaN: true }),
          bids: fc.boolean(),
        }),
        { maxLength: 4 },
      ),
      moves: fc.array(fc.double({ min: -0.15, max: 0.1, noNaN: true }), {
        minLength: 5,
        maxLength: 30,
      }),
      gas: fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 1, maxLength: 5 }),
      poolEth: fc.double({ min: 100, max: 100_000, noNaN: true }),
      quotes: fc.boolean(),
    });
    const exercised = { barks: 0, takes: 0, resets: 0, badDebt: 0, returned: 0 };
    fc.assert(
      fc.property(parameters, (p) => {
        const venue = maker(
          {
            ilks: [
              {
                name: "ETH-A",
                collateral: "ETH",
                mat: 1.5,
                hole: p.hole,
                dust: p.dust,
                stabilityFee: p.fee,
                abacus: p.abacus,
                tail: p.tail,
                cusp: p.cusp,
              },
            ],
            vaults: {
              population: [
                {
                  ilk: "ETH-A",
                  count: p.count,
                  totalDebt: 50_000 * p.count,
                  ratio: [{ low: p.low, high: p.low + p.spread, share: 1 }],
                },
              ],
            },
            keepers: p.keepers.map((keeper, index) => ({
              name: `k${index}`,
              dai: keeper.dai,
              gasPriceLimitGwei: keeper.limit,
              gasEth: keeper.gasEth,
              margin: keeper.margin,
              bids: keeper.bids,
            })),
          },
          p.seed,
        );
        const world = p.quotes
          ? new QuotingWorld(p.poolEth, p.poolEth * 150)
          : new TestWorld(p.poolEth, p.poolEth * 150);
        const ethTotal = world.total(venue, eth);
        const daiTotal = world.total(venue, dai);
        for (let step = 0; step < p.moves.length; step++) {
          world.gasPriceGwei = p.gas[step % p.gas.length];
          world.oracle *= 1 + p.moves[step];
          world.run(venue);
          const ethDrift = Math.abs(world.total(venue, eth) - ethTotal) / ethTotal;
          const daiDrift = Math.abs(world.total(venue, dai) - daiTotal) / Math.abs(daiTotal);
          if (!(ethDrift < 1e-9 && daiDrift < 1e-9)) return false;
          for (let slot = 0; slot < venue.auctionCapacity; slot++) {
            if (venue.auctionLive[slot] === 1 && !(venue.auctionLot[slot] > 0)) return false;
          }
        }
        exercised.barks += venue.liquidationCount > 0 ? 1 : 0;
        exercised.takes += venue.takeCount > 0 ? 1 : 0;
        exercised.resets += venue.resetCount > 0 ? 1 : 0;
        exercised.badDebt += venue.badDebtDai > 0 ? 1 : 0;
        exercised.returned += venue.ilks[0].returned > 0 ? 1 : 0;
        return venue.dirt > -1e-6 && venue.badDebtDai >= 0;
      }),
      { seed: 20200312, numRuns: 300 },
    );
    // The property means something only if the runs went through every mechanism.
    for (const [mechanism, runs] of Object.entries(exercised)) {
      expect(runs, `runs with ${mechanism} (seed 20200312)`).toBeGreaterThan(10);
    }
  });
});

describe("numeric boundaries", () => {
  it("stops with the step, the venue and the value when the oracle or the market price is not finite", () => {
    const venue = maker();
    const world = new TestWorld(1000, 150_000);
    world.oracle = Number.NaN;
    expect(() => venue.step(world)).toThrow(/step 0: maker: oracle price of asset 0 became NaN/);
    const other = maker();
    const broken = new TestWorld(1000, 150_000);
    broken.poolDai = Number.POSITIVE_INFINITY;
    expect(() => other.step(broken)).toThrow(/maker: market price of asset 0 became Infinity/);
  });
});
