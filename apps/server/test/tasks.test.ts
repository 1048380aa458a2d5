import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json, signUp, type TokenPair } from "./support/auth.js";
import { addMember, createProject, createTask, getTask, type TaskJson } from "./support/domain.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

let server: TestServer;
let admin: TokenPair;
beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
});
afterAll(() => server.close());

const TASK_KEYS = ["assigneeId", "createdAt", "createdBy", "description", "dueDate", "id", "priority", "projectId", "status", "tags", "title", "updatedAt", "version"];

async function team() {
  const owner = await signUp(server);
  const member = await signUp(server);
  const outsider = await signUp(server);
  const project = await createProject(server, owner.tokens.accessToken);
  await addMember(server, owner.tokens.accessToken, project.id, member.user.id);
  return { owner, member, outsider, project };
}

const full = (overrides: Record<string, unknown> = {}) => ({
  title: "Replaced",
  description: null,
  status: "in_progress",
  priority: "low",
  dueDate: null,
  assigneeId: null,
  tags: [],
  ...overrides,
});

describe("creating and reading tasks", () => {
  it("POST answers 201 with defaults, normalised title and tags, version 1", async () => {
    const { member, project } = await team();
    const res = await server.rest(`/projects/${project.id}/tasks`, json("POST", { title: "  Ship it  ", tags: [" Web ", "web", "API"], dueDate: "2026-12-31" }, member.tokens.accessToken));
    expect(res.status).toBe(201);
    const task = (await res.json()) as TaskJson;
    expect(Object.keys(task).sort()).toEqual(TASK_KEYS);
    expect(task).toMatchObject({
      projectId: project.id,
      title: "Ship it",
      description: null,
      status: "pending",
      priority: "medium",
      dueDate: "2026-12-31",
      assigneeId: null,
      tags: ["web", "api"],
      createdBy: member.user.id,
      version: 1,
    });
    expect(await getTask(server, member.tokens.accessToken, task.id)).toEqual(task);
  });

  it.each([
    ["an empty title", { title: "  " }],
    ["a title over 150 characters", { title: "t".repeat(151) }],
    ["a description over 5000 characters", { description: "d".repeat(5001) }],
    ["an unknown status", { status: "done" }],
    ["an unknown priority", { priority: "urgent" }],
    ["an impossible due date", { dueDate: "2026-02-30" }],
    ["a due date with a time", { dueDate: "2026-02-01T10:00:00Z" }],
    ["a due date in year 0000", { dueDate: "0000-01-01" }],
    ["a NUL character in the title", { title: "a\u0000b" }],
    ["a NUL character in a tag", { tags: ["a\u0000"] }],
    ["eleven tags", { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }],
    ["a tag over 30 characters", { tags: ["x".repeat(31)] }],
    ["an empty tag", { tags: ["  "] }],
    ["a client-chosen id", { id: "00000000-0000-4000-8000-000000000000" }],
    ["a client-chosen version", { version: 7 }],
    ["a client-chosen createdBy", { createdBy: "00000000-0000-4000-8000-000000000000" }],
    ["a client-chosen createdAt", { createdAt: "2020-01-01T00:00:00Z" }],
  ])("refuses %s with 400 and writes nothing", async (_case, body) => {
    const { member, project } = await team();
    const res = await server.rest(`/projects/${project.id}/tasks`, json("POST", { title: "Valid", ...body }, member.tokens.accessToken));
    expect(res.status).toBe(400);
    const list = (await (await server.rest(`/projects/${project.id}/tasks`, bearer(member.tokens.accessToken))).json()) as { total: number };
    expect(list.total).toBe(0);
  });

  it("answers 400, not 500, for filter values the database cannot take", async () => {
    const { member, project } = await team();
    for (const query of ["q=%00", "tag=a%00b", "dueBefore=0000-01-01"]) {
      const res = await server.rest(`/projects/${project.id}/tasks?${query}`, bearer(member.tokens.accessToken));
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("BAD_REQUEST");
    }
  });

  it("de-duplicates tags after trimming and lowercasing", async () => {
    const { member, project } = await team();
    const tags = [...Array.from({ length: 8 }, (_, i) => `t${i}`), "T0", " t1 "];
    const task = await createTask(server, member.tokens.accessToken, project.id, { tags });
    expect(task.tags).toEqual(Array.from({ length: 8 }, (_, i) => `t${i}`));
  });

  it("requires the assignee to be a project member (400 naming assigneeId)", async () => {
    const { owner, member, outsider, project } = await team();
    const res = await server.rest(`/projects/${project.id}/tasks`, json("POST", { title: "x", assigneeId: outsider.user.id }, owner.tokens.accessToken));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: { path: string }[] }).issues).toEqual([expect.objectContaining({ path: "assigneeId" })]);
    const ok = await createTask(server, owner.tokens.accessToken, project.id, { assigneeId: member.user.id });
    expect(ok.assigneeId).toBe(member.user.id);
  });

  it("answers 404 to outsiders for creating, reading and listing, exactly like a missing id", async () => {
    const { owner, outsider, project } = await team();
    const task = await createTask(server, owner.tokens.accessToken, project.id);
    const token = outsider.tokens.accessToken;
    expect((await server.rest(`/projects/${project.id}/tasks`, json("POST", { title: "x" }, token))).status).toBe(404);
    expect((await server.rest(`/projects/${project.id}/tasks`, bearer(token))).status).toBe(404);
    const hidden = await server.rest(`/tasks/${task.id}`, bearer(token));
    const missing = await server.rest("/tasks/00000000-0000-4000-8000-000000000000", bearer(token));
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual(await missing.json());
    for (const init of [json("PATCH", { title: "x" }, token), json("PUT", full(), token), bearer(token, { method: "DELETE" })]) {
      expect((await server.rest(`/tasks/${task.id}`, init)).status).toBe(404);
    }
    expect((await server.rest(`/tasks/${task.id}`, bearer(admin.accessToken))).status).toBe(200);
  });
});

