import { randomUUID } from "node:crypto";
import { idempotencyKeys } from "@cadence/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgeExpiredIdempotencyKeys } from "@cadence/api";
import { bearer, createApiKey, json, signUp } from "./support/auth.js";
import { addMember, createProject } from "./support/domain.js";
import { runMaintenance } from "./support/jobs.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A JSON POST carrying an Idempotency-Key. */
function keyed(body: unknown, token: string, key: string): RequestInit {
  const init = json("POST", body, token);
  return { ...init, headers: { ...(init.headers as Record<string, string>), "idempotency-key": key } };
}

async function answer(res: Response) {
  return { status: res.status, body: await res.text(), location: res.headers.get("location"), replayed: res.headers.get("idempotent-replayed") };
}

async function projectCount(token: string): Promise<number> {
  const page = (await (await server.rest("/projects?perPage=100", bearer(token))).json()) as { total: number };
  return page.total;
}

async function auditCount(token: string, projectId: string, action: string): Promise<number> {
  const res = await server.rest(`/audit-events?projectId=${projectId}&action=${action}&perPage=100`, bearer(token));
  expect(res.status).toBe(200);
  return ((await res.json()) as { total: number }).total;
}

describe("Idempotency-Key on creates", () => {
  it("replays a retried create with the identical response and Idempotent-Replayed, creating and auditing once", async () => {
    const { tokens } = await signUp(server);
    const key = randomUUID();
    const first = await answer(await server.rest("/projects", keyed({ name: "Once" }, tokens.accessToken, key)));
    // The retry sends the same request with its fields in another order: the same request all the same.
    const retry = await answer(await server.rest("/projects", keyed({ name: "Once" }, tokens.accessToken, `"${key}"`)));
    expect(first).toMatchObject({ status: 201, replayed: null });
    expect(retry).toEqual({ ...first, replayed: "true" });
    expect(await projectCount(tokens.accessToken)).toBe(1);
    const project = JSON.parse(first.body) as { id: string };
    expect(await auditCount(tokens.accessToken, project.id, "project.create")).toBe(1);
  });

  it("replays a task create, path parameter included, and writes one task and one audit event", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const key = randomUUID();
    const body = { title: "Ship", tags: ["a", "b"], priority: "high" };
    const first = await answer(await server.rest(`/projects/${project.id}/tasks`, keyed(body, tokens.accessToken, key)));
    const retry = await answer(await server.rest(`/projects/${project.id}/tasks`, keyed({ priority: "high", tags: ["a", "b"], title: "Ship" }, tokens.accessToken, key)));
    expect(first.status).toBe(201);
    expect(retry).toEqual({ ...first, replayed: "true" });
    const tasks = (await (await server.rest(`/projects/${project.id}/tasks`, bearer(tokens.accessToken))).json()) as { total: number };
    expect(tasks.total).toBe(1);
    expect(await auditCount(tokens.accessToken, project.id, "task.create")).toBe(1);
  });

  it("answers 422 to the same key with a different body, or on another operation, and creates nothing more", async () => {
    const { tokens } = await signUp(server);
    const key = randomUUID();
    expect((await server.rest("/projects", keyed({ name: "First" }, tokens.accessToken, key))).status).toBe(201);
    const other = await server.rest("/projects", keyed({ name: "Second" }, tokens.accessToken, key));
    expect(other.status).toBe(422);
    expect(await other.json()).toEqual({ code: "UNPROCESSABLE_CONTENT", message: expect.stringMatching(/different request/) as unknown });
    const project = (await (await server.rest("/projects", bearer(tokens.accessToken))).json()) as { items: { id: string }[] };
    const elsewhere = await server.rest(`/projects/${project.items[0]?.id ?? ""}/tasks`, keyed({ name: "First" }, tokens.accessToken, key));
    expect(elsewhere.status).toBe(422);
    expect(await projectCount(tokens.accessToken)).toBe(1);
  });

  it("scopes keys per caller: another user, or an API key of the same user, creates its own", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const apiKey = await createApiKey(server, alice.tokens.accessToken, { scopes: ["projects:write", "projects:read"] });
    const key = randomUUID();
    for (const token of [alice.tokens.accessToken, bob.tokens.accessToken, apiKey.key]) {
      const res = await server.rest("/projects", keyed({ name: "Shared key" }, token, key));
      expect(res.status).toBe(201);
      expect(res.headers.get("idempotent-replayed")).toBeNull();
    }
    expect(await projectCount(alice.tokens.accessToken)).toBe(2);
    expect(await projectCount(bob.tokens.accessToken)).toBe(1);
  });

  it("records nothing for a failed create: the retry with the same key runs again once it can succeed", async () => {
    const owner = await signUp(server);
    const member = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    const key = randomUUID();
    const path = `/projects/${project.id}/tasks`;
    expect((await server.rest(path, keyed({ title: "Later" }, member.tokens.accessToken, key))).status).toBe(404);
    await addMember(server, owner.tokens.accessToken, project.id, member.user.id);
    const retry = await server.rest(path, keyed({ title: "Later" }, member.tokens.accessToken, key));
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });

  it.each([
    ["empty", ""],
    ["empty when quoted", '""'],
    ["longer than 255 characters", "k".repeat(256)],
    ["not printable (a tab)", "key\twith-tab"],
  ])("refuses an Idempotency-Key that is %s with 400, creating nothing", async (_case, key) => {
    const { tokens } = await signUp(server);
    const res = await server.rest("/projects", keyed({ name: "Bad key" }, tokens.accessToken, key));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/^Idempotency-Key /);
    expect(await projectCount(tokens.accessToken)).toBe(0);
  });

  it("creates one row for concurrent duplicates: the others answer 409 or replay the first", async () => {
    const { tokens } = await signUp(server);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () => server.rest("/projects", keyed({ name: "Raced" }, tokens.accessToken, key)).then(answer)));
    const created = answers.filter((a) => a.status === 201);
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(created.filter((a) => a.replayed === null)).toHaveLength(1);
    expect(new Set(created.map((a) => a.body)).size).toBe(1);
    expect(await projectCount(tokens.accessToken)).toBe(1);
    // Once the first has finished, a retry replays it.
    expect((await answer(await server.rest("/projects", keyed({ name: "Raced" }, tokens.accessToken, key)))).replayed).toBe("true");
  });

  it("replays an API key's creation with its secret and no-store, keeping only an encrypted copy of the secret", async () => {
    const { tokens } = await signUp(server);
    const key = randomUUID();
    const body = { name: "ci", scopes: ["tasks:read"] };
    const first = await server.rest("/api-keys", keyed(body, tokens.accessToken, key));
    const retry = await server.rest("/api-keys", keyed(body, tokens.accessToken, key));
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("cache-control")).toBe("no-store");
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const created = (await first.json()) as { key: string };
    expect(await retry.json()).toEqual(created);
    const keys = (await (await server.rest("/api-keys", bearer(tokens.accessToken))).json()) as unknown[];
    expect(keys).toHaveLength(1);
    const [stored] = await server.running.database.db.select({ body: idempotencyKeys.responseBody }).from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(stored?.body).toMatch(/^sealed:/);
    expect(stored?.body).not.toContain(created.key);
  });

  it("replays over /trpc too, with Idempotent-Replayed", async () => {
    const { tokens } = await signUp(server);
    const key = randomUUID();
    const call = () =>
      fetch(`${server.url}/trpc/projects.create`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens.accessToken}`, "idempotency-key": key },
        body: JSON.stringify({ name: "Over tRPC" }),
      });
    const first = await call();
    const retry = await call();
    expect(first.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.text()).toBe(await first.text());
    expect(await projectCount(tokens.accessToken)).toBe(1);
  });

  it("forgets a key after 24 hours: the purge deletes it, and until then an expired key is a new key", async () => {
    const { tokens } = await signUp(server);
    const key = randomUUID();
    expect((await server.rest("/projects", keyed({ name: "Old" }, tokens.accessToken, key))).status).toBe(201);
    const { db } = server.running.database;
    await db.update(idempotencyKeys).set({ createdAt: sql`now() - interval '25 hours'` }).where(eq(idempotencyKeys.key, key));
    const reused = await server.rest("/projects", keyed({ name: "New" }, tokens.accessToken, key));
    expect(reused.status).toBe(201);
    expect(reused.headers.get("idempotent-replayed")).toBeNull();

    await db.update(idempotencyKeys).set({ createdAt: sql`now() - interval '25 hours'` }).where(eq(idempotencyKeys.key, key));
    const fresh = randomUUID();
    expect((await server.rest("/projects", keyed({ name: "Fresh" }, tokens.accessToken, fresh))).status).toBe(201);
    expect(await purgeExpiredIdempotencyKeys(db)).toBeGreaterThanOrEqual(1);
    const left = await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(sql`${idempotencyKeys.key} in (${key}, ${fresh})`);
    expect(left.map((row) => row.key)).toEqual([fresh]);
  });

  it("purges expired keys when the idempotency-purge job runs on the queue", async () => {
    const { tokens } = await signUp(server);
    const key = randomUUID();
    const kept = randomUUID();
    expect((await server.rest("/projects", keyed({ name: "Timed" }, tokens.accessToken, key))).status).toBe(201);
    expect((await server.rest("/projects", keyed({ name: "Kept" }, tokens.accessToken, kept))).status).toBe(201);
    const { db } = server.running.database;
    await db.update(idempotencyKeys).set({ createdAt: sql`now() - interval '25 hours'` }).where(eq(idempotencyKeys.key, key));
    expect(await runMaintenance(server, "idempotency-purge")).toBe("completed");
    const left = await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(sql`${idempotencyKeys.key} in (${key}, ${kept})`);
    expect(left.map((row) => row.key)).toEqual([kept]);
  });

  it("costs nothing without the header: no record is written", async () => {
    const { tokens } = await signUp(server);
    const before = await server.running.database.db.select({ n: sql<number>`count(*)::int` }).from(idempotencyKeys);
    expect((await server.rest("/projects", json("POST", { name: "Plain" }, tokens.accessToken))).status).toBe(201);
    const after = await server.running.database.db.select({ n: sql<number>`count(*)::int` }).from(idempotencyKeys);
    expect(after[0]?.n).toBe(before[0]?.n);
  });
});
