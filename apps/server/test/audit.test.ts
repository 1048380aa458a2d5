import type { AppRouter } from "@cadence/api";
import type { inferRouterOutputs } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, createApiKey, json, signUp, uniqueName, type TokenPair, type UserJson } from "./support/auth.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

type Outputs = inferRouterOutputs<AppRouter>;
type AuditPage = Outputs["audit"]["list"];
type AuditEventJson = AuditPage["items"][number];
type ProjectJson = Outputs["projects"]["create"];
type TaskJson = Outputs["tasks"]["create"];
type Filters = Record<string, string | number>;

let server: TestServer;
let admin: TokenPair;
let adminId: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
  adminId = ((await (await server.rest("/users/me", bearer(admin.accessToken))).json()) as UserJson).id;
});
afterAll(() => server.close());

function auditRequest(filters: Filters, token: string): Promise<Response> {
  const query = new URLSearchParams(Object.entries(filters).map(([key, value]): [string, string] => [key, String(value)]));
  return server.rest(`/audit-events?${query.toString()}`, bearer(token));
}

async function readTrail(filters: Filters = {}, token = admin.accessToken): Promise<AuditPage> {
  const res = await auditRequest(filters, token);
  expect(res.status, JSON.stringify(filters)).toBe(200);
  return (await res.json()) as AuditPage;
}

async function trailSize(filters: Filters = {}): Promise<number> {
  return (await readTrail({ ...filters, perPage: 1 })).total;
}

function withRequestId(init: RequestInit, requestId: string): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), "x-request-id": requestId } };
}

/**
 * Sends one request under a fresh X-Request-ID and returns its body and the single audit event it wrote: the whole
 * trail and the entity's own trail (when `entityId` is known beforehand) each grow by exactly one.
 */
async function audited<T>(path: string, init: RequestInit, status: number, entityId?: string): Promise<{ body: T; event: AuditEventJson }> {
  const totalBefore = await trailSize();
  const entityBefore = entityId ? await trailSize({ entityId }) : 0;
  const requestId = uniqueName("req");
  const res = await server.rest(path, withRequestId(init, requestId));
  expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(status);
  const body = (res.status === 204 ? undefined : await res.json()) as T;
  const latest = await readTrail({ perPage: 1 });
  expect(latest.total).toBe(totalBefore + 1);
  const event = latest.items[0];
  if (!event) throw new Error("the trail is empty");
  expect(event.requestId).toBe(requestId);
  if (entityId) expect(event.entityId).toBe(entityId);
  expect(await trailSize({ entityId: event.entityId })).toBe(entityBefore + 1);
  return { body, event };
}

/** Sends one request that must fail with `status`, and checks that the trail did not grow. */
async function unaudited(path: string, init: RequestInit, status: number): Promise<void> {
  const before = await trailSize();
  const res = await server.rest(path, init);
  expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(status);
  expect(await trailSize()).toBe(before);
}

const newProject = (token: string) => server.trpc(token).projects.create.mutate({ name: uniqueName("project") });
const newTask = (token: string, projectId: string) => server.trpc(token).tasks.create.mutate({ projectId, title: "Write the report" });
const addMember = (token: string, id: string, userId: string, role: "owner" | "member") =>
  server.trpc(token).projects.members.add.mutate({ id, userId, role });

