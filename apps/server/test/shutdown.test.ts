import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMigratedPgliteDataDir } from "@cadence/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { spawnServer, type ServerProcess } from "./support/process.js";

let backing: TestDatabase | undefined;
let server: ServerProcess;
let dataDir: string | undefined;
let port: number;

beforeAll(async () => {
  // On PostgreSQL runs the process gets its own copy; on embedded runs, a data directory that starts migrated
  // (a cold PGlite start in the child would cost seconds, more on a busy machine).
  backing = process.env.DATABASE_URL ? await openTestDatabase() : undefined;
  await backing?.handle.close();
  if (!backing) {
    dataDir = mkdtempSync(join(tmpdir(), "cadence-shutdown-"));
    await createMigratedPgliteDataDir(dataDir);
  }
  const database: Record<string, string> = backing ? { DATABASE_URL: backing.url ?? "" } : { DATA_DIR: dataDir ?? "" };
  server = spawnServer({ PORT: "0", ...database, NODE_ENV: "test" });
  const [, listening] = await server.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/, 60_000);
  port = Number(listening);
});

afterAll(async () => {
  if (server.child.exitCode === null) server.child.kill("SIGKILL");
  await backing?.dispose();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

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
        `POST /api/v1/health HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`,
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

    await expect(fetch(`http://127.0.0.1:${port}/api/v1/health`)).rejects.toThrow();

    inFlight.finish();
    const response = await inFlight.closed;
    expect(response).toMatch(/^HTTP\/1\.1 404 /);
    expect(response).toMatch(/x-request-id: /i);
    expect(response).toContain('"code":"NOT_FOUND"');

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain("stopped");
  });
});
