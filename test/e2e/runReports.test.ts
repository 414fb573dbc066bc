/**
 * Every preset's report.html in Debian's chromium, offline: it asks the network for nothing,
 * throws no script error, labels time in UTC (replays of timestamped data) or as time since the
 * start (the TFG model says it has no clock), carries $ on its money axes, and the lending
 * reports have their events table (Black Thursday its auction and keeper story). A full-page
 * screenshot of each goes to test-output/report-PRESET.png; the page itself to
 * test-output/report-PRESET.html. Presets that replay ../shared/data skip when it is absent.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { chromiumAvailable, offlineChromium } from "../support/chromium.ts";
import { deleverage, repositoryRoot, scratchFolder } from "../support/cli.ts";

const outputDirectory = join(repositoryRoot, "test-output");
const sharedData = resolve(repositoryRoot, "../shared/data");
const presets = readdirSync(join(repositoryRoot, "scenarios"))
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => {
    const text = readFileSync(join(repositoryRoot, "scenarios", file), "utf8");
    return {
      name: file.replace(/\.yaml$/, ""),
      needsData: text.includes("shared/data/"),
      model: /^model: (\w+)/m.exec(text)?.[1] ?? "perp",
    };
  });

if (!chromiumAvailable) {
  process.stderr.write("skipping the report screenshots: /usr/bin/chromium is absent\n");
}

describe.skipIf(!chromiumAvailable)("every preset's report.html in Chromium", () => {
  for (const preset of presets) {
    const absent = preset.needsData && !existsSync(sharedData);
    if (absent) {
      process.stderr.write(`skipping the report of ${preset.name}: ${sharedData} is absent\n`);
    }
    it.skipIf(absent)(
      preset.name,
      async () => {
        const out = join(scratchFolder("deleverage-report-e2e-"), preset.name);
        const outcome = await deleverage("run", preset.name, "--out", out);
        expect(outcome.code, outcome.stderr).toBe(0);
        mkdirSync(outputDirectory, { recursive: true });
        const file = join(outputDirectory, `report-${preset.name}.html`);
        copyFileSync(join(out, "report.html"), file);
        const browser = await offlineChromium();
        try {
          const requests: string[] = [];
          const errors: string[] = [];
          browser.page.on("request", (request) => {
            if (!request.url().startsWith("file:")) requests.push(request.url());
          });
          browser.page.on("pageerror", (error) => errors.push(error.message));
          await browser.page.goto(`file://${file}`);
          await browser.page.waitForLoadState("load");
          const page = await browser.page.evaluate(() => ({
            text: document.body.textContent ?? "",
            svgText: [...document.querySelectorAll("svg text")].map(
              (node) => node.textContent ?? "",
            ),
            canvases: document.querySelectorAll(".chart canvas").length,
            // uPlot draws its axes on the canvas; each chart box says what they show.
            axisText: [...document.querySelectorAll<HTMLElement>(".chart")].map(
              (node) =>
                `${node.dataset.axes ?? ""} ${node.dataset.xTicks ?? ""} ${node.dataset.yTicks ?? ""}`,
            ),
            sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
          }));
          const labels = [...page.svgText, ...page.axisText].join(" ");
          expect(requests).toEqual([]);
          expect(errors).toEqual([]);
          expect(page.sideways).toBe(false);
          expect(page.text).toContain("Where the numbers come from");
          if (preset.model === "tfg") {
            expect(labels).toContain("trading period (the model's time step; no calendar time)");
          } else {
            expect(labels).toContain(preset.needsData ? "time (UTC)" : "time since the start");
            expect(labels).toMatch(/\$\d/);
          }
          if (preset.model === "perp") {
            expect(page.canvases).toBeGreaterThanOrEqual(9);
            expect(labels).toMatch(preset.needsData ? /\d\d:\d\d/ : /\d+ (s|min|h|d)\b/);
          }
          if (preset.model === "lending") {
            expect(page.text).toMatch(/(All|The first) [\d,]+ (of [\d,]+ )?events/);
          }
          if (preset.name === "black-thursday-2020") {
            expect(page.text).toContain("The auctions and the keepers");
            expect(page.text).toMatch(/keeper_out_of_gas rows of events\.csv/);
          }
          const screenshot = join(outputDirectory, `report-${preset.name}.png`);
          await browser.page.screenshot({ path: screenshot, fullPage: true });
          console.log(`screenshot: ${screenshot}`);
        } finally {
          await browser.close();
        }
      },
      180_000,
    );
  }
});
