/**
 * Debian's chromium for the browser tests, driven by playwright-core (which never downloads a
 * browser): headless, offline, with a fresh profile and the background services off, so a page
 * that asks the network for anything is caught.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";
export const chromiumAvailable = existsSync(chromiumPath);

export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Headless Chromium with the network off and a profile of its own; `close` removes both. */
export async function offlineChromium(): Promise<{
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}> {
  const userDataDirectory = mkdtempSync(join(tmpdir(), "deleverage-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1280, height: 900 },
  });
  await context.setOffline(true);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(userDataDirectory, { recursive: true, force: true });
    },
  };
}
