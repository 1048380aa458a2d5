import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { card, distDir, launchChromium } from "./browser.js";

export interface Harness {
  /** The real server on the embedded database, serving the built app with the seeded demo account. */
  readonly url: string;
  /** A fresh browser profile (its own session) on a desktop or phone-sized viewport. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Closes this test's pages: each open board holds one of the demo user's live streams (5 at most). */
  closePages(): Promise<void>;
  /** Requests that left the server's origin (none expected: no CDN) and uncaught page errors. */
  readonly offsite: string[];
  readonly pageErrors: string[];
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const server: EphemeralServer = await startEphemeralServer({ WEB_DIR: distDir, SEED_DEMO: "true" });
  const browser: Browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const offsite: string[] = [];
  const pageErrors: string[] = [];
  return {
    url: server.url,
    offsite,
    pageErrors,
    async newPage(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      const page = await context.newPage();
      page.on("request", (request) => {
        if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) offsite.push(request.url());
      });
      page.on("pageerror", (error) => pageErrors.push(error.message));
      return page;
    },
    async closePages() {
      for (const context of contexts.splice(0)) await context.close();
    },
    async stop() {
      await browser.close();
      await server.stop();
    },
  };
}

/** Opens the editor of the task with this exact title. */
export async function openEditor(page: Page, title: string): Promise<void> {
  await card(page, title).getByRole("button", { name: title, exact: true }).click();
  await page.getByRole("dialog", { name: "Edit task" }).waitFor();
}
