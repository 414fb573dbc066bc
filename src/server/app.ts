/**
 * The dashboard's HTTP API and page (hono). Everything a request can change goes through
 * validation first: the scenario loader for scenarios (in validation threads, with the
 * dashboard's data-file rules and the work budget), size and name checks for uploads. A refused
 * request changes nothing. No CORS headers are sent: only the page this server serves may call
 * it from a browser. Tests drive this app with `app.request`, without a port.
 */
import { realpathSync } from "node:fs";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { ScenarioError, type ScenarioIssue, UsageError } from "../scenario/errors.ts";
import { memoryLimitBytes } from "../scenario/limits.ts";
import { dashboardAssets } from "./page.ts";
import {
  type ErrorResponse,
  isFinished,
  type RunStatus,
  type ScenarioInfo,
  type ScenarioSource,
} from "./protocol.ts";
import { RunFinishedError, RunManager, RunQueueFullError } from "./runs.ts";
import type { LoadedInfo } from "./scenarioRequest.ts";
import { maxUploadBytes, ScenarioCatalog, toIssue, UploadError } from "./scenarios.ts";
import { ServerBusyError, ValidationPool } from "./validation.ts";

export interface DashboardOptions {
  /** The only directory uploaded scenarios may read data files from (a real path); none if absent. */
  dataDirectory?: string;
  /** Runs computed at the same time; more wait in line. */
  maxConcurrentRuns?: number;
  /** Finished runs kept for viewing and comparing. */
  maxStoredRuns?: number;
  /** Runs waiting for a slot beyond which new runs are refused (429). */
  maxQueuedRuns?: number;
  /** A validation taking longer is stopped and refused. */
  validationTimeoutMs?: number;
  /**
   * Host names (without port) the Host header may carry. A server on loopback lists its loopback
   * names so that a web page cannot reach it through DNS rebinding; absent means any host.
   */
  allowedHostnames?: readonly string[];
}

export interface Dashboard {
  app: Hono;
  /** Stops every run's worker. */
  close: () => Promise<void>;
}

/** JSON request bodies carry a source and overrides: a few kilobytes. */
const maxJsonBytes = 256 * 1024;

const requestSchema = z.strictObject({
  source: z.union([
    z.strictObject({ preset: z.string().min(1).max(200) }),
    z.strictObject({ upload: z.string().min(1).max(200) }),
  ]),
  overrides: z.array(z.string().max(10_000)).max(200).default([]),
});

type ScenarioRequest = z.infer<typeof requestSchema>;

function scenarioInfo(source: ScenarioSource, info: LoadedInfo): ScenarioInfo {
  return {
    source,
    name: info.name,
    description: info.description,
    parameters: info.parameters,
  };
}

function errorBody(
  error: string,
  issues: readonly ScenarioIssue[] = [],
  omitted = 0,
): ErrorResponse {
  return { error, issues: issues.map(toIssue), ...(omitted > 0 ? { omitted } : {}) };
}

/** A request body that is not a scenario request, as an answer the form can show. */
class BadRequest extends Error {}

