import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { loginAdmin } from "./support/admin.js";
import { startTestServer, type TestServer } from "./support/server.js";

const ALLOWED = "http://app.example.test:5173";
const UNKNOWN = "http://evil.example.test";

let server: TestServer;
let closedServer: TestServer;
beforeAll(async () => {
  [server, closedServer] = await Promise.all([
    startTestServer({ CORS_ORIGINS: `${ALLOWED}, https://other.example.test` }),
    startTestServer(),
  ]);
});
afterAll(() => Promise.all([server.close(), closedServer.close()]));

function preflight(url: string, origin: string, method = "POST", headers = "authorization, content-type") {
  return fetch(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
  });
}

const API_PATHS = ["/api/v1/projects", "/api/v1/auth/login", "/trpc/tasks.list", "/trpc/health.live,users.me?batch=1"];

describe("CORS for an allowed origin", () => {
  it.each(API_PATHS)("answers a preflight of %s with 204 and what the browser needs", async (path) => {
    const res = await preflight(`${server.url}${path}`, ALLOWED);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(res.headers.get("access-control-allow-methods")?.split(", ")).toEqual(
      expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    );
    const allowedHeaders = res.headers.get("access-control-allow-headers")?.split(", ");
    expect(allowedHeaders).toEqual(
      expect.arrayContaining([
        "authorization",
        "content-type",
        "if-match",
        "if-none-match",
        "idempotency-key",
        "x-request-id",
        "last-event-id",
        "trpc-accept",
      ]),
    );
    expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    expect(res.headers.get("vary")).toContain("Origin");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("lets the page read the request id, rate-limit, ETag and Location headers of an actual response", async () => {
    const res = await fetch(`${server.url}/api/v1/health`, { headers: { origin: ALLOWED } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(res.headers.get("vary")).toContain("Origin");
    expect(res.headers.get("access-control-expose-headers")?.split(", ")).toEqual(
      expect.arrayContaining(["X-Request-ID", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "ETag", "Location", "Idempotent-Replayed"]),
    );
  });

  it("allows the origin on an authenticated tRPC call and on its error responses", async () => {
    const { accessToken } = await loginAdmin(server);
    const ok = await fetch(`${server.url}/trpc/users.me`, { headers: { origin: ALLOWED, authorization: `Bearer ${accessToken}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    // tRPC's own Vary names join the CORS one; a cache must not serve this answer to another origin.
    expect(ok.headers.get("vary")?.split(", ")).toEqual(expect.arrayContaining(["Origin", "trpc-accept", "accept"]));
    const denied = await fetch(`${server.url}/api/v1/users/me`, { headers: { origin: ALLOWED } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe(ALLOWED);
  });

  it("still answers OPTIONS without an Origin as before (not a CORS request)", async () => {
    const res = await fetch(`${server.url}/api/v1/projects`, { method: "OPTIONS" });
    expect(res.status).toBe(405);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS for an unknown origin", () => {
  it.each(API_PATHS)("refuses a preflight of %s with 403 and no allow headers", async (path) => {
    const res = await preflight(`${server.url}${path}`, UNKNOWN);
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-methods")).toBeNull();
    expect(await res.json()).toEqual({ code: "FORBIDDEN", message: `Origin ${UNKNOWN} is not allowed; add it to CORS_ORIGINS` });
  });

  it("gets no Access-Control-Allow-Origin on an actual response", async () => {
    const res = await fetch(`${server.url}/api/v1/health`, { headers: { origin: UNKNOWN } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-expose-headers")).toBeNull();
  });

  it("is only allowed by an exact match: another scheme, port or a suffix is another origin", async () => {
    for (const origin of ["https://app.example.test:5173", "http://app.example.test", "http://app.example.test:5173.evil.test"]) {
      const res = await preflight(`${server.url}/api/v1/projects`, origin);
      expect(res.status, origin).toBe(403);
    }
  });
});

describe("CORS when CORS_ORIGINS is empty (same-origin only)", () => {
  it("answers no preflight with allow headers and adds no CORS headers", async () => {
    const res = await preflight(`${closedServer.url}/api/v1/projects`, ALLOWED);
    expect(res.status).not.toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const actual = await fetch(`${closedServer.url}/api/v1/health`, { headers: { origin: ALLOWED } });
    expect(actual.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS_ORIGINS=*", () => {
  it("allows every origin with a literal * and never allows credentials", async () => {
    const open = await startTestServer({ CORS_ORIGINS: "*" });
    try {
      const res = await preflight(`${open.url}/trpc/users.me`, UNKNOWN, "GET");
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      const actual = await fetch(`${open.url}/api/v1/health`, { headers: { origin: UNKNOWN } });
      expect(actual.headers.get("access-control-allow-origin")).toBe("*");
    } finally {
      await open.close();
    }
  });
});

describe("CORS_ORIGINS validation", () => {
  it.each([
    ["a path", "https://app.example.test/app", '"https://app.example.test/app" is not an origin'],
    ["a trailing slash", "https://app.example.test/", '"https://app.example.test/" is not an origin'],
    ["no scheme", "app.example.test", '"app.example.test" is not an origin'],
    ["upper case", "https://App.example.test", '"https://App.example.test" is not an origin'],
    ["* with others", "*,https://app.example.test", '"*" allows every origin and goes alone'],
  ])("refuses %s at start-up with a message naming CORS_ORIGINS", (_why, value, message) => {
    expect(() => loadEnv({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
    expect(() => loadEnv({ CORS_ORIGINS: value })).toThrow(message);
  });

  it("accepts a comma-separated list with spaces and an explicit port", () => {
    expect(loadEnv({ CORS_ORIGINS: "https://a.example.test, http://localhost:5173" }).CORS_ORIGINS).toEqual([
      "https://a.example.test",
      "http://localhost:5173",
    ]);
  });
});
