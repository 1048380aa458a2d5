import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { openMigratedPglite } from "@cadence/db/testing";
import type { DatabaseHandle } from "@cadence/db";
import { setPasswordHashCost } from "../src/auth/passwords.js";
import { createApiDeps, createContext, type ApiDeps } from "../src/context.js";
import { pushOf, type EventSink } from "../src/events/event-push.js";
import { FAN_OUT_GAP_FACTOR, MAX_FAN_OUT_GAP_MS, type FanOutPace } from "../src/events/fan-out-pace.js";
import { createProjectEventHub, type HubListener } from "../src/events/hub.js";
import { PROJECT_EVENTS_CHANNEL } from "../src/events/publish.js";
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

describe("the hub's fan-out pacing", () => {
  /** A clock the test moves: a listener "takes" `cost` ms per batch, and a gap waits until the test releases it. */
  function testPace() {
    const state = { clock: 0, waits: [] as number[], release: () => {} };
    const pace: FanOutPace = {
      now: () => state.clock,
      wait: (ms) => {
        state.waits.push(ms);
        return new Promise<void>((resolve) => (state.release = resolve));
      },
    };
    return { state, pace };
  }
  const listener = (onEvents: (batch: readonly StoredEvent[]) => void): HubListener => ({ onEvents, onResync: () => {}, onClose: () => {} });

  async function projectWithTask(name: string) {
    const tokens = await caller().auth.login({ username: ADMIN.username, password: ADMIN.password });
    const api = caller(`Bearer ${tokens.accessToken}`);
    const project = await api.projects.create({ name });
    const task = await api.tasks.create({ projectId: project.id, title: "t" });
    return { api, project, task };
  }

  it("sends the changes committed during a costly fan-out's gap together, in order, after the gap and not before", async () => {
    const { state, pace } = testPace();
    const hub = createProjectEventHub(handle.db, handle.subscribeNotifications, { onError: (error) => { throw error; }, pace });
    await hub.start();
    const { api, project, task } = await projectWithTask("paced");
    const other = await projectWithTask("barrier");
    const batches: unknown[][] = [];
    let barrier = 0;
    // Each fan-out of the paced project "takes" 10 ms: like a thousand streams' socket writes.
    hub.subscribe(project.id, listener((batch) => {
      batches.push(batch.map(titleOf));
      state.clock += 10;
    }));
    // Another project's listener costs nothing: its delivery shows every earlier notification has been heard.
    hub.subscribe(other.project.id, listener((batch) => (barrier += batch.length)));
    try {
      await api.tasks.update({ id: task.id, title: "v0" });
      await vi.waitFor(() => expect(batches).toEqual([["v0"]]));
      for (const title of ["v1", "v2", "v3"]) await api.tasks.update({ id: task.id, title });
      await other.api.tasks.update({ id: other.task.id, title: "heard" });
      await vi.waitFor(() => expect(barrier).toBe(1));
      // v1's notification found the gap running: 3 × 10 ms after the fan-out ended, and nothing was delivered meanwhile.
      expect(state.waits).toEqual([10 * FAN_OUT_GAP_FACTOR]);
      expect(batches).toEqual([["v0"]]);
      state.release();
      await vi.waitFor(() => expect(batches).toEqual([["v0"], ["v1", "v2", "v3"]]));
    } finally {
      state.release();
      await hub.close();
    }
  });

  it(`never holds an event more than ${MAX_FAN_OUT_GAP_MS} ms after a fan-out, however long it took`, async () => {
    const { state, pace } = testPace();
    const hub = createProjectEventHub(handle.db, handle.subscribeNotifications, { onError: (error) => { throw error; }, pace });
    await hub.start();
    const { api, project, task } = await projectWithTask("capped");
    const batches: unknown[][] = [];
    hub.subscribe(project.id, listener((batch) => {
      batches.push(batch.map(titleOf));
      state.clock += 1000;
    }));
    try {
      await api.tasks.update({ id: task.id, title: "v0" });
      await vi.waitFor(() => expect(batches).toHaveLength(1));
      await api.tasks.update({ id: task.id, title: "v1" });
      await vi.waitFor(() => expect(state.waits).toEqual([MAX_FAN_OUT_GAP_MS]));
      state.release();
      await vi.waitFor(() => expect(batches).toEqual([["v0"], ["v1"]]));
    } finally {
      state.release();
      await hub.close();
    }
  });

  it("delivers each change at once to a project whose fan-out costs nothing", async () => {
    const { state, pace } = testPace();
    const hub = createProjectEventHub(handle.db, handle.subscribeNotifications, { onError: (error) => { throw error; }, pace });
    await hub.start();
    const { api, project, task } = await projectWithTask("unpaced");
    const batches: unknown[][] = [];
    hub.subscribe(project.id, listener((batch) => batches.push(batch.map(titleOf))));
    try {
      for (const [i, title] of ["v0", "v1", "v2"].entries()) {
        await api.tasks.update({ id: task.id, title });
        await vi.waitFor(() => expect(batches).toHaveLength(i + 1));
      }
      expect(batches).toEqual([["v0"], ["v1"], ["v2"]]);
      expect(state.waits).toEqual([]);
    } finally {
      await hub.close();
    }
  });
});

describe("notifications the hub did not announce", () => {
  it("ignores an event id that is not a UUID and still reads the real events notified with it", async () => {
    // A stranger's NOTIFY on the channel must neither fail the read of the batch it joins nor reach subscribers.
    const errors: unknown[] = [];
    const waits: (() => void)[] = [];
    let clock = 0;
    const pace: FanOutPace = { now: () => clock, wait: () => new Promise<void>((resolve) => waits.push(resolve)) };
    const hub = createProjectEventHub(handle.db, handle.subscribeNotifications, { onError: (error) => errors.push(error), pace });
    await hub.start();
    const tokens = await caller().auth.login({ username: ADMIN.username, password: ADMIN.password });
    const api = caller(`Bearer ${tokens.accessToken}`);
    const project = await api.projects.create({ name: "strangers" });
    const task = await api.tasks.create({ projectId: project.id, title: "t" });
    const batches: unknown[][] = [];
    let resyncs = 0;
    hub.subscribe(project.id, {
      onEvents: (batch) => {
        batches.push(batch.map(titleOf));
        clock += 10;
      },
      onResync: () => (resyncs += 1),
      onClose: () => {},
    });
    try {
      await api.tasks.update({ id: task.id, title: "v0" });
      await vi.waitFor(() => expect(batches).toEqual([["v0"]]));
      // During the fan-out's gap: the stranger's notifications and a real change form one batch.
      await handle.db.execute(sql`select pg_notify(${PROJECT_EVENTS_CHANNEL}, ${`${project.id}:not-a-uuid`})`);
      await handle.db.execute(sql`select pg_notify(${PROJECT_EVENTS_CHANNEL}, ${`${project.id}:{a,b}`})`);
      await api.tasks.update({ id: task.id, title: "v1" });
      await vi.waitFor(() => expect(waits).toHaveLength(1));
      waits[0]?.();
      await vi.waitFor(() => expect(batches).toEqual([["v0"], ["v1"]]));
      expect(errors).toEqual([]);
      expect(resyncs).toBe(0);
    } finally {
      for (const release of waits) release();
      await hub.close();
    }
  });
});
