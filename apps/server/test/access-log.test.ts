import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_ACCOUNT } from "@cadence/api";
import { createMigratedPgliteDataDir } from "@cadence/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { spawnServer, type ServerProcess } from "./support/process.js";

/**
 * The log of a real server process over a suite-like scenario: register, login, refresh, an API key and its use,
 * a tRPC batch, a bad login and errors. Every stdout line must be JSON, every request one access line, and no
 * secret may reach stdout or stderr.
 */
const PASSWORD = "correct horse battery staple";
const COOKIE = "session=cookie-secret-value-0042";
const QUERY_SECRET = "query-secret-value-0042";

let backing: TestDatabase | undefined;
let dataDir: string | undefined;
let server: ServerProcess;
let url: string;
const secrets: Record<string, string> = { password: PASSWORD, cookie: COOKIE, query: QUERY_SECRET };
const ids: Record<string, string> = {};
let stdoutLines: Record<string, unknown>[];
let allOutput: string;

let sent = 0;
/** Each request carries its own X-Request-ID, so its access line can be found. */
async function call(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const requestId = `scenario-${++sent}`;
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      "x-request-id": requestId,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  const body = res.headers.get("content-type")?.startsWith("application/json") ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { requestId, status: res.status, body };
}

async function scenario(): Promise<void> {
  const registered = await call("/api/v1/auth/register", { body: { email: "logged@test.local", username: "logged", password: PASSWORD } });
  expect(registered.status).toBe(201);
  ids.userId = String(registered.body.id);
  const login = await call("/api/v1/auth/login", { body: { username: "logged", password: PASSWORD } });
  expect(login.status).toBe(200);
  secrets.firstRefresh = String(login.body.refreshToken);
  const refreshed = await call("/api/v1/auth/refresh", { body: { refreshToken: secrets.firstRefresh } });
  secrets.refresh = String(refreshed.body.refreshToken);
  secrets.access = String(refreshed.body.accessToken);
  const key = await call("/api/v1/api-keys", { body: { name: "ci", scopes: ["projects:read", "projects:write", "tasks:write"] }, token: secrets.access });
  expect(key.status).toBe(201);
  secrets.apiKey = String(key.body.key);
  ids.apiKeyId = String(key.body.id);
  const project = await call("/api/v1/projects", { body: { name: "logged project" }, token: secrets.apiKey });
  ids.projectId = String(project.body.id);
  ids.createTask = (await call(`/api/v1/projects/${ids.projectId}/tasks`, { body: { title: "logged task" }, token: secrets.apiKey })).requestId;
  ids.batch = (await call(`/trpc/users.me,projects.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 1: {} }))}`, { token: secrets.access })).requestId;
  ids.queryAndCookie = (await call(`/api/v1/users/me?token=${QUERY_SECRET}`, { token: secrets.access, headers: { cookie: COOKIE } })).requestId;
  ids.badLogin = (await call("/api/v1/auth/login", { body: { username: "logged", password: `${PASSWORD}!` } })).requestId;
  ids.badToken = (await call("/api/v1/users/me", { token: "not-a-token" })).requestId;
  ids.notFound = (await call("/api/v1/nowhere")).requestId;
  ids.badBody = (await call(`/api/v1/projects/${ids.projectId}/tasks`, { body: { title: 42 }, token: secrets.access })).requestId;
  // The seeded demo account signs in like anyone; its password may appear only where start-up announces it.
  const demo = await call("/api/v1/auth/login", { body: { username: DEMO_ACCOUNT.username, password: DEMO_ACCOUNT.password } });
  expect(demo.status).toBe(200);
  secrets.demoRefresh = String(demo.body.refreshToken);
  ids.health = (await call("/api/v1/health")).requestId;
  ids.metrics = (await call("/metrics")).requestId;
}

beforeAll(async () => {
  backing = process.env.DATABASE_URL ? await openTestDatabase() : undefined;
  await backing?.handle.close();
  if (!backing) {
    dataDir = mkdtempSync(join(tmpdir(), "cadence-log-"));
    await createMigratedPgliteDataDir(dataDir);
  }
  const database: Record<string, string> = backing ? { DATABASE_URL: backing.url ?? "" } : { DATA_DIR: dataDir ?? "" };
  server = spawnServer({ PORT: "0", ...database, NODE_ENV: "test", SEED_DEMO: "true", PASSWORD_HASH_COST: "test", LOG_LEVEL: "debug", DATABASE_TIMEOUT_MS: "10000" });
  url = (await server.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1] ?? "";
  await scenario();
  server.child.kill("SIGTERM");
  await server.exited;
  stdoutLines = server
    .stdout()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  allOutput = server.output();
}, 120_000);