describe("PUT vs PATCH", () => {
  it("PUT replaces every writable field and requires all of them", async () => {
    const { member, owner, project } = await team();
    const task = await createTask(server, member.tokens.accessToken, project.id, { description: "old", tags: ["a"], priority: "high", dueDate: "2026-01-01" });
    const partial = await server.rest(`/tasks/${task.id}`, json("PUT", { title: "Only a title" }, member.tokens.accessToken));
    expect(partial.status).toBe(400);
    const res = await server.rest(`/tasks/${task.id}`, json("PUT", full({ assigneeId: owner.user.id, tags: ["B"] }), member.tokens.accessToken));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ...full({ assigneeId: owner.user.id, tags: ["b"] }), id: task.id, createdBy: member.user.id, version: 2 });
  });

  it("PATCH changes only what it names, and an empty PATCH is 400", async () => {
    const { member, project } = await team();
    const task = await createTask(server, member.tokens.accessToken, project.id, { description: "keep", tags: ["keep"] });
    const res = await server.rest(`/tasks/${task.id}`, json("PATCH", { status: "completed" }, member.tokens.accessToken));
    const patched = (await res.json()) as TaskJson;
    expect(patched).toMatchObject({ status: "completed", description: "keep", tags: ["keep"], version: 2 });
    expect(patched.updatedAt > task.updatedAt).toBe(true);
    expect((await server.rest(`/tasks/${task.id}`, json("PATCH", {}, member.tokens.accessToken))).status).toBe(400);
    expect((await server.rest(`/tasks/${task.id}`, json("PATCH", { expectedVersion: 2 }, member.tokens.accessToken))).status).toBe(400);
  });

  it("PATCHes of different sets of fields, repeated, each change exactly what they name", async () => {
    // Each set of fields is its own prepared update: they must not leak into each other, also when reused.
    const { member, owner, project } = await team();
    const task = await createTask(server, member.tokens.accessToken, project.id, { description: "d", tags: ["t"], dueDate: "2026-03-01", assigneeId: owner.user.id });
    const steps: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ title: "First" }, { title: "First", description: "d", tags: ["t"], dueDate: "2026-03-01", assigneeId: owner.user.id }],
      [{ tags: ["x", "y"], dueDate: null }, { title: "First", tags: ["x", "y"], dueDate: null, assigneeId: owner.user.id }],
      [{ assigneeId: null, priority: "low" }, { assigneeId: null, priority: "low", tags: ["x", "y"] }],
      [{ title: "Second" }, { title: "Second", priority: "low", assigneeId: null }],
      [{ assigneeId: member.user.id, description: null }, { assigneeId: member.user.id, description: null, title: "Second" }],
    ];
    let version = task.version;
    for (const [patch, expected] of steps) {
      const res = await server.rest(`/tasks/${task.id}`, json("PATCH", patch, member.tokens.accessToken));
      expect(res.status).toBe(200);
      version += 1;
      const body = (await res.json()) as TaskJson;
      expect(body).toMatchObject({ ...expected, version, id: task.id, projectId: project.id, createdBy: member.user.id, createdAt: task.createdAt });
      expect(await getTask(server, member.tokens.accessToken, task.id)).toEqual(body);
    }
  });

  it("never applies server-owned fields sent in a PATCH or PUT", async () => {
    const { member, project } = await team();
    const task = await createTask(server, member.tokens.accessToken, project.id);
    for (const body of [{ version: 99 }, { projectId: project.id }, { createdBy: member.user.id }, { updatedAt: "2020-01-01T00:00:00Z" }]) {
      expect((await server.rest(`/tasks/${task.id}`, json("PATCH", { title: "x", ...body }, member.tokens.accessToken))).status).toBe(400);
    }
    expect(await getTask(server, member.tokens.accessToken, task.id)).toEqual(task);
  });
});

