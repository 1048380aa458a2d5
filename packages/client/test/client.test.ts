import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCadenceClient, TRPCClientError, type TokenPair } from "../src/index.js";

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(() => server?.stop());

async function account(): Promise<TokenPair> {
  const anonymous = createCadenceClient({ url: server.url });
  const username = `client_${Math.random().toString(36).slice(2, 10)}`;
  await anonymous.auth.register.mutate({ email: `${username}@example.com`, username, password: "password-123" });
  return anonymous.auth.login.mutate({ username, password: "password-123" });
}

/** Counts calls to auth.refresh as they go over the wire. */
function countingFetch() {
  const calls = { refresh: 0 };
  const fetchImpl: typeof fetch = (input, init) => {
    if (String(input).includes("auth.refresh")) calls.refresh++;
    return fetch(input, init);
  };
  return { calls, fetchImpl };
}

describe("createCadenceClient", () => {
  it("calls procedures with the access token, against the origin or the /trpc URL", async () => {
    const tokens = await account();
    for (const url of [server.url, `${server.url}/trpc`, `${server.url}/trpc/`]) {
      const client = createCadenceClient({ url, getAccessToken: () => tokens.accessToken });
      expect((await client.users.me.query()).role).toBe("user");
    }
  });

  it("refreshes once on an expired token, reports the new pair and retries the call", async () => {
    const tokens = await account();
    const reported: TokenPair[] = [];
    const { calls, fetchImpl } = countingFetch();
    const client = createCadenceClient({
      url: server.url,
      getAccessToken: () => "expired.access.token",
      refreshToken: tokens.refreshToken,
      onTokens: (pair) => void reported.push(pair),
      fetch: fetchImpl,
    });
    const [me, projects] = await Promise.all([client.users.me.query(), client.projects.list.query({})]);
    expect(me.username).toMatch(/^client_/);
    expect(projects.total).toBe(0);
    expect(calls.refresh).toBe(1);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.refreshToken).not.toBe(tokens.refreshToken);
    expect((await client.users.me.query()).id).toBe(me.id);
    expect(calls.refresh).toBe(1);
  });

  it("follows the app's token store once it moves on, never replaying a spent refresh token", async () => {
    const first = await account();
    const store = { accessToken: "expired.access.token", refreshToken: first.refreshToken };
    const options = {
      url: server.url,
      getAccessToken: () => store.accessToken,
      refreshToken: () => store.refreshToken,
      onTokens: (pair: TokenPair) => void Object.assign(store, pair),
    };
    const a = createCadenceClient(options);
    const b = createCadenceClient(options);
    const me = await a.users.me.query();
    expect(store.refreshToken).not.toBe(first.refreshToken);
    expect((await b.users.me.query()).id).toBe(me.id);

    // The user logs out and in again elsewhere in the app; both clients must pick up the new pair.
    const anonymous = createCadenceClient({ url: server.url });
    await anonymous.auth.logout.mutate({ refreshToken: store.refreshToken });
    Object.assign(store, await anonymous.auth.login.mutate({ username: me.username, password: "password-123" }));
    store.accessToken = "expired.again";
    expect((await b.users.me.query()).id).toBe(me.id);
    expect((await a.users.me.query()).id).toBe(me.id);
    const check = await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${store.accessToken}` } });
    expect(check.status).toBe(200);
  });

  it("refreshes one at a time with refreshExclusively when clients sharing a store fail together, keeping the session", async () => {
    const first = await account();
    const store = { accessToken: "expired.access.token", refreshToken: first.refreshToken };
    let held = Promise.resolve();
    // What another process's lock does: each refresh runs after the previous one finished.
    const refreshExclusively = <T>(refresh: () => Promise<T>): Promise<T> => {
      const run = held.then(refresh);
      held = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    };
    const { calls, fetchImpl } = countingFetch();
    const options = {
      url: server.url,
      getAccessToken: () => store.accessToken,
      refreshToken: () => store.refreshToken,
      onTokens: (pair: TokenPair) => void Object.assign(store, pair),
      refreshExclusively,
      fetch: fetchImpl,
    };
    const [a, b] = [createCadenceClient(options), createCadenceClient(options)];
    const [meA, meB] = await Promise.all([a.users.me.query(), b.users.me.query()]);
    expect(meB.id).toBe(meA.id);
    expect(calls.refresh).toBe(1);
    const check = await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${store.accessToken}` } });
    expect(check.status).toBe(200);
  });

  it("passes the UNAUTHORIZED error on when there is no refresh token or the refresh fails", async () => {
    const bare = createCadenceClient({ url: server.url, getAccessToken: () => "expired.access.token" });
    await expect(bare.users.me.query()).rejects.toBeInstanceOf(TRPCClientError);
    const { calls, fetchImpl } = countingFetch();
    const stale = createCadenceClient({ url: server.url, getAccessToken: () => "expired", refreshToken: "not-a-real-refresh-token", fetch: fetchImpl });
    await expect(stale.users.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    expect(calls.refresh).toBe(1);
  });

  it("does not try to refresh around auth procedures themselves", async () => {
    const { calls, fetchImpl } = countingFetch();
    const client = createCadenceClient({ url: server.url, refreshToken: "whatever", fetch: fetchImpl });
    await expect(client.auth.login.mutate({ username: "nobody", password: "password-123" })).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    expect(calls.refresh).toBe(0);
  });
});