afterAll(async () => {
  if (server.child.exitCode === null) server.child.kill("SIGKILL");
  await backing?.dispose();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const accessLine = (requestId: string | undefined) => {
  const found = stdoutLines.filter((line) => line.msg === "request" && line.requestId === requestId);
  expect(found, `one access line for ${requestId}`).toHaveLength(1);
  return found[0];
};

describe("the log of a server process", () => {
  it("writes only JSON lines on stdout, each with an ISO time, a level and a message", () => {
    expect(stdoutLines.length).toBeGreaterThan(sent);
    for (const line of stdoutLines) {
      expect(line).toMatchObject({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: expect.any(String), msg: expect.any(String) });
    }
  });

  it("writes one access line per request with its surface, route, status, duration, caller and client IP", () => {
    for (let n = 1; n <= sent; n++) accessLine(`scenario-${n}`);
    expect(accessLine(ids.createTask)).toEqual({
      time: expect.any(String),
      level: "info",
      msg: "request",
      requestId: ids.createTask,
      surface: "rest",
      method: "POST",
      path: `/api/v1/projects/${ids.projectId}/tasks`,
      route: "/projects/{projectId}/tasks",
      status: 201,
      durationMs: expect.any(Number),
      callerId: ids.apiKeyId,
      ip: expect.stringMatching(/127\.0\.0\.1$/),
    });
    expect(accessLine(ids.batch)).toMatchObject({ surface: "trpc", path: "/trpc/users.me,projects.list", procedures: ["users.me", "projects.list"], status: 200, callerId: ids.userId });
  });

  it("logs health and metrics requests at debug, 4xx answers at info, and no error lines", () => {
    expect(accessLine(ids.health)).toMatchObject({ level: "debug", surface: "health", route: "/health", status: 200 });
    expect(accessLine(ids.metrics)).toMatchObject({ level: "debug", surface: "metrics", status: 200 });
    expect(accessLine(ids.badLogin)).toMatchObject({ level: "info", status: 401, route: "/auth/login" });
    expect(accessLine(ids.badToken)).toMatchObject({ level: "info", status: 401 });
    expect(accessLine(ids.badBody)).toMatchObject({ level: "info", status: 400 });
    expect(accessLine(ids.notFound)).toMatchObject({ level: "info", status: 404, surface: "rest" });
    expect(stdoutLines.filter((line) => line.level === "error" || line.level === "fatal")).toEqual([]);
  });

  it("logs the path without its query string", () => {
    expect(accessLine(ids.queryAndCookie)).toMatchObject({ path: "/api/v1/users/me", status: 200 });
  });

  it("never writes a password, token, API key, cookie or query string, on stdout or stderr", () => {
    expect(Object.keys(secrets)).toEqual(["password", "cookie", "query", "firstRefresh", "refresh", "access", "apiKey", "demoRefresh"]);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(10);
      expect(allOutput.includes(secret), `${name} in the log`).toBe(false);
    }
  });

  it("writes the demo password only in the start-up line that announces the seeded demo account", () => {
    const withPassword = allOutput.split("\n").filter((line) => line.includes(DEMO_ACCOUNT.password));
    expect(withPassword).toHaveLength(1);
    expect(JSON.parse(withPassword[0] ?? "{}")).toMatchObject({ level: "info", msg: `demo account seeded: sign in as ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}` });
  });

  it("says where it listens, the documentation URLs and which database it uses", () => {
    const messages = stdoutLines.map((line) => String(line.msg));
    expect(messages).toContainEqual(expect.stringMatching(/^Cadence listening on http:\/\/127\.0\.0\.1:\d+ \(database: (embedded at |PostgreSQL 127\.0\.0\.1:\d+\/)/));
    expect(messages).toContainEqual(expect.stringMatching(/\/api\/v1 · docs .*\/docs · OpenAPI .*\/openapi\.json · tRPC .*\/trpc$/));
  });
});
