import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json, login, register, signUp, uniqueName, type TokenPair, type UserJson } from "./support/auth.js";
import { startTestServer, TEST_ADMIN, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

let server: TestServer;
let admin: TokenPair;
beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
});
afterAll(() => server.close());

describe("/api/v1/users/me", () => {
  it("GET answers the caller's User, 401 without a token", async () => {
    const { tokens, user } = await signUp(server);
    const res = await server.rest("/users/me", bearer(tokens.accessToken));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(user);
    const anonymous = await server.rest("/users/me");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ code: "UNAUTHORIZED", message: "Authentication required" });
  });

  it("PATCH changes name and email and bumps updatedAt", async () => {
    const { tokens, user } = await signUp(server);
    const email = `${uniqueName("changed")}@example.com`;
    const res = await server.rest("/users/me", json("PATCH", { name: "Renamed", email }, tokens.accessToken));
    expect(res.status).toBe(200);
    const updated = (await res.json()) as UserJson;
    expect(updated).toMatchObject({ id: user.id, name: "Renamed", email, username: user.username, role: "user" });
    expect(updated.updatedAt > user.updatedAt).toBe(true);
    const cleared = await server.rest("/users/me", json("PATCH", { name: null }, tokens.accessToken));
    expect(((await cleared.json()) as UserJson).name).toBeNull();
  });

  it("GET answers exactly what the last PATCH answered, timestamps to the millisecond, on both surfaces", async () => {
    // users.me reads the caller from the identity check's query (timestamps formatted by SQL), the PATCH from the
    // written row (formatted in JS): the two must agree.
    const { tokens } = await signUp(server);
    const patched = (await (await server.rest("/users/me", json("PATCH", { name: "Same on every path" }, tokens.accessToken))).json()) as UserJson;
    expect(patched.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await (await server.rest("/users/me", bearer(tokens.accessToken))).json()).toEqual(patched);
    const trpc = await fetch(`${server.url}/trpc/users.me`, bearer(tokens.accessToken));
    expect(((await trpc.json()) as { result: { data: UserJson } }).result.data).toEqual(patched);
  });

  it("PATCH refuses any other field, an empty body, and an email someone else has", async () => {
    const { tokens } = await signUp(server);
    const other = await register(server);
    for (const body of [{ role: "admin" }, { username: "hijack" }, { disabled: true }, {}]) {
      const res = await server.rest("/users/me", json("PATCH", body, tokens.accessToken));
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const taken = await server.rest("/users/me", json("PATCH", { email: other.user.email.toUpperCase() }, tokens.accessToken));
    expect(taken.status).toBe(409);
    expect(((await (await server.rest("/users/me", bearer(tokens.accessToken))).json()) as UserJson).role).toBe("user");
  });

  it("POST /users/me/password answers 204, revokes every session and the new password logs in", async () => {
    const { tokens, user, password } = await signUp(server);
    const second = await login(server, user.username, password);
    const res = await server.rest("/users/me/password", json("POST", { currentPassword: password, newPassword: "a-new-password" }, tokens.accessToken));
    expect(res.status).toBe(204);
    for (const pair of [tokens, second]) {
      expect((await server.rest("/users/me", bearer(pair.accessToken))).status).toBe(401);
      expect((await server.rest("/auth/refresh", json("POST", { refreshToken: pair.refreshToken }))).status).toBe(401);
    }
    expect((await server.rest("/auth/login", json("POST", { username: user.username, password }))).status).toBe(401);
    await login(server, user.username, "a-new-password");
  });

  it("refuses a wrong current password with 400 and changes nothing", async () => {
    const { tokens, user, password } = await signUp(server);
    const res = await server.rest("/users/me/password", json("POST", { currentPassword: "wrong-one", newPassword: "a-new-password" }, tokens.accessToken));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: "BAD_REQUEST", message: "The current password is incorrect" });
    expect((await server.rest("/users/me", bearer(tokens.accessToken))).status).toBe(200);
    await login(server, user.username, password);
  });

  it("works over tRPC", async () => {
    const { tokens, user } = await signUp(server);
    const client = server.trpc(tokens.accessToken);
    expect((await client.users.me.query()).id).toBe(user.id);
    expect((await client.users.updateMe.mutate({ name: "Via tRPC" })).name).toBe("Via tRPC");
    expect(await trpcError(server.trpc().users.me.query())).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
  });
});

