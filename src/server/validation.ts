/**
 * The dashboard's validation threads: every scenario a request names is loaded here, off the
 * thread that answers requests, so a slow upload (a megabyte of YAML) leaves the server
 * responsive and able to stop on SIGTERM. A validation that takes too long is stopped (its thread
 * with it) and refused; when too many wait, new ones are refused as "busy" rather than queued
 * without end.
 */
import { Piscina } from "piscina";
import { workerStart } from "../packageFiles.ts";
import { ScenarioError, UsageError } from "../scenario/errors.ts";
import type { LoadedInfo, ScenarioRequestSpec, ValidationResult } from "./scenarioRequest.ts";

/** Refused because the server has too much to do: HTTP 503, try again. */
export class ServerBusyError extends Error {}

export interface ValidationOptions {
  threads: number;
  /** Validations waiting for a thread beyond which new ones are refused. */
  maxQueue: number;
  timeoutMs: number;
}

export class ValidationPool {
  private readonly pool: Piscina<ScenarioRequestSpec, ValidationResult>;

  constructor(private readonly options: ValidationOptions) {
    this.pool = new Piscina({
      minThreads: 1,
      maxThreads: options.threads,
      maxQueue: options.maxQueue,
      idleTimeout: Number.POSITIVE_INFINITY,
      ...workerStart("server-validation-worker", new URL("./validationWorker.ts", import.meta.url)),
    });
  }

  /** The scenario's name, parameters and steps, or a ScenarioError / UsageError / busy refusal. */
  async validate(spec: ScenarioRequestSpec): Promise<LoadedInfo> {
    if (this.pool.queueSize >= this.options.maxQueue) {
      throw new ServerBusyError(
        `${this.pool.queueSize} scenarios are waiting to be validated; try again in a moment`,
      );
    }
    let result: ValidationResult;
    try {
      result = await this.pool.run(spec, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      if ((error as Error).name === "AbortError" || (error as Error).name === "TimeoutError") {
        throw new ScenarioError([
          {
            location: spec.source.kind === "upload" ? spec.source.fileName : "scenario",
            path: "",
            message: `validating it took more than ${this.options.timeoutMs / 1000} s and was stopped; a scenario is a few kilobytes of YAML`,
          },
        ]);
      }
      throw error;
    }
    if (result.ok) return result.info;
    if ("usage" in result) throw new UsageError(result.usage);
    throw new ScenarioError(result.issues, result.omitted);
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
