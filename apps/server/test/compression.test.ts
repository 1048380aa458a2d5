import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { createProject, createTask } from "./support/domain.js";
import { rawRequest, type RawResponse } from "./support/raw-request.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
let token: string;
let listPath: string;
let projectId: string;
beforeAll(async () => {
  server = await startTestServer();
  token = (await loginAdmin(server)).accessToken;
  const project = await createProject(server, token, { name: "Compressed" });
  for (let i = 0; i < 20; i++) await createTask(server, token, project.id, { title: `Task number ${i}`, description: "x".repeat(40) });
  listPath = `/api/v1/projects/${project.id}/tasks?perPage=50`;
  projectId = project.id;
});
afterAll(() => server.close());

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> {
  return rawRequest(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...headers } });
}

function decoded(res: RawResponse): Buffer {
  const coding = res.headers["content-encoding"];
  if (coding === "br") return brotliDecompressSync(res.body);
  if (coding === "gzip") return gunzipSync(res.body);
  expect(coding).toBeUndefined();
  return res.body;
}

describe("JSON bodies on REST", () => {
  it.each([
    ["br", "br"],
    ["gzip", "gzip"],
    ["gzip, deflate, br, zstd (what Chromium sends)", "br"],
    ["gzip;q=1, br;q=0.5", "gzip"],
    ["br;q=0, gzip;q=0.8", "gzip"],
    ["*", "br"],
    ["identity", undefined],
    ["*;q=0", undefined],
    ["deflate", undefined],
  ])("answers Accept-Encoding: %s with %s, decoding to the same JSON", async (acceptEncoding, expected) => {
    const plain = await get(listPath, { "accept-encoding": "identity" });
    const res = await get(listPath, { "accept-encoding": acceptEncoding });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe(expected);
    expect(res.headers.vary).toContain("Accept-Encoding");
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    expect(plain.body.length).toBeGreaterThanOrEqual(1024);
    if (expected) expect(res.body.length).toBeLessThan(plain.body.length / 3);
    const body = JSON.parse(decoded(res).toString("utf8")) as { items: unknown[] };
    expect(body.items).toHaveLength(20);
    expect(body).toEqual(JSON.parse(plain.body.toString("utf8")));
  });

  it("sends a large body uncompressed to a client that sends no Accept-Encoding", async () => {
    const res = await get(listPath);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect((JSON.parse(res.body.toString("utf8")) as { items: unknown[] }).items).toHaveLength(20);
  });

  it("does not compress a body under 1 KB", async () => {
    const res = await get("/api/v1/health", { "accept-encoding": "br, gzip" });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeLessThan(1024);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(res.body.toString("utf8"))).toMatchObject({ status: "ok" });
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await get(listPath, { "accept-encoding": "br" }, "HEAD");
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
    expect(Number(res.headers["content-length"])).toBeGreaterThanOrEqual(1024);
  });

  it("decodes transparently for a fetch client", async () => {
    const res = await server.rest(listPath.slice("/api/v1".length), { headers: { authorization: `Bearer ${token}` } });
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(20);
  });
});

describe("JSON bodies on /trpc", () => {
  const trpcList = () => `/trpc/tasks.list?input=${encodeURIComponent(JSON.stringify({ projectId, perPage: 50 }))}`;

  it.each([
    ["br", "br"],
    ["gzip", "gzip"],
  ])("answers a large query with Accept-Encoding: %s compressed, keeping tRPC's Vary", async (acceptEncoding, expected) => {
    const plain = await get(trpcList());
    const res = await get(trpcList(), { "accept-encoding": acceptEncoding });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe(expected);
    expect(res.headers.vary).toBe("trpc-accept, accept, Accept-Encoding");
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const body = JSON.parse(decoded(res).toString("utf8")) as { result: { data: { items: unknown[] } } };
    expect(body.result.data.items).toHaveLength(20);
    expect(body).toEqual(JSON.parse(plain.body.toString("utf8")));
  });

  it("does not compress a small answer", async () => {
    const res = await get("/trpc/health.live", { "accept-encoding": "br" });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers.vary).toBe("trpc-accept, accept");
  });
});

describe("static bodies: /openapi.json and the /docs assets", () => {
  it("serves /openapi.json precompressed, with an ETag and 304 on a match", async () => {
    const plain = await get("/openapi.json");
    const res = await get("/openapi.json", { "accept-encoding": "br, gzip" });
    expect(res.headers["content-encoding"]).toBe("br");
    expect(decoded(res).equals(plain.body)).toBe(true);
    expect(res.headers["cache-control"]).toBe("no-cache");
    const etag = res.headers.etag ?? "";
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(etag).not.toBe(plain.headers.etag);
    const revalidated = await get("/openapi.json", { "accept-encoding": "br, gzip", "if-none-match": etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.headers.etag).toBe(etag);
  });

  it("links versioned assets from the page and serves them compressed for a year, immutable", async () => {
    const page = (await get("/docs")).body.toString("utf8");
    const bundle = /src="(\/docs\/[^"]+\/swagger-ui-bundle\.js)"/.exec(page)?.[1];
    const css = /href="(\/docs\/[^"]+\/swagger-ui\.css)"/.exec(page)?.[1];
    expect(bundle).toBeDefined();
    expect(css).toBeDefined();
    for (const [path, coding] of [[bundle ?? "", "br"], [css ?? "", "gzip"]] as const) {
      const plain = await get(path);
      const res = await get(path, { "accept-encoding": coding });
      expect(res.status, path).toBe(200);
      expect(res.headers["content-encoding"], path).toBe(coding);
      expect(res.headers["cache-control"], path).toBe("public, max-age=31536000, immutable");
      expect(res.body.length, path).toBeLessThan(plain.body.length / 3);
      expect(decoded(res).equals(plain.body), path).toBe(true);
    }
  });

  it("revalidates an unversioned asset URL: no-cache, ETag, 304 on If-None-Match", async () => {
    const res = await get("/docs/swagger-ui.css", { "accept-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-cache");
    const etag = res.headers.etag ?? "";
    expect(etag).not.toBe("");
    const again = await get("/docs/swagger-ui.css", { "accept-encoding": "gzip", "if-none-match": `W/"other", ${etag}` });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const changed = await get("/docs/swagger-ui.css", { "accept-encoding": "gzip", "if-none-match": '"something-else"' });
    expect(changed.status).toBe(200);
  });

  it("does not serve an asset under a version it does not have", async () => {
    expect((await get("/docs/0.0.0-deadbeef/swagger-ui.css")).status).toBe(404);
  });
});