describe("every successful mutation writes exactly one audit event", () => {
  it("user.register is the new user's own event and holds no password", async () => {
    const username = uniqueName();
    const password = "correct-horse-battery";
    const register = json("POST", { email: `${username}@example.com`, username, password, name: "Reg" });
    const { body: user, event } = await audited<UserJson>("/auth/register", register, 201);
    expect(event).toMatchObject({ action: "user.register", entityType: "user", entityId: user.id, actorId: user.id, actorKind: "user", projectId: null });
    expect(event.changes).toMatchObject({ email: { before: null, after: user.email }, username: { before: null, after: username }, name: { before: null, after: "Reg" } });
    expect(JSON.stringify(event.changes)).not.toMatch(/argon2|password|hash/i);
  });

  it("user.update holds only the fields that changed", async () => {
    const { tokens, user } = await signUp(server);
    const { event } = await audited("/users/me", json("PATCH", { name: "Renamed", email: user.email }, tokens.accessToken), 200, user.id);
    expect(event).toMatchObject({ action: "user.update", entityType: "user", actorId: user.id, actorKind: "user", projectId: null });
    expect(event.changes).toEqual({ name: { before: null, after: "Renamed" } });
  });

  it("user.disable and an admin's role change are the admin's events", async () => {
    const { user } = await signUp(server);
    const disabled = await audited(`/users/${user.id}`, json("PATCH", { disabled: true }, admin.accessToken), 200, user.id);
    expect(disabled.event).toMatchObject({ action: "user.disable", entityType: "user", actorId: adminId, actorKind: "user" });
    expect(disabled.event.changes).toEqual({ disabled: { before: false, after: true } });
    const promoted = await audited(`/users/${user.id}`, json("PATCH", { role: "admin" }, admin.accessToken), 200, user.id);
    expect(promoted.event).toMatchObject({ action: "user.update", actorId: adminId });
    expect(promoted.event.changes).toEqual({ role: { before: "user", after: "admin" } });
  });

  it("user.password_change names the password but holds no hash or password", async () => {
    const { tokens, user, password } = await signUp(server);
    const change = json("POST", { currentPassword: password, newPassword: "a-brand-new-password" }, tokens.accessToken);
    const { event } = await audited("/users/me/password", change, 204, user.id);
    expect(event).toMatchObject({ action: "user.password_change", entityType: "user", actorId: user.id, actorKind: "user" });
    expect(Object.keys(event.changes)).toEqual(["password"]);
    const text = JSON.stringify(event.changes);
    expect(text).not.toMatch(/argon2/);
    expect(text).not.toContain(password);
    expect(text).not.toContain("a-brand-new-password");
  });

  it("api_key.create and api_key.revoke never hold the secret", async () => {
    const { tokens, user } = await signUp(server);
    const create = json("POST", { name: "ci", scopes: ["tasks:read"] }, tokens.accessToken);
    const { body: key, event } = await audited<{ id: string; key: string }>("/api-keys", create, 201);
    expect(event).toMatchObject({ action: "api_key.create", entityType: "api_key", entityId: key.id, actorId: user.id, projectId: null });
    expect(event.changes).toMatchObject({ name: { before: null, after: "ci" }, scopes: { before: null, after: ["tasks:read"] } });
    expect(JSON.stringify(event)).not.toContain(key.key);
    const revoked = await audited(`/api-keys/${key.id}`, bearer(tokens.accessToken, { method: "DELETE" }), 204, key.id);
    expect(revoked.event).toMatchObject({ action: "api_key.revoke", entityType: "api_key", actorId: user.id });
    expect(JSON.stringify(revoked.event)).not.toContain(key.key);
  });

  it("project.create, project.update and project.delete carry the project id", async () => {
    const { tokens, user } = await signUp(server);
    const create = json("POST", { name: "Apollo", description: "To the moon" }, tokens.accessToken);
    const { body: project, event } = await audited<ProjectJson>("/projects", create, 201);
    expect(event).toMatchObject({ action: "project.create", entityType: "project", entityId: project.id, projectId: project.id, actorId: user.id });
    expect(event.changes).toMatchObject({ name: { before: null, after: "Apollo" }, description: { before: null, after: "To the moon" } });
    const renamed = await audited(`/projects/${project.id}`, json("PATCH", { name: "Artemis" }, tokens.accessToken), 200, project.id);
    expect(renamed.event).toMatchObject({ action: "project.update", entityType: "project", projectId: project.id });
    expect(renamed.event.changes).toEqual({ name: { before: "Apollo", after: "Artemis" } });
    const deleted = await audited(`/projects/${project.id}`, bearer(tokens.accessToken, { method: "DELETE" }), 204, project.id);
    expect(deleted.event).toMatchObject({ action: "project.delete", entityType: "project", projectId: project.id });
    expect(deleted.event.changes).toMatchObject({ name: { before: "Artemis", after: null } });
  });

  it("member.add, member.update and member.remove record the role", async () => {
    const owner = await signUp(server);
    const { user } = await signUp(server);
    const project = await newProject(owner.tokens.accessToken);
    const base = `/projects/${project.id}/members`;
    const added = await audited(base, json("POST", { userId: user.id, role: "member" }, owner.tokens.accessToken), 201, user.id);
    const expected = { entityType: "member", entityId: user.id, projectId: project.id, actorId: owner.user.id, actorKind: "user" };
    expect(added.event).toMatchObject({ action: "member.add", ...expected });
    expect(added.event.changes).toEqual({ role: { before: null, after: "member" } });
    const promoted = await audited(`${base}/${user.id}`, json("PATCH", { role: "owner" }, owner.tokens.accessToken), 200, user.id);
    expect(promoted.event).toMatchObject({ action: "member.update", ...expected });
    expect(promoted.event.changes).toEqual({ role: { before: "member", after: "owner" } });
    const removed = await audited(`${base}/${user.id}`, bearer(owner.tokens.accessToken, { method: "DELETE" }), 204, user.id);
    expect(removed.event).toMatchObject({ action: "member.remove", ...expected });
    expect(removed.event.changes).toEqual({ role: { before: "owner", after: null } });
  });

  it("task.create, task.update, task.replace and task.delete hold only changed fields", async () => {
    const { tokens, user } = await signUp(server);
    const project = await newProject(tokens.accessToken);
    const expected = { entityType: "task", projectId: project.id, actorId: user.id, actorKind: "user" };
    const create = json("POST", { title: "Draft", priority: "high" }, tokens.accessToken);
    const { body: task, event } = await audited<TaskJson>(`/projects/${project.id}/tasks`, create, 201);
    expect(event).toMatchObject({ action: "task.create", entityId: task.id, ...expected });
    expect(event.changes).toMatchObject({ title: { before: null, after: "Draft" }, priority: { before: null, after: "high" } });
    const patched = await audited(`/tasks/${task.id}`, json("PATCH", { status: "completed" }, tokens.accessToken), 200, task.id);
    expect(patched.event).toMatchObject({ action: "task.update", ...expected });
    expect(patched.event.changes).toEqual({ status: { before: "pending", after: "completed" } });
    const replacement = { title: "Final", description: null, status: "completed", priority: "low", dueDate: null, assigneeId: null, tags: [] };
    const replaced = await audited(`/tasks/${task.id}`, json("PUT", replacement, tokens.accessToken), 200, task.id);
    expect(replaced.event).toMatchObject({ action: "task.replace", ...expected });
    expect(replaced.event.changes).toEqual({ title: { before: "Draft", after: "Final" }, priority: { before: "high", after: "low" } });
    const deleted = await audited(`/tasks/${task.id}`, bearer(tokens.accessToken, { method: "DELETE" }), 204, task.id);
    expect(deleted.event).toMatchObject({ action: "task.delete", ...expected });
    expect(deleted.event.changes).toMatchObject({ title: { before: "Final", after: null } });
  });

  it("records actorKind api_key, acting as the key's owner, for a mutation made with an API key", async () => {
    const { tokens, user } = await signUp(server);
    const project = await newProject(tokens.accessToken);
    const key = await createApiKey(server, tokens.accessToken, { scopes: ["projects:write", "tasks:write", "projects:read", "tasks:read"] });
    const { body: task, event } = await audited<TaskJson>(`/projects/${project.id}/tasks`, json("POST", { title: "By key" }, key.key), 201);
    expect(event).toMatchObject({ action: "task.create", entityId: task.id, actorKind: "api_key", actorId: user.id, projectId: project.id });
  });
});

