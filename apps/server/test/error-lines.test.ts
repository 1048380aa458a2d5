import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { startServer, type RunningServer } from "../src/start.js";
import { bearer } from "./support/auth.js";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { captureLog, type CapturedLog } from "./support/log-capture.js";
import { TEST_ADMIN, TEST_JWT_SECRET } from "./support/server.js";

let database: TestDatabase;
let running: RunningServer;
let log: CapturedLog;
let token: string;

beforeAll(async () => {
  log = await captureLog("info");
  // Not pooled: this file breaks its database.
  database = await openTestDatabase({ pooled: false });
  const env = loadEnv({ NODE_ENV: "test", PORT: "0", JWT_SECRET: TEST_JWT_SECRET, PASSWORD_HASH_COST: "test", ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password });
  running = await startServer(env, { database: database.handle, logger: log.logger });
  const login = await fetch(`${running.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: TEST_ADMIN.username, password: TEST_ADMIN.password }),
  });
  token = ((await login.json()) as { accessToken: string }).accessToken;
  // A table gone from under the server: checking the token's session now fails with an error that is the server's.
  await database.handle.db.execute(sql`drop table sessions cascade`);
});
afterAll(async () => {
  await running?.stop();
  await database?.dispose();
});

describe("error lines", () => {
  it.each([
    ["REST", () => fetch(`${running.url}/api/v1/users/me`, bearer(token, { headers: { "x-request-id": "error-line-rest" } })), "error-line-rest"],
    ["tRPC", () => fetch(`${running.url}/trpc/users.me`, bearer(token, { headers: { "x-request-id": "error-line-trpc" } })), "error-line-trpc"],
  ])("a 500 on %s logs an error line with the request id and the stack, and an access line", async (_surface, send, requestId) => {
    expect((await send()).status).toBe(500);
    await expect.poll(() => log.lines.some((line) => line.msg === "request" && line.requestId === requestId)).toBe(true);
    const errors = log.lines.filter((line) => line.level === "error" && line.requestId === requestId);
    expect(errors).toEqual([
      expect.objectContaining({ msg: "unhandled error", requestId, time: expect.any(String), error: expect.any(String), stack: expect.arrayContaining([expect.stringMatching(/^at /)]) }),
    ]);
    expect(log.lines.find((line) => line.msg === "request" && line.requestId === requestId)).toMatchObject({ level: "info", status: 500 });
  });
});