describe("optimistic concurrency", () => {
  it("writes when expectedVersion matches and answers 409 naming the current version when stale", async () => {
    const { member, project } = await team();
    const task = await createTask(server, member.tokens.accessToken, project.id);
    const first = await server.rest(`/tasks/${task.id}`, json("PATCH", { title: "First", expectedVersion: 1 }, member.tokens.accessToken));
    expect(first.status).toBe(200);
    const stale = await server.rest(`/tasks/${task.id}`, json("PATCH", { title: "Stale", expectedVersion: 1 }, member.tokens.accessToken));
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({ code: "CONFLICT", message: "Version mismatch: the task is at version 2" });
    const stalePut = await server.rest(`/tasks/${task.id}`, json("PUT", full({ expectedVersion: 1 }), member.tokens.accessToken));
    expect(stalePut.status).toBe(409);
    expect(await getTask(server, member.tokens.accessToken, task.id)).toMatchObject({ title: "First", version: 2 });
  });

  it("takes the expected version from If-Match on REST", async () => {
    const { member, project } = await team();
    const task = await createTask(server, member.tokens.accessToken, project.id);
    const patch = (ifMatch: string, title: string) =>
      server.rest(`/tasks/${task.id}`, { ...json("PATCH", { title }, member.tokens.accessToken), headers: { "content-type": "application/json", authorization: `Bearer ${member.tokens.accessToken}`, "if-match": ifMatch } });
    expect((await patch('"1"', "quoted")).status).toBe(200);
    expect((await patch("1", "stale")).status).toBe(409);
    expect((await patch('W/"2"', "weak")).status).toBe(200);
    expect((await patch("banana", "bad")).status).toBe(400);
    expect(await getTask(server, member.tokens.accessToken, task.id)).toMatchObject({ title: "weak", version: 3 });
  });

  it("lets exactly one of two concurrent writes at the same version win", async () => {
    const { member, project } = await team();
    const task = await createTask(server, member.tokens.accessToken, project.id);
    const write = (title: string) => server.rest(`/tasks/${task.id}`, json("PATCH", { title, expectedVersion: 1 }, member.tokens.accessToken));
    const statuses = (await Promise.all([write("A"), write("B")])).map((res) => res.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect((await getTask(server, member.tokens.accessToken, task.id)).version).toBe(2);
  });
});

describe("deleting tasks", () => {
  it("answers 204 for the creator, owners and admins, and 403 for other members", async () => {
    const { owner, member, project } = await team();
    const other = await signUp(server);
    await addMember(server, owner.tokens.accessToken, project.id, other.user.id);
    const byCreator = await createTask(server, member.tokens.accessToken, project.id);
    const byOwner = await createTask(server, member.tokens.accessToken, project.id);
    const byAdmin = await createTask(server, member.tokens.accessToken, project.id);
    expect((await server.rest(`/tasks/${byCreator.id}`, bearer(other.tokens.accessToken, { method: "DELETE" }))).status).toBe(403);
    expect((await server.rest(`/tasks/${byCreator.id}`, bearer(member.tokens.accessToken, { method: "DELETE" }))).status).toBe(204);
    expect((await server.rest(`/tasks/${byOwner.id}`, bearer(owner.tokens.accessToken, { method: "DELETE" }))).status).toBe(204);
    expect((await server.rest(`/tasks/${byAdmin.id}`, bearer(admin.accessToken, { method: "DELETE" }))).status).toBe(204);
    expect((await server.rest(`/tasks/${byAdmin.id}`, bearer(member.tokens.accessToken))).status).toBe(404);
  });
});

describe("over tRPC", () => {
  it("creates, patches, replaces, reports a stale version as CONFLICT, and deletes", async () => {
    const { member, project } = await team();
    const client = server.trpc(member.tokens.accessToken);
    const task = await client.tasks.create.mutate({ projectId: project.id, title: "typed", tags: ["A"] });
    expect(task.tags).toEqual(["a"]);
    expect((await client.tasks.update.mutate({ id: task.id, priority: "high", expectedVersion: 1 })).version).toBe(2);
    expect(await trpcError(client.tasks.update.mutate({ id: task.id, priority: "low", expectedVersion: 1 }))).toMatchObject({ code: "CONFLICT", httpStatus: 409 });
    const replaced = await client.tasks.replace.mutate({ id: task.id, ...full(), status: "completed", priority: "low" } as Parameters<typeof client.tasks.replace.mutate>[0]);
    expect(replaced).toMatchObject({ status: "completed", title: "Replaced", version: 3 });
    await client.tasks.delete.mutate({ id: task.id });
    expect(await trpcError(client.tasks.get.query({ id: task.id }))).toMatchObject({ code: "NOT_FOUND" });
  });
});
