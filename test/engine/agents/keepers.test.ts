import { describe, expect, it } from "vitest";
import { Keepers } from "../../../src/engine/agents/keepers.ts";
import { keeperSchema } from "../../../src/scenario/makerSchema.ts";
import { dai, eth, QuotingWorld, TestWorld } from "../venue/makerFixtures.ts";

const keepers = (...configs: Parameters<typeof keeperSchema.parse>[0][]) =>
  new Keepers(
    configs.map((config) => keeperSchema.parse(config)),
    2,
  );

describe("keepers", () => {
  it("act in order of gas limit, highest first", () => {
    const book = keepers(
      { name: "slow", dai: 0, gasPriceLimitGwei: 20 },
      { name: "fast", dai: 0, gasPriceLimitGwei: 200 },
      { name: "middle", dai: 0, gasPriceLimitGwei: 50 },
    );
    expect([...book.order]).toEqual([1, 2, 0]);
  });

  it("a keeper above its gas limit, or without the ETH for the gas, does not send", () => {
    const book = keepers({ name: "k", dai: 1000, gasPriceLimitGwei: 100, gasEth: 0.05 });
    const world = new TestWorld(1000, 150_000);
    world.gasPriceGwei = 100;
    // 400 000 gas × 100 gwei = 0.04 ETH ≤ 0.05.
    expect(book.canSend(0, 400_000, world)).toBe(true);
    world.gasPriceGwei = 101;
    expect(book.canSend(0, 400_000, world)).toBe(false);
    world.gasPriceGwei = 130;
    book.gasPriceLimitGwei[0] = 1000;
    // 0.052 ETH > 0.05.
    expect(book.canSend(0, 400_000, world)).toBe(false);
  });

  it("pays gas into the block producers' bucket", () => {
    const book = keepers({ name: "k", dai: 0, gasPriceLimitGwei: 100, gasEth: 1 });
    const world = new TestWorld(1000, 150_000);
    world.gasPriceGwei = 50;
    book.payGas(0, 200_000, world);
    expect(book.gasEth[0]).toBeCloseTo(0.99, 12);
    expect(book.minersEth).toBeCloseTo(0.01, 12);
  });

  it("takes only below market × (1 − margin) with a profit above the gas cost", () => {
    const book = keepers({ name: "k", dai: 10_000, gasPriceLimitGwei: 100, margin: 0.05 });
    const world = new TestWorld(1000, 150_000);
    world.gasPriceGwei = 100;
    // Gas: 400 000 × 100 gwei = 0.04 ETH × 150 = 6 USD. Value per unit = 150 × 0.95 = 142.5.
    expect(book.takeAmount(0, 143, 10, eth, dai, world)).toBe(0);
    // At 142: 10 units × 0.5 = 5 USD profit < 6 USD gas.
    expect(book.takeAmount(0, 142, 10, eth, dai, world)).toBe(0);
    // At 140: 25 USD > 6 USD, and 10 units cost 1400 ≤ 10 000 DAI.
    expect(book.takeAmount(0, 140, 10, eth, dai, world)).toBe(10);
    // Capital binds: 10 000 / 140 = 71.43 units of a 100-unit lot.
    expect(book.takeAmount(0, 140, 100, eth, dai, world)).toBeCloseTo(10_000 / 140, 12);
    // At price 0 it takes the whole lot with no DAI at all.
    book.dai[0] = 0;
    expect(book.takeAmount(0, 0, 100, eth, dai, world)).toBe(100);
  });

  it("with a quote, sizes the take to what the market absorbs at a profit", () => {
    const book = keepers({ name: "k", dai: 1e6, gasPriceLimitGwei: 100, margin: 0 });
    // A shallow pool: 100 ETH / 15 000 DAI. Selling q ETH returns 15 000 q / (100 + q).
    const world = new QuotingWorld(100, 15_000);
    // At 100 DAI per unit a full lot of 100 sells for 7 500 < 10 000 paid; 50 sells for
    // 5 000 = 5 000 paid (no profit); 25 sells for 3 000 > 2 500: the keeper takes 25.
    expect(book.takeAmount(0, 100, 100, eth, dai, world)).toBe(25);
    // Without a quote it would have valued all 100 units at the mid price 150.
    expect(book.takeAmount(0, 100, 100, eth, dai, new TestWorld(100, 15_000))).toBe(100);
  });

  it("does not bid when bids is false, and calls only when the incentive beats gas", () => {
    const book = keepers(
      { name: "barker", dai: 0, gasPriceLimitGwei: 500, bids: false, gasPerBark: 450_000 },
      { name: "bidder", dai: 1000, gasPriceLimitGwei: 100, barks: false },
    );
    const world = new TestWorld(1000, 150_000);
    world.gasPriceGwei = 200;
    expect(book.takeAmount(0, 1, 10, eth, dai, world)).toBe(0);
    // Bark gas: 450 000 × 200 gwei = 0.09 ETH × 150 = 13.5 USD.
    expect(book.firstCaller(13.4, false, world)).toBe(-1);
    expect(book.firstCaller(13.6, false, world)).toBe(0);
    world.gasPriceGwei = 600;
    expect(book.firstCaller(1e6, false, world)).toBe(-1);
  });

  it("sells inventory through the market at no less than market × (1 − saleSlippage) on average", () => {
    const book = keepers({
      name: "k",
      dai: 0,
      gasPriceLimitGwei: 100,
      margin: 0.5,
      saleSlippage: 0.1,
    });
    // Pool 100 ETH / 15 000 DAI: price 150; the floor is 135 per unit on average.
    const world = new TestWorld(100, 15_000);
    book.inventory[eth] = 50;
    book.sellInventory(0, eth, dai, world.marketPrice(eth), world);
    // Average out = 15 000 / (100 + q) ≥ 135 → q ≤ 11.11: the rest stays in stock.
    expect(book.inventory[eth]).toBeCloseTo(50 - (15_000 / 135 - 100), 9);
    expect(book.dai[0]).toBeCloseTo(135 * (15_000 / 135 - 100), 9);
    expect(world.poolEth).toBeCloseTo(15_000 / 135, 9);
  });
});
