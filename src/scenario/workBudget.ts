/**
 * The work budget: how much memory a scenario's run (or a batch of runs) will need, estimated
 * from the validated scenario and the sizes of its data files before anything is read or
 * allocated, so `steps: 1e9` or `levelsPerPercent: 1e9` is refused with the field, the value, the
 * estimate and the limit instead of running out of memory an hour later. The CLI, `stress` and the
 * dashboard all call this module (through the loader for one run, `batchWork` for a batch).
 *
 * The estimate is a sum of terms, each "a count from the scenario × bytes per unit". The bytes
 * per unit were measured (peak RSS of `deleverage run` at 10x and 100x the presets' counts; see
 * docs/limits.md) and rounded up: the budget should refuse the absurd, not the large. Adding a
 * model or a field that allocates per item is one more `term(...)` line in the model's function
 * below; a new list of markets or venues adds its items' terms in a loop, with the field path of
 * the item (e.g. ["markets", 2, "positions", "population", "count"]) so the refusal points there.
 */
import type { LendingScenario } from "./lendingSchema.ts";
import { formatBytes } from "./limits.ts";
import type { AnyScenario, Scenario, TfgScenario } from "./schema.ts";

type FieldPath = readonly (string | number)[];

export interface WorkTerm {
  /** The field whose value drives the term, e.g. ["steps"]. */
  fieldPath: FieldPath;
  /** That field's value (a count, or a file's size in bytes). */
  value: number;
  /** The value as the refusal shows it, when not the number itself (a file: its path and size). */
  shown?: string;
  /** Estimated bytes. */
  bytes: number;
}

export interface WorkEstimate {
  terms: WorkTerm[];
  /** Sum of the terms plus the process itself. */
  bytes: number;
  /** Characters of the largest text output, which is built as one string. */
  largestOutputCharacters: number;
  /** Its name: timeseries.csv, or timeseries-markets.csv for several markets. */
  largestOutputName: string;
}

/** Node, tsx, the schema and the report code before any scenario: measured ~130 MB. */
export const processBaseBytes = 150e6;
/**
 * The longest string V8 builds (2^29 − 24 characters on 64-bit): the CSV writers hold each file as
 * one string, so a timeseries.csv longer than this cannot be written at any memory limit.
 */
export const maxOutputCharacters = 2 ** 29 - 24;

/** Measured bytes per unit, rounded up (docs/limits.md has the measurements). */
const perUnit = {
  /** Perp step: series, timeseries.csv text, chart data (measured 1.2 KB). */
  perpStep: 1600,
  /** A perp position: position store, trigger index, its events and their CSV rows (~500 B). */
  position: 700,
  /**
   * A step of one market of a multi-market exchange: its ten series, price paths and its row of
   * timeseries-markets.csv (3 markets: 2.0 KB per step in all, measured, against 1.6 + 3 × 0.6).
   */
  marketStep: 600,
  /** A book level: its {price, size} object, the sort and the book's typed arrays. */
  bookLevel: 250,
  /** One step of a rolling window (volatility, circuit breaker, lookback): a double. */
  windowStep: 8,
  /** A lending step: world and venue series, oracle histories, timeseries.csv (~2.3 KB). */
  lendingStep: 3000,
  /** An Aave account or Maker vault (~550 B with three assets). */
  account: 800,
  /** One risk run's per-venue report, kept for LaR / VaR. */
  riskRunVenue: 400,
  /** A TFG step: series, tail statistics and the report's embedded series (measured 1.1 KB). */
  tfgStep: 1400,
  /** A byte of a data file: the text, its lines or parsed JSON, and the values taken from it. */
  dataFileByte: 16,
  /** A positions.csv row is at least this many bytes ("a,long,1,1,1\n" is 13). */
  positionsCsvRowBytes: 16,
  /** A stored run's record and summary entry in the batch's main thread. */
  storedRun: 2000,
  /** A worker thread of its own (isolate, loaded modules). */
  workerThread: 40e6,
};

/** timeseries.csv characters per row, measured on the presets and rounded up. */
const rowCharacters = { perp: 400, lending: 350, tfg: 150 };
/** timeseries-markets.csv characters per row (one market's step; 94 measured), rounded up. */
const marketRowCharacters = 120;

