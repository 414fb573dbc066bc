/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core (which never
 * downloads a browser). Starts `deleverage serve` on a free loopback port, runs scenarios, checks
 * that the charts hold data and drew it (coloured pixels of the series, not just axes), that a
 * bad parameter shows the CLI's message, that two runs compare side by side, and that a run's
 * report.html draws offline. Screenshots go to test-output/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxChartPoints } from "../../src/report/chartData.ts";
import { chartColors } from "../../src/report/chartStyle.ts";

const chromiumPath = "/usr/bin/chromium";
const available = existsSync(chromiumPath);
const root = resolve(import.meta.dirname, "../..");
const outputDirectory = join(root, "test-output");

if (!available) {
  console.warn(
    `Skipping the browser tests: ${chromiumPath} is absent (install Debian's chromium: apt-get install -y chromium).`,
  );
}

/** Starts the CLI's server on a free port and resolves with the URL it prints. */
function startServer(): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(
    process.execPath,
    [join(root, "bin/deleverage.js"), "serve", "--port", "0"],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolveStart, reject) => {
    let output = "";
    let errors = "";
    server.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/\S+\/)/.exec(output);
      if (match !== null) resolveStart({ server, url: match[1] });
    });
    server.stderr?.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    server.on("exit", (code) => reject(new Error(`the server exited (${code}): ${errors}`)));
  });
}

/** Pixels of a chart's canvas within a small distance of `hex`, counted in the page. */
function colouredPixels(page: Page, chartId: string, hex: string): Promise<number> {
  return page.evaluate(
    ([id, colour]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`#${id} canvas`);
      const context = canvas?.getContext("2d");
      if (!canvas || !context) return 0;
      const target = [1, 3, 5].map((offset) =>
        Number.parseInt(colour.slice(offset, offset + 2), 16),
      );
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let index = 0; index < data.length; index += 4) {
        if (data[index + 3] === 0) continue;
        const distance = target.reduce(
          (sum, value, channel) => sum + Math.abs(data[index + channel] - value),
          0,
        );
        if (distance < 40) count++;
      }
      return count;
    },
    [chartId, hex] as const,
  );
}

async function pointsIn(page: Page, chartId: string): Promise<number> {
  return Number(await page.getAttribute(`#${chartId}`, "data-points"));
}

async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const path = join(outputDirectory, name);
  await page.screenshot({ path, fullPage });
  console.log(`screenshot: ${path}`);
}

