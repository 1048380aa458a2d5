import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
/** Screenshots land here (gitignored; CI keeps the directory as an artifact). */
export const outputDir = fileURLToPath(new URL("../../test-results/", import.meta.url));
export const distDir = fileURLToPath(new URL("../../dist/", import.meta.url));
export const DEMO = { username: "demo", password: "cadence-demo" };

/** Debian's Chromium, headless, as the server's docs browser test launches it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(outputDir, { recursive: true });
  const path = `${outputDir}${name}.png`;
  await page.screenshot({ path });
  return path;
}

/** Signs in through the form and waits for the projects list. */
export async function signIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("Username or email").fill(DEMO.username);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Projects" }).waitFor();
}

/** From the projects list to the demo project's board, following the live feed. */
export async function openDemoBoard(page: Page): Promise<void> {
  await page.getByRole("link", { name: "Demo project" }).click();
  await page.getByRole("heading", { name: "Demo project" }).waitFor();
  await page.locator('[data-state="live"]').waitFor();
}

/** The card of a task on the board, by its exact title. */
export function card(page: Page, title: string) {
  return page.locator(".task-card").filter({ has: page.getByRole("button", { name: title, exact: true }) });
}