/** 2 × 5 one-percent bands of a Binance bookDepth snapshot, `levelsPerPercent` levels in each. */
const bookDepthBands = 10;

class Terms {
  readonly terms: WorkTerm[] = [];

  add(fieldPath: FieldPath, value: number, bytesPerUnit: number): void {
    this.terms.push({ fieldPath, value, bytes: value * bytesPerUnit });
  }

  /** A rolling window of `seconds` on a grid of `dt` seconds, as the engine sizes it. */
  window(fieldPath: FieldPath, seconds: number, dt: number): void {
    this.terms.push({
      fieldPath,
      value: seconds,
      bytes: Math.ceil(seconds / dt) * perUnit.windowStep,
    });
  }

  file(fieldPath: FieldPath, size: number | undefined, bytesPerByte = perUnit.dataFileByte): void {
    if (size === undefined) return;
    this.terms.push({
      fieldPath,
      value: size,
      shown: `a file of ${size} bytes`,
      bytes: size * bytesPerByte,
    });
  }
}

type FileSize = (fieldPath: FieldPath) => number | undefined;

type OrderBook = NonNullable<NonNullable<Scenario["market"]>["orderBook"]>;

function bookTerms(terms: Terms, book: OrderBook | undefined, at: FieldPath): void {
  if (book === undefined) return;
  if (book.levels !== undefined) {
    terms.add(
      [...at, "levels"],
      book.levels.bids.length + book.levels.asks.length,
      perUnit.bookLevel,
    );
  }
  if (book.shape !== undefined) {
    terms.add([...at, "shape", "levels"], book.shape.levels, 2 * perUnit.bookLevel);
  }
  if (book.depthCsv !== undefined) {
    terms.add(
      [...at, "depthCsv", "levelsPerPercent"],
      book.depthCsv.levelsPerPercent,
      bookDepthBands * perUnit.bookLevel,
    );
  }
}

function perpTerms(scenario: Scenario, fileSize: FileSize, terms: Terms): void {
  // Counterfactual re-runs run one after the other; the one in flight doubles what a run holds.
  const runs = scenario.decomposition === true ? 2 : 1;
  // Each market of a multi-market exchange adds its own series and timeseries-markets.csv rows.
  const marketSteps = (scenario.markets?.length ?? 0) * perUnit.marketStep;
  terms.add(["steps"], scenario.steps, runs * (perUnit.perpStep + marketSteps));
  const population = scenario.positions.population;
  if (population !== undefined) {
    terms.add(["positions", "population", "count"], population.count, runs * perUnit.position);
  }
  const inline = scenario.positions.inline;
  if (inline !== undefined)
    terms.add(["positions", "inline"], inline.length, runs * perUnit.position);
  const csvPath =
    typeof scenario.positions.csv === "object"
      ? ["positions", "csv", "file"]
      : ["positions", "csv"];
  terms.file(
    csvPath,
    fileSize(csvPath),
    perUnit.dataFileByte + (runs * perUnit.position) / perUnit.positionsCsvRowBytes,
  );
  terms.file(["positions", "wallets"], fileSize(["positions", "wallets"]));
  scenario.accumulation?.agents.forEach((agent, index) => {
    terms.add(["accumulation", "agents", index, "count"], agent.count, runs * perUnit.position);
  });
  bookTerms(terms, scenario.market?.orderBook, ["market", "orderBook"]);
  terms.file(
    ["market", "orderBook", "depthCsv", "file"],
    fileSize(["market", "orderBook", "depthCsv", "file"]),
  );
  terms.file(["shock", "csv"], fileSize(["shock", "csv"]));
  const markets = scenario.markets;
  if (markets !== undefined) {
    markets.forEach((market, index) => {
      const at = ["markets", index];
      bookTerms(terms, market.orderBook, [...at, "orderBook"]);
      terms.file(
        [...at, "orderBook", "depthCsv", "file"],
        fileSize([...at, "orderBook", "depthCsv", "file"]),
      );
      terms.file([...at, "shock", "csv"], fileSize([...at, "shock", "csv"]));
    });
  }
  const dt = scenario.dt;
  const policy = scenario.policy;
  if (policy !== undefined) {
    terms.window(["policy", "volatilityWindowSeconds"], policy.volatilityWindowSeconds, dt);
    if (policy.circuitBreaker !== undefined) {
      terms.window(
        ["policy", "circuitBreaker", "windowSeconds"],
        policy.circuitBreaker.windowSeconds,
        dt,
      );
    }
  }
  if (scenario.marketMakers !== undefined) {
    terms.window(
      ["marketMakers", "volatilityWindowSeconds"],
      scenario.marketMakers.volatilityWindowSeconds,
      dt,
    );
  }
  const accumulation = scenario.accumulation;
  if (accumulation !== undefined) {
    terms.window(
      ["accumulation", "volatilityWindowSeconds"],
      accumulation.volatilityWindowSeconds,
      dt,
    );
    accumulation.agents.forEach((agent, index) => {
      terms.window(["accumulation", "agents", index, "lookbackSeconds"], agent.lookbackSeconds, dt);
    });
  }
}

