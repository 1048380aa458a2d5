import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, createApiKey, json, signUp } from "./support/auth.js";
import { addMember, createProject, createTask } from "./support/domain.js";
import { openEventStream, type EventStreamReader } from "./support/event-stream.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ STREAM_MAX_PER_USER: "2" });
});
afterAll(() => server.close());

async function team() {
  const owner = await signUp(server);
  const member = await signUp(server);
  const project = await createProject(server, owner.tokens.accessToken);
  await addMember(server, owner.tokens.accessToken, project.id, member.user.id);
  return { owner, member, project };
}

async function nextData(stream: EventStreamReader) {
  const event = await stream.next();
  if (!event) throw new Error("the stream ended");
  return { ...event, data: JSON.parse(event.data) as Record<string, unknown> };
}

describe("GET /projects/{projectId}/events", () => {
  it("streams each change as the audit event GET /audit-events shows, with id and the action as event name", async () => {
    const { owner, member, project } = await team();
    const stream = await openEventStream(server, project.id, member.tokens.accessToken);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe("text/event-stream; charset=utf-8");
    const task = await createTask(server, owner.tokens.accessToken, project.id, { title: "live" });
    const event = await nextData(stream);
    stream.close();
    expect(event.event).toBe("task.create");
    expect(event.id).toBe(event.data.id);
    const audit = await server.rest(`/audit-events?projectId=${project.id}&action=task.create`, bearer(owner.tokens.accessToken));
    const [row] = ((await audit.json()) as { items: Record<string, unknown>[] }).items;
    expect(row).toBeDefined();
    const { id, at, action, entityType, entityId, actorId, changes } = row as Record<string, unknown>;
    expect(event.data).toEqual({ id, at, action, entityType, entityId, actorId, changes });
    // To the byte: the same fields in the same order, also inside each change's before and after.
    expect(JSON.stringify(event.data)).toBe(JSON.stringify({ id, at, actorId, action, entityType, entityId, changes }));
    expect(event.data).toMatchObject({ entityId: task.id, actorId: owner.user.id });
  });

  it("resumes after Last-Event-ID with every event committed meanwhile, in order, no gap and no duplicate", async () => {
    const { owner, project } = await team();
    const token = owner.tokens.accessToken;
    const first = await openEventStream(server, project.id, token);
    const seen = await createTask(server, token, project.id, { title: "seen" });
    const last = await nextData(first);
    expect(last.data.entityId).toBe(seen.id);
    first.close();
    const missed = [];
    for (const title of ["a", "b", "c"]) missed.push((await createTask(server, token, project.id, { title })).id);
    const resumed = await openEventStream(server, project.id, token, last.id);
    const replayed = [await nextData(resumed), await nextData(resumed), await nextData(resumed)];
    expect(replayed.map((event) => event.data.entityId)).toEqual(missed);
    const live = await createTask(server, token, project.id, { title: "live" });
    expect((await nextData(resumed)).data.entityId).toBe(live.id);
    resumed.close();
  });

  it("never shows a change whose transaction rolled back", async () => {
    const { owner, project } = await team();
    const stream = await openEventStream(server, project.id, owner.tokens.accessToken);
    const ghost = randomUUID();
    // A write that announces its audit event and then fails: NOTIFY is discarded with the transaction.
    const failed = server.running.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('cadence_project_events', ${`${project.id}:${ghost}`})`);
      await tx.execute(
        sql`insert into audit_events (id, actor_id, actor_kind, action, entity_type, entity_id, project_id, request_id, changes)
            values (${ghost}, ${owner.user.id}, 'user', 'task.create', 'task', ${randomUUID()}, ${project.id}, 'test', '{}')`,
      );
      throw new Error("roll back");
    });
    await expect(failed).rejects.toThrow("roll back");
    const real = await createTask(server, owner.tokens.accessToken, project.id, { title: "committed" });
    const event = await nextData(stream);
    stream.close();
    expect(event.data.entityId).toBe(real.id);
    expect(event.id).not.toBe(ghost);
  });

  it("answers 404 to non-members, 401 without a token, 403 to an API key without projects:read, as JSON", async () => {
    const { project } = await team();
    const outsider = await signUp(server);
    const denied = await openEventStream(server, project.id, outsider.tokens.accessToken);
    expect([denied.status, denied.body]).toEqual([404, { code: "NOT_FOUND", message: "Project not found" }]);
    const anonymous = await fetch(`${server.url}/api/v1/projects/${project.id}/events`);
    expect(anonymous.status).toBe(401);
    const key = await createApiKey(server, outsider.tokens.accessToken, { scopes: ["tasks:read"] });
    const scoped = await openEventStream(server, project.id, key.key);
    expect(scoped.status).toBe(403);
    const badResume = await openEventStream(server, project.id, outsider.tokens.accessToken, "not-a-uuid");
    expect(badResume.status).toBe(400);
  });

  it("streams to an API key with projects:read", async () => {
    const { owner, project } = await team();
    const key = await createApiKey(server, owner.tokens.accessToken, { scopes: ["projects:read"] });
    const stream = await openEventStream(server, project.id, key.key);
    expect(stream.status).toBe(200);
    await createTask(server, owner.tokens.accessToken, project.id, { title: "for the key" });
    expect((await nextData(stream)).event).toBe("task.create");
    stream.close();
  });

  it("ends a removed member's stream with an error event within 5 s", async () => {
    const { owner, member, project } = await team();
    const stream = await openEventStream(server, project.id, member.tokens.accessToken);
    const removedAt = Date.now();
    const removed = await server.rest(`/projects/${project.id}/members/${member.user.id}`, { ...bearer(owner.tokens.accessToken), method: "DELETE" });
    expect(removed.status).toBe(204);
    const events = [];
    for (let event = await stream.next(); event; event = await stream.next()) events.push(event);
    expect(Date.now() - removedAt).toBeLessThan(5000);
    expect(events.at(-1)).toMatchObject({ event: "error" });
    expect(JSON.parse(events.at(-1)?.data ?? "{}")).toMatchObject({ code: "NOT_FOUND" });
  });

  it("ends the stream of a session that logged out within 5 s", async () => {
    const { member, project } = await team();
    const stream = await openEventStream(server, project.id, member.tokens.accessToken);
    const loggedOutAt = Date.now();
    const out = await server.rest("/auth/logout", json("POST", { refreshToken: member.tokens.refreshToken }, member.tokens.accessToken));
    expect(out.status).toBeLessThan(300);
    let last;
    for (let event = await stream.next(); event; event = await stream.next()) last = event;
    expect(Date.now() - loggedOutAt).toBeLessThan(5000);
    expect(last).toMatchObject({ event: "error" });
    expect(JSON.parse(last?.data ?? "{}")).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("ends the stream of a user an admin disabled, and of their API key, within 5 s", async () => {
    const { member, project } = await team();
    const key = await createApiKey(server, member.tokens.accessToken, { scopes: ["projects:read"] });
    const streams = [await openEventStream(server, project.id, member.tokens.accessToken), await openEventStream(server, project.id, key.key)];
    const admin = await loginAdmin(server);
    const disabledAt = Date.now();
    const disabled = await server.rest(`/users/${member.user.id}`, json("PATCH", { disabled: true }, admin.accessToken));
    expect(disabled.status).toBe(200);
    for (const stream of streams) {
      let last;
      for (let event = await stream.next(); event; event = await stream.next()) last = event;
      expect(JSON.parse(last?.data ?? "{}")).toMatchObject({ code: "UNAUTHORIZED" });
    }
    expect(Date.now() - disabledAt).toBeLessThan(5000);
  });

  it("caps concurrent streams per user at STREAM_MAX_PER_USER (429) and frees a slot when a client leaves", async () => {
    const { owner, project } = await team();
    const token = owner.tokens.accessToken;
    const open = [await openEventStream(server, project.id, token), await openEventStream(server, project.id, token)];
    const third = await openEventStream(server, project.id, token);
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    open[0]?.close();
    // The server learns of the disconnect asynchronously: retry until the slot is back (bounded by the test timeout).
    let again = await openEventStream(server, project.id, token);
    while (again.status === 429) again = await openEventStream(server, project.id, token);
    expect(again.status).toBe(200);
    again.close();
    open[1]?.close();
  });
});
