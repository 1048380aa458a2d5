import { randomUUID } from "node:crypto";
import { startEphemeralServer, type EphemeralServer } from "@cadence/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCadenceClient, type CadenceCallContext, type CadenceClient } from "../src/index.js";

let server: EphemeralServer;
beforeAll(async () => {
  server = await startEphemeralServer();
});
afterAll(() => server?.stop());

/** A signed-in client whose fetch records the Idempotency-Key and replay marker of every request. */
async function signedIn(): Promise<{ client: CadenceClient; seen: { key: string | null; replayed: string | null; url: string }[] }> {
  const anonymous = createCadenceClient({ url: server.url });
  const username = `idem_${Math.random().toString(36).slice(2, 10)}`;
  await anonymous.auth.register.mutate({ email: `${username}@example.com`, username, password: "password-123" });
  const tokens = await anonymous.auth.login.mutate({ username, password: "password-123" });
  const seen: { key: string | null; replayed: string | null; url: string }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    seen.push({ key: new Headers(init?.headers).get("idempotency-key"), replayed: res.headers.get("idempotent-replayed"), url: String(input) });
    return res;
  };
  return { client: createCadenceClient({ url: server.url, getAccessToken: () => tokens.accessToken, fetch: fetchImpl }), seen };
}

describe("idempotencyKey on the typed client", () => {
  it("sends the per-call key as Idempotency-Key, so a retried create returns the first project and creates one", async () => {
    const { client, seen } = await signedIn();
    const context: CadenceCallContext = { idempotencyKey: randomUUID() };
    const first = await client.projects.create.mutate({ name: "Retried" }, { context: { ...context } });
    const retry = await client.projects.create.mutate({ name: "Retried" }, { context: { ...context } });
    expect(retry).toEqual(first);
    expect(seen.map(({ key, replayed }) => ({ key, replayed }))).toEqual([
      { key: context.idempotencyKey, replayed: null },
      { key: context.idempotencyKey, replayed: "true" },
    ]);
    expect((await client.projects.list.query({})).total).toBe(1);
  });

  it("sends keyed calls alone, each with its own key, while calls without one are still batched", async () => {
    const { client, seen } = await signedIn();
    const [a, b] = await Promise.all([
      client.projects.create.mutate({ name: "A" }, { context: { idempotencyKey: randomUUID() } }),
      client.projects.create.mutate({ name: "B" }, { context: { idempotencyKey: randomUUID() } }),
    ]);
    expect(a.id).not.toBe(b.id);
    expect(new Set(seen.map((request) => request.key)).size).toBe(2);
    expect(seen.every((request) => !request.url.includes("batch=1"))).toBe(true);
    seen.length = 0;
    await Promise.all([client.users.me.query(), client.projects.list.query({})]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toContain("batch=1");
    expect(seen[0]?.key).toBeNull();
  });

  it("surfaces the server's 422 when a key is reused with another input", async () => {
    const { client } = await signedIn();
    const idempotencyKey = randomUUID();
    await client.projects.create.mutate({ name: "One" }, { context: { idempotencyKey } });
    await expect(client.projects.create.mutate({ name: "Two" }, { context: { idempotencyKey } })).rejects.toMatchObject({
      data: { code: "UNPROCESSABLE_CONTENT", httpStatus: 422 },
    });
  });
});
