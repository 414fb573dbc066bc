/**
 * The story of a Maker venue's day in words and charts, from its events: who the keepers were
 * and what gas they would pay, when the gas price rose past their limits (every
 * `keeper_out_of_gas` row is a keeper with work it could not pay gas for), what the auctions
 * raised and at what discount to the market, and how much debt they left uncovered. Black
 * Thursday (12 March 2020) is this story: bids dear in gas, auction prices that only fall,
 * collateral sold for almost nothing.
 */
import type { LendingEngineScenario, LendingRun } from "../engine/lending/run.ts";
import { lendingEventTypes } from "../engine/lending/world.ts";
import { chartColors } from "./chartStyle.ts";
import { formatCompact, formatCount, formatMoney, formatPercent } from "./format.ts";
import type { LendingSummary } from "./lending.ts";
import { plural } from "./markup.ts";
import { coordinate, palette, plotSvg, text } from "./plot.ts";
import { timeAxis } from "./svg.ts";
import { type TimeBase, timeLabel } from "./timeAxis.ts";
import { barSteps, bucketSums } from "./timeBuckets.ts";

export interface KeeperStory {
  paragraphs: string[];
  sections: { title: string; note: string; chart: string }[];
}

interface KeeperFacts {
  name: string;
  limit: number;
  dai: number;
  bids: boolean;
  barks: boolean;
  margin: number;
  starvedSteps: number[];
}

