import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { openEventStream } from "./support/event-stream.js";
import { captureLog } from "./support/log-capture.js";
import { openProxiedDatabase, type ProxiedDatabase } from "./support/proxied-database.js";
import { startTestServer, type TestServer } from "./support/server.js";

/** Only a database server can become unreachable: PostgreSQL only (`pnpm test:pg`), like database-outage.test.ts. */
const onPostgres = Boolean(inject("postgresTemplate"));

let database: ProxiedDatabase;
let server: TestServer;
let logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  database = await openProxiedDatabase();
  const log = await captureLog("info");
  logLines = log.lines;
  server = await startTestServer({ ...database.serverEnv, DATABASE_TIMEOUT_MS: "1000" }, { logger: log.logger });
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

const title = onPostgres ? "event streams through a database outage" : "event streams through a database outage (skipped: needs PostgreSQL, run pnpm test:pg)";
describe.skipIf(!onPostgres)(title, () => {
  it("ends open streams with a retryable SERVICE_UNAVAILABLE error event, logging no server error", async () => {
    const owner = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    const stream = await openEventStream(server, project.id, owner.tokens.accessToken);
    const downAt = Date.now();
    database.proxy.down();
    let last;
    for (let event = await stream.next(); event; event = await stream.next()) last = event;
    expect(Date.now() - downAt).toBeLessThan(10_000);
    expect(last?.event).toBe("error");
    expect(JSON.parse(last?.data ?? "{}")).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(logLines.filter((line) => line.level === "error")).toEqual([]);
  });

  it("listens again once the database is back: a new stream sees new changes", async () => {
    database.proxy.up();
    const owner = await signUp(server);
    const token = owner.tokens.accessToken;
    const project = await createProject(server, token);
    const stream = await openEventStream(server, project.id, token);
    const task = await createTask(server, token, project.id, { title: "after the outage" });
    const event = await stream.next();
    stream.close();
    expect(event && (JSON.parse(event.data) as { entityId: string }).entityId).toBe(task.id);
  });
});
