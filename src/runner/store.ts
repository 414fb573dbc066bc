/**
 * The results store: one embedded DuckDB database per output folder (`results.duckdb`), holding
 * any number of batches, plus every shard exported as Parquet under `shards/`.
 *
 * Resuming depends on one rule: a shard's runs, their series and the shard's own row are
 * committed in one transaction, so after a crash a shard is either wholly stored or wholly
 * absent, and the primary key (batchId, runIndex) refuses a run stored twice. The Parquet copies
 * are written to a temporary name and renamed after the commit; a crash between the two leaves
 * a stored shard without its file, which `repairShardFiles` exports again from the database.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBValue,
  INTEGER,
  type JS,
} from "@duckdb/node-api";
import {
  type LendingRunRecord,
  type LendingVenueMetrics,
  lendingVenueFields,
} from "./lendingRecord.ts";
import {
  adlAmountFields,
  adlCountFields,
  amountFields,
  countFields,
  derivedFields,
  type RunMetrics,
  type RunRecord,
  seriesColumns,
} from "./runRecord.ts";

/** The store could not be opened, read or written; the message says which file and why. */
export class StoreError extends Error {
  override name = "StoreError";
}

/** The file is there but is not a database DuckDB can read. */
export class StoreDamagedError extends StoreError {
  override name = "StoreDamagedError";
}

/** `--db` names no database: a usage problem, not a failure of the store. */
export class StoreMissingError extends StoreError {
  override name = "StoreMissingError";
}

export interface BatchInfo {
  batchId: string;
  scenarioName: string;
  scenarioHash: string;
  seed: number;
  runs: number;
  shardSize: number;
  steps: number;
  version: string;
  /** Index of the batch's first run (0 unless the batch extends another, see batchIdOf). */
  firstRun?: number;
}

/** One batch of a sweep point, as `recordSweepBatch` stores it. */
export interface SweepBatchRow {
  sweepId: string;
  pointIndex: number;
  batchId: string;
  /** The point's parameters as JSON: {"exchange.insuranceFund": 500000, ...}. */
  parameters: string;
}

export interface StoredRun {
  runIndex: number;
  seed: number;
  status: "ok" | "failed";
  error: string | null;
  /** Null for a failed run. */
  metrics: RunMetrics | null;
}

export interface ShardFiles {
  runsFile: string;
  timeseriesFile: string;
}

/** Result rows as plain values: the caller decides how to print them. */
export interface QueryResult {
  columns: string[];
  rows: JS[][];
}

/** Added after the first stores were written: last, so ALTER TABLE puts them where new ones have them. */
const adlColumns = [
  ...adlCountFields.map((field) => `${field} BIGINT`),
  ...adlAmountFields.map((field) => `${field} DOUBLE`),
];

const metricColumns = [
  ...countFields.map((field) => `${field} BIGINT`),
  ...amountFields.map((field) => `${field} DOUBLE`),
  ...derivedFields.map((field) => `${field} DOUBLE`),
  "insuranceFundExhausted BOOLEAN",
  ...adlColumns,
];

