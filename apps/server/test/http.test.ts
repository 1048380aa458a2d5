import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("unknown routes", () => {
  it.each(["/nope", "/api/v1/nope", "/api/v2/health", "/openapi.yaml"])("answers %s with a JSON 404", async (path) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ code: "NOT_FOUND", message: `No route for GET ${path}` });
  });

  it("answers a write to a read-only document with a JSON 404", async () => {
    const res = await fetch(`${server.url}/openapi.json`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("X-Request-ID", () => {
  it("echoes a sane incoming id", async () => {
    const res = await server.rest("/health", { headers: { "x-request-id": "abc-123_Z.9:x" } });
    expect(res.headers.get("x-request-id")).toBe("abc-123_Z.9:x");
  });

  it("accepts an id of exactly 128 characters", async () => {
    const id = "a".repeat(128);
    const res = await server.rest("/health", { headers: { "x-request-id": id } });
    expect(res.headers.get("x-request-id")).toBe(id);
  });

  it.each([
    ["too long", "a".repeat(129)],
    ["with spaces", "hello world"],
    ["with markup", "<script>"],
  ])("replaces an id that is %s with a generated one", async (_why, id) => {
    const res = await server.rest("/health", { headers: { "x-request-id": id } });
    const echoed = res.headers.get("x-request-id");
    expect(echoed).not.toBe(id);
    expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is on every kind of response: tRPC, 404, docs and the document", async () => {
    for (const path of ["/trpc/health.live", "/nope", "/docs", "/openapi.json", "/api/v1/nope"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get("x-request-id"), path).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("generates distinct ids for distinct requests", async () => {
    const a = (await server.rest("/health")).headers.get("x-request-id");
    const b = (await server.rest("/health")).headers.get("x-request-id");
    expect(a).not.toBe(b);
  });
});
