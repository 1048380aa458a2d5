import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProxiedDatabase, type ProxiedDatabase } from "./support/proxied-database.js";
import { startTestServer, type TestServer } from "./support/server.js";

/** The server talks postgres:// through a proxy we can take down (see support/proxied-database.ts). */
let database: ProxiedDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await openProxiedDatabase();
  // Generous, so a busy machine never turns a healthy answer into 503; an outage here is a reset, answered at once.
  server = await startTestServer({ ...database.serverEnv, READY_TIMEOUT_MS: "10000" });
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function ready() {
  const res = await server.rest("/ready");
  return { status: res.status, body: (await res.json()) as { status: string; checks: { database: string } } };
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, attempts = 40): Promise<T> {
  let last = await probe();
  for (let i = 0; i < attempts && !accept(last); i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await probe();
  }
  return last;
}

describe("readiness when the database goes away", () => {
  it("is ready while the database answers", async () => {
    expect(await ready()).toEqual({ status: 200, body: { status: "ok", checks: { database: "ok" } } });
  });

  it("answers 503 with a reason while the database is unreachable, and liveness stays 200", async () => {
    database.proxy.down();
    const outage = await ready();
    expect(outage.status).toBe(503);
    expect(outage.body.status).toBe("unavailable");
    // A code or our own timeout message, never the driver's message text.
    expect(outage.body.checks.database).toMatch(/^unavailable(?: \([A-Z0-9_]+\)|: no answer within \d+ ms)?$/);
    const live = await server.rest("/health");
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
  });

  it("reports the same over tRPC without failing the call", async () => {
    const result = await server.trpc().health.ready.query();
    expect(result.status).toBe("unavailable");
  });

  it("recovers by itself when the database comes back", async () => {
    database.proxy.up();
    const recovered = await eventually(ready, (r) => r.status === 200);
    expect(recovered).toEqual({ status: 200, body: { status: "ok", checks: { database: "ok" } } });
  });
});
