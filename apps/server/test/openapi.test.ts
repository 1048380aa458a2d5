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

  // A new create (a 201 or 202 POST) opts in with `idempotent: true` in its procedure's meta; this keeps anyone from forgetting.
  it("documents Idempotency-Key, 409 and 422 on every authenticated create, and If-None-Match and 304 on every authenticated GET", async () => {
    type Operation = { security?: unknown[]; parameters?: { name: string; in: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> };
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (operation.security?.length === 0) continue;
        const statuses = Object.keys(operation.responses);
        const headers = (operation.parameters ?? []).filter((parameter) => parameter.in === "header").map((parameter) => parameter.name);
        const name = `${method.toUpperCase()} ${path}`;
        const creates = method === "post" && (statuses.includes("201") || statuses.includes("202"));
        if (creates && !(headers.includes("Idempotency-Key") && statuses.includes("409") && statuses.includes("422"))) missing.push(`${name}: Idempotency-Key`);
        const streams = JSON.stringify(operation.responses).includes("text/event-stream");
        if (method === "get" && !streams && !(headers.includes("If-None-Match") && statuses.includes("304") && operation.responses["200"]?.headers?.ETag)) {
          missing.push(`${name}: ETag`);
        }
      }
    }
    expect(missing).toEqual([]);
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
