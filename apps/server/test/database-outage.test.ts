import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { json } from "./support/auth.js";
import { openProxiedDatabase, type ProxiedDatabase } from "./support/proxied-database.js";
import { captureLog } from "./support/log-capture.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

/**
 * Requests while the database is unreachable: refused outright (`down`) or silently (`stall`, where only timeouts
 * help). Only a database server can become unreachable, so this runs on PostgreSQL (`pnpm test:pg`): the embedded
 * database cannot, and PGlite's wire-protocol bridge (pglite-socket 0.2) cannot stand in for a server here, since
 * it interleaves concurrent connections' messages and stops serving after one of them fails.
 */
const onPostgres = Boolean(inject("postgresTemplate"));
const DATABASE_TIMEOUT_MS = 1000;
/** The answer may take the database timeout plus scheduling slack on a loaded machine, never a driver's 10+ s. */
const ANSWER_WITHIN_MS = DATABASE_TIMEOUT_MS + 1500;

let database: ProxiedDatabase;
let server: TestServer;
let token: string;
let projectId: string;
let taskId: string;
let logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  database = await openProxiedDatabase();
  const log = await captureLog("info");
  logLines = log.lines;
  server = await startTestServer(
    { ...database.serverEnv, READY_TIMEOUT_MS: "1000", DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS) },
    { logger: log.logger },
  );
  token = (await loginAdmin(server)).accessToken;
  projectId = ((await (await server.rest("/projects", json("POST", { name: "outage" }, token))).json()) as { id: string }).id;
  const task = await server.rest(`/projects/${projectId}/tasks`, json("POST", { title: "before" }, token));
  taskId = ((await task.json()) as { id: string }).id;
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** Reads and writes on both surfaces; each answers a Response. */
function requests(): Record<string, () => Promise<Response>> {
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const trpcInput = encodeURIComponent(JSON.stringify({ projectId }));
  return {
    "REST read": () => server.rest(`/projects/${projectId}/tasks`, { headers: auth }),
    "REST create": () => server.rest(`/projects/${projectId}/tasks`, json("POST", { title: "during" }, token)),
    "REST update": () => server.rest(`/tasks/${taskId}`, json("PATCH", { description: "during" }, token)),
    "tRPC read": () => fetch(`${server.url}/trpc/tasks.list?input=${trpcInput}`, { headers: auth }),
    "tRPC create": () =>
      fetch(`${server.url}/trpc/tasks.create`, { method: "POST", headers: auth, body: JSON.stringify({ projectId, title: "during" }) }),
  };
}

async function timed(send: () => Promise<Response>) {
  const started = performance.now();
  const res = await send();
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body, ms: performance.now() - started };
}

/** Retries `probe` until it holds; the database coming back is not instantaneous for a pool. */
async function eventually(probe: () => Promise<boolean>, withinMs = 5000): Promise<boolean> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > withinMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

const title = onPostgres ? "database outage" : "database outage (skipped: needs PostgreSQL, run pnpm test:pg)";
describe.skipIf(!onPostgres)(title, () => {
  describe.each(["down", "stall"] as const)("while the database is unreachable (%s)", (mode) => {
    it("answers reads and writes 503 SERVICE_UNAVAILABLE with Retry-After within the bound, on REST and tRPC", async () => {
      database.proxy[mode]();
      const answers = await Promise.all(Object.entries(requests()).map(async ([name, send]) => ({ name, ...(await timed(send)) })));
      for (const answer of answers) {
        expect(answer.status, answer.name).toBe(503);
        expect(answer.retryAfter, answer.name).toBe("2");
        expect(answer.ms, answer.name).toBeLessThan(ANSWER_WITHIN_MS);
        const publicError = answer.name.startsWith("REST") ? answer.body : (answer.body.error as { data: Record<string, unknown> }).data;
        expect(publicError.code, answer.name).toBe("SERVICE_UNAVAILABLE");
        expect(JSON.stringify(answer.body), answer.name).not.toMatch(/ECONN|CONNECT|postgres|select|stack/i);
      }
      const viaClient = await trpcError(server.trpc(token).tasks.get.query({ id: taskId }));
      expect(viaClient).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503 });
    });

    it("serves the same requests again once the database is back", async () => {
      database.proxy.up();
      for (const [name, send] of Object.entries(requests())) {
        expect(await eventually(async () => (await send()).status < 300), `${name} succeeds within 5 s`).toBe(true);
      }
    });
  });

  describe("outage logging", () => {
    it("warns when an outage starts and notes its end, instead of an error line per request", () => {
      const events = logLines.filter((line) => line.msg !== "request").map((line) => `${String(line.level)} ${String(line.msg)}`);
      const warnings = events.filter((event) => event === "warn database unavailable: answering 503 until it is back");
      // One warning per outage window (the two outages here are closer than the quiet period, so they may log as
      // one window): each is closed by a recovery line before the next opens, never one line per request.
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(events.join("\n")).not.toMatch(/unavailable: answering 503 until it is back\nwarn database unavailable/);
      expect(events.filter((event) => event === "info database available again").length).toBeGreaterThanOrEqual(warnings.length - 1);
      expect(logLines.filter((line) => line.level === "error")).toEqual([]);
    });
  });
});
