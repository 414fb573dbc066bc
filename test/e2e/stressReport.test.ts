/**
 * stress-report.html in Debian's chromium, offline: every chart is laid out at a readable size,
 * its bars and curves have area on screen (drawn, not just present in the markup), nothing is
 * requested from the network, and the page does not scroll sideways. The full-page screenshot
 * goes to test-output/stress-report.png.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumFlags } from "../support/chromium.ts";

const chromiumPath = "/usr/bin/chromium";
const available = existsSync(chromiumPath);
const root = resolve(import.meta.dirname, "../..");
const outputDirectory = join(root, "test-output");
const execute = promisify(execFile);

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/**
 * Runs `deleverage COMMAND ... --workers 2 --out TEMP`, copies the page `report` it wrote into
 * test-output (kept for a look after the run) and returns that copy's path.
 */
async function writeReport(prefix: string, report: string, command: string[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), prefix));
  directories.push(out);
  await execute(
    process.execPath,
    [join(root, "bin/deleverage.js"), ...command, "--workers", "2", "--out", out],
    { cwd: root },
  );
  mkdirSync(outputDirectory, { recursive: true });
  const file = join(outputDirectory, report);
  copyFileSync(join(out, report), file);
  return file;
}

/** Headless Chromium with the network off; the caller closes the context. */
async function offlineChromium(): Promise<{ context: BrowserContext; page: Page }> {
  const userDataDirectory = mkdtempSync(join(tmpdir(), "deleverage-chromium-"));
  directories.push(userDataDirectory);
  const context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1280, height: 900 },
  });
  await context.setOffline(true);
  return { context, page: context.pages()[0] ?? (await context.newPage()) };
}

async function screenshot(page: Page, fileName: string): Promise<void> {
  const path = join(outputDirectory, fileName);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

describe.skipIf(!available)("stress-report.html in Chromium", () => {
  it("draws every histogram and exceedance curve offline at a readable size", async () => {
    const file = await writeReport("deleverage-stress-e2e-", "stress-report.html", [
      "stress",
      join(root, "test/runner/fixtures/small-stress.yaml"),
      "--runs",
      "60",
    ]);
    const { context, page } = await offlineChromium();
    try {
      const requests: string[] = [];
      page.on("request", (request) => {
        if (!request.url().startsWith("file:")) requests.push(request.url());
      });
      await page.goto(`file://${file}`);
      const layout = await page.evaluate(() => {
        const charts = [...document.querySelectorAll("figure svg")].map((svg) => {
          const box = svg.getBoundingClientRect();
          const marks = [...svg.querySelectorAll("rect[fill-opacity], path[stroke]")].map((mark) =>
            mark.getBoundingClientRect(),
          );
          return {
            width: box.width,
            markArea: marks.reduce((sum, mark) => sum + mark.width * mark.height, 0),
          };
        });
        return {
          charts,
          lead: document.querySelector(".lead")?.textContent ?? "",
          sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        };
      });
      expect(layout.lead).toMatch(/^Over 60 runs of small-stress \(seed 11\): /);
      expect(layout.charts.length).toBeGreaterThan(4);
      for (const chart of layout.charts) {
        expect(chart.width).toBeGreaterThan(450);
        expect(chart.markArea).toBeGreaterThan(2000);
      }
      expect(layout.sideways).toBe(false);
      expect(requests).toEqual([]);
      await screenshot(page, "stress-report.png");
    } finally {
      await context.close();
    }
  });

  it("draws the sweep frontier of recommend with every point, its interval and the limit", async () => {
    const file = await writeReport("deleverage-recommend-e2e-", "recommend-report.html", [
      "recommend",
      join(root, "test/runner/fixtures/small-stress.yaml"),
      "--sweep",
      "exchange.insuranceFund=1000,3000,10000,20000,40000",
      "--target",
      "P(insuranceFundExhausted) < 0.2",
      "--minimize",
      "exchange.insuranceFund",
      "--runs",
      "20",
    ]);
    const { context, page } = await offlineChromium();
    try {
      await page.goto(`file://${file}`);
      const frontier = await page.evaluate(() => {
        const svg = document.querySelector("figure.frontier svg");
        if (svg === null) return null;
        const frame = svg.getBoundingClientRect();
        const points = [...svg.querySelectorAll("g.sweep-point")].map((group) => {
          const [bar, dot] = [group.querySelector("line"), group.querySelector("circle")];
          const dotBox = dot?.getBoundingClientRect();
          return {
            status: group.getAttribute("data-status"),
            frontier: group.getAttribute("data-frontier") === "true",
            barHeight: bar?.getBoundingClientRect().height ?? 0,
            dotArea: dotBox === undefined ? 0 : dotBox.width * dotBox.height,
            inside:
              dotBox !== undefined &&
              dotBox.left >= frame.left &&
              dotBox.right <= frame.right &&
              dotBox.top >= frame.top &&
              dotBox.bottom <= frame.bottom,
          };
        });
        const limit = svg.querySelector("line.limit")?.getBoundingClientRect();
        return {
          width: frame.width,
          points,
          limitWidth: limit?.width ?? 0,
          recommended: [...svg.querySelectorAll("text")].some(
            (text) => text.textContent === "recommended",
          ),
          rows: document.querySelectorAll("table.sweep-points tbody tr").length,
          highlighted: document.querySelectorAll("table.sweep-points tr.recommended").length,
        };
      });
      expect(frontier).not.toBeNull();
      if (frontier === null) return;
      expect(frontier.width).toBeGreaterThan(450);
      expect(frontier.points).toHaveLength(5);
      expect(frontier.rows).toBe(5);
      expect(frontier.highlighted).toBe(1);
      for (const point of frontier.points) {
        expect(point.dotArea).toBeGreaterThan(20);
        expect(point.inside).toBe(true);
        // Every point has an interval with height on screen (20 runs cannot pin a probability).
        expect(point.barHeight).toBeGreaterThan(5);
      }
      const statuses = frontier.points.map((point) => point.status);
      expect(statuses).toContain("met");
      expect(statuses).toContain("missed");
      expect(frontier.points.filter((point) => point.frontier)).toHaveLength(1);
      expect(frontier.limitWidth).toBeGreaterThan(400);
      expect(frontier.recommended).toBe(true);
      await screenshot(page, "recommend-report.png");
    } finally {
      await context.close();
    }
  });
});