describe.skipIf(!available)("dashboard in Chromium", () => {
  let server: ChildProcess;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDirectory: string;

  beforeAll(async () => {
    mkdirSync(outputDirectory, { recursive: true });
    ({ server, url } = await startServer());
    userDataDirectory = mkdtempSync(join(tmpdir(), "deleverage-chromium-"));
    context = await chromium.launchPersistentContext(userDataDirectory, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((done) => server.once("exit", done));
      server.kill("SIGTERM");
      await exited;
    }
    if (userDataDirectory !== undefined)
      rmSync(userDataDirectory, { recursive: true, force: true });
  });

  it("serves on loopback by default", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("runs a scenario, follows its progress and draws every chart with data", async () => {
    await page.goto(url);
    await page.waitForSelector("#validation.ok");
    expect(await page.inputValue("#param-shockDrop")).toBe("0.08");
    await page.fill("#param-insuranceFund", "3e6");
    await page.waitForSelector("#validation.ok");
    await page.click("#run-button");
    await page.waitForSelector('#run-list li[data-state="done"]', { timeout: 60_000 });
    await page.waitForSelector("#report-chart-price canvas");
    expect(await page.textContent("#report-summary")).toMatch(
      /The index fell .* below the start price .*; the mark fell/,
    );
    expect(await page.textContent("#run-list")).toContain("exchange.insuranceFund=3e6");
    for (const chart of [
      "price",
      "liquidations",
      "heatmap",
      "funds",
      "adl",
      "openInterest",
      "depth",
    ]) {
      expect(await pointsIn(page, `report-chart-${chart}`), chart).toBeGreaterThan(0);
    }
    expect(await colouredPixels(page, "report-chart-price", chartColors.mark)).toBeGreaterThan(100);
    expect(await colouredPixels(page, "report-chart-funds", chartColors.fund)).toBeGreaterThan(100);
    expect(
      await colouredPixels(page, "report-chart-openInterest", chartColors.short),
    ).toBeGreaterThan(100);
    expect(await page.textContent("#report-charts")).toContain("effective leverage");
    await screenshot(page, "dashboard-report.png");
  });

  it("shows the CLI's message next to a bad parameter and blocks the run", async () => {
    await page.fill("#param-shockDrop", "1.5");
    const error = page.locator('.field[data-field="shockDrop"] .field-error');
    await expect
      .poll(() => error.textContent())
      .toBe("--set shock.drop: 1.5 is not allowed; must be strictly between 0 and 1");
    expect(await page.isDisabled("#run-button")).toBe(true);
    await page.locator("#param-shockDrop").scrollIntoViewIfNeeded();
    await screenshot(page, "dashboard-validation.png", false);
    await page.fill("#param-shockDrop", "0.12");
    await page.waitForSelector("#validation.ok");
    expect(await error.textContent()).toBe("");
  });

  it("shows why an upload was refused", async () => {
    await page.setInputFiles("#upload-input", {
      name: "broken.yaml",
      mimeType: "application/yaml",
      buffer: Buffer.from("name: broken\nasset: { symbol: BTC, price: 100000\n"),
    });
    await expect
      .poll(() => page.textContent("#upload-error"))
      .toMatch(/HTTP 400[\s\S]*broken\.yaml:\d+:\d+: YAML syntax error/);
  });

  it("compares two runs side by side on shared scales", async () => {
    await page.click("#run-button");
    await expect
      .poll(() => page.locator('#run-list li[data-state="done"]').count(), { timeout: 60_000 })
      .toBe(2);
    await page.click("#tab-compare");
    await page.waitForSelector("#compare-b-price canvas");
    const headers = await page.locator("#compare-table thead th").allTextContents();
    expect(headers.slice(1, 3)).toEqual(["A: #1 example", "B: #2 example"]);
    for (const side of ["a", "b"]) {
      expect(await pointsIn(page, `compare-${side}-price`)).toBeGreaterThan(0);
      expect(
        await colouredPixels(page, `compare-${side}-price`, chartColors.index),
      ).toBeGreaterThan(100);
    }
    expect(await page.textContent("#compare-table")).toMatch(/total move/);
    await screenshot(page, "dashboard-compare.png");
  });

  it("keeps a 120,000-step run light and quick to draw", async () => {
    await page.click("#tab-report");
    await page.fill("#param-steps", "120000");
    await page.waitForSelector("#validation.ok");
    await page.click("#run-button");
    const item = page.locator('#run-list li[data-state="done"]', { hasText: "#3 example" });
    await item.waitFor({ timeout: 60_000 });
    const id = await item.getAttribute("data-run-id");
    await page.waitForSelector(`#report-charts[data-run="${id}"]`);
    const points = await pointsIn(page, "report-chart-price");
    expect(points).toBeGreaterThan(1000);
    expect(points).toBeLessThanOrEqual(maxChartPoints);
    // Drawing all seven charts again from the fetched data, as on every visit to the run.
    await page.click('#run-list li:has-text("#1 example") button');
    await page.waitForSelector(`#report-charts:not([data-run="${id}"])`);
    const started = Date.now();
    await item.locator("button").click();
    await page.waitForSelector(`#report-charts[data-run="${id}"]`);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await colouredPixels(page, "report-chart-price", chartColors.index)).toBeGreaterThan(
      100,
    );
  });

  it("serves each run's report.html, which draws its charts offline", async () => {
    const { runs } = (await (await fetch(`${url}api/runs`)).json()) as { runs: { id: string }[] };
    const html = await (await fetch(`${url}api/runs/${runs[0].id}/report.html`)).text();
    const file = join(outputDirectory, "dashboard-run-report.html");
    writeFileSync(file, html);
    const offline = await context.newPage();
    await context.setOffline(true);
    try {
      await offline.goto(`file://${file}`);
      await offline.waitForSelector("#chart-price canvas");
      expect(await pointsIn(offline, "chart-price")).toBeGreaterThan(0);
      expect(await colouredPixels(offline, "chart-price", chartColors.mark)).toBeGreaterThan(100);
    } finally {
      await context.setOffline(false);
      await offline.close();
    }
  });
});
