import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { startServer, type RunningServer } from "../src/start.js";
import { captureLog } from "./support/log-capture.js";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { rawConnection } from "./support/raw-socket.js";
import { TEST_JWT_SECRET } from "./support/server.js";

let database: TestDatabase;
let running: RunningServer;
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const env = loadEnv({ NODE_ENV: "test", PORT: "0", JWT_SECRET: TEST_JWT_SECRET, HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "1000" });
  const log = await captureLog();
  lines = log.lines;
  running = await startServer(env, { database: database.handle, logger: log.logger });
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

const ABORT = "client closed the connection mid-request";

/** The abort's debug line and its access line (status 499), and nothing at error. */
async function expectAbortLogged(path: string): Promise<void> {
  // The debug line is written once the request's handler has settled, so an error line would be in by then.
  await expect.poll(() => lines.some((line) => line.msg === ABORT), { timeout: 5000 }).toBe(true);
  expect(lines.filter((line) => line.level === "error")).toEqual([]);
  const abort = lines.find((line) => line.msg === ABORT);
  expect(abort).toEqual({ level: "debug", time: expect.any(String), msg: ABORT, path, requestId: expect.any(String) });
  expect(lines.find((line) => line.msg === "request")).toMatchObject({ level: "info", path, status: 499, aborted: true, requestId: abort?.requestId });
}

describe("a client that goes away mid-request", () => {
  it.each(["/api/v1/auth/login", "/api/v1/projects", "/trpc/auth.login"])(
    "closing the connection mid-body on %s is logged at debug, never as an error",
    async (path) => {
      lines.length = 0;
      await halfSent(path, (socket) => socket.destroy());
      await expectAbortLogged(path);
    },
  );

  it("a body cut off by REQUEST_TIMEOUT_MS is logged at debug, never as an error", async () => {
    lines.length = 0;
    await halfSent("/api/v1/auth/login", () => {});
    await expectAbortLogged("/api/v1/auth/login");
  });
});
