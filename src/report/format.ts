/**
 * Number formatting shared by every report. Nothing here uses `toLocaleString` or `Intl`:
 * their output depends on the machine's locale and ICU build, and reports must be
 * byte-identical for identical runs.
 */

/**
 * Exact, round-trippable text for data files: `String(x)` is the shortest text that parses
 * back to the same double (and prints integers without a fraction). NaN means "no value" in
 * the engine's columns, so it becomes an empty cell.
 */
export function formatNumber(value: number): string {
  return Number.isNaN(value) ? "" : String(value);
}

/** Inserts thousands separators into the integer part of a plain decimal string. */
function groupThousands(decimal: string): string {
  const negative = decimal.startsWith("-");
  const unsigned = negative ? decimal.slice(1) : decimal;
  const pointIndex = unsigned.indexOf(".");
  const integerPart = pointIndex === -1 ? unsigned : unsigned.slice(0, pointIndex);
  const fraction = pointIndex === -1 ? "" : unsigned.slice(pointIndex);
  const grouped = integerPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction}`;
}

/** A count such as "1,234". */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? groupThousands(Math.round(value).toFixed(0)) : "n/a";
}

const moneyUnits: readonly (readonly [threshold: number, suffix: string])[] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "K"],
];

/** Three significant digits, so "$1.23B", "$12.3M", "$123K" all read at the same precision. */
function threeSignificant(scaled: number): string {
  if (scaled < 9.995) return scaled.toFixed(2);
  if (scaled < 99.95) return scaled.toFixed(1);
  return scaled.toFixed(0);
}

/** Compact money for prose and axes: "$1.23B", "$4.50M", "$512", "$0.42", "-$3.10K". */
export function formatMoney(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const sign = value < 0 ? "-" : "";
  const magnitude = Math.abs(value);
  if (magnitude === 0) return "$0";
  for (let unitIndex = 0; unitIndex < moneyUnits.length; unitIndex++) {
    const [threshold, suffix] = moneyUnits[unitIndex];
    if (magnitude < threshold) continue;
    const text = threeSignificant(magnitude / threshold);
    // 999.96K rounds to "1000": say "$1.00M" instead when a larger unit exists.
    if (text === "1000" && unitIndex > 0) {
      const [largerThreshold, largerSuffix] = moneyUnits[unitIndex - 1];
      return `${sign}$${threeSignificant(magnitude / largerThreshold)}${largerSuffix}`;
    }
    return `${sign}$${text}${suffix}`;
  }
  const small = magnitude >= 1 ? magnitude.toFixed(0) : magnitude.toFixed(2);
  if (small === "1000") return `${sign}$1.00K`;
  return `${sign}$${small}`;
}

/** A fraction as a percentage with one decimal: 0.234 → "23.4 %". */
export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)} %` : "n/a";
}

/**
 * The interval every stress batch, sweep and recommendation shows: both ends one-sided 95 %
 * Clopper–Pearson bounds (src/runner/statistics.ts), so a point reads the same everywhere.
 */
export function formatBounds(low: number, high: number): string {
  return `95 % bounds ${formatPercent(low)}–${formatPercent(high)}`;
}

/** "12.0 % (95 % bounds 7.4 %–18.3 %; 12 of 100 runs)". */
export function formatProportion(proportion: {
  probability: number;
  low: number;
  high: number;
  hits: number;
  trials: number;
}): string {
  return `${formatPercent(proportion.probability)} (${formatBounds(proportion.low, proportion.high)}; ${formatCount(proportion.hits)} of ${formatCount(proportion.trials)} runs)`;
}

/** What the bounds mean, said once under every table or chart that shows them. */
export const boundsNote =
  "Bounds are one-sided 95 % Clopper–Pearson bounds: with 95 % confidence the true probability is at most the upper bound, and at least the lower one. recommend judges its targets by the same bounds.";

/** Small residuals such as ledger drift: "0" or "1.2e-9". */
export function formatScientific(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value === 0 ? "0" : value.toExponential(1);
}

/**
 * Human-readable table cells: integers grouped ("1,234,567"), large values to cents
 * ("12,345.68"), small values to six significant digits ("0.0123457"). NaN is empty.
 */
export function formatReadable(value: number): string {
  if (Number.isNaN(value)) return "";
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return groupThousands(value.toFixed(0));
  if (Math.abs(value) >= 1000) return groupThousands(value.toFixed(2));
  return String(Number(value.toPrecision(6)));
}

const compactUnits: readonly (readonly [threshold: number, suffix: string])[] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "K"],
];

/**
 * Axis ticks and chart labels: "99.75K", "1.2M", "-350". Four significant digits keep
 * neighbouring price ticks such as 99.75K and 100K apart; trailing zeros are dropped.
 */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return "";
  const magnitude = Math.abs(value);
  for (const [threshold, suffix] of compactUnits) {
    if (magnitude >= threshold) return `${Number((value / threshold).toPrecision(4))}${suffix}`;
  }
  return String(Number(value.toPrecision(4)));
}

/** Axis ticks of money: "$100K", "-$2.5M", "$0". */
export function formatMoneyTick(value: number): string {
  if (!Number.isFinite(value)) return "";
  const compact = formatCompact(Math.abs(value));
  return value < 0 ? `-$${compact}` : `$${compact}`;
}

/** Axis ticks of a percentage already in percent: "-2 %", "0.5 %". */
export function formatPercentTick(value: number): string {
  return Number.isFinite(value) ? `${Number(value.toPrecision(4))} %` : "";
}
