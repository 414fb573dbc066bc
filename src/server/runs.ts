/**
 * Dashboard runs: each gets its own id and its own worker thread, and everything it produces is
 * stored under that id, so two runs in flight never see each other's data. At most
 * `maxConcurrentRuns` run at once and at most `maxQueuedRuns` wait in order (more are refused,
 * HTTP 429); a queued or running run can be cancelled; the oldest finished runs are forgotten
 * beyond `maxStoredRuns`. Each thread's JavaScript heap is capped, so a run that outgrows the
 * work budget's estimate fails on its own instead of taking the server down.
 */
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { compiledEntry, runsCompiled } from "../packageFiles.ts";
import type { ReportChartData } from "../report/chartData.ts";
import type { Summary } from "../report/summary.ts";
import { isFinished, type RunReport, type RunState, type RunStatus } from "./protocol.ts";
import type { ScenarioRequestSpec } from "./scenarioRequest.ts";
import type { WorkerInput, WorkerMessage } from "./workerProtocol.ts";

export interface RunManagerOptions {
  maxConcurrentRuns: number;
  maxStoredRuns: number;
  maxQueuedRuns: number;
  /** Heap cap of each run's thread, in megabytes. */
  runHeapMegabytes: number;
}

/** A run refused because the queue is full (HTTP 429). */
export class RunQueueFullError extends Error {}

/** A run that cannot be cancelled because it has finished (HTTP 409). */
export class RunFinishedError extends Error {}

interface RunRecord {
  status: RunStatus;
  /** Handed to the worker and dropped once it starts. */
  input?: WorkerInput;
  summary?: Summary;
  chartData?: ReportChartData;
  reportHtml?: string;
  worker?: Worker;
  /** Ends a running run's thread with the given outcome (set while it runs). */
  stop?: (change: Partial<RunStatus>) => void;
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
  start(
    request: ScenarioRequestSpec,
    scenario: { name: string; steps: number; model: RunStatus["model"] },
    overrides: readonly string[],
  ): RunStatus {
    if (this.closed) throw new Error("the run manager is closed");
    if (this.waiting.length >= this.options.maxQueuedRuns) {
      throw new RunQueueFullError(
        `${this.waiting.length} runs are already waiting (at most ${this.options.maxQueuedRuns}); wait for one to finish or cancel one`,
      );
    }
    const id = randomUUID();
    const record: RunRecord = {
      status: {
        id,
        model: scenario.model,
        number: ++this.started,
        scenarioName: scenario.name,
        overrides: [...overrides],
        state: "queued",
        step: 0,
        steps: scenario.steps,
      },
      input: { request },
      listeners: new Set(),
    };
    this.runs.set(id, record);
    this.waiting.push(record);
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

  /** Runs waiting or running now. */
  activeCount(): number {
    return this.running + this.waiting.length;
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
   * Cancels a queued run (it never starts) or a running one (its thread is ended). Returns the
   * status, undefined for an unknown run; a finished run is a RunFinishedError.
   */
  cancel(id: string): RunStatus | undefined {
    const record = this.runs.get(id);
    if (record === undefined) return undefined;
    if (isFinished(record.status.state)) {
      throw new RunFinishedError(`run ${record.status.number} has already ${record.status.state}`);
    }
    const change = { state: "cancelled" as RunState, error: "cancelled" };
    if (record.stop !== undefined) record.stop(change);
    else {
      this.waiting.splice(this.waiting.indexOf(record), 1);
      record.input = undefined;
      this.finish(record, change);
    }
    return { ...record.status };
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
    for (const record of this.waiting.splice(0)) {
      this.finish(record, { state: "failed", error: "the server stopped" });
    }
    await Promise.all(
      [...this.runs.values()].map((record) => {
        const worker = record.worker;
        record.stop?.({ state: "failed", error: "the server stopped" });
        return worker?.terminate();
      }),
    );
  }

  private update(record: RunRecord, change: Partial<RunStatus>): void {
    Object.assign(record.status, change);
    const snapshot = { ...record.status };
    for (const listener of record.listeners) listener(snapshot);
  }

  private finish(record: RunRecord, change: Partial<RunStatus>): void {
    this.update(record, change);
    record.listeners.clear();
    this.forgetOldRuns();
  }

  private startWaiting(): void {
    while (
      !this.closed &&
      this.running < this.options.maxConcurrentRuns &&
      this.waiting.length > 0
    ) {
      const record = this.waiting.shift() as RunRecord;
      this.running++;
      this.launch(record);
    }
  }

  private launch(record: RunRecord): void {
    this.update(record, { state: "running" });
    const worker = new Worker(workerFile, {
      workerData: record.input,
      resourceLimits: { maxOldGenerationSizeMb: this.options.runHeapMegabytes },
    });
    record.input = undefined;
    record.worker = worker;
    let settled = false;
    const settle = (change: Partial<RunStatus>): void => {
      if (settled) return;
      settled = true;
      record.worker = undefined;
      record.stop = undefined;
      this.running--;
      this.finish(record, change);
      void worker.terminate();
      this.startWaiting();
    };
    record.stop = settle;
    worker.on("message", (message: WorkerMessage) => {
      if (settled) return;
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
    worker.on("error", (error) => {
      const outOfMemory = (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
      settle({
        state: "failed",
        error: outOfMemory
          ? `the run ran out of memory (its thread may use ${this.options.runHeapMegabytes} MB of heap)`
          : error.message,
      });
    });
    worker.on("exit", (code) => {
      settle({ state: "failed", error: `the run's worker stopped (exit code ${code})` });
    });
  }

  /** Forgets the oldest finished runs beyond maxStoredRuns; runs in flight are always kept. */
  private forgetOldRuns(): void {
    let finished = 0;
    for (const record of this.runs.values()) if (isFinished(record.status.state)) finished++;
    for (const [id, record] of this.runs) {
      if (finished <= this.options.maxStoredRuns) break;
      if (!isFinished(record.status.state)) continue;
      this.runs.delete(id);
      finished--;
    }
  }
}
