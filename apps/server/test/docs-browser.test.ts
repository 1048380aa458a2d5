import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const outputDir = fileURLToPath(new URL("../test-results/", import.meta.url));

let server: TestServer;
let browser: Browser;

const title = hasChromium
  ? "/docs in a real browser"
  : `/docs in a real browser: skipped because ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;

describe.skipIf(!hasChromium)(title, () => {
  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("renders every operation and a 'try it' call of /api/v1/health works from the page", async () => {
    const page = await browser.newPage();
    const offsite: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) offsite.push(request.url());
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    await page.goto(`${server.url}/docs`, { waitUntil: "load" });
    await page.waitForSelector(".opblock", { timeout: 20_000 });
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operationCount = Object.values(document.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    expect(await page.locator(".opblock").count()).toBe(operationCount);

    const health = page.locator("#operations-health-health-live");
    await health.locator(".opblock-summary").click();
    // The page enables "try it out" up front, so Execute is there as soon as the operation opens.
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.url() === `${server.url}/api/v1/health`),
      health.getByRole("button", { name: "Execute" }).click(),
    ]);
    expect(response.status()).toBe(200);
    await expect.poll(() => health.locator(".live-responses-table tbody .response-col_status").first().innerText()).toContain("200");
    expect(await health.locator(".live-responses-table .microlight").first().innerText()).toContain('"status": "ok"');

    await health.locator(".live-responses-table").scrollIntoViewIfNeeded();
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: `${outputDir}docs.png`, fullPage: false });
    expect(existsSync(`${outputDir}docs.png`)).toBe(true);
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("shows the live event stream operation with its text/event-stream response and Last-Event-ID header", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${server.url}/docs`, { waitUntil: "load" });
    const events = page.locator("#operations-projects-projects-events");
    await events.waitFor({ timeout: 20_000 });
    expect(await events.locator(".opblock-summary-method").innerText()).toBe("GET");
    expect(await events.locator(".opblock-summary-path").innerText()).toContain("/projects/{projectId}/events");
    await events.locator(".opblock-summary").click();
    await events.locator(".responses-wrapper").waitFor();
    expect(await events.locator(".parameters").innerText()).toContain("Last-Event-ID");
    expect(await events.locator(".response-col_description, .response-control-media-type").allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining("text/event-stream")]),
    );
    expect(errors).toEqual([]);
  });
});
