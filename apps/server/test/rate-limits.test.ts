import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, register, signUp, uniqueName } from "./support/auth.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

const LIMITS = {
  RATE_LIMIT_LOGIN: "3/1m",
  RATE_LIMIT_REGISTER: "2/1h",
  RATE_LIMIT_REFRESH: "2/1m",
  RATE_LIMIT_REQUESTS: "4/1m",
};

function headersOf(res: Response) {
  return {
    limit: res.headers.get("ratelimit-limit"),
    remaining: res.headers.get("ratelimit-remaining"),
    reset: Number(res.headers.get("ratelimit-reset")),
    retryAfter: res.headers.get("retry-after"),
  };
}

async function expectLimited(res: Response, limit: number) {
  expect(res.status).toBe(429);
  const body = (await res.json()) as { code: string; message: string };
  expect(body.code).toBe("TOO_MANY_REQUESTS");
  expect(body.message).toMatch(/^Too many requests; retry in \d+ s$/);
  const headers = headersOf(res);
  expect(headers).toMatchObject({ limit: String(limit), remaining: "0" });
  expect(Number(headers.retryAfter)).toBeGreaterThan(0);
  expect(headers.reset).toBeGreaterThan(0);
}

describe("register: 2 per hour per IP here", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...LIMITS });
  });
  afterAll(() => server.close());

  it("counts down in RateLimit headers, then answers 429 with Retry-After", async () => {
    const attempt = () => {
      const username = uniqueName();
      return server.rest("/auth/register", json("POST", { email: `${username}@example.com`, username, password: "password-123" }));
    };
    const first = await attempt();
    expect(first.status).toBe(201);
    expect(headersOf(first)).toMatchObject({ limit: "2", remaining: "1", retryAfter: null });
    expect(headersOf(first).reset).toBeGreaterThan(3500);
    expect(headersOf(await attempt())).toMatchObject({ remaining: "0" });
    await expectLimited(await attempt(), 2);
  });
});

describe("failed logins: 3 per minute per (IP, username) here", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...LIMITS, RATE_LIMIT_REGISTER: "100/1h" });
  });
  afterAll(() => server.close());

  it("blocks a username after 3 failures, even with the right password, but not other usernames", async () => {
    const { user, password } = await register(server);
    const other = await register(server);
    for (let i = 0; i < 3; i++) {
      const res = await server.rest("/auth/login", json("POST", { username: user.username, password: "wrong-password" }));
      expect(res.status).toBe(401);
      expect(headersOf(res)).toMatchObject({ limit: "3", remaining: String(2 - i) });
    }
    await expectLimited(await server.rest("/auth/login", json("POST", { username: user.username, password })), 3);
    expect((await server.rest("/auth/login", json("POST", { username: other.user.username, password: other.password }))).status).toBe(200);
  });

  it("counts parallel guesses before checking them, so no more than the limit are tried", async () => {
    const { user } = await register(server);
    const guesses = Array.from({ length: 12 }, (_, i) => server.rest("/auth/login", json("POST", { username: user.username, password: `guess-${i}` })));
    const statuses = (await Promise.all(guesses)).map((res) => res.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
  });

  it("answers for an account's email after failures as its username exactly as for an email nobody has", async () => {
    const victim = await register(server);
    for (let i = 0; i < 3; i++) await server.rest("/auth/login", json("POST", { username: victim.user.username, password: "wrong-password" }));
    const answer = async (username: string) => {
      const res = await server.rest("/auth/login", json("POST", { username, password: "wrong-password" }));
      return { status: res.status, limit: headersOf(res).limit, remaining: headersOf(res).remaining, body: await res.json() };
    };
    const linked = await answer(victim.user.email);
    expect(linked).toEqual(await answer(`${uniqueName("nobody")}@example.com`));
    expect(linked.status).toBe(401);
  });

  it("gives each name as sent (case aside) its own allowance: an account's username and email get one each", async () => {
    const { user } = await register(server);
    const attempt = (username: string) => server.rest("/auth/login", json("POST", { username, password: "wrong-password" }));
    for (let i = 0; i < 3; i++) expect((await attempt(user.username)).status).toBe(401);
    await expectLimited(await attempt(user.username.toUpperCase()), 3);
    for (let i = 0; i < 3; i++) expect((await attempt(user.email)).status).toBe(401);
    await expectLimited(await attempt(user.email.toUpperCase()), 3);
  });

  it("clears the failure count after a successful login", async () => {
    const { user, password } = await register(server);
    for (let i = 0; i < 2; i++) await server.rest("/auth/login", json("POST", { username: user.username, password: "wrong-password" }));
    expect((await server.rest("/auth/login", json("POST", { username: user.username, password }))).status).toBe(200);
    const after = await server.rest("/auth/login", json("POST", { username: user.username, password: "wrong-password" }));
    expect(headersOf(after)).toMatchObject({ remaining: "2" });
  });

  it("answers TOO_MANY_REQUESTS over tRPC too", async () => {
    const { user } = await register(server);
    for (let i = 0; i < 3; i++) await server.rest("/auth/login", json("POST", { username: user.username, password: "wrong-password" }));
    expect(await trpcError(server.trpc().auth.login.mutate({ username: user.username, password: "wrong-password" }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      httpStatus: 429,
    });
  });
});

