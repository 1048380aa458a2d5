import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCadenceClient, type TokenPair } from "../src/index.js";

// Access tokens live 2 s here: the server ends a stream whose token expired, so a subscription meets several expiries.
let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer({ ACCESS_TOKEN_TTL: "2" });
});
afterAll(() => server?.stop());

describe("a subscription outliving its access tokens", () => {
  it("refreshes at every expiry, not only the first, and keeps delivering after the last", async () => {
    const anonymous = createCadenceClient({ url: server.url });
    const username = `expiry_${Math.random().toString(36).slice(2, 10)}`;
    await anonymous.auth.register.mutate({ email: `${username}@example.com`, username, password: "password-123" });
    const store: TokenPair = await anonymous.auth.login.mutate({ username, password: "password-123" });
    let refreshes = 0;
    const client = createCadenceClient({
      url: server.url,
      getAccessToken: () => store.accessToken,
      refreshToken: () => store.refreshToken,
      onTokens: (pair) => {
        refreshes += 1;
        Object.assign(store, pair);
      },
    });
    const project = await client.projects.create.mutate({ name: "long watched" });
    const actions: string[] = [];
    let failure: unknown;
    let wake: () => void = () => {};
    const changed = () => new Promise<void>((resolve) => (wake = resolve));
    let starts = 0;
    const subscription = client.projects.events.subscribe(
      { projectId: project.id },
      {
        onStarted: () => ((starts += 1), wake()),
        onData: ({ data }) => (actions.push(data.action), wake()),
        onError: (error) => ((failure = error), wake()),
      },
    );
    // Each expiry ends the stream; it starts again once refreshed. Three expiries, then a change must still arrive.
    while (starts < 4 && failure === undefined) await changed();
    expect(failure).toBeUndefined();
    await client.tasks.create.mutate({ projectId: project.id, title: "after three expiries" });
    while (actions.length === 0 && failure === undefined) await changed();
    subscription.unsubscribe();
    expect(failure).toBeUndefined();
    expect(actions).toEqual(["task.create"]);
    expect(refreshes).toBeGreaterThanOrEqual(3);
  });
});
