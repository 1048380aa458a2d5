import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedPglite } from "@cadence/db/testing";
import type { DatabaseHandle } from "@cadence/db";
import { setPasswordHashCost } from "../src/auth/passwords.js";
import { createApiDeps, createContext, type ApiDeps } from "../src/context.js";
import { MAX_PENDING_EVENTS } from "../src/services/project-events.js";
import { ensureAdmin } from "../src/services/bootstrap.js";
import { appRouter } from "../src/root.js";
import { createCallerFactory } from "../src/trpc.js";

const ADMIN = { email: "events@test.local", password: "events-password", username: "events" };
const rule = { points: 1_000_000, durationSeconds: 60 };
let handle: DatabaseHandle;
let deps: ApiDeps;

beforeAll(async () => {
  setPasswordHashCost("test");
  handle = await openMigratedPglite();
  deps = createApiDeps({
    db: handle.db,
    readyTimeoutMs: 1000,
    auth: { keys: [{ kid: "k", secret: new TextEncoder().encode("x".repeat(32)) }], issuer: "cadence", audience: "cadence-api", accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 3600 },
    rateLimits: { store: "memory", loginFailures: rule, register: rule, refresh: rule, requests: rule },
    databaseTimeoutMs: 30_000,
    notifications: handle.subscribeNotifications,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    // This suite queues no jobs.
    jobs: { enqueue: () => Promise.reject(new Error("no job queue in this test")) },
  });
  await deps.events.start();
  await ensureAdmin(handle.db, ADMIN);
});
afterAll(async () => {
  await deps.events.close();
  await handle.close();
});

const call = createCallerFactory(appRouter);
const caller = (authorization?: string) =>
  call(createContext(deps, { requestId: "test", ip: "127.0.0.1", authorization, header: (name) => (name === "authorization" ? authorization : undefined), setHeader: () => {} }));

describe("a slow subscriber", () => {
  it(`gets every event, in order and once, after more than ${MAX_PENDING_EVENTS} piled up unread`, async () => {
    const tokens = await caller().auth.login({ username: ADMIN.username, password: ADMIN.password });
    const api = caller(`Bearer ${tokens.accessToken}`);
    const project = await api.projects.create({ name: "slow" });
    const task = await api.tasks.create({ projectId: project.id, title: "t" });
    const stream = (await api.projects.events({ projectId: project.id }))[Symbol.asyncIterator]();
    const changes = MAX_PENDING_EVENTS * 2 + 10;
    for (let i = 0; i < changes; i++) await api.tasks.update({ id: task.id, title: `v${i}` });
    const titles: unknown[] = [];
    while (titles.length < changes) {
      const next = await stream.next();
      if (next.done) throw new Error("the stream ended");
      const [, event] = next.value as unknown as [string, { changes: { title?: { after: unknown } } }];
      titles.push(event.changes.title?.after);
    }
    await stream.return?.(undefined);
    expect(titles).toEqual(Array.from({ length: changes }, (_, i) => `v${i}`));
  });
});