describe("a failed mutation leaves no event", () => {
  it("a validation error (400), before or inside the transaction", async () => {
    const { tokens } = await signUp(server);
    const project = await newProject(tokens.accessToken);
    const stranger = await signUp(server);
    await unaudited("/projects", json("POST", { name: " " }, tokens.accessToken), 400);
    await unaudited(`/projects/${project.id}/tasks`, json("POST", { title: "x", assigneeId: stranger.user.id }, tokens.accessToken), 400);
  });

  it("a stale expectedVersion (409), and the task keeps its state", async () => {
    const { tokens } = await signUp(server);
    const task = await newTask(tokens.accessToken, (await newProject(tokens.accessToken)).id);
    await unaudited(`/tasks/${task.id}`, json("PATCH", { status: "completed", expectedVersion: task.version + 5 }, tokens.accessToken), 409);
    const current = (await (await server.rest(`/tasks/${task.id}`, bearer(tokens.accessToken))).json()) as TaskJson;
    expect(current).toMatchObject({ status: "pending", version: task.version });
  });

  it("a plain member's PATCH /projects/{id} (403)", async () => {
    const owner = await signUp(server);
    const member = await signUp(server);
    const project = await newProject(owner.tokens.accessToken);
    await addMember(owner.tokens.accessToken, project.id, member.user.id, "member");
    await unaudited(`/projects/${project.id}`, json("PATCH", { name: "Hijacked" }, member.tokens.accessToken), 403);
  });

  it("adding someone who is already a member (409)", async () => {
    const owner = await signUp(server);
    const { user } = await signUp(server);
    const project = await newProject(owner.tokens.accessToken);
    await addMember(owner.tokens.accessToken, project.id, user.id, "member");
    await unaudited(`/projects/${project.id}/members`, json("POST", { userId: user.id, role: "owner" }, owner.tokens.accessToken), 409);
  });
});

