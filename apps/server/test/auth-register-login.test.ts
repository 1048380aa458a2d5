import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, register, uniqueName, type UserJson } from "./support/auth.js";
import { trpcError } from "./support/trpc-error.js";
import { startTestServer, TEST_ADMIN, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const USER_KEYS = ["createdAt", "disabled", "email", "id", "name", "role", "updatedAt", "username"];

describe("POST /api/v1/auth/register", () => {
  it("creates an account and answers 201 with the User, never a hash", async () => {
    const username = uniqueName("New_User");
    const res = await server.rest("/auth/register", json("POST", { email: `${username}@Example.com`, username, password: "password-123", name: "New User" }));
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toMatch(/argon2|hash|password/i);
    const user = JSON.parse(text) as UserJson;
    expect(Object.keys(user).sort()).toEqual(USER_KEYS);
    expect(user).toMatchObject({ username: username.toLowerCase(), name: "New User", role: "user", disabled: false });
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
  });

  it("rejects missing fields with 400 and one issue per field", async () => {
    const res = await server.rest("/auth/register", json("POST", {}));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; issues: { path: string; message: string }[] };
    expect(body.code).toBe("BAD_REQUEST");
    expect(body.issues.map((issue) => issue.path).sort()).toEqual(["email", "password", "username"]);
  });

  it.each([
    ["a malformed email", { email: "not-an-email" }, "email"],
    ["a short password", { password: "short" }, "password"],
    ["a password over 128 characters", { password: "x".repeat(129) }, "password"],
    ["a username with spaces", { username: "no spaces" }, "username"],
    ["a two-letter username", { username: "ab" }, "username"],
    ["a name over 100 characters", { name: "n".repeat(101) }, "name"],
    ["an unknown field", { role: "admin" }, ""],
  ])("rejects %s with 400", async (_what, override, path) => {
    const username = uniqueName();
    const res = await server.rest(
      "/auth/register",
      json("POST", { email: `${username}@example.com`, username, password: "password-123", ...override }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { path: string }[] };
    expect(body.issues.map((issue) => issue.path)).toContain(path);
  });

  it("answers 409 CONFLICT for a taken username, in any case", async () => {
    const { user } = await register(server);
    const res = await server.rest(
      "/auth/register",
      json("POST", { email: `other_${user.username}@example.com`, username: user.username.toUpperCase(), password: "password-123" }),
    );
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ code: "CONFLICT", message: "That username is taken" });
  });

  it("answers 409 CONFLICT for a taken email, compared case-insensitively", async () => {
    const { user } = await register(server);
    const res = await server.rest(
      "/auth/register",
      json("POST", { email: user.email.toUpperCase(), username: uniqueName(), password: "password-123" }),
    );
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ code: "CONFLICT", message: "That email is already registered" });
  });

  it("answers 415 for a body that is not JSON", async () => {
    const textBody = await server.rest("/auth/register", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    expect(textBody.status).toBe(415);
    expect(await textBody.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    const broken = await server.rest("/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(broken.status).toBe(415);
  });

  it("accepts a JSON content type with a charset", async () => {
    const username = uniqueName();
    const res = await server.rest("/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ email: `${username}@example.com`, username, password: "password-123" }),
    });
    expect(res.status).toBe(201);
  });

  it("works over tRPC with the same rules", async () => {
    const username = uniqueName();
    const user = await server.trpc().auth.register.mutate({ email: `${username}@example.com`, username, password: "password-123" });
    expect(user.username).toBe(username);
    const duplicate = await trpcError(server.trpc().auth.register.mutate({ email: `x${username}@example.com`, username, password: "password-123" }));
    expect(duplicate).toMatchObject({ code: "CONFLICT", httpStatus: 409 });
    const invalid = await trpcError(server.trpc().auth.register.mutate({ email: "nope", username, password: "password-123" }));
    expect(invalid.code).toBe("BAD_REQUEST");
    expect(invalid.issues?.map((issue) => issue.path)).toEqual(["email"]);
  });
});

describe("POST /api/v1/auth/login", () => {
  it("answers 200 with a bearer token pair, by username or by email", async () => {
    const { user, password } = await register(server);
    for (const username of [user.username, user.email.toUpperCase()]) {
      const res = await server.rest("/auth/login", json("POST", { username, password }));
      expect(res.status).toBe(200);
      const pair = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(pair).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "tokenType"]);
      expect(pair).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
      expect(pair.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    }
  });

  it("answers 401 with one and the same message for a wrong password, an unknown user and a disabled account", async () => {
    const { user, password } = await register(server);
    const disabled = await register(server);
    const adminTokens = await server.trpc().auth.login.mutate({ username: TEST_ADMIN.username, password: TEST_ADMIN.password });
    await server.trpc(adminTokens.accessToken).users.update.mutate({ id: disabled.user.id, disabled: true });

    const attempts = [
      { username: user.username, password: `${password}-wrong` },
      { username: uniqueName("ghost"), password },
      { username: disabled.user.username, password: disabled.password },
    ];
    const bodies = [];
    for (const attempt of attempts) {
      const res = await server.rest("/auth/login", json("POST", attempt));
      expect(res.status).toBe(401);
      bodies.push(await res.json());
    }
    expect(bodies).toEqual(Array(3).fill({ code: "UNAUTHORIZED", message: "Invalid username or password" }));
  });

  it("rejects missing fields with 400", async () => {
    const res = await server.rest("/auth/login", json("POST", { username: "someone" }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: { path: string }[] }).issues).toEqual([expect.objectContaining({ path: "password" })]);
  });

  it("works over tRPC, and a wrong password is UNAUTHORIZED", async () => {
    const { user, password } = await register(server);
    const pair = await server.trpc().auth.login.mutate({ username: user.username, password });
    expect(pair.tokenType).toBe("Bearer");
    const me = await server.trpc(pair.accessToken).users.me.query();
    expect(me.id).toBe(user.id);
    expect(await trpcError(server.trpc().auth.login.mutate({ username: user.username, password: "wrong-password" }))).toMatchObject({
      code: "UNAUTHORIZED",
      httpStatus: 401,
    });
  });
});
