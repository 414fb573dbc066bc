import { describe, expect, it } from "vitest";
import {
  startTimeIso,
  timeAxisTitle,
  timeLabel,
  timeOfStep,
  timeTicks,
} from "../../src/report/timeAxis.ts";

const replay = { dt: 60, startTime: Date.UTC(2025, 9, 10, 20, 0, 0) };
const elapsed = { dt: 1, startTime: null };

describe("time axes", () => {
  it("label a replay in UTC from its data's start time, with the date at midnight", () => {
    const ticks = timeTicks(replay, 0, 150);
    expect(ticks.map((step) => timeLabel(replay, step))).toEqual([
      "20:00",
      "20:30",
      "21:00",
      "21:30",
      "22:00",
      "22:30",
    ]);
    expect(timeLabel(replay, 240)).toBe("11 Oct");
    expect(timeAxisTitle(replay, 0, 150)).toBe("time (UTC), 10 Oct 2025 (one step = 60 s)");
    expect(timeOfStep(replay, 80, true)).toBe("10 Oct 2025 21:20 UTC");
    expect(startTimeIso(replay.startTime)).toBe("2025-10-10T20:00:00.000Z");
  });

  it("label any other run by the time since its start, each label with its unit", () => {
    expect(timeTicks(elapsed, 0, 300).map((step) => timeLabel(elapsed, step))).toEqual([
      "0",
      "1 min",
      "2 min",
      "3 min",
      "4 min",
      "5 min",
    ]);
    const minutes = { dt: 60, startTime: null };
    expect(timeLabel(minutes, 3330)).toBe("2 d 7 h 30 min");
    expect(timeAxisTitle(minutes, 0, 4320)).toBe("time since the start (one step = 60 s)");
    expect(timeOfStep(minutes, 41)).toBe("41 min in");
  });

  it("put ticks on round clock times, not on round step numbers", () => {
    // Step 0 at 00:10 UTC, ten-minute steps: the first tick is 03:00, step 17.
    const day = { dt: 600, startTime: Date.UTC(2020, 2, 12, 0, 10) };
    const ticks = timeTicks(day, 0, 144);
    expect(ticks[0]).toBe(17);
    expect(timeLabel(day, ticks[0])).toBe("03:00");
  });
});
