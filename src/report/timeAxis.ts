/**
 * Steps on a clock. A replay of timestamped data knows when its step 0 happened (`startTime`,
 * carried from the data file by the scenario loader, never read from the machine's clock) and
 * is labelled in UTC; any other run is labelled by the time elapsed since its start, from `dt`.
 * No Node imports and no `Intl`: the browser charts and the static SVGs label ticks identically
 * and the output does not depend on the machine's locale or time zone.
 */

export interface TimeBase {
  /** Seconds per step. */
  dt: number;
  /** Milliseconds since the epoch (UTC) of step 0, or null when the run has no calendar time. */
  startTime: number | null;
}

const minute = 60;
const hour = 3600;
const day = 86_400;

/** Round tick spacings in seconds, smallest first. */
const spacings = [
  1,
  2,
  5,
  10,
  15,
  30,
  minute,
  2 * minute,
  5 * minute,
  10 * minute,
  15 * minute,
  30 * minute,
  hour,
  2 * hour,
  3 * hour,
  6 * hour,
  12 * hour,
  day,
  2 * day,
  7 * day,
  14 * day,
  28 * day,
];

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** "2025-10-10 20:00 UTC" style parts of a UTC instant, without Intl. */
function utcParts(milliseconds: number) {
  const date = new Date(milliseconds);
  return {
    year: date.getUTCFullYear(),
    month: months[date.getUTCMonth()],
    day: date.getUTCDate(),
    hours: twoDigits(date.getUTCHours()),
    minutes: twoDigits(date.getUTCMinutes()),
    seconds: twoDigits(date.getUTCSeconds()),
  };
}

/** Seconds since step 0 (elapsed runs) or since the epoch (replays) of a step. */
function clockSeconds(base: TimeBase, step: number): number {
  const elapsed = step * base.dt;
  return base.startTime === null ? elapsed : base.startTime / 1000 + elapsed;
}

/** The tick spacing in seconds for about `count` ticks over the steps' span. */
export function tickSpacing(base: TimeBase, lowStep: number, highStep: number, count = 8): number {
  const span = Math.max(base.dt, (highStep - lowStep) * base.dt);
  const rough = span / Math.max(1, count);
  const found = spacings.find((spacing) => spacing >= rough);
  return found ?? Math.ceil(rough / (28 * day)) * 28 * day;
}

/** Steps (possibly fractional) at round clock times inside [lowStep, highStep]. */
export function timeTicks(base: TimeBase, lowStep: number, highStep: number, count = 8): number[] {
  if (!(base.dt > 0) || !(highStep >= lowStep)) return [];
  const spacing = tickSpacing(base, lowStep, highStep, count);
  const first = Math.ceil(clockSeconds(base, lowStep) / spacing - 1e-9);
  const last = Math.floor(clockSeconds(base, highStep) / spacing + 1e-9);
  const origin = clockSeconds(base, 0);
  const ticks: number[] = [];
  for (let index = first; index <= last && ticks.length < 200; index++) {
    ticks.push(Number(((index * spacing - origin) / base.dt).toPrecision(12)));
  }
  return ticks;
}

/**
 * A tick label that says its own unit, whatever the zoom: "45 s", "12 min", "1 h 30 min",
 * "2 d 6 h" since the start; "20:30" (UTC) for a replay, with the date at midnight ("11 Oct")
 * and seconds only off the whole minute.
 */
export function timeLabel(base: TimeBase, step: number): string {
  const seconds = step * base.dt;
  if (base.startTime !== null) {
    const parts = utcParts(base.startTime + Math.round(seconds * 1000));
    if (parts.hours === "00" && parts.minutes === "00" && parts.seconds === "00") {
      return `${parts.day} ${parts.month}`;
    }
    const clock = `${parts.hours}:${parts.minutes}`;
    return parts.seconds === "00" ? clock : `${clock}:${parts.seconds}`;
  }
  const sign = seconds < 0 ? "-" : "";
  const total = Math.round(Math.abs(seconds));
  if (total === 0) return "0";
  const days = Math.floor(total / day);
  const hours = Math.floor((total % day) / hour);
  const minutes = Math.floor((total % hour) / minute);
  const rest = total % minute;
  const units: string[] = [];
  if (days > 0) units.push(`${days} d`);
  if (hours > 0) units.push(`${hours} h`);
  if (minutes > 0) units.push(`${minutes} min`);
  if (rest > 0) units.push(`${rest} s`);
  return sign + units.join(" ");
}

/** The axis title: UTC and the date(s) of a replay, or time since the start; one step's length. */
export function timeAxisTitle(base: TimeBase, lowStep: number, highStep: number): string {
  const per = `one step = ${base.dt} s`;
  if (base.startTime === null) return `time since the start (${per})`;
  const first = utcParts(base.startTime + lowStep * base.dt * 1000);
  const last = utcParts(base.startTime + highStep * base.dt * 1000);
  const sameDay = first.year === last.year && first.month === last.month && first.day === last.day;
  const dates = sameDay
    ? `${first.day} ${first.month} ${first.year}`
    : `${first.day} ${first.month} – ${last.day} ${last.month} ${last.year}`;
  return `time (UTC), ${dates} (${per})`;
}

/** One instant in prose or a tooltip: "21:20 UTC" (with the date on request) or "41 min in". */
export function timeOfStep(base: TimeBase, step: number, withDate = false): string {
  if (base.startTime === null) return `${timeLabel(base, step)} in`;
  const parts = utcParts(base.startTime + Math.round(step * base.dt * 1000));
  const clock = `${parts.hours}:${parts.minutes}${base.dt < minute ? `:${parts.seconds}` : ""} UTC`;
  return withDate ? `${parts.day} ${parts.month} ${parts.year} ${clock}` : clock;
}

/** The ISO text of a replay's start, for summary.json; undefined without calendar time. */
export function startTimeIso(startTime: number | null | undefined): string | undefined {
  return startTime === null || startTime === undefined
    ? undefined
    : new Date(startTime).toISOString();
}
