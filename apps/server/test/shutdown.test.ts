import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMigratedPgliteDataDir } from "@cadence/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { keepAliveLoad } from "./support/keep-alive-load.js";
import { spawnServer, type ServerProcess } from "./support/process.js";

let backing: TestDatabase | undefined;
let server: ServerProcess;
let dataDir: string | undefined;
let port: number;
/** A second process for the keep-alive clients; only its health route is used, so an embedded database on every run. */
let busy: ServerProcess;
let busyDir: string | undefined;
let busyPort: number;

const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

beforeAll(async () => {
  // On PostgreSQL runs the process gets its own copy; on embedded runs, a data directory that starts migrated
  // (a cold PGlite start in the child would cost seconds, more on a busy machine).
  backing = process.env.DATABASE_URL ? await openTestDatabase() : undefined;
  await backing?.handle.close();
  if (!backing) {
    dataDir = mkdtempSync(join(tmpdir(), "cadence-shutdown-"));
    await createMigratedPgliteDataDir(dataDir);
  }
  busyDir = mkdtempSync(join(tmpdir(), "cadence-shutdown-busy-"));
  await createMigratedPgliteDataDir(busyDir);
  const database: Record<string, string> = backing ? { DATABASE_URL: backing.url ?? "" } : { DATA_DIR: dataDir ?? "" };
  server = spawnServer({ PORT: "0", ...database, NODE_ENV: "test" });
  busy = spawnServer({ PORT: "0", DATA_DIR: busyDir, NODE_ENV: "test", RATE_LIMIT_REQUESTS: "1000000/1m" });
  const [[, listening], [, busyListening]] = await Promise.all([server.waitFor(LISTENING, 60_000), busy.waitFor(LISTENING, 60_000)]);
  port = Number(listening);
  busyPort = Number(busyListening);
});

afterAll(async () => {
  for (const child of [server.child, busy.child]) if (child.exitCode === null) child.kill("SIGKILL");
  await backing?.dispose();
  for (const dir of [dataDir, busyDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

function newConnection(to: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(to, "127.0.0.1", () => {
      socket.destroy();
      resolve();
    });
    socket.on("error", reject);
  });
}

/** Sends a request whose body arrives in two halves, so it is in flight while the test acts. */
function halfSentRequest() {
  const socket = connect(port, "127.0.0.1");
  const body = JSON.stringify({ hello: "world" });
  const half = Math.floor(body.length / 2);
  let response = "";
  socket.on("data", (chunk) => (response += chunk.toString()));
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(response)));
  const opened = new Promise<void>((resolve) => socket.on("connect", () => resolve()));
  return {
    start: async () => {
      await opened;
      socket.write(
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`,
      );
    },
    finish: () => socket.write(body.slice(half)),
    closed,
  };
}

describe("graceful shutdown", () => {
  it("serves before the signal", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(res.status).toBe(200);
  });

  it("on SIGTERM stops accepting, finishes the in-flight request, closes the database and exits 0", async () => {
    const inFlight = halfSentRequest();
    await inFlight.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.child.kill("SIGTERM");
    await server.waitFor(/SIGTERM: draining/);

    // A new connection is refused (a fetch might reuse a kept-alive socket, which is still answered).
    await expect(newConnection(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });

    inFlight.finish();
    const response = await inFlight.closed;
    // Answered only once the whole body is read: the strict login input refuses `hello`.
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toMatch(/x-request-id: /i);
    expect(response).toContain('"code":"BAD_REQUEST"');

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain("stopped");
  });
});

describe("keep-alive clients through SIGTERM", () => {
  it("resets none of the requests sent on kept-alive sockets through the signal, and exits 0", async () => {
    const load = keepAliveLoad(`http://127.0.0.1:${busyPort}/api/v1/health`, 8);
    await load.warmedUp(200);
    busy.child.kill("SIGTERM");
    load.markSignal();
    const report = await load.finished;
    // Each client loop ends on ECONNREFUSED once the process stopped listening; anything else is a lost request.
    const { ECONNREFUSED: refused = 0, ...lost } = report.errors;
    expect(lost).toEqual({});
    expect(refused).toBe(8);
    expect(await busy.exited).toEqual({ code: 0, signal: null });
    expect(busy.output()).toContain("stopped");
  });
});
