import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bundleTrpcPageClient, servePageOrigin, type PageOrigin } from "./support/browser/cross-origin-page.js";
import { startTestServer, TEST_ADMIN, type TestServer } from "./support/server.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);

let server: TestServer;
let browser: Browser;
let allowedPage: PageOrigin;
let unknownPage: PageOrigin;
let token: string;

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/** Loads the page of `origin` and calls the API from it: REST with fetch (GET and a JSON POST) and @trpc/client. */
async function callsFrom(origin: string): Promise<{ get: Outcome; post: Outcome; trpc: Outcome }> {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/`, { waitUntil: "load" });
    return await page.evaluate(
      async ({ api, token }) => {
        const outcome = async (run: () => Promise<unknown>): Promise<Outcome> => {
          try {
            return { ok: true, value: await run() };
          } catch (error) {
            const cause = error instanceof Error && error.cause instanceof Error ? ` (cause: ${error.cause.name}: ${error.cause.message})` : "";
            return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}${cause}` : String(error) };
          }
        };
        const authorization = `Bearer ${token}`;
        const get = await outcome(async () => {
          const res = await fetch(`${api}/api/v1/users/me`, { headers: { authorization } });
          return { status: res.status, username: ((await res.json()) as { username: string }).username, requestId: res.headers.get("x-request-id") };
        });
        const post = await outcome(async () => {
          const res = await fetch(`${api}/api/v1/projects`, {
            method: "POST",
            headers: { authorization, "content-type": "application/json" },
            body: JSON.stringify({ name: "From the browser" }),
          });
          return { status: res.status, rateLimit: res.headers.get("ratelimit-remaining") };
        });
        const client = globalThis as unknown as { callTrpc(url: string, token: string): Promise<unknown> };
        const trpc = await outcome(() => client.callTrpc(`${api}/trpc`, token));
        return { get, post, trpc };
      },
      { api: server.url, token },
    );
  } finally {
    await page.close();
  }
}

const title = hasChromium
  ? "CORS in a real browser"
  : `CORS in a real browser: skipped because ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;

describe.skipIf(!hasChromium)(title, () => {
  beforeAll(async () => {
    const script = await bundleTrpcPageClient();
    [allowedPage, unknownPage] = await Promise.all([servePageOrigin(script), servePageOrigin(script)]);
    server = await startTestServer({ CORS_ORIGINS: allowedPage.origin });
    token = (await loginAdmin(server)).accessToken;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.close(), allowedPage?.close(), unknownPage?.close()]);
  });

  it("lets a page on an allowed origin call REST with fetch and tRPC with @trpc/client", async () => {
    const { get, post, trpc } = await callsFrom(allowedPage.origin);
    expect(get).toEqual({ ok: true, value: { status: 200, username: TEST_ADMIN.username, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(post).toEqual({ ok: true, value: { status: 201, rateLimit: expect.stringMatching(/^\d+$/) } });
    expect(trpc).toEqual({ ok: true, value: { username: TEST_ADMIN.username, status: "ok" } });
  });

  it("blocks the same calls from a page on an unknown origin", async () => {
    const { get, post, trpc } = await callsFrom(unknownPage.origin);
    expect(get).toEqual({ ok: false, error: "TypeError: Failed to fetch" });
    expect(post).toEqual({ ok: false, error: "TypeError: Failed to fetch" });
    expect(trpc).toMatchObject({ ok: false, error: expect.stringContaining("Failed to fetch") });
  });
});
