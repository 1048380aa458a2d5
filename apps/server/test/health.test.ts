import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("health over REST", () => {
  it("answers liveness with 200 and status ok", async () => {
    const res = await server.rest("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers readiness with 200 after a real database round trip", async () => {
    const res = await server.rest("/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", checks: { database: "ok" } });
  });
});

describe("health over tRPC", () => {
  it("serves health.live through the typed client", async () => {
    const live = await server.trpc().health.live.query();
    expect(live).toEqual({ status: "ok" });
  });

  it("serves health.ready through the typed client", async () => {
    const ready = await server.trpc().health.ready.query();
    expect(ready).toEqual({ status: "ok", checks: { database: "ok" } });
  });

  it("wraps results in the tRPC envelope for plain GETs", async () => {
    const res = await fetch(`${server.url}/trpc/health.live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: { data: { status: "ok" } } });
  });

  it("reports an unknown procedure as a tRPC NOT_FOUND error", async () => {
    const res = await fetch(`${server.url}/trpc/health.nope`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { data: { code: string } } };
    expect(body.error.data.code).toBe("NOT_FOUND");
  });
});
