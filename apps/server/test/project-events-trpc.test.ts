import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { collect, openEventStream, subscriptionClient } from "./support/event-stream.js";
import { startTestServer, type TestServer } from "./support/server.js";

interface Tracked {
  id: string;
  data: { id: string; action: string; entityId: string };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A second instance on the same database: its own connection (and LISTEN) on PostgreSQL, the same PGlite otherwise. */
function secondInstance(env: Record<string, string> = {}): Promise<TestServer> {
  const url = server.database?.url;
  return url ? startTestServer({ ...env, DATABASE_URL: url }) : startTestServer(env, { shareDatabaseWith: server });
}

describe("projects.events over tRPC (httpSubscriptionLink, Authorization header)", () => {
  it("delivers each change tracked by its event id, and resumes after lastEventId with no gap and no duplicate", async () => {
    const owner = await signUp(server);
    const token = owner.tokens.accessToken;
    const project = await createProject(server, token);
    const client = subscriptionClient(server, token);
    const first = collect<Tracked>();
    const subscription = client.projects.events.subscribe({ projectId: project.id }, first);
    await first.started;
    const warmup = await createTask(server, token, project.id, { title: "warm-up" });
    await first.until(1);
    expect(first.error).toBeUndefined();
    expect(first.items[0]).toMatchObject({ data: { action: "task.create", entityId: warmup.id } });
    expect(first.items[0]?.id).toBe(first.items[0]?.data.id);
    subscription.unsubscribe();

    const missed = [];
    for (const title of ["x", "y"]) missed.push((await createTask(server, token, project.id, { title })).id);
    const resumed = collect<Tracked>();
    const again = client.projects.events.subscribe({ projectId: project.id, lastEventId: first.items[0]?.id }, { onData: resumed.onData, onError: resumed.onError });
    await resumed.until(2);
    const live = await createTask(server, token, project.id, { title: "z" });
    await resumed.until(3);
    again.unsubscribe();
    expect(resumed.items.map((item) => item.data.entityId)).toEqual([...missed, live.id]);
  });

  it("refuses a non-member with NOT_FOUND", async () => {
    const owner = await signUp(server);
    const outsider = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    const refused = collect<Tracked>();
    const subscription = subscriptionClient(server, outsider.tokens.accessToken).projects.events.subscribe(
      { projectId: project.id },
      { onData: refused.onData, onError: refused.onError },
    );
    await refused.until(1);
    subscription.unsubscribe();
    expect(refused.error).toBeInstanceOf(TRPCClientError);
    expect((refused.error as TRPCClientError<never>).data).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("two instances on one database", () => {
  it("a change made through instance A reaches subscribers on instance B, on both surfaces", async () => {
    const b = await secondInstance();
    try {
      const owner = await signUp(server);
      const token = owner.tokens.accessToken;
      const project = await createProject(server, token);
      const rest = await openEventStream(b, project.id, token);
      expect(rest.status).toBe(200);
      const trpc = collect<Tracked>();
      const subscription = subscriptionClient(b, token).projects.events.subscribe({ projectId: project.id }, trpc);
      await trpc.started;
      const task = await createTask(server, token, project.id, { title: "via A" });
      await trpc.until(1);
      subscription.unsubscribe();
      expect(trpc.error).toBeUndefined();
      expect(trpc.items[0]?.data.entityId).toBe(task.id);
      const event = await rest.next();
      rest.close();
      expect(event && (JSON.parse(event.data) as { entityId: string }).entityId).toBe(task.id);
    } finally {
      await b.close();
    }
  });

  it("keeps a stream open past REQUEST_TIMEOUT_MS and KEEP_ALIVE_TIMEOUT_MS (they bound receiving requests, not streams)", async () => {
    const d = await secondInstance({ HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "500", KEEP_ALIVE_TIMEOUT_MS: "500" });
    try {
      const owner = await signUp(server);
      const project = await createProject(server, owner.tokens.accessToken);
      const stream = await openEventStream(d, project.id, owner.tokens.accessToken);
      // The subject of the test is time passing: three times the longest of those limits.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const task = await createTask(server, owner.tokens.accessToken, project.id, { title: "still there" });
      const event = await stream.next();
      stream.close();
      expect(event && (JSON.parse(event.data) as { entityId: string }).entityId).toBe(task.id);
    } finally {
      await d.close();
    }
  });

  it("stopping an instance (SIGTERM's path) ends its open streams instead of waiting out the drain timeout", async () => {
    const c = await secondInstance({ SHUTDOWN_TIMEOUT_MS: "30000" });
    const owner = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    const stream = await openEventStream(c, project.id, owner.tokens.accessToken);
    expect(stream.status).toBe(200);
    expect(c.running.openStreams()).toBe(1);
    const stoppedAt = Date.now();
    await c.close();
    const last = await stream.next();
    expect(last?.event).toBe("error");
    expect(JSON.parse(last?.data ?? "{}")).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(await stream.next()).toBeNull();
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
  });
});
