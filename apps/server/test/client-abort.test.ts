import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { startServer, type RunningServer } from "../src/start.js";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { rawConnection } from "./support/raw-socket.js";
import { TEST_JWT_SECRET } from "./support/server.js";

let database: TestDatabase;
let running: RunningServer;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const env = loadEnv({ NODE_ENV: "test", PORT: "0", JWT_SECRET: TEST_JWT_SECRET, HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "1000" });
  running = await startServer(env, { database: database.handle, log: () => {}, logError: (line) => lines.push(line) });
});
afterAll(async () => {
  await running.stop();
  await database.dispose();
});

/** Sends headers and the start of a body, then lets `end` close the connection mid-body. */
async function halfSent(path: string, end: (socket: Socket) => void): Promise<void> {
  const client = rawConnection(running.url);
  await client.connected;
  const arrived = new Promise<void>((resolve) => running.server.once("request", () => resolve()));
  client.socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":`);
  await arrived;
  end(client.socket);
  await client.closed;
}

describe("a client that goes away mid-request", () => {
  it.each(["/api/v1/auth/login", "/api/v1/projects", "/trpc/auth.login"])(
    "closing the connection mid-body on %s is logged at debug, never as an error",
    async (path) => {
      lines.length = 0;
      await halfSent(path, (socket) => socket.destroy());
      // The debug line is written once the request's handler has settled, so an error line would be in by then.
      await expect.poll(() => lines.length, { timeout: 5000 }).toBeGreaterThan(0);
      expect(lines).toEqual([{ level: "debug", msg: "client closed the connection mid-request", path }]);
    },
  );

  it("a body cut off by REQUEST_TIMEOUT_MS is logged at debug, never as an error", async () => {
    lines.length = 0;
    await halfSent("/api/v1/auth/login", () => {});
    await expect.poll(() => lines.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(lines).toEqual([{ level: "debug", msg: "client closed the connection mid-request", path: "/api/v1/auth/login" }]);
  });
});
