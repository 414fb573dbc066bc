/** Typed calls to the dashboard's HTTP API (src/server/app.ts). */
import {
  type ErrorResponse,
  type Issue,
  isFinished,
  type PresetEntry,
  type RunReport,
  type RunStatus,
  type ScenarioInfo,
  type ScenarioSource,
  type UploadEntry,
} from "../server/protocol.ts";

/** A refused request: the server's sentence and the scenario issues behind it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly Issue[],
  ) {
    super(message);
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json()) as unknown;
  if (!response.ok) {
    const error = body as Partial<ErrorResponse>;
    throw new ApiError(response.status, error.error ?? response.statusText, error.issues ?? []);
  }
  return body as T;
}

function postJson(body: unknown): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

export function fetchPresets(): Promise<{ presets: PresetEntry[] }> {
  return call("/api/presets");
}

export function fetchUploads(): Promise<{ uploads: UploadEntry[] }> {
  return call("/api/uploads");
}

export function uploadScenario(
  file: File,
): Promise<{ upload: UploadEntry; scenario: ScenarioInfo }> {
  const form = new FormData();
  form.append("file", file);
  return call("/api/uploads", { method: "POST", body: form });
}

export function validateScenario(
  source: ScenarioSource,
  overrides: readonly string[],
): Promise<{ scenario: ScenarioInfo }> {
  return call("/api/validate", postJson({ source, overrides }));
}

export function startRun(
  source: ScenarioSource,
  overrides: readonly string[],
): Promise<{ run: RunStatus }> {
  return call("/api/runs", postJson({ source, overrides }));
}

export function cancelRun(id: string): Promise<{ run: RunStatus }> {
  return call(`/api/runs/${encodeURIComponent(id)}/cancel`, { method: "POST" });
}

export function fetchRuns(): Promise<{ runs: RunStatus[] }> {
  return call("/api/runs");
}

export function fetchReport(id: string): Promise<RunReport> {
  return call(`/api/runs/${encodeURIComponent(id)}/report`);
}

export function reportHtmlUrl(id: string): string {
  return `/api/runs/${encodeURIComponent(id)}/report.html`;
}

/**
 * Calls `onStatus` with each status the server streams until the run finishes. If the stream
 * breaks before that, it falls back to asking once a second.
 */
export function watchRun(id: string, onStatus: (status: RunStatus) => void): void {
  let finished = false;
  const deliver = (status: RunStatus): void => {
    finished = isFinished(status.state);
    onStatus(status);
  };
  const poll = async (): Promise<void> => {
    while (!finished) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      deliver((await call<{ run: RunStatus }>(`/api/runs/${encodeURIComponent(id)}`)).run);
    }
  };
  const source = new EventSource(`/api/runs/${encodeURIComponent(id)}/progress`);
  source.addEventListener("status", (event) => {
    deliver(JSON.parse((event as MessageEvent<string>).data) as RunStatus);
    if (finished) source.close();
  });
  // Without closing, the browser would reconnect to a finished stream again and again.
  source.addEventListener("error", () => {
    source.close();
    if (!finished) void poll();
  });
}