describe("who may read the trail", () => {
  it("admins read every event, with or without projectId", async () => {
    const { tokens, user } = await signUp(server);
    const project = await newProject(tokens.accessToken);
    expect((await readTrail({ actorId: user.id })).items.map((event) => event.action)).toEqual(["project.create", "user.register"]);
    expect((await readTrail({ projectId: project.id })).total).toBe(1);
  });

  it("a project owner reads their project's events by passing its projectId, and only those", async () => {
    const { tokens } = await signUp(server);
    const project = await newProject(tokens.accessToken);
    await newProject(tokens.accessToken);
    await newTask(tokens.accessToken, project.id);
    const page = await readTrail({ projectId: project.id }, tokens.accessToken);
    expect(page.items.map((event) => event.action)).toEqual(["task.create", "project.create"]);
    expect(page.items.every((event) => event.projectId === project.id)).toBe(true);
  });

  it("refuses with 403 a plain member with projectId, an owner without it, a non-member, and a key lacking projects:read", async () => {
    const owner = await signUp(server);
    const member = await signUp(server);
    const outsider = await signUp(server);
    const project = await newProject(owner.tokens.accessToken);
    await addMember(owner.tokens.accessToken, project.id, member.user.id, "member");
    const narrowKey = await createApiKey(server, owner.tokens.accessToken, { scopes: ["tasks:read"] });
    const readKey = await createApiKey(server, owner.tokens.accessToken, { scopes: ["projects:read"] });
    const refused: [string, Filters, string][] = [
      ["member with projectId", { projectId: project.id }, member.tokens.accessToken],
      ["owner without projectId", {}, owner.tokens.accessToken],
      ["owner filtering by actor only", { actorId: owner.user.id }, owner.tokens.accessToken],
      ["non-member with projectId", { projectId: project.id }, outsider.tokens.accessToken],
      ["key without projects:read", { projectId: project.id }, narrowKey.key],
    ];
    for (const [who, filters, token] of refused) {
      const res = await auditRequest(filters, token);
      expect(res.status, who).toBe(403);
      expect(((await res.json()) as { code: string }).code, who).toBe("FORBIDDEN");
    }
    expect((await readTrail({ projectId: project.id }, readKey.key)).total).toBe(2);
    expect((await server.rest("/audit-events")).status).toBe(401);
  });
});

