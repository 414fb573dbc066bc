/** Dashboards for the server tests, closed after the file's tests, and requests to them. */
import { afterAll } from "vitest";
import { createDashboard, type Dashboard } from "../../src/server/app.ts";

type DashboardOptions = Parameters<typeof createDashboard>[0];

/** Makes dashboards with `defaults` (each call may override them); all close after the file. */
export function dashboardMaker(
  defaults: DashboardOptions,
): (options?: Partial<DashboardOptions>) => Dashboard {
  const made: Dashboard[] = [];
  afterAll(async () => {
    await Promise.all(made.map((dashboard) => dashboard.close()));
  });
  return (options = {}) => {
    const dashboard = createDashboard({ ...defaults, ...options });
    made.push(dashboard);
    return dashboard;
  };
}

type App = Dashboard["app"];

export function postJson(app: App, path: string, body: unknown): Promise<Response> | Response {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A scenario file posted as the dashboard's upload form sends it. */
export function upload(
  app: App,
  fileName: string,
  content: BlobPart,
): Promise<Response> | Response {
  const form = new FormData();
  form.append("file", new File([content], fileName));
  return app.request("/api/uploads", { method: "POST", body: form });
}