function column(run: LendingRun, name: string): Float64Array | undefined {
  const index = run.world.columns.indexOf(name);
  return index < 0 ? undefined : run.world.series[index];
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((first, second) => first - second);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function keeperRole(keeper: KeeperFacts): string {
  const limit = `up to ${formatCompact(keeper.limit)} gwei`;
  if (!keeper.bids) return `${keeper.name} only barks (starts auctions), paying ${limit}`;
  const discount =
    keeper.margin >= 0.5
      ? `, bidding only at ${formatPercent(keeper.margin)} below the market`
      : "";
  return `${keeper.name} bids with ${formatMoney(keeper.dai)} DAI, paying ${limit}${discount}`;
}

/** The first step at which the series exceeds `level`, or −1. */
function firstAbove(values: Float64Array, level: number): number {
  return values.findIndex((value) => value > level);
}

export function keeperStory(
  summary: LendingSummary,
  run: LendingRun,
  time: TimeBase,
  engine: LendingEngineScenario | undefined,
): KeeperStory {
  const story: KeeperStory = { paragraphs: [], sections: [] };
  if (engine === undefined) return story;
  const utc = time.startTime === null ? "" : " UTC";
  const at = (step: number) => `${timeLabel(time, step)}${utc}`;
  const events = run.world.events;
  const code = (type: (typeof lendingEventTypes)[number]) => lendingEventTypes.indexOf(type);
  engine.venues.forEach((venueSpec, venueIndex) => {
    if (venueSpec.kind !== "maker") return;
    const name = venueSpec.name;
    const keepers: KeeperFacts[] = venueSpec.maker.keepers.map((keeper) => ({
      name: keeper.name,
      limit: keeper.gasPriceLimitGwei,
      dai: keeper.dai,
      bids: keeper.bids,
      barks: keeper.barks,
      margin: keeper.margin,
      starvedSteps: [],
    }));
    let auctions = 0;
    let tabs = 0;
    let takes = 0;
    let raised = 0;
    let bought = 0;
    let resets = 0;
    let shortAuctions = 0;
    let badDebt = 0;
    const discounts: number[] = [];
    const takePoints: { step: number; share: number; owe: number }[] = [];
    const symbols = summary.assets.map((asset) => asset.symbol);
    let collateral = "";
    for (let index = 0; index < events.length; index++) {
      if (events.venue[index] !== venueIndex) continue;
      const type = events.type[index];
      if (type === code("auction_start")) {
        auctions++;
        tabs += events.valueUsd[index];
      } else if (type === code("auction_take")) {
        takes++;
        raised += events.valueUsd[index];
        bought += events.quantity[index];
        collateral = symbols[events.asset[index]] ?? "";
        const marketPrice = column(run, `${collateral}.market`)?.[events.step[index]];
        if (marketPrice !== undefined && events.quantity[index] > 0) {
          const share = events.valueUsd[index] / events.quantity[index] / marketPrice;
          discounts.push(1 - share);
          takePoints.push({ step: events.step[index], share, owe: events.valueUsd[index] });
        }
      } else if (type === code("auction_reset")) {
        resets++;
      } else if (type === code("bad_debt")) {
        shortAuctions++;
        badDebt += events.valueUsd[index];
      } else if (type === code("keeper_out_of_gas")) {
        keepers[events.account[index]]?.starvedSteps.push(events.step[index]);
      }
    }
    if (auctions === 0 && keepers.every((keeper) => keeper.starvedSteps.length === 0)) return;
    const prefix =
      engine.venues.filter((venue) => venue.kind === "maker").length > 1 ? `${name}: ` : "";
    story.paragraphs.push(`${prefix}The keepers: ${keepers.map(keeperRole).join("; ")}.`);
    const gas = column(run, "gasGwei");
    const starved = keepers.reduce((sum, keeper) => sum + keeper.starvedSteps.length, 0);
    if (gas !== undefined) {
      let peak = 0;
      for (let step = 1; step < gas.length; step++) if (gas[step] > gas[peak]) peak = step;
      const limits = [
        ...new Set(keepers.filter((keeper) => keeper.bids).map((keeper) => keeper.limit)),
      ].sort((first, second) => first - second);
      const crossings = limits.flatMap((limit) => {
        const step = firstAbove(gas, limit);
        return step < 0 ? [] : [`above ${formatCompact(limit)} gwei at ${at(step)}`];
      });
      const perKeeper = keepers
        .filter((keeper) => keeper.starvedSteps.length > 0)
        .map(
          (keeper) =>
            `${keeper.name} ${plural(keeper.starvedSteps.length, "time")} (${at(keeper.starvedSteps[0])} to ${at(keeper.starvedSteps[keeper.starvedSteps.length - 1])})`,
        );
      story.paragraphs.push(
        `The gas price went ${crossings.length > 0 ? crossings.join(", ") : "no higher than any bidder's limit"} and peaked at ${formatCompact(gas[peak])} gwei at ${at(peak)}. ` +
          (starved === 0
            ? "No keeper was ever priced out."
            : `A keeper whose limit is below the gas price cannot send its transaction: ${plural(starved, "time")} a keeper had auctions to bid on or vaults to bark and could not pay the gas (the ${plural(starved, "keeper_out_of_gas row")} of events.csv): ${perKeeper.join(", ")}.`),
      );
    }
    const medianDiscount = median(discounts);
    const deep = discounts.filter((discount) => discount >= 0.5).length;
    story.paragraphs.push(
      `${plural(auctions, "vault")} ${auctions === 1 ? "was" : "were"} barked, starting ${plural(auctions, "auction")} that had to raise ${formatMoney(tabs)}. ` +
        `${plural(takes, "take")} raised ${formatMoney(raised)} for ${formatCompact(bought)} ${collateral}` +
        (discounts.length > 0
          ? `, at a median of ${formatPercent(medianDiscount)} below the market price; ${plural(deep, "take")} paid half the market price or less.`
          : ".") +
        (resets > 0
          ? ` ${plural(resets, "auction")} had to be reset (redo) after running too long or falling too far.`
          : "") +
        ` ${plural(shortAuctions, "auction")} closed short of the debt ${shortAuctions === 1 ? "it" : "they"} had to cover: ${formatMoney(badDebt)} of bad debt.`,
    );
    if (gas !== undefined) {
      const steps = run.world.steps;
      const xs = Array.from({ length: steps + 1 }, (_, step) => step);
      const bidders = keepers.filter((keeper) => keeper.bids || keeper.starvedSteps.length > 0);
      const colours = (index: number) => palette[(index + 1) % palette.length];
      story.sections.push({
        title: `${prefix}Gas price against the keepers' limits`,
        note: "The line is the gas price; each dashed line a keeper's gas limit, with a tick wherever that keeper had work it could not pay gas for. Above its line a keeper is out of the auctions.",
        chart: plotSvg({
          x: xs,
          xAxis: timeAxis(time, 0, steps),
          yAxis: {
            title: "gas price (gwei)",
            format: formatCompact,
            include: [0, ...bidders.map((keeper) => keeper.limit)],
          },
          series: [
            {
              kind: "line",
              label: "gas price",
              color: palette[0],
              values: Array.from(gas),
              width: 2,
            },
          ],
          overlay: (frame) =>
            bidders
              .map((keeper, index) => {
                const y = frame.y(keeper.limit);
                const colour = colours(index);
                const ticks = keeper.starvedSteps
                  .map(
                    (step) =>
                      `<line x1="${coordinate(frame.x(step))}" y1="${coordinate(y - 7)}" x2="${coordinate(frame.x(step))}" y2="${coordinate(y + 7)}" stroke="${colour}" stroke-width="2"/>`,
                  )
                  .join("");
                return (
                  `<line x1="${frame.box.left}" y1="${coordinate(y)}" x2="${frame.box.left + frame.box.width}" y2="${coordinate(y)}" stroke="${colour}" stroke-dasharray="6 4"/>` +
                  ticks +
                  text(
                    frame.box.left + 6,
                    y - 9,
                    `${keeper.name} (${formatCompact(keeper.limit)} gwei)`,
                    {
                      size: 13,
                      fill: colour,
                    },
                  )
                );
              })
              .join("\n"),
          legend: bidders.map((keeper, index) => ({
            label: `${keeper.name}: limit, and a tick per step it was priced out`,
            color: colours(index),
            shape: "dash" as const,
          })),
        }),
      });
    }
    const live = column(run, `${name}.liveAuctions`);
    const takesPerStep = column(run, `${name}.takes`);
    if (live !== undefined && takesPerStep !== undefined) {
      const steps = run.world.steps;
      const width = barSteps(time, steps, 150);
      const buckets = bucketSums(takesPerStep, width);
      const per =
        width === 1 ? "per step" : `per ${timeLabel({ dt: time.dt, startTime: null }, width)}`;
      story.sections.push({
        title: `${prefix}Auctions running and takes`,
        note: `Auctions running at each step (line) and takes ${per} (bars): auctions pile up while no bidder can pay the gas.`,
        chart: plotSvg({
          x: buckets.x,
          xAxis: timeAxis(time, 0, steps),
          yAxis: { title: "auctions", format: formatCompact, include: [0, ...live] },
          series: [
            {
              kind: "bars",
              label: `takes ${per}`,
              color: chartColors.bars,
              values: buckets.sums,
              width,
            },
          ],
          overlay: (frame) => {
            let path = "";
            for (let step = 0; step <= steps; step++) {
              path += `${step === 0 ? "M" : "L"}${coordinate(frame.x(step))} ${coordinate(frame.y(live[step]))}`;
            }
            return `<path d="${path}" fill="none" stroke="${palette[0]}" stroke-width="2"/>`;
          },
          legend: [{ label: "auctions running", color: palette[0], shape: "line" }],
        }),
      });
    }
    if (takePoints.length > 0) {
      const steps = run.world.steps;
      const largest = Math.max(...takePoints.map((point) => point.owe));
      story.sections.push({
        title: `${prefix}What the takes paid, against the market price`,
        note: "Each ring is one take: the price the keeper paid per unit of collateral as a share of the market price then, its area proportional to the DAI paid. Near 0 % the collateral went for almost nothing.",
        chart: plotSvg({
          x: [0, steps],
          xAxis: timeAxis(time, 0, steps),
          yAxis: {
            title: "price paid, % of the market price",
            format: (value) => `${formatCompact(value)} %`,
            include: [0, 100, ...takePoints.map((point) => point.share * 100)],
          },
          series: [],
          overlay: (frame) =>
            takePoints
              .map(
                (point) =>
                  `<circle cx="${coordinate(frame.x(point.step))}" cy="${coordinate(frame.y(point.share * 100))}" r="${coordinate(Math.max(2, Math.sqrt(point.owe / largest) * 12))}" fill="${chartColors.marker}" stroke="${chartColors.markerStroke}" stroke-width="1.2"/>`,
              )
              .join("\n"),
          legend: [
            {
              label: `a take (largest ${formatMoney(largest)} DAI); ${formatCount(takePoints.length)} in all`,
              color: chartColors.marker,
              stroke: chartColors.markerStroke,
              shape: "ring",
            },
          ],
        }),
      });
    }
  });
  return story;
}