async function scenarioRequest(request: Request): Promise<ScenarioRequest> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new BadRequest("the request body is not valid JSON");
  }
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    throw new BadRequest(
      `expected {"source": {"preset": NAME} or {"upload": ID}, "overrides": ["PATH=VALUE", ...]}: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

export function createDashboard(options: DashboardOptions): Dashboard {
  const catalog = new ScenarioCatalog(
    options.dataDirectory === undefined ? undefined : realpathSync(options.dataDirectory),
  );
  const maxConcurrentRuns = options.maxConcurrentRuns ?? 1;
  const runs = new RunManager({
    maxConcurrentRuns,
    maxStoredRuns: options.maxStoredRuns ?? 20,
    maxQueuedRuns: options.maxQueuedRuns ?? 20,
    // The work budget shared by the runs in flight, and never less than a preset needs.
    runHeapMegabytes: Math.max(512, Math.floor(memoryLimitBytes() / maxConcurrentRuns / 2 ** 20)),
  });
  const validation = new ValidationPool({
    threads: 1,
    maxQueue: 64,
    timeoutMs: options.validationTimeoutMs ?? 30_000,
  });
  const app = new Hono();

  if (options.allowedHostnames !== undefined) {
    const allowed = new Set(options.allowedHostnames);
    app.use(async (context, next) => {
      const hostname = (context.req.header("host") ?? "").replace(/:\d+$/, "");
      if (!allowed.has(hostname)) {
        return context.json(errorBody("this server answers only to its own address"), 403);
      }
      await next();
    });
  }
  // Browsers send cross-site form posts without a preflight, but always say where they come
  // from; a post from another origin is refused. Clients without an Origin (curl) are not browsers.
  app.use(async (context, next) => {
    const origin = context.req.header("origin");
    const reading = context.req.method === "GET" || context.req.method === "HEAD";
    if (!reading && origin !== undefined && origin !== new URL(context.req.url).origin) {
      return context.json(errorBody(`requests from ${origin} are not accepted`), 403);
    }
    await next();
  });

  // Scenario errors are the user's to fix (400); anything else is the server's fault (500).
  app.onError((error, context) => {
    if (error instanceof ScenarioError) {
      return context.json(errorBody("the scenario is not valid", error.issues, error.omitted), 400);
    }
    if (error instanceof UploadError) {
      return context.json(errorBody("the upload was refused", [error.issue]), error.status);
    }
    if (error instanceof BadRequest || error instanceof UsageError) {
      return context.json(errorBody(error.message), 400);
    }
    if (error instanceof RunQueueFullError) return context.json(errorBody(error.message), 429);
    if (error instanceof ServerBusyError) return context.json(errorBody(error.message), 503);
    if (error instanceof RunFinishedError) return context.json(errorBody(error.message), 409);
    process.stderr.write(`deleverage serve: internal error: ${error.stack ?? error.message}\n`);
    return context.json(errorBody(`internal error: ${error.message}`), 500);
  });

  const jsonLimit = bodyLimit({
    maxSize: maxJsonBytes,
    onError: (context) =>
      context.json(errorBody(`the request body is over ${maxJsonBytes} bytes`), 413),
  });

  const assets = dashboardAssets();
  app.get("/", (context) => context.html(assets.page));
  app.get("/assets/dashboard.js", (context) =>
    context.body(assets.script(), 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  app.get("/assets/uplot.js", (context) =>
    context.body(assets.uplotScript, 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  app.get("/assets/uplot.css", (context) =>
    context.body(assets.uplotCss, 200, { "content-type": "text/css; charset=utf-8" }),
  );

  app.get("/api/presets", async (context) => context.json({ presets: await catalog.presets() }));
  app.get("/api/uploads", (context) => context.json({ uploads: catalog.uploadList() }));

  app.post(
    "/api/uploads",
    bodyLimit({
      // Room for the multipart envelope around a file of the largest allowed size.
      maxSize: maxUploadBytes + 64 * 1024,
      onError: (context) =>
        context.json(
          errorBody("the upload was refused", [
            {
              location: "upload",
              path: "",
              message: `the request is too large; an uploaded scenario may be at most ${maxUploadBytes} bytes (1 MB)`,
            },
          ]),
          413,
        ),
    }),
    async (context) => {
      let form: Record<string, string | File | (string | File)[]>;
      try {
        form = await context.req.parseBody();
      } catch {
        throw new BadRequest("expected a multipart form with the scenario in a field named file");
      }
      const file = form.file;
      if (!(file instanceof File)) {
        throw new BadRequest("expected a multipart form with the scenario in a field named file");
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const request = catalog.uploadRequest(file.name, bytes);
      const info = await validation.validate(request);
      const upload = catalog.keepUpload(file.name, bytes, info.name);
      const source = { upload: upload.id };
      return context.json({ upload, scenario: scenarioInfo(source, info) }, 201);
    },
  );

  app.post("/api/validate", jsonLimit, async (context) => {
    const body = await scenarioRequest(context.req.raw);
    const info = await validation.validate(await catalog.request(body.source, body.overrides));
    return context.json({ scenario: scenarioInfo(body.source, info) });
  });

  app.post("/api/runs", jsonLimit, async (context) => {
    const body = await scenarioRequest(context.req.raw);
    const request = await catalog.request(body.source, body.overrides);
    const info = await validation.validate(request);
    return context.json({ run: runs.start(request, info, body.overrides) }, 202);
  });

  app.post("/api/runs/:id/cancel", (context) => {
    const status = runs.cancel(context.req.param("id"));
    if (status === undefined) return context.json(errorBody("no run with that id"), 404);
    return context.json({ run: status });
  });

  app.get("/api/runs", (context) => context.json({ runs: runs.list() }));

  app.get("/api/runs/:id", (context) => {
    const status = runs.status(context.req.param("id"));
    if (status === undefined) return context.json(errorBody("no run with that id"), 404);
    return context.json({ run: status });
  });

  app.get("/api/runs/:id/progress", (context) => {
    const id = context.req.param("id");
    if (runs.status(id) === undefined) return context.json(errorBody("no run with that id"), 404);
    return streamSSE(context, async (stream) => {
      await new Promise<void>((resolve) => {
        let stop: (() => void) | undefined;
        // Writes are chained so the final status is flushed before the stream closes.
        let written = Promise.resolve();
        const send = (status: RunStatus): void => {
          written = written.then(() =>
            stream.writeSSE({ event: "status", data: JSON.stringify(status) }),
          );
          if (isFinished(status.state)) {
            stop?.();
            void written.then(resolve);
          }
        };
        stop = runs.subscribe(id, send);
        stream.onAbort(() => {
          stop?.();
          resolve();
        });
      });
    });
  });

  app.get("/api/runs/:id/report", (context) => {
    const id = context.req.param("id");
    const report = runs.report(id);
    if (report !== undefined) return context.json(report);
    if (runs.status(id) === undefined) return context.json(errorBody("no run with that id"), 404);
    return context.json(errorBody("the run has not finished"), 409);
  });

  app.get("/api/runs/:id/report.html", (context) => {
    const id = context.req.param("id");
    const html = runs.reportHtml(id);
    if (html !== undefined) return context.html(html);
    if (runs.status(id) === undefined) return context.json(errorBody("no run with that id"), 404);
    return context.json(errorBody("the run has not finished"), 409);
  });

  return {
    app,
    close: async () => {
      await Promise.all([runs.close(), validation.close()]);
    },
  };
}
