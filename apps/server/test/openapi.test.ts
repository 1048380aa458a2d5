import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as Record<string, unknown>;
    expect(document.openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it("points its servers at /api/v1 and lists the health routes", async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      servers: { url: string }[];
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(document.servers).toEqual([{ url: "/api/v1" }]);
    expect(Object.keys(document.paths.health ?? document.paths["/health"] ?? {})).toContain("get");
    expect(Object.keys(document.paths["/ready"]?.get?.responses ?? {})).toEqual(expect.arrayContaining(["200", "503"]));
  });
});

describe("GET /docs", () => {
  it("serves an HTML reference page that loads only same-origin assets", async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? "");
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith("/docs/"), asset).toBe(true);
      const assetRes = await fetch(`${server.url}${asset}`);
      expect(assetRes.status, asset).toBe(200);
      expect((await assetRes.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
    }
  });

  it("points the reference at the served document", async () => {
    const init = await (await fetch(`${server.url}/docs/init.js`)).text();
    expect(init).toContain('url: "/openapi.json"');
  });

  it("does not serve files outside its asset list", async () => {
    for (const path of ["/docs/package.json", "/docs/../package.json", "/docs/index.html", "/docs/constructor", "/docs/__proto__", "/docs/toString"]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });
});
