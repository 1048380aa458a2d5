import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCadenceClient, type TokenPair } from "../src/index.js";

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(() => server?.stop());

async function account(): Promise<TokenPair> {
  const anonymous = createCadenceClient({ url: server.url });
  const username = `watch_${Math.random().toString(36).slice(2, 10)}`;
  await anonymous.auth.register.mutate({ email: `${username}@example.com`, username, password: "password-123" });
  return anonymous.auth.login.mutate({ username, password: "password-123" });
}

/** Subscribes to a project's events until `count` arrived, resolving once the server confirmed the stream. */
function watch(client: ReturnType<typeof createCadenceClient>, projectId: string, count: number) {
  const received: { id: string; action: string }[] = [];
  let starts = 0;
  const startWaiters: { count: number; resolve: () => void }[] = [];
  const started = () => {
    starts += 1;
    for (const waiter of startWaiters) if (starts >= waiter.count) waiter.resolve();
  };
  /** Resolves once the stream (re)started `count` times: tRPC sends `connected` after the subscription resolved. */
  const startedTimes = (count: number) => new Promise<void>((resolve) => (starts >= count ? resolve() : startWaiters.push({ count, resolve })));
  const ready = startedTimes(1);
  let subscription: { unsubscribe(): void } | undefined;
  const done = new Promise<typeof received>((resolve, reject) => {
    subscription = client.projects.events.subscribe(
      { projectId },
      {
        onStarted: () => started(),
        onData: ({ id, data }) => {
          received.push({ id, action: data.action });
          if (received.length === count) resolve(received);
        },
        onError: reject,
      },
    );
  });
  return { ready, startedTimes, done, stop: () => subscription?.unsubscribe() };
}

describe("subscriptions over SSE", () => {
  it("streams a project's changes with the access token in the Authorization header", async () => {
    const tokens = await account();
    const client = createCadenceClient({ url: server.url, getAccessToken: () => tokens.accessToken });
    const project = await client.projects.create.mutate({ name: "watched" });
    const watcher = watch(client, project.id, 2);
    await watcher.ready;
    const task = await client.tasks.create.mutate({ projectId: project.id, title: "one" });
    await client.tasks.update.mutate({ id: task.id, status: "completed" });
    const events = await watcher.done;
    watcher.stop();
    expect(events.map((event) => event.action)).toEqual(["task.create", "task.update"]);
  });

  it("refreshes an expired access token once and subscribes with the new one", async () => {
    const tokens = await account();
    const store = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    const owner = createCadenceClient({ url: server.url, getAccessToken: () => store.accessToken });
    const project = await owner.projects.create.mutate({ name: "refreshed" });
    store.accessToken = "expired.access.token";
    const client = createCadenceClient({
      url: server.url,
      getAccessToken: () => store.accessToken,
      refreshToken: () => store.refreshToken,
      onTokens: (pair) => void Object.assign(store, pair),
    });
    const watcher = watch(client, project.id, 1);
    // Refused (UNAUTHORIZED) on the first connection, refreshed, then subscribed again with the new token.
    await watcher.startedTimes(2);
    expect(store.accessToken).not.toBe("expired.access.token");
    await client.tasks.create.mutate({ projectId: project.id, title: "after refresh" });
    expect((await watcher.done)[0]?.action).toBe("task.create");
    watcher.stop();
  });
});