const schema = [
  `CREATE TABLE IF NOT EXISTS batches (
    batchId VARCHAR PRIMARY KEY, scenarioName VARCHAR NOT NULL, scenarioHash VARCHAR NOT NULL,
    seed BIGINT NOT NULL, runs INTEGER NOT NULL, shardSize INTEGER NOT NULL,
    steps INTEGER NOT NULL, version VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS runs (
    batchId VARCHAR NOT NULL, runIndex INTEGER NOT NULL, seed BIGINT NOT NULL,
    status VARCHAR NOT NULL, error VARCHAR, ${metricColumns.join(", ")},
    PRIMARY KEY (batchId, runIndex))`,
  // No key here: a (batch, run, step) index over millions of rows would cost more than the
  // runs table's key, which already rejects a duplicate run inside the same transaction.
  `CREATE TABLE IF NOT EXISTS timeseries (
    batchId VARCHAR NOT NULL, runIndex INTEGER NOT NULL, step INTEGER NOT NULL,
    ${seriesColumns.map((column) => `${column} DOUBLE`).join(", ")})`,
  // Added after the first stores were written; older stores gain it with every batch at run 0.
  "ALTER TABLE batches ADD COLUMN IF NOT EXISTS firstRun INTEGER DEFAULT 0",
  // The ADL figures (issue 11); runs stored before them read NaN.
  ...adlColumns.map((column) => `ALTER TABLE runs ADD COLUMN IF NOT EXISTS ${column}`),
  // Which batches hold the runs of each point of a sweep: a point run in stages has one row per
  // stage (runs 0–19, then 20–39, ...), so joining runs through this table counts each run once.
  `CREATE TABLE IF NOT EXISTS sweepPoints (
    sweepId VARCHAR NOT NULL, pointIndex INTEGER NOT NULL, batchId VARCHAR NOT NULL,
    parameters VARCHAR NOT NULL, PRIMARY KEY (sweepId, pointIndex, batchId))`,
  // Per venue figures of `model: lending` runs; their rows in `runs` carry status and error only.
  `CREATE TABLE IF NOT EXISTS lendingVenueRuns (
    batchId VARCHAR NOT NULL, runIndex INTEGER NOT NULL, venueIndex INTEGER NOT NULL,
    venue VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    ${lendingVenueFields.map((field) => `${field} DOUBLE`).join(", ")},
    PRIMARY KEY (batchId, runIndex, venueIndex))`,
  `CREATE TABLE IF NOT EXISTS shards (
    batchId VARCHAR NOT NULL, shardIndex INTEGER NOT NULL, firstRun INTEGER NOT NULL,
    lastRun INTEGER NOT NULL, runsFile VARCHAR NOT NULL, timeseriesFile VARCHAR NOT NULL,
    PRIMARY KEY (batchId, shardIndex))`,
];

const resumeHint =
  "Shards stored before are intact; fix the cause and run the same command again to resume";

/** DuckDB's vector size: the most rows one data chunk holds. */
const chunkRows = 2048;

/** SQL string literal; COPY takes no parameters, so its paths and filters are inlined. */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * A store DuckDB cannot read as a database (truncated, overwritten, not a DuckDB file) says which
 * file and what to do; other failures to open it (locked by another process) say why.
 */
