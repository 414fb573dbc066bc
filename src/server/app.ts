/**
 * The dashboard's HTTP API and page (hono). Everything a request can change goes through
 * validation first: the scenario loader for scenarios, the data-file rules for the files a
 * scenario may read, size and name checks for uploads. A refused request changes nothing.
 * Tests drive this app with `app.request`, without a port.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { ScenarioError, type ScenarioIssue } from "../scenario/errors.ts";
import { dashboardAssets } from "./page.ts";
import { type ErrorResponse, isFinished, type RunStatus } from "./protocol.ts";
import { RunManager } from "./runs.ts";
import {
  checkUploadName,
  checkUploadSize,
  maxUploadBytes,
  ScenarioCatalog,
  scenarioInfo,
  toIssue,
  UploadError,
} from "./scenarios.ts";

export interface DashboardOptions {
  /** The only directory uploaded scenarios may read data files from; none if absent. */
  dataDirectory?: string;
  /** Runs computed at the same time; more wait in line. */
  maxConcurrentRuns?: number;
  /** Finished runs kept for viewing and comparing. */
  maxStoredRuns?: number;
  /**
   * Host names (without port) the Host header may carry. A server on loopback lists its loopback
   * names so that a web page cannot reach it through DNS rebinding; absent means any host.
   */
  allowedHostnames?: readonly string[];
  version: string;
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

function errorBody(error: string, issues: readonly ScenarioIssue[] = []): ErrorResponse {
  return { error, issues: issues.map(toIssue) };
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
  const catalog = new ScenarioCatalog(options.dataDirectory);
  const runs = new RunManager({
    maxConcurrentRuns: options.maxConcurrentRuns ?? 1,
    maxStoredRuns: options.maxStoredRuns ?? 20,
    version: options.version,
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
      return context.json(errorBody("the scenario is not valid", error.issues), 400);
    }
    if (error instanceof UploadError) {
      return context.json(errorBody("the upload was refused", [error.issue]), error.status);
    }
    if (error instanceof BadRequest) return context.json(errorBody(error.message), 400);
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
      checkUploadName(file.name);
      checkUploadSize(file.name, file.size);
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
      } catch {
        throw new UploadError(400, {
          location: file.name,
          path: "",
          message: "the file is not UTF-8 text; expected a YAML or JSON scenario",
        });
      }
      return context.json(await catalog.addUpload(file.name, text), 201);
    },
  );

  app.post("/api/validate", jsonLimit, async (context) => {
    const request = await scenarioRequest(context.req.raw);
    const loaded = await catalog.load(request.source, request.overrides);
    return context.json({ scenario: scenarioInfo(request.source, loaded) });
  });

  app.post("/api/runs", jsonLimit, async (context) => {
    const request = await scenarioRequest(context.req.raw);
    const loaded = await catalog.load(request.source, request.overrides);
    return context.json({ run: runs.start(loaded, request.overrides) }, 202);
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

  return { app, close: () => runs.close() };
}
