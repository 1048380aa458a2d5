import { DEMO_ACCOUNT } from "@cadence/api";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../src/config/env.js";
import { json } from "./support/auth.js";
import { startTestServer, TEST_ADMIN } from "./support/server.js";

const loginStatus = async (server: Awaited<ReturnType<typeof startTestServer>>, username: string, password: string) =>
  (await server.rest("/auth/login", json("POST", { username, password }))).status;

describe("bootstrap and demo data", () => {
  it("creates the ADMIN_EMAIL admin once, and seeds the demo account when asked", async () => {
    const server = await startTestServer({ SEED_DEMO: "true", ADMIN_USERNAME: "root" });
    try {
      expect(await loginStatus(server, "root", TEST_ADMIN.password)).toBe(200);
      expect(await loginStatus(server, DEMO_ACCOUNT.username, DEMO_ACCOUNT.password)).toBe(200);
      const demo = server.trpc((await server.trpc().auth.login.mutate({ username: DEMO_ACCOUNT.username, password: DEMO_ACCOUNT.password })).accessToken);
      const [project] = (await demo.projects.list.query({})).items;
      expect(project?.name).toBe("Demo project");
      expect((await demo.tasks.list.query({ projectId: project?.id ?? "" })).total).toBe(4);
      expect((await demo.tasks.listMine.query({})).total).toBe(2);
      const again = await startTestServer({ SEED_DEMO: "true", ADMIN_USERNAME: "root" }, { shareDatabaseWith: server });
      // stop(), not just the HTTP server: it also stops this instance's job workers (the database stays open, it is shared).
      await again.running.stop();
      const page = await server.trpc((await server.trpc().auth.login.mutate({ username: "root", password: TEST_ADMIN.password })).accessToken).users.list.query({});
      expect(page.items.filter((user) => user.email === TEST_ADMIN.email)).toHaveLength(1);
      expect(page.items.filter((user) => user.username === DEMO_ACCOUNT.username)).toHaveLength(1);
      expect(page.items.find((user) => user.username === "root")?.role).toBe("admin");
    } finally {
      await server.close();
    }
  });

  it("starts several instances at once on one database: each starts, with one admin and one demo account", async () => {
    const first = await startTestServer();
    const env = { SEED_DEMO: "true", ADMIN_EMAIL: "ops@test.local", ADMIN_USERNAME: "ops" };
    try {
      const started = await Promise.allSettled([1, 2, 3].map(() => startTestServer(env, { shareDatabaseWith: first })));
      for (const instance of started) if (instance.status === "fulfilled") await instance.value.close();
      expect(started.map((instance) => (instance.status === "rejected" ? String(instance.reason) : "started"))).toEqual(["started", "started", "started"]);
      const admin = first.trpc((await first.trpc().auth.login.mutate({ username: "ops", password: TEST_ADMIN.password })).accessToken);
      const users = (await admin.users.list.query({ perPage: 100 })).items;
      expect(users.filter((user) => user.username === "ops")).toHaveLength(1);
      expect(users.filter((user) => user.username === DEMO_ACCOUNT.username)).toHaveLength(1);
    } finally {
      await first.close();
    }
  });

  it("seeds no demo data unless asked (tests, real PostgreSQL, production)", async () => {
    const server = await startTestServer();
    try {
      expect(await loginStatus(server, DEMO_ACCOUNT.username, DEMO_ACCOUNT.password)).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe("identity configuration", () => {
  const secret = "s".repeat(32);

  it("refuses to start in production without a JWT secret", () => {
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(/JWT_SECRET: is required in production/);
    expect(loadEnv({ NODE_ENV: "production", JWT_SECRET: secret }).NODE_ENV).toBe("production");
  });

  it("refuses a JWT secret shorter than 32 bytes, in every environment", () => {
    expect(() => loadEnv({ JWT_SECRET: "short" })).toThrow(/JWT_SECRET: must be at least 32 bytes/);
  });

  it("parses a key set for rotation, oldest first, and refuses weak or duplicate keys", () => {
    expect(loadEnv({ JWT_KEYS: `a:${secret},b:${secret}` }).JWT_KEYS?.map((key) => key.kid)).toEqual(["a", "b"]);
    expect(() => loadEnv({ JWT_KEYS: "a:short" })).toThrow(/JWT_KEYS: the secret of key "a" must be at least 32 bytes/);
    expect(() => loadEnv({ JWT_KEYS: `a:${secret},a:${secret}` })).toThrow(/JWT_KEYS: kids must be unique/);
    expect(() => loadEnv({ JWT_KEYS: `a:${secret}`, JWT_SECRET: secret })).toThrow(/JWT_KEYS: set JWT_SECRET or JWT_KEYS/);
  });

  it("parses token lifetimes and rate limits, and names a bad one", () => {
    const env = loadEnv({ ACCESS_TOKEN_TTL: "5m", REFRESH_TOKEN_TTL: "30d", RATE_LIMIT_LOGIN: "10/30s" });
    expect(env).toMatchObject({ ACCESS_TOKEN_TTL: 300, REFRESH_TOKEN_TTL: 2_592_000, RATE_LIMIT_LOGIN: { points: 10, durationSeconds: 30 } });
    expect(loadEnv({}).REFRESH_TOKEN_TTL).toBe(7 * 86_400);
    expect(() => loadEnv({ ACCESS_TOKEN_TTL: "soon" })).toThrow(/ACCESS_TOKEN_TTL: /);
    expect(() => loadEnv({ RATE_LIMIT_REQUESTS: "lots" })).toThrow(/RATE_LIMIT_REQUESTS: /);
    expect(() => loadEnv({ RATE_LIMIT_STORE: "redis" })).toThrow(/RATE_LIMIT_STORE: /);
  });

  it("requires ADMIN_EMAIL and ADMIN_PASSWORD together and never seeds demo data in production", () => {
    expect(() => loadEnv({ ADMIN_EMAIL: "a@example.com" })).toThrow(/ADMIN_PASSWORD: /);
    expect(() => loadEnv({ NODE_ENV: "production", JWT_SECRET: secret, SEED_DEMO: "true" })).toThrow(/SEED_DEMO: /);
  });
});
