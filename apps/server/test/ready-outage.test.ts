import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";
import { startTestServer, type TestServer } from "./support/server.js";

/**
 * The server talks postgres:// through a proxy we can take down: to real PostgreSQL on PostgreSQL runs,
 * to this file's PGlite copy served over the wire protocol on embedded runs.
 */
let backing: TestDatabase;
let socketServer: PGLiteSocketServer | undefined;
let proxy: TcpProxy;
let server: TestServer;

beforeAll(async () => {
  backing = await openTestDatabase();
  let target: { host: string; port: number };
  if (backing.url) {
    const parsed = new URL(backing.url);
    target = { host: parsed.hostname, port: Number(parsed.port || 5432) };
  } else {
    const pglite = (backing.handle.db as unknown as { $client: PGlite }).$client;
    socketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: "127.0.0.1", maxConnections: 20 });
    await socketServer.start();
    const address = socketServer.getServerConn();
    target = { host: "127.0.0.1", port: Number(address.split(":").at(-1)) };
  }
  proxy = await startTcpProxy(target);
  const database = backing.url ? new URL(backing.url).pathname.slice(1) : "postgres";
  const auth = backing.url ? `${new URL(backing.url).username}:${new URL(backing.url).password}@` : "postgres:postgres@";
  server = await startTestServer({
    DATABASE_URL: `postgres://${auth}127.0.0.1:${proxy.port}/${database}`,
    // Generous, so a busy machine never turns a healthy answer into 503; an outage here is a reset, answered at once.
    READY_TIMEOUT_MS: "10000",
  });
});

afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await socketServer?.stop();
  await backing?.dispose();
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
    proxy.down();
    const outage = await ready();
    expect(outage.status).toBe(503);
    expect(outage.body.status).toBe("unavailable");
    // A code or our own timeout message, never the driver's message text.
    expect(outage.body.checks.database).toMatch(/^unavailable(?: \([A-Z0-9_]+\)|: no answer within \d+ ms)?$/);
    const live = await server.rest("/health");
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
  });

  it("answers other requests with a 500 that says nothing about internals", async () => {
    const res = await server.rest("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "someone", password: "password-123" }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ code: "INTERNAL_SERVER_ERROR", message: "Internal server error" });
    const viaTrpc = await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: "Bearer a.b.c" } });
    const body = (await viaTrpc.json()) as { error: { message: string; data: Record<string, unknown> } };
    expect(body.error.message).toMatch(/Internal server error|Invalid or expired access token/);
    expect(JSON.stringify(body)).not.toMatch(/stack|select|ECONN|postgres/i);
  });

  it("reports the same over tRPC without failing the call", async () => {
    const result = await server.trpc().health.ready.query();
    expect(result.status).toBe("unavailable");
  });

  it("recovers by itself when the database comes back", async () => {
    proxy.up();
    const recovered = await eventually(ready, (r) => r.status === 200);
    expect(recovered).toEqual({ status: 200, body: { status: "ok", checks: { database: "ok" } } });
  });
});
