import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server.js";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const PAGE = `<!doctype html><html lang="en"><head><title>Cadence</title><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>`;
const SCRIPT = `console.log(${JSON.stringify("x".repeat(4000))});\n`;

let dir: string;
let server: TestServer;
let withoutBuild: TestServer;

beforeAll(async () => {
  // A build as apps/web's `vite build` lays it out: the page, hashed assets, unhashed public files, build metadata.
  dir = mkdtempSync(join(tmpdir(), "cadence-web-"));
  mkdirSync(join(dir, "assets"));
  mkdirSync(join(dir, ".vite"));
  writeFileSync(join(dir, "index.html"), PAGE);
  writeFileSync(join(dir, "assets", "index-Ab12Cd34.js"), SCRIPT);
  writeFileSync(join(dir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(join(dir, ".vite", "manifest.json"), "{}");
  server = await startTestServer({ WEB_DIR: dir });
  withoutBuild = await startTestServer({ WEB_DIR: join(dir, "missing") });
});
afterAll(async () => {
  await server?.close();
  await withoutBuild?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (base: TestServer, path: string, headers: Record<string, string> = {}) => fetch(`${base.url}${path}`, { headers });

describe("the web app served at /", () => {
  it("gives a browser the page, revalidated on every visit, under the app's own CSP", async () => {
    const res = await get(server, "/", { accept: BROWSER_ACCEPT });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("vary")).toContain("Accept");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await res.text()).toBe(PAGE);
    const etag = res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"/);
    const again = await get(server, "/", { accept: BROWSER_ACCEPT, "if-none-match": etag });
    expect(again.status).toBe(304);
  });

  it("keeps the JSON index for clients asking for JSON or for anything", async () => {
    for (const accept of ["application/json", "*/*", "application/json, text/html;q=0.5"]) {
      const res = await get(server, "/", { accept });
      expect(res.headers.get("content-type"), accept).toMatch(/^application\/json/);
      expect(res.headers.get("vary"), accept).toContain("Accept");
      expect(((await res.json()) as { name: string }).name).toBe("Cadence");
    }
  });

  it("serves hashed assets immutable for a year, compressed, and other files with revalidation", async () => {
    const asset = await get(server, "/assets/index-Ab12Cd34.js", { "accept-encoding": "gzip" });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    // fetch undoes the coding it asked for.
    expect(await asset.text()).toBe(SCRIPT);

    const icon = await get(server, "/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers the app's routes with the page (a reload on /projects/… works)", async () => {
    for (const path of ["/signin", "/projects", "/projects/", "/projects/0b5e6f6c-2a7e-4c55-9a53-4a8f1d2b9e10", "/index.html"]) {
      const res = await get(server, path, { accept: BROWSER_ACCEPT });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control"), path).toBe("no-cache");
      expect(res.headers.get("content-security-policy"), path).toContain("script-src 'self'");
      expect(await res.text(), path).toBe(PAGE);
    }
  });

  it("never shadows the API, the docs, metrics or health, nor turns unknown paths and build metadata into pages", async () => {
    const paths = ["/api/v1/nope", "/api/v1/health/x", "/trpc/nope", "/docs/nope", "/openapi.json/x", "/metrics/x", "/health", "/nope", "/projects/x.js", "/.vite/manifest.json", "/assets/missing.js"];
    for (const path of paths) {
      const res = await get(server, path, { accept: BROWSER_ACCEPT });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^application\/json/);
    }
    expect((await get(server, "/api/v1/health", { accept: BROWSER_ACCEPT })).headers.get("content-type")).toMatch(/^application\/json/);
    expect((await get(server, "/openapi.json", { accept: BROWSER_ACCEPT })).headers.get("content-type")).toMatch(/^application\/json/);
    expect((await get(server, "/docs", { accept: BROWSER_ACCEPT })).headers.get("content-security-policy")).not.toContain("script-src 'self';");
  });

  it("answers other methods on app routes as before: 405 on /, 404 elsewhere", async () => {
    expect((await fetch(`${server.url}/`, { method: "POST", headers: { accept: BROWSER_ACCEPT } })).status).toBe(405);
    expect((await fetch(`${server.url}/projects`, { method: "POST", headers: { accept: BROWSER_ACCEPT } })).status).toBe(404);
  });

  it("keeps / the JSON index when there is no build", async () => {
    const res = await get(withoutBuild, "/", { accept: BROWSER_ACCEPT });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await get(withoutBuild, "/projects", { accept: BROWSER_ACCEPT })).status).toBe(404);
  });
});