function lendingTerms(scenario: LendingScenario, fileSize: FileSize, terms: Terms): void {
  terms.add(["steps"], scenario.steps, perUnit.lendingStep + 300 * scenario.venues.length);
  terms.add(["riskRuns"], scenario.riskRuns, perUnit.riskRunVenue * scenario.venues.length);
  scenario.assets.forEach((asset, index) => {
    if (asset.path.kind === "coinApi") {
      terms.file(["assets", index, "path", "file"], fileSize(["assets", index, "path", "file"]));
    }
  });
  if (scenario.gas !== undefined && "file" in scenario.gas)
    terms.file(["gas", "file"], fileSize(["gas", "file"]));
  scenario.markets.forEach((market, index) => {
    if (market.reservesFile !== undefined) {
      terms.file(
        ["markets", index, "reservesFile", "file"],
        fileSize(["markets", index, "reservesFile", "file"]),
      );
    }
    if (market.book !== undefined) {
      terms.add(
        ["markets", index, "book", "shape", "levels"],
        market.book.shape.levels,
        2 * perUnit.bookLevel,
      );
    }
  });
  scenario.venues.forEach((venue, index) => {
    const at = ["venues", index];
    if (venue.kind === "aave") {
      const population = venue.accounts.population;
      if (population !== undefined) {
        terms.add([...at, "accounts", "population", "count"], population.count, perUnit.account);
      }
      terms.add([...at, "accounts", "inline"], venue.accounts.inline.length, perUnit.account);
    } else if (venue.kind === "maker") {
      venue.vaults.population?.forEach((population, group) => {
        terms.add(
          [...at, "vaults", "population", group, "count"],
          population.count,
          perUnit.account,
        );
      });
      terms.add([...at, "vaults", "inline"], venue.vaults.inline?.length ?? 0, perUnit.account);
    } else {
      const population = venue.positions.population;
      if (population !== undefined) {
        terms.add([...at, "positions", "population", "count"], population.count, perUnit.position);
      }
      terms.add([...at, "positions", "inline"], venue.positions.inline.length, perUnit.position);
      bookTerms(terms, venue.market.orderBook, [...at, "market", "orderBook"]);
    }
  });
}

function tfgTerms(scenario: TfgScenario, terms: Terms): void {
  terms.add(["steps"], scenario.steps, perUnit.tfgStep);
}

/** The memory one run of `scenario` needs; `fileSize` gives the bytes of each data file named. */
export function estimateScenarioWork(scenario: AnyScenario, fileSize: FileSize): WorkEstimate {
  const terms = new Terms();
  if (scenario.model === "tfg") tfgTerms(scenario, terms);
  else if (scenario.model === "lending") lendingTerms(scenario, fileSize, terms);
  else perpTerms(scenario, fileSize, terms);
  const bytes = processBaseBytes + terms.terms.reduce((sum, term) => sum + term.bytes, 0);
  const timeseries = (scenario.steps + 1) * rowCharacters[scenario.model];
  const marketTimeseries =
    scenario.model === "perp"
      ? (scenario.steps + 1) * (scenario.markets?.length ?? 1) * marketRowCharacters
      : 0;
  return {
    terms: terms.terms,
    bytes,
    largestOutputCharacters: Math.max(timeseries, marketTimeseries),
    largestOutputName: marketTimeseries > timeseries ? "timeseries-markets.csv" : "timeseries.csv",
  };
}

