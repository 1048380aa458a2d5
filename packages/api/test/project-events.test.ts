import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedPglite } from "@cadence/db/testing";
import type { DatabaseHandle } from "@cadence/db";
import { setPasswordHashCost } from "../src/auth/passwords.js";
import { createApiDeps, createContext, type ApiDeps } from "../src/context.js";
import { pushOf, type EventSink } from "../src/events/event-push.js";
import type { StoredEvent } from "../src/events/stored-event.js";
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
const caller = (authorization?: string, signal?: AbortSignal) =>
  call(createContext(deps, { requestId: "test", ip: "127.0.0.1", authorization, header: (name) => (name === "authorization" ? authorization : undefined), setHeader: () => {} }), {
    signal,
  });
const titleOf = ({ event }: StoredEvent) => (event.changes as { title?: { after: unknown } }).title?.after;

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

describe("a pushed stream (the REST event stream's path)", () => {
  it(`writes nothing while its sink is paused, then every event in order and once, after more than ${MAX_PENDING_EVENTS} were committed meanwhile`, async () => {
    const tokens = await caller().auth.login({ username: ADMIN.username, password: ADMIN.password });
    const api = caller(`Bearer ${tokens.accessToken}`);
    const project = await api.projects.create({ name: "pushed" });
    const task = await api.tasks.create({ projectId: project.id, title: "t" });
    const abort = new AbortController();
    const feed = await caller(`Bearer ${tokens.accessToken}`, abort.signal).projects.events({ projectId: project.id });
    const push = pushOf(feed);
    if (!push) throw new Error("the feed has no push path");
    const titles: unknown[] = [];
    const ends: unknown[] = [];
    let paused = false;
    let writesWhilePaused = 0;
    let wrote: () => void = () => {};
    // Like a socket that never drains by itself: every write fills it, so each batch waits for an explicit resume.
    const sink: EventSink = {
      write(batch) {
        if (paused) writesWhilePaused += 1;
        titles.push(...batch.map(titleOf));
        paused = true;
        wrote();
        return false;
      },
      end: (error) => ends.push(error),
    };
    const control = push(sink);
    const changes = MAX_PENDING_EVENTS * 2 + 10;
    for (let i = 0; i < changes; i++) await api.tasks.update({ id: task.id, title: `v${i}` });
    while (titles.length < changes) {
      const next = new Promise<void>((resolve) => (wrote = resolve));
      paused = false;
      control.resume();
      await next;
    }
    expect(writesWhilePaused).toBe(0);
    expect(titles).toEqual(Array.from({ length: changes }, (_, i) => `v${i}`));
    expect(ends).toEqual([]);
    abort.abort();
    expect(ends).toEqual([undefined]);
  });

  it("hands one batch array to every stream of the project, and pushes live events without a resume", async () => {
    const tokens = await caller().auth.login({ username: ADMIN.username, password: ADMIN.password });
    const api = caller(`Bearer ${tokens.accessToken}`);
    const project = await api.projects.create({ name: "fan-out" });
    const abort = new AbortController();
    const batches: (readonly StoredEvent[])[][] = [[], [], []];
    const count = 5;
    let delivered = 0;
    let allDelivered: () => void = () => {};
    const done = new Promise<void>((resolve) => (allDelivered = resolve));
    for (const received of batches) {
      const push = pushOf(await caller(`Bearer ${tokens.accessToken}`, abort.signal).projects.events({ projectId: project.id }));
      if (!push) throw new Error("the feed has no push path");
      const write = (batch: readonly StoredEvent[]) => {
        received.push(batch);
        delivered += batch.length;
        if (delivered === count * batches.length) allDelivered();
        return true;
      };
      push({ write, end: () => {} });
    }
    const created = [];
    for (let i = 0; i < count; i++) created.push((await api.tasks.create({ projectId: project.id, title: `t${i}` })).id);
    await done;
    abort.abort();
    const [first, ...others] = batches;
    expect(first?.flat().map(({ event }) => event.entityId)).toEqual(created);
    // The same arrays, not copies: a transport encodes each batch once for all its streams.
    for (const received of others) expect(received).toEqual(first);
    for (const received of others) received.forEach((batch, i) => expect(batch).toBe(first?.[i]));
  });
});