describe("admin: /api/v1/users", () => {
  it("lists users in pages with totals, and filters by q", async () => {
    const tag = uniqueName("findme");
    for (let i = 0; i < 3; i++) await register(server, { username: `${tag}_${i}`, email: `${tag}_${i}@example.com` });
    const res = await server.rest(`/users?q=${tag}&perPage=2&page=1`, bearer(admin.accessToken));
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: UserJson[]; page: number; perPage: number; total: number; totalPages: number };
    expect(page).toMatchObject({ page: 1, perPage: 2, total: 3, totalPages: 2 });
    expect(page.items).toHaveLength(2);
    const second = (await (await server.rest(`/users?q=${tag.toUpperCase()}&perPage=2&page=2`, bearer(admin.accessToken))).json()) as typeof page;
    expect(second.items).toHaveLength(1);
    const names = [...page.items, ...second.items].map((user) => user.username).sort();
    expect(names).toEqual([`${tag}_0`, `${tag}_1`, `${tag}_2`]);
  });

  it("defaults to page 1 of 20", async () => {
    const page = (await (await server.rest("/users", bearer(admin.accessToken))).json()) as { page: number; perPage: number };
    expect(page).toMatchObject({ page: 1, perPage: 20 });
  });

  it.each(["page=0", "perPage=0", "perPage=101", "page=abc", "page=1.5"])("rejects %s with 400", async (query) => {
    const res = await server.rest(`/users?${query}`, bearer(admin.accessToken));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("BAD_REQUEST");
  });

  it("answers 403 FORBIDDEN to a non-admin and 401 to nobody", async () => {
    const { tokens, user } = await signUp(server);
    for (const [method, path] of [["GET", "/users"], ["GET", `/users/${user.id}`], ["PATCH", `/users/${user.id}`]] as const) {
      const init = method === "PATCH" ? json("PATCH", { role: "admin" }, tokens.accessToken) : bearer(tokens.accessToken);
      const res = await server.rest(path, init);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toEqual({ code: "FORBIDDEN", message: "Admin role required" });
      expect((await server.rest(path, { method })).status).toBe(401);
    }
  });

  it("GET /users/{id} answers the User, 404 for a missing id, 400 for a malformed one", async () => {
    const { user } = await register(server);
    const found = await server.rest(`/users/${user.id}`, bearer(admin.accessToken));
    expect(await found.json()).toEqual(user);
    const missing = await server.rest("/users/00000000-0000-4000-8000-000000000000", bearer(admin.accessToken));
    expect(missing.status).toBe(404);
    expect((await server.rest("/users/not-a-uuid", bearer(admin.accessToken))).status).toBe(400);
  });

  it("PATCH /users/{id} promotes to admin, and the new role applies at once", async () => {
    const { tokens, user } = await signUp(server);
    const res = await server.rest(`/users/${user.id}`, json("PATCH", { role: "admin" }, admin.accessToken));
    expect(res.status).toBe(200);
    expect(((await res.json()) as UserJson).role).toBe("admin");
    // The old token still says role "user"; the database decides.
    expect((await server.rest("/users", bearer(tokens.accessToken))).status).toBe(200);
    await server.rest(`/users/${user.id}`, json("PATCH", { role: "user" }, admin.accessToken));
    expect((await server.rest("/users", bearer(tokens.accessToken))).status).toBe(403);
  });

  it("disabling revokes sessions: the access token fails on the next request and login is refused", async () => {
    const { tokens, user, password } = await signUp(server);
    expect((await server.rest("/users/me", bearer(tokens.accessToken))).status).toBe(200);
    const res = await server.rest(`/users/${user.id}`, json("PATCH", { disabled: true }, admin.accessToken));
    expect(((await res.json()) as UserJson).disabled).toBe(true);
    expect((await server.rest("/users/me", bearer(tokens.accessToken))).status).toBe(401);
    expect((await server.rest("/auth/refresh", json("POST", { refreshToken: tokens.refreshToken }))).status).toBe(401);
    expect((await server.rest("/auth/login", json("POST", { username: user.username, password }))).status).toBe(401);
    await server.rest(`/users/${user.id}`, json("PATCH", { disabled: false }, admin.accessToken));
    await login(server, user.username, password);
  });

  it("refuses an empty change, unknown fields, and demoting the last admin", async () => {
    const { user } = await register(server);
    expect((await server.rest(`/users/${user.id}`, json("PATCH", {}, admin.accessToken))).status).toBe(400);
    expect((await server.rest(`/users/${user.id}`, json("PATCH", { email: "x@example.com" }, admin.accessToken))).status).toBe(400);
    const me = (await (await server.rest("/users/me", bearer(admin.accessToken))).json()) as UserJson;
    const demote = await server.rest(`/users/${me.id}`, json("PATCH", { role: "user" }, admin.accessToken));
    expect(demote.status).toBe(409);
    expect(me.username).toBe(TEST_ADMIN.username);
  });

  it("works over tRPC", async () => {
    const { user } = await register(server);
    const client = server.trpc(admin.accessToken);
    expect((await client.users.get.query({ id: user.id })).email).toBe(user.email);
    expect((await client.users.list.query({ q: user.username })).total).toBe(1);
    const { tokens } = await signUp(server);
    expect(await trpcError(server.trpc(tokens.accessToken).users.list.query({}))).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
  });
});