/** The batch's options as the budget sees them. */
export interface BatchShape {
  runs: number;
  workers: number;
  shardSize: number;
  steps: number;
}

/**
 * Memory of a batch: every worker holds one run (and the scenario), the main thread holds a
 * shard's series before storing it and every stored run's record for the summary. Terms name the
 * command-line option that drives them.
 */
export function batchWork(perRun: WorkEstimate, batch: BatchShape): WorkEstimate {
  const run = perRun.bytes - processBaseBytes + perUnit.workerThread;
  // Seven series of doubles per step, copied once from the worker and once into DuckDB.
  const shardBytes = Math.min(batch.shardSize, batch.runs) * (batch.steps + 1) * 7 * 8 * 2;
  const terms: WorkTerm[] = [
    {
      fieldPath: ["--workers"],
      value: batch.workers,
      bytes: Math.min(batch.workers, batch.runs) * run,
    },
    { fieldPath: ["--runs"], value: batch.runs, bytes: batch.runs * perUnit.storedRun },
    { fieldPath: ["--shard-size"], value: batch.shardSize, bytes: shardBytes },
  ];
  return {
    terms,
    bytes: processBaseBytes + terms.reduce((sum, term) => sum + term.bytes, 0),
    largestOutputCharacters: 0,
    largestOutputName: "timeseries.csv",
  };
}

/** What is over the budget: the dominant term and a sentence for the refusal. */
export interface BudgetExcess {
  term: WorkTerm;
  message: string;
}

export interface Budget {
  limitBytes: number;
  /** `--allow-large`: the memory limit is not enforced (the output-size limit still is). */
  allowLarge: boolean;
}

function termText(term: WorkTerm): string {
  return `${term.fieldPath.map(String).join(".")} ${formatBytes(term.bytes)}`;
}

/** Steps are counted with the start row, as the engine allocates them. */
function stepsOf(estimate: WorkEstimate): WorkTerm | undefined {
  return estimate.terms.find(
    (term) => term.fieldPath.length === 1 && term.fieldPath[0] === "steps",
  );
}

/**
 * The problem with `estimate` under `budget`, or undefined when it fits. The message starts with
 * the dominant term's value; the caller places it at that field.
 */
export function budgetExcess(
  estimate: WorkEstimate,
  budget: Budget,
  subject = "the run",
): BudgetExcess | undefined {
  const dominant = estimate.terms.reduce<WorkTerm | undefined>(
    (largest, term) => (largest === undefined || term.bytes > largest.bytes ? term : largest),
    undefined,
  );
  if (dominant === undefined) return undefined;
  if (estimate.largestOutputCharacters > maxOutputCharacters) {
    const steps = stepsOf(estimate) ?? dominant;
    return {
      term: steps,
      message: `${steps.value} is not allowed: ${estimate.largestOutputName} would be about ${formatBytes(estimate.largestOutputCharacters)}, more than the ${formatBytes(maxOutputCharacters)} one output file can hold; use fewer steps or a longer dt`,
    };
  }
  if (budget.allowLarge || estimate.bytes <= budget.limitBytes) return undefined;
  const largest = [...estimate.terms]
    .sort((left, right) => right.bytes - left.bytes)
    .slice(0, 3)
    .map(termText)
    .join(", ");
  return {
    term: dominant,
    message: `${dominant.shown ?? dominant.value} is not allowed: ${subject} would need about ${formatBytes(estimate.bytes)} of memory (largest parts: ${largest}), above the limit of ${formatBytes(budget.limitBytes)} (DELEVERAGE_MEMORY_LIMIT sets it; the default is half of this machine's memory); lower it, or pass --allow-large to run anyway`,
  };
}
