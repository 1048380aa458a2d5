import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { json } from "./support/auth.js";
import { startTestServer, TEST_ADMIN, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function expectSecurityHeaders(res: Response, what: string): void {
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), what).toBe("no-referrer");
  expect(res.headers.get("x-frame-options"), what).toBe("DENY");
}

describe("security headers", () => {
  it("are on every kind of response: REST, tRPC, errors, the document and the docs", async () => {
    const { accessToken } = await loginAdmin(server);
    const responses: [string, Response][] = [
      ["REST 200", await server.rest("/users/me", { headers: { authorization: `Bearer ${accessToken}` } })],
      ["REST 401", await server.rest("/users/me")],
      ["REST 404", await server.rest("/nope")],
      ["tRPC query", await fetch(`${server.url}/trpc/health.live`)],
      ["tRPC batch", await fetch(`${server.url}/trpc/health.live,users.me?batch=1&input={}`)],
      ["tRPC error", await fetch(`${server.url}/trpc/nope`)],
      ["openapi.json", await fetch(`${server.url}/openapi.json`)],
      ["docs", await fetch(`${server.url}/docs`)],
      ["404", await fetch(`${server.url}/nope`)],
    ];
    for (const [what, res] of responses) expectSecurityHeaders(res, what);
  });

  it("forbid framing and loading anything from an API response opened as a page", async () => {
    const res = await server.rest("/health");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("keep the docs page's own CSP", async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("leave out Strict-Transport-Security when PUBLIC_URL is not https", async () => {
    expect((await server.rest("/health")).headers.get("strict-transport-security")).toBeNull();
  });

  it("include Strict-Transport-Security when PUBLIC_URL is https", async () => {
    const published = await startTestServer({ PUBLIC_URL: "https://api.example.test" });
    try {
      for (const path of ["/api/v1/health", "/trpc/health.live", "/docs"]) {
        const res = await fetch(`${published.url}${path}`);
        expect(res.headers.get("strict-transport-security"), path).toBe("max-age=31536000; includeSubDomains");
      }
    } finally {
      await published.close();
    }
  });
});

describe("Cache-Control: no-store on responses that carry secrets", () => {
  it("is sent by REST login, refresh and API key creation", async () => {
    const login = await server.rest("/auth/login", json("POST", { username: TEST_ADMIN.username, password: TEST_ADMIN.password }));
    expect(login.status).toBe(200);
    expect(login.headers.get("cache-control")).toBe("no-store");
    const tokens = (await login.json()) as { accessToken: string; refreshToken: string };

    const refresh = await server.rest("/auth/refresh", json("POST", { refreshToken: tokens.refreshToken }));
    expect(refresh.status).toBe(200);
    expect(refresh.headers.get("cache-control")).toBe("no-store");
    const { accessToken } = (await refresh.json()) as { accessToken: string };

    const key = await server.rest("/api-keys", json("POST", { name: "ci", scopes: ["projects:read"] }, accessToken));
    expect(key.status).toBe(201);
    expect(key.headers.get("cache-control")).toBe("no-store");
  });

  it("is sent by the tRPC twins auth.login, auth.refresh and apiKeys.create", async () => {
    const call = (path: string, input: unknown, token?: string) =>
      fetch(`${server.url}/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(input),
      });
    const login = await call("auth.login", { username: TEST_ADMIN.username, password: TEST_ADMIN.password });
    expect(login.status).toBe(200);
    expect(login.headers.get("cache-control")).toBe("no-store");
    const tokens = ((await login.json()) as { result: { data: { accessToken: string; refreshToken: string } } }).result.data;

    const refresh = await call("auth.refresh", { refreshToken: tokens.refreshToken });
    expect(refresh.status).toBe(200);
    expect(refresh.headers.get("cache-control")).toBe("no-store");

    const key = await call("apiKeys.create", { name: "ci", scopes: ["projects:read"] }, tokens.accessToken);
    expect(key.status).toBe(200);
    expect(key.headers.get("cache-control")).toBe("no-store");
  });

  it("is not forced on responses without secrets", async () => {
    const { accessToken } = await loginAdmin(server);
    const me = await server.rest("/users/me", { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.headers.get("cache-control")).not.toBe("no-store");
  });
});