describe("filters, order and paging", () => {
  let user: UserJson;
  let project: ProjectJson;
  let newestFirst: AuditEventJson[];
  beforeAll(async () => {
    const signed = await signUp(server);
    user = signed.user;
    project = await newProject(signed.tokens.accessToken);
    await server.trpc(signed.tokens.accessToken).projects.update.mutate({ id: project.id, description: "Now described" });
    await newTask(signed.tokens.accessToken, project.id);
    newestFirst = (await readTrail({ actorId: user.id })).items;
  });
  const at = (index: number): string => newestFirst[index]?.at ?? "missing";

  it("lists newest first", () => {
    expect(newestFirst.map((event) => event.action)).toEqual(["task.create", "project.update", "project.create", "user.register"]);
    const times = newestFirst.map((event) => Date.parse(event.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(newestFirst.every((event) => event.actorId === user.id)).toBe(true);
  });

  it("narrows by entityType, entityId, action and projectId, each combined with actorId", async () => {
    const actions = async (filters: Filters) => (await readTrail({ actorId: user.id, ...filters })).items.map((event) => event.action);
    expect(await actions({ entityType: "project" })).toEqual(["project.update", "project.create"]);
    expect(await actions({ entityId: project.id })).toEqual(["project.update", "project.create"]);
    expect(await actions({ action: "task.create" })).toEqual(["task.create"]);
    expect(await actions({ projectId: project.id })).toEqual(["task.create", "project.update", "project.create"]);
    expect(await actions({ entityType: "user" })).toEqual(["user.register"]);
    expect((await readTrail({ actorId: adminId, projectId: project.id })).total).toBe(0);
  });

  it("narrows by from (inclusive) and to (exclusive)", async () => {
    const actions = async (filters: Filters) => (await readTrail({ actorId: user.id, ...filters })).items.map((event) => event.action);
    expect(await actions({ from: at(1), to: at(0) })).toEqual(["project.update"]);
    expect(await actions({ from: at(1) })).toEqual(["task.create", "project.update"]);
    expect(await actions({ to: at(2) })).toEqual(["user.register"]);
    const sameInstantAtPlusOne = new Date(Date.parse(at(1)) + 3_600_000).toISOString().replace("Z", "+01:00");
    expect(await actions({ from: sameInstantAtPlusOne })).toEqual(["task.create", "project.update"]);
    expect(await actions({ from: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([]);
  });

  it("pages: perPage=1&page=2 is the second newest, with totals", async () => {
    const page = await readTrail({ actorId: user.id, perPage: 1, page: 2 });
    expect(page).toMatchObject({ page: 2, perPage: 1, total: 4, totalPages: 4 });
    expect(page.items.map((event) => event.id)).toEqual([newestFirst[1]?.id]);
    expect((await readTrail({ actorId: user.id, perPage: 3, page: 2 })).items.map((event) => event.action)).toEqual(["user.register"]);
  });

  it.each(["actorId=nope", "from=yesterday", "to=2024-01-01", "perPage=101", "page=0", "colour=red"])("rejects %s with 400", async (query) => {
    const res = await server.rest(`/audit-events?${query}`, bearer(admin.accessToken));
    expect(res.status).toBe(400);
  });
});

describe("audit.list over tRPC", () => {
  it("answers the same page to an owner with projectId, and FORBIDDEN without it", async () => {
    const { tokens, user } = await signUp(server);
    const project = await newProject(tokens.accessToken);
    const client = server.trpc(tokens.accessToken);
    const page = await client.audit.list.query({ projectId: project.id });
    expect(page).toMatchObject({ page: 1, perPage: 20, total: 1, totalPages: 1 });
    expect(page.items[0]).toMatchObject({ action: "project.create", entityId: project.id, actorId: user.id, actorKind: "user" });
    expect(page).toEqual(await readTrail({ projectId: project.id }, tokens.accessToken));
    expect(await trpcError(client.audit.list.query({}))).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
  });

  it("records tRPC mutations too, and lets an admin filter them", async () => {
    const { tokens, user } = await signUp(server);
    const project = await server.trpc(tokens.accessToken).projects.create.mutate({ name: "Via tRPC" });
    const page = await server.trpc(admin.accessToken).audit.list.query({ actorId: user.id, action: "project.create" });
    expect(page.items.map((event) => [event.entityId, event.projectId])).toEqual([[project.id, project.id]]);
    expect(page.items[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
