/**
 * Dashboard runs: each gets its own id and its own worker thread, and everything it produces is
 * stored under that id, so two runs in flight never see each other's data. At most
 * `maxConcurrentRuns` run at once (the rest wait in order); the oldest finished runs are
 * forgotten beyond `maxStoredRuns`.
 */
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { compiledEntry, runsCompiled } from "../packageFiles.ts";
import type { ReportChartData } from "../report/chartData.ts";
import type { Summary } from "../report/summary.ts";
import type { LoadedLendingScenario, LoadedScenario } from "../scenario/load.ts";
import { isFinished, type RunReport, type RunStatus } from "./protocol.ts";
import type { WorkerInput, WorkerMessage } from "./workerProtocol.ts";

export interface RunManagerOptions {
  maxConcurrentRuns: number;
  maxStoredRuns: number;
  version: string;
}

interface RunRecord {
  status: RunStatus;
  /** Handed to the worker and dropped: it can hold a million positions' worth of data. */
  input?: WorkerInput;
  summary?: Summary;
  chartData?: ReportChartData;
  reportHtml?: string;
  worker?: Worker;
  listeners: Set<(status: RunStatus) => void>;
}

/** worker.mjs registers tsx for the TypeScript worker; the compiled one needs no loader. */
const workerFile = runsCompiled
  ? compiledEntry("server-worker")
  : new URL("./worker.mjs", import.meta.url);

export class RunManager {
  private readonly runs = new Map<string, RunRecord>();
  private readonly waiting: RunRecord[] = [];
  private running = 0;
  private started = 0;
  private closed = false;

  constructor(private readonly options: RunManagerOptions) {}

  /** Queues a run of a validated scenario; it starts as soon as a slot is free. */
  start(loaded: LoadedScenario | LoadedLendingScenario, overrides: readonly string[]): RunStatus {
    if (this.closed) throw new Error("the run manager is closed");
    const id = randomUUID();
    const record: RunRecord = {
      status: {
        id,
        model: loaded.model,
        number: ++this.started,
        scenarioName: loaded.scenario.name,
        overrides: [...overrides],
        state: "queued",
        step: 0,
        steps: loaded.engine.steps,
      },
      input: {
        ...(loaded.model === "lending" ? { lending: loaded.engine } : { engine: loaded.engine }),
        seed: loaded.scenario.seed,
        scenarioHash: loaded.hash,
        version: this.options.version,
        title: loaded.scenario.name,
      },
      listeners: new Set(),
    };
    this.runs.set(id, record);
    this.waiting.push(record);
    this.forgetOldRuns();
    this.startWaiting();
    return { ...record.status };
  }

  status(id: string): RunStatus | undefined {
    const record = this.runs.get(id);
    return record === undefined ? undefined : { ...record.status };
  }

  /** Newest first. */
  list(): RunStatus[] {
    return [...this.runs.values()].reverse().map((record) => ({ ...record.status }));
  }

  /** The finished run's summary and chart data; undefined until it is done. */
  report(id: string): RunReport | undefined {
    const record = this.runs.get(id);
    if (record === undefined || record.status.state !== "done") return undefined;
    return {
      status: { ...record.status },
      ...(record.summary === undefined ? {} : { summary: record.summary }),
      ...(record.chartData === undefined ? {} : { chartData: record.chartData }),
    };
  }

  reportHtml(id: string): string | undefined {
    return this.runs.get(id)?.reportHtml;
  }

  /**
   * Calls `listener` with the current status now and on every change until the run finishes.
   * Returns the function that stops listening, or undefined for an unknown run.
   */
  subscribe(id: string, listener: (status: RunStatus) => void): (() => void) | undefined {
    const record = this.runs.get(id);
    if (record === undefined) return undefined;
    listener({ ...record.status });
    if (isFinished(record.status.state)) return () => {};
    record.listeners.add(listener);
    return () => record.listeners.delete(listener);
  }

  /** Stops every worker; queued runs are marked failed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const record of this.waiting.splice(0))
      this.finish(record, { state: "failed", error: "the server stopped" });
    await Promise.all([...this.runs.values()].map((record) => record.worker?.terminate()));
  }

  private update(record: RunRecord, change: Partial<RunStatus>): void {
    Object.assign(record.status, change);
    const snapshot = { ...record.status };
    for (const listener of record.listeners) listener(snapshot);
  }

  private finish(record: RunRecord, change: Partial<RunStatus>): void {
    this.update(record, change);
    record.listeners.clear();
  }

  private startWaiting(): void {
    while (this.running < this.options.maxConcurrentRuns && this.waiting.length > 0) {
      const record = this.waiting.shift() as RunRecord;
      this.running++;
      this.launch(record);
    }
  }

  private launch(record: RunRecord): void {
    this.update(record, { state: "running" });
    const worker = new Worker(workerFile, { workerData: record.input });
    record.input = undefined;
    record.worker = worker;
    let settled = false;
    const settle = (change: Partial<RunStatus>): void => {
      if (settled) return;
      settled = true;
      record.worker = undefined;
      this.running--;
      this.finish(record, change);
      void worker.terminate();
      if (!this.closed) this.startWaiting();
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "progress") {
        this.update(record, { step: message.step, steps: message.steps });
      } else if (message.type === "done") {
        record.summary = message.summary;
        record.chartData = message.chartData;
        record.reportHtml = message.reportHtml;
        settle({ state: "done", step: record.status.steps, summaryText: message.summaryText });
      } else {
        settle({ state: "failed", error: message.message });
      }
    });
    worker.on("error", (error) => settle({ state: "failed", error: error.message }));
    worker.on("exit", (code) => {
      if (!settled)
        settle({ state: "failed", error: `the run's worker stopped (exit code ${code})` });
    });
  }

  private forgetOldRuns(): void {
    for (const [id, record] of this.runs) {
      if (this.runs.size <= this.options.maxStoredRuns) break;
      if (isFinished(record.status.state)) this.runs.delete(id);
    }
  }
}