function damagedOr(path: string, error: unknown): StoreError {
  const message = messageOf(error);
  if (
    /not a valid DuckDB database|Could not read enough bytes|truncated|corrupt|checksum/i.test(
      message,
    )
  ) {
    return new StoreDamagedError(
      `${path} is not a readable results store (truncated or overwritten: ${message}). Move it aside and run the stress command again to rebuild it; each shard's runs are also in ${join(dirname(path), "shards")}/*.parquet`,
    );
  }
  return new StoreError(`cannot open the results store ${path}: ${message}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** BIGINT columns come back as bigint; every count and seed here fits a double exactly. */
function toNumber(value: JS): number {
  if (typeof value === "bigint" || typeof value === "number") return Number(value);
  if (value === null) return Number.NaN;
  throw new StoreError(`expected a number in the store, found ${String(value)}`);
}

export function shardFileNames(batchId: string, shardIndex: number): ShardFiles {
  const suffix = `${batchId}-${String(shardIndex).padStart(5, "0")}.parquet`;
  return { runsFile: `shards/runs-${suffix}`, timeseriesFile: `shards/timeseries-${suffix}` };
}

export class ResultsStore {
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) the store for writing batches. */
  static async open(path: string): Promise<ResultsStore> {
    let store: ResultsStore;
    try {
      mkdirSync(join(dirname(path), "shards"), { recursive: true });
      const instance = await DuckDBInstance.create(path);
      store = new ResultsStore(path, instance, await instance.connect());
    } catch (error) {
      throw damagedOr(path, error);
    }
    try {
      for (const statement of schema) await store.connection.run(statement);
      // Shards are assembled in temporary tables, exported from there, then moved in.
      await store.connection.run("CREATE TEMP TABLE shardRuns AS SELECT * FROM runs WITH NO DATA");
      // Without the batch id: one string appended on each of 100,000 rows costs more than the five
      // series together; INSERT and COPY add it as a constant instead.
      await store.connection.run(
        "CREATE TEMP TABLE shardTimeseries AS SELECT * EXCLUDE (batchId) FROM timeseries WITH NO DATA",
      );
    } catch (error) {
      store.close();
      throw new StoreError(`cannot prepare the results store ${path}: ${messageOf(error)}`);
    }
    return store;
  }

  /**
   * Opens an existing store for reading only, so a query can never change it: the database is
   * read-only and DuckDB's access to any other file is off, so `COPY ... TO`, `ATTACH`,
   * `read_csv('/etc/passwd')` or installing an extension are refused, whatever the SQL says.
   */
  static async openReadOnly(path: string): Promise<ResultsStore> {
    if (!existsSync(path)) {
      throw new StoreMissingError(
        `${path}: no results store there; run "deleverage stress SCENARIO --runs N --out DIR" first, or pass --db DIR/results.duckdb`,
      );
    }
    try {
      const instance = await DuckDBInstance.create(path, {
        access_mode: "READ_ONLY",
        enable_external_access: "false",
      });
      return new ResultsStore(path, instance, await instance.connect());
    } catch (error) {
      throw damagedOr(path, error);
    }
  }

  private get directory(): string {
    return dirname(this.path);
  }

  private async rows(sql: string, values: DuckDBValue[] = []): Promise<Record<string, JS>[]> {
    const reader = await this.connection.runAndReadAll(sql, values);
    return reader.getRowObjectsJS();
  }

  /**
   * Records the batch, or returns the one already recorded under the same id so a resumed
   * batch keeps the shard size it started with.
   */
  async registerBatch(batch: BatchInfo): Promise<BatchInfo> {
    try {
      await this.connection.run(
        `INSERT INTO batches (batchId, scenarioName, scenarioHash, seed, runs, shardSize, steps, version, firstRun)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [
          batch.batchId,
          batch.scenarioName,
          batch.scenarioHash,
          BigInt(batch.seed),
          batch.runs,
          batch.shardSize,
          batch.steps,
          batch.version,
          batch.firstRun ?? 0,
        ],
      );
    } catch (error) {
      throw new StoreError(
        `cannot record batch ${batch.batchId} in ${this.path}: ${messageOf(error)}`,
      );
    }
    const stored = await this.batch(batch.batchId);
    if (!stored) throw new StoreError(`batch ${batch.batchId} vanished from ${this.path}`);
    return stored;
  }

  async batch(batchId: string): Promise<BatchInfo | undefined> {
    const [row] = await this.rows("SELECT * FROM batches WHERE batchId = $1", [batchId]);
    if (!row) return undefined;
    return {
      batchId: String(row.batchId),
      scenarioName: String(row.scenarioName),
      scenarioHash: String(row.scenarioHash),
      seed: toNumber(row.seed),
      runs: toNumber(row.runs),
      shardSize: toNumber(row.shardSize),
      steps: toNumber(row.steps),
      version: String(row.version),
      // Left out at 0, the value every batch had before batches could start elsewhere.
      ...(toNumber(row.firstRun ?? 0) === 0 ? {} : { firstRun: toNumber(row.firstRun) }),
    };
  }

  /** Links a batch to a point of a sweep; recording the same link twice is a no-op. */
  async recordSweepBatch(row: SweepBatchRow): Promise<void> {
    try {
      await this.connection.run(
        "INSERT INTO sweepPoints VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        [row.sweepId, row.pointIndex, row.batchId, row.parameters],
      );
    } catch (error) {
      throw new StoreError(
        `cannot record sweep ${row.sweepId} point ${row.pointIndex} in ${this.path}: ${messageOf(error)}`,
      );
    }
  }

  /** Every stored run of several batches (a sweep point's stages), in run order. */
  async runsOfBatches(batchIds: readonly string[]): Promise<StoredRun[]> {
    if (batchIds.length === 0) return [];
    const placeholders = batchIds.map((_, index) => `$${index + 1}`).join(", ");
    const rows = await this.rows(
      `SELECT * FROM runs WHERE batchId IN (${placeholders}) ORDER BY runIndex`,
      [...batchIds],
    );
    return rows.map(storedRun);
  }

  /** Batch ids that start with `prefix`, so people can type a few characters of one. */
  async batchIdsStartingWith(prefix: string): Promise<string[]> {
    const rows = await this.rows(
      "SELECT batchId FROM batches WHERE starts_with(batchId, $1) ORDER BY batchId",
      [prefix],
    );
    return rows.map((row) => String(row.batchId));
  }

  async storedShards(batchId: string): Promise<Set<number>> {
    const rows = await this.rows("SELECT shardIndex FROM shards WHERE batchId = $1", [batchId]);
    return new Set(rows.map((row) => toNumber(row.shardIndex)));
  }

  /** Every venue's figures of every stored run of a lending batch, by run then venue. */
  async lendingVenueRuns(
    batchId: string,
  ): Promise<({ runIndex: number; venueIndex: number } & LendingVenueMetrics)[]> {
    const rows = await this.rows(
      "SELECT * FROM lendingVenueRuns WHERE batchId = $1 ORDER BY runIndex, venueIndex",
      [batchId],
    );
    return rows.map((row) => {
      const metrics = {
        runIndex: toNumber(row.runIndex),
        venueIndex: toNumber(row.venueIndex),
        name: String(row.venue),
        kind: String(row.kind),
      } as { runIndex: number; venueIndex: number } & LendingVenueMetrics;
      for (const field of lendingVenueFields) metrics[field] = toNumber(row[field]);
      return metrics;
    });
  }

  /**
   * Stores one shard: its runs (finished or failed) and the series of the finished ones, all or
   * nothing. `records` must be exactly the shard's runs. A lending run has no series: its
   * figures go to `lendingVenueRuns`, one row per venue, in the same transaction (its Parquet
   * runs file holds the status rows only).
   */
  async writeShard(
    batch: BatchInfo,
    shardIndex: number,
    records: readonly (RunRecord | LendingRunRecord)[],
  ): Promise<void> {
    const sorted = [...records].sort((first, second) => first.runIndex - second.runIndex);
    const firstRun = sorted[0].runIndex;
    const lastRun = sorted[sorted.length - 1].runIndex;
    const files = shardFileNames(batch.batchId, shardIndex);
    const where = `shard ${shardIndex} (runs ${firstRun}–${lastRun})`;
    try {
      await this.connection.run("DELETE FROM shardRuns");
      await this.connection.run("DELETE FROM shardTimeseries");
      await this.appendRuns(batch, sorted);
      await this.appendSeries(sorted);
      const batchIdColumn = `${sqlString(batch.batchId)} AS batchId`;
      await this.exportShard(
        files,
        "SELECT * FROM shardRuns",
        `SELECT ${batchIdColumn}, * FROM shardTimeseries`,
      );
    } catch (error) {
      throw new StoreError(
        `cannot write ${where} under ${this.directory}: ${messageOf(error)}. ${resumeHint}`,
      );
    }
    try {
      await this.connection.run("BEGIN TRANSACTION");
      await this.connection.run("INSERT INTO runs SELECT * FROM shardRuns");
      await this.connection.run(
        `INSERT INTO timeseries SELECT ${sqlString(batch.batchId)}, * FROM shardTimeseries`,
      );
      await this.insertLendingVenues(batch, sorted);
      await this.connection.run("INSERT INTO shards VALUES ($1, $2, $3, $4, $5, $6)", [
        batch.batchId,
        shardIndex,
        firstRun,
        lastRun,
        files.runsFile,
        files.timeseriesFile,
      ]);
      await this.connection.run("COMMIT");
    } catch (error) {
      await this.connection.run("ROLLBACK").catch(() => {
        // The failed statement may have ended the transaction already; nothing is committed.
      });
      throw new StoreError(
        `cannot store ${where} in ${this.path}: ${messageOf(error)}. ${resumeHint}`,
      );
    }
    this.publishShard(files);
  }

  private async insertLendingVenues(
    batch: BatchInfo,
    records: readonly (RunRecord | LendingRunRecord)[],
  ): Promise<void> {
    const placeholders = Array.from(
      { length: 5 + lendingVenueFields.length },
      (_, index) => `$${index + 1}`,
    ).join(", ");
    for (const record of records) {
      if (record.status !== "ok" || !("venues" in record)) continue;
      for (const [venueIndex, venue] of record.venues.entries()) {
        await this.connection.run(`INSERT INTO lendingVenueRuns VALUES (${placeholders})`, [
          batch.batchId,
          record.runIndex,
          venueIndex,
          venue.name,
          venue.kind,
          ...lendingVenueFields.map((field) => venue[field]),
        ]);
      }
    }
  }

  private async appendRuns(
    batch: BatchInfo,
    records: readonly (RunRecord | LendingRunRecord)[],
  ): Promise<void> {
    const appender = await this.connection.createAppender("shardRuns");
    const seed = BigInt(batch.seed);
    for (const record of records) {
      appender.appendVarchar(batch.batchId);
      appender.appendInteger(record.runIndex);
      appender.appendBigInt(seed);
      appender.appendVarchar(record.status);
      if (record.status === "failed") {
        appender.appendVarchar(record.error);
        const nullColumns = metricColumns.length;
        for (let column = 0; column < nullColumns; column++) appender.appendNull();
      } else if ("venues" in record) {
        // A lending run's figures are per venue, in lendingVenueRuns.
        for (let column = 0; column <= metricColumns.length; column++) appender.appendNull();
      } else {
        appender.appendNull();
        appendMetrics(appender, record.metrics);
      }
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  }

  /**
   * Series go in as whole data chunks filled column by column: a hundred runs of a thousand
   * steps are 100,000 rows, and per-value appender calls would cost twice as much.
   */
  private async appendSeries(records: readonly (RunRecord | LendingRunRecord)[]): Promise<void> {
    const appender = await this.connection.createAppender("shardTimeseries");
    const types = [INTEGER, INTEGER, ...seriesColumns.map(() => DOUBLE)];
    let chunk = DuckDBDataChunk.create(types, chunkRows);
    let vectors = types.map((_, column) => chunk.getColumnVector(column));
    let filled = 0;
    const emit = (): void => {
      for (const vector of vectors) vector.flush();
      chunk.rowCount = filled;
      appender.appendDataChunk(chunk);
      chunk = DuckDBDataChunk.create(types, chunkRows);
      vectors = types.map((_, column) => chunk.getColumnVector(column));
      filled = 0;
    };
    for (const record of records) {
      if (record.status === "failed" || !("series" in record)) continue;
      const columns = seriesColumns.map((column) => record.series[column]);
      const rowCount = columns[0].length;
      for (let step = 0; step < rowCount; step++) {
        vectors[0].setItem(filled, record.runIndex);
        vectors[1].setItem(filled, step);
        for (let column = 0; column < columns.length; column++) {
          vectors[column + 2].setItem(filled, columns[column][step]);
        }
        if (++filled === chunkRows) emit();
      }
    }
    if (filled > 0) emit();
    appender.flushSync();
    appender.closeSync();
  }

  /**
   * Writes a shard's two Parquet files under temporary names (see `publishShard`), from queries
   * that yield the rows in run and step order.
   */
  private async exportShard(
    files: ShardFiles,
    runsQuery: string,
    timeseriesQuery: string,
  ): Promise<void> {
    const runsPath = join(this.directory, files.runsFile);
    const timeseriesPath = join(this.directory, files.timeseriesFile);
    await this.connection.run(
      `COPY (${runsQuery}) TO ${sqlString(`${runsPath}.tmp`)} (FORMAT parquet)`,
    );
    await this.connection.run(
      `COPY (${timeseriesQuery}) TO ${sqlString(`${timeseriesPath}.tmp`)} (FORMAT parquet)`,
    );
  }

  private publishShard(files: ShardFiles): void {
    for (const file of [files.runsFile, files.timeseriesFile]) {
      const path = join(this.directory, file);
      try {
        renameSync(`${path}.tmp`, path);
      } catch (error) {
        throw new StoreError(`cannot publish ${path}: ${messageOf(error)}`);
      }
    }
  }

  /**
   * Re-exports the Parquet files of stored shards whose files are missing (a crash after the
   * commit and before the rename) and removes temporary files of shards that never committed.
   * Returns how many shards were re-exported.
   */
  async repairShardFiles(batchId: string): Promise<number> {
    const shardDirectory = join(this.directory, "shards");
    const rows = await this.rows(
      "SELECT shardIndex, firstRun, lastRun, runsFile, timeseriesFile FROM shards WHERE batchId = $1 ORDER BY shardIndex",
      [batchId],
    );
    let repaired = 0;
    try {
      if (existsSync(shardDirectory)) {
        for (const name of readdirSync(shardDirectory)) {
          if (name.includes(batchId) && name.endsWith(".tmp")) {
            rmSync(join(shardDirectory, name), { force: true });
          }
        }
      }
      for (const row of rows) {
        const files = {
          runsFile: String(row.runsFile),
          timeseriesFile: String(row.timeseriesFile),
        };
        const present =
          existsSync(join(this.directory, files.runsFile)) &&
          existsSync(join(this.directory, files.timeseriesFile));
        if (present) continue;
        const filter = `WHERE batchId = ${sqlString(batchId)} AND runIndex BETWEEN ${toNumber(row.firstRun)} AND ${toNumber(row.lastRun)}`;
        await this.exportShard(
          files,
          `SELECT * FROM runs ${filter} ORDER BY runIndex`,
          `SELECT * FROM timeseries ${filter} ORDER BY runIndex, step`,
        );
        this.publishShard(files);
        repaired++;
      }
    } catch (error) {
      throw new StoreError(
        `cannot restore the Parquet shards of batch ${batchId}: ${messageOf(error)}`,
      );
    }
    return repaired;
  }

  /** Every stored run of a batch, in run order. */
  async runs(batchId: string): Promise<StoredRun[]> {
    const rows = await this.rows("SELECT * FROM runs WHERE batchId = $1 ORDER BY runIndex", [
      batchId,
    ]);
    return rows.map(storedRun);
  }

  async run(batchId: string, runIndex: number): Promise<StoredRun | undefined> {
    const [row] = await this.rows("SELECT * FROM runs WHERE batchId = $1 AND runIndex = $2", [
      batchId,
      runIndex,
    ]);
    return row ? storedRun(row) : undefined;
  }

  /** Any SQL the caller writes, e.g. from `deleverage query`. */
  async query(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJS() };
  }

  /** Folds the write-ahead log into the database file, so a full disk shows up here, not later. */
  async checkpoint(): Promise<void> {
    try {
      await this.connection.run("CHECKPOINT");
    } catch (error) {
      throw new StoreError(`cannot checkpoint the results store ${this.path}: ${messageOf(error)}`);
    }
  }

  /** Closes the store; closing it again does nothing (commands close it before moving --out). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function appendMetrics(appender: DuckDBAppender, metrics: RunMetrics): void {
  for (const field of countFields) appender.appendBigInt(BigInt(metrics[field]));
  for (const field of amountFields) appender.appendDouble(metrics[field]);
  for (const field of derivedFields) appender.appendDouble(metrics[field]);
  appender.appendBoolean(metrics.insuranceFundExhausted);
  for (const field of adlCountFields) {
    if (Number.isFinite(metrics[field])) appender.appendBigInt(BigInt(metrics[field]));
    else appender.appendNull();
  }
  for (const field of adlAmountFields) appender.appendDouble(metrics[field]);
}

function storedRun(row: Record<string, JS>): StoredRun {
  const status = row.status === "ok" ? "ok" : "failed";
  let metrics: RunMetrics | null = null;
  if (status === "ok") {
    const values = { insuranceFundExhausted: row.insuranceFundExhausted === true } as RunMetrics;
    for (const field of countFields) values[field] = toNumber(row[field]);
    for (const field of amountFields) values[field] = toNumber(row[field]);
    for (const field of derivedFields) values[field] = toNumber(row[field]);
    for (const field of [...adlCountFields, ...adlAmountFields]) {
      values[field] = toNumber(row[field] ?? null);
    }
    metrics = values;
  }
  return {
    runIndex: toNumber(row.runIndex),
    seed: toNumber(row.seed),
    status,
    error: typeof row.error === "string" ? row.error : null,
    metrics,
  };
}