describe("refresh: 2 per minute per IP here", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...LIMITS, RATE_LIMIT_REGISTER: "100/1h" });
  });
  afterAll(() => server.close());

  it("answers 429 on the third refresh", async () => {
    const { tokens } = await signUp(server);
    const first = await server.rest("/auth/refresh", json("POST", { refreshToken: tokens.refreshToken }));
    expect(first.status).toBe(200);
    const { refreshToken } = (await first.json()) as { refreshToken: string };
    expect((await server.rest("/auth/refresh", json("POST", { refreshToken }))).status).toBe(200);
    await expectLimited(await server.rest("/auth/refresh", json("POST", { refreshToken: "x" })), 2);
  });
});

describe("any other request: 4 per minute per identity here", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...LIMITS, RATE_LIMIT_REGISTER: "100/1h" });
  });
  afterAll(() => server.close());

  it("limits each identity separately and answers 429 with Retry-After", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    for (let i = 0; i < 4; i++) {
      const res = await server.rest("/users/me", bearer(alice.tokens.accessToken));
      expect(res.status).toBe(200);
      expect(headersOf(res)).toMatchObject({ limit: "4", remaining: String(3 - i) });
    }
    await expectLimited(await server.rest("/users/me", bearer(alice.tokens.accessToken)), 4);
    expect((await server.rest("/users/me", bearer(bob.tokens.accessToken))).status).toBe(200);
    expect(await trpcError(server.trpc(alice.tokens.accessToken).users.me.query())).toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("never limits health and readiness, and sends them no RateLimit headers", async () => {
    for (let i = 0; i < 10; i++) {
      for (const path of ["/health", "/ready"]) {
        const res = await server.rest(path);
        expect(res.status).toBe(200);
        expect(res.headers.get("ratelimit-limit")).toBeNull();
      }
    }
  });
});

describe("client IP and TRUST_PROXY", () => {
  const attempt = (server: TestServer, forwardedFor: string) => {
    const username = uniqueName();
    return server.rest("/auth/register", {
      ...json("POST", { email: `${username}@example.com`, username, password: "password-123" }),
      headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    });
  };

  it("ignores X-Forwarded-For unless TRUST_PROXY is set", async () => {
    const server = await startTestServer({ ...LIMITS, RATE_LIMIT_REGISTER: "1/1h" });
    try {
      expect((await attempt(server, "10.0.0.1")).status).toBe(201);
      expect((await attempt(server, "10.0.0.2")).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it("limits per forwarded client when TRUST_PROXY=1", async () => {
    const server = await startTestServer({ ...LIMITS, RATE_LIMIT_REGISTER: "1/1h", TRUST_PROXY: "1" });
    try {
      expect((await attempt(server, "10.0.0.1")).status).toBe(201);
      expect((await attempt(server, "10.0.0.2")).status).toBe(201);
      expect((await attempt(server, "10.0.0.1")).status).toBe(429);
      // A client cannot escape by prepending its own entry: the proxy's (rightmost) one counts.
      expect((await attempt(server, "1.2.3.4, 10.0.0.2")).status).toBe(429);
    } finally {
      await server.close();
    }
  });
});

describe("RATE_LIMIT_STORE=postgres", () => {
  it("shares one limit between two instances on the same database", async () => {
    const env = { ...LIMITS, RATE_LIMIT_STORE: "postgres", RATE_LIMIT_REGISTER: "100/1h" };
    const first = await startTestServer(env);
    const second = await startTestServer(env, { shareDatabaseWith: first });
    try {
      const { tokens } = await signUp(first);
      const statuses: number[] = [];
      for (const instance of [first, second, first, second, first]) {
        statuses.push((await instance.rest("/users/me", bearer(tokens.accessToken))).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
    } finally {
      await second.running.stop();
      await first.close();
    }
  });
});
