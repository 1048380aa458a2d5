import { eq } from "drizzle-orm";
import { SCOPES } from "@cadence/api";
import { apiKeys } from "@cadence/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, createApiKey, json, signUp } from "./support/auth.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const KEY_FIELDS = ["createdAt", "expiresAt", "id", "lastUsedAt", "name", "prefix", "scopes"];

describe("POST /api/v1/api-keys", () => {
  it("answers 201 with the secret once; the listing never shows it", async () => {
    const { tokens } = await signUp(server);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await server.rest("/api-keys", json("POST", { name: "ci", scopes: ["tasks:read", "tasks:read", "projects:read"], expiresAt }, tokens.accessToken));
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown> & { key: string; prefix: string };
    expect(Object.keys(created).sort()).toEqual([...KEY_FIELDS, "key"].sort());
    expect(created).toMatchObject({ name: "ci", scopes: ["tasks:read", "projects:read"], expiresAt, lastUsedAt: null });
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);

    const list = await server.rest("/api-keys", bearer(tokens.accessToken));
    const text = await list.text();
    expect(text).not.toContain(created.key);
    const keys = JSON.parse(text) as Record<string, unknown>[];
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0] ?? {}).sort()).toEqual(KEY_FIELDS);
  });

  it("stores only a hash of the secret", async () => {
    const { tokens } = await signUp(server);
    const created = await createApiKey(server, tokens.accessToken, { scopes: ["tasks:read"] });
    const db = server.running.database.db;
    const [row] = await db.select({ keyHash: apiKeys.keyHash }).from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.keyHash).not.toContain(created.key);
  });

  it.each([
    ["no scopes", { name: "k", scopes: [] }],
    ["an unknown scope", { name: "k", scopes: ["admin:all"] }],
    ["a past expiry", { name: "k", scopes: ["tasks:read"], expiresAt: "2020-01-01T00:00:00Z" }],
    ["a malformed expiry", { name: "k", scopes: ["tasks:read"], expiresAt: "tomorrow" }],
    ["an empty name", { name: " ", scopes: ["tasks:read"] }],
  ])("rejects %s with 400", async (_case, body) => {
    const { tokens } = await signUp(server);
    expect((await server.rest("/api-keys", json("POST", body, tokens.accessToken))).status).toBe(400);
  });
});

describe("calling with an API key", () => {
  it("acts as its owner: reading your own profile needs no scope and records lastUsedAt", async () => {
    const { tokens, user } = await signUp(server);
    const key = await createApiKey(server, tokens.accessToken, { scopes: ["tasks:read"] });
    const res = await server.rest("/users/me", bearer(key.key));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(user.id);
    const [listed] = (await (await server.rest("/api-keys", bearer(tokens.accessToken))).json()) as { lastUsedAt: string | null }[];
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it("can never manage keys, passwords or users (403), even for an admin's key", async () => {
    const admin = await loginAdmin(server);
    const key = await createApiKey(server, admin.accessToken, { scopes: [...SCOPES] });
    const attempts: [string, RequestInit][] = [
      ["/api-keys", json("POST", { name: "x", scopes: ["tasks:read"] }, key.key)],
      ["/api-keys", bearer(key.key)],
      [`/api-keys/${key.id}`, bearer(key.key, { method: "DELETE" })],
      ["/users/me/password", json("POST", { currentPassword: "admin-password", newPassword: "new-password" }, key.key)],
      ["/users/me", json("PATCH", { name: "x" }, key.key)],
      ["/users", bearer(key.key)],
    ];
    for (const [path, init] of attempts) {
      const res = await server.rest(path, init);
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(403);
      expect(await res.json()).toEqual({ code: "FORBIDDEN", message: "API keys cannot manage keys, passwords or users" });
    }
  });

  it("stops working once revoked (401); revoking again is 404", async () => {
    const { tokens } = await signUp(server);
    const key = await createApiKey(server, tokens.accessToken, { scopes: ["tasks:read"] });
    const res = await server.rest(`/api-keys/${key.id}`, bearer(tokens.accessToken, { method: "DELETE" }));
    expect(res.status).toBe(204);
    expect((await server.rest("/users/me", bearer(key.key))).status).toBe(401);
    expect((await server.rest(`/api-keys/${key.id}`, bearer(tokens.accessToken, { method: "DELETE" }))).status).toBe(404);
    expect(await (await server.rest("/api-keys", bearer(tokens.accessToken))).json()).toEqual([]);
  });

  it("stops working once expired (401)", async () => {
    const { tokens } = await signUp(server);
    const key = await createApiKey(server, tokens.accessToken, { scopes: ["tasks:read"], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await server.rest("/users/me", bearer(key.key))).status).toBe(200);
    await server.running.database.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, key.id));
    const res = await server.rest("/users/me", bearer(key.key));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "UNAUTHORIZED", message: "Invalid, expired or revoked API key" });
  });

  it("stops working when its owner is disabled (401)", async () => {
    const admin = await loginAdmin(server);
    const { tokens, user } = await signUp(server);
    const key = await createApiKey(server, tokens.accessToken, { scopes: ["tasks:read"] });
    await server.rest(`/users/${user.id}`, json("PATCH", { disabled: true }, admin.accessToken));
    expect((await server.rest("/users/me", bearer(key.key))).status).toBe(401);
  });

  it("refuses an unknown key that looks like one (401)", async () => {
    expect((await server.rest("/users/me", bearer("cad_deadbeef_notarealsecret"))).status).toBe(401);
  });

  it("cannot revoke someone else's key (404, like a missing one)", async () => {
    const owner = await signUp(server);
    const other = await signUp(server);
    const key = await createApiKey(server, owner.tokens.accessToken, { scopes: ["tasks:read"] });
    expect((await server.rest(`/api-keys/${key.id}`, bearer(other.tokens.accessToken, { method: "DELETE" }))).status).toBe(404);
    expect((await server.rest("/users/me", bearer(key.key))).status).toBe(200);
  });

  it("works over tRPC, and a key is refused key management there too", async () => {
    const { tokens } = await signUp(server);
    const client = server.trpc(tokens.accessToken);
    const created = await client.apiKeys.create.mutate({ name: "trpc", scopes: ["projects:read"] });
    expect((await client.apiKeys.list.query()).map((key) => key.id)).toEqual([created.id]);
    expect(await trpcError(server.trpc(created.key).apiKeys.list.query())).toMatchObject({ code: "FORBIDDEN" });
    await client.apiKeys.revoke.mutate({ id: created.id });
    expect(await client.apiKeys.list.query()).toEqual([]);
  });
});
