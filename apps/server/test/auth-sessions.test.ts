import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, login, signUp, type TokenPair } from "./support/auth.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const refresh = (refreshToken: string) => server.rest("/auth/refresh", json("POST", { refreshToken }));
const me = (accessToken: string) => server.rest("/users/me", bearer(accessToken));

describe("POST /api/v1/auth/refresh", () => {
  it("answers 200 with a new pair and the new access token works", async () => {
    const { tokens, user } = await signUp(server);
    const res = await refresh(tokens.refreshToken);
    expect(res.status).toBe(200);
    const next = (await res.json()) as TokenPair;
    expect(next).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(((await (await me(next.accessToken)).json()) as { id: string }).id).toBe(user.id);
  });

  it("refuses an access token in place of a refresh token with 401", async () => {
    const { tokens } = await signUp(server);
    const res = await refresh(tokens.accessToken);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "UNAUTHORIZED", message: "Invalid or expired refresh token" });
  });

  it("refuses an invalid token with 401 and a missing one with 400", async () => {
    expect((await refresh("not-a-real-token")).status).toBe(401);
    expect((await server.rest("/auth/refresh", json("POST", {}))).status).toBe(400);
  });

  it("revokes the whole session when a rotated token is presented again", async () => {
    const { tokens } = await signUp(server);
    const second = (await (await refresh(tokens.refreshToken)).json()) as TokenPair;
    const third = (await (await refresh(second.refreshToken)).json()) as TokenPair;

    const replay = await refresh(tokens.refreshToken);
    expect(replay.status).toBe(401);
    // Every token descended from that login is dead now, including the newest pair.
    expect((await refresh(third.refreshToken)).status).toBe(401);
    expect((await me(third.accessToken)).status).toBe(401);
    expect((await me(tokens.accessToken)).status).toBe(401);
  });

  it("leaves the user's other sessions alone when one session is revoked for reuse", async () => {
    const { tokens, user, password } = await signUp(server);
    const other = await login(server, user.username, password);
    await refresh(tokens.refreshToken);
    await refresh(tokens.refreshToken);
    expect((await me(other.accessToken)).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it("lets exactly one of two concurrent refreshes of the same token win", async () => {
    const { tokens } = await signUp(server);
    const statuses = (await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)])).map((res) => res.status);
    expect(statuses.sort()).toEqual([200, 401]);
  });

  it("works over tRPC, and reuse is UNAUTHORIZED", async () => {
    const { tokens } = await signUp(server);
    const next = await server.trpc().auth.refresh.mutate({ refreshToken: tokens.refreshToken });
    expect(next.tokenType).toBe("Bearer");
    expect(await trpcError(server.trpc().auth.refresh.mutate({ refreshToken: tokens.refreshToken }))).toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});

describe("POST /api/v1/auth/logout", () => {
  it("answers 204 and revokes that session: refresh and access token stop working", async () => {
    const { tokens } = await signUp(server);
    const res = await server.rest("/auth/logout", json("POST", { refreshToken: tokens.refreshToken }));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
    expect((await me(tokens.accessToken)).status).toBe(401);
  });

  it("refuses an access token on the very next request after logout, though the token was just used", async () => {
    const { tokens } = await signUp(server);
    expect((await me(tokens.accessToken)).status).toBe(200);
    expect((await server.trpc(tokens.accessToken).users.me.query()).id).toBeTruthy();
    expect((await server.rest("/auth/logout", json("POST", { refreshToken: tokens.refreshToken }))).status).toBe(204);
    expect((await me(tokens.accessToken)).status).toBe(401);
    expect(await trpcError(server.trpc(tokens.accessToken).users.me.query())).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("answers 401 for a token it does not know", async () => {
    const res = await server.rest("/auth/logout", json("POST", { refreshToken: "unknown-token" }));
    expect(res.status).toBe(401);
  });

  it("works over tRPC", async () => {
    const { tokens } = await signUp(server);
    await server.trpc().auth.logout.mutate({ refreshToken: tokens.refreshToken });
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
  });
});
