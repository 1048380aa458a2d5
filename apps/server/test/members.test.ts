import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json, signUp, type TokenPair } from "./support/auth.js";
import { addMember, createProject, createTask, getTask } from "./support/domain.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

let server: TestServer;
let admin: TokenPair;
beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
});
afterAll(() => server.close());

async function team() {
  const owner = await signUp(server);
  const member = await signUp(server);
  const outsider = await signUp(server);
  const project = await createProject(server, owner.tokens.accessToken);
  await addMember(server, owner.tokens.accessToken, project.id, member.user.id);
  return { owner, member, outsider, project };
}

describe("project members", () => {
  it("GET lists {userId, username, name, role, addedAt} to members; 404 to outsiders", async () => {
    const { owner, member, outsider, project } = await team();
    const res = await server.rest(`/projects/${project.id}/members`, bearer(member.tokens.accessToken));
    expect(res.status).toBe(200);
    const members = (await res.json()) as Record<string, unknown>[];
    expect(members.map((m) => Object.keys(m).sort())).toEqual(Array(2).fill(["addedAt", "name", "role", "userId", "username"]));
    expect(members.map((m) => [m.userId, m.role])).toEqual([[owner.user.id, "owner"], [member.user.id, "member"]]);
    expect((await server.rest(`/projects/${project.id}/members`, bearer(outsider.tokens.accessToken))).status).toBe(404);
  });

  it("POST answers 201; unknown user 404; already a member 409; members may not add (403)", async () => {
    const { owner, member, outsider, project } = await team();
    const path = `/projects/${project.id}/members`;
    expect((await server.rest(path, json("POST", { userId: outsider.user.id, role: "member" }, member.tokens.accessToken))).status).toBe(403);
    const added = await server.rest(path, json("POST", { userId: outsider.user.id, role: "member" }, owner.tokens.accessToken));
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ userId: outsider.user.id, username: outsider.user.username, role: "member" });
    const again = await server.rest(path, json("POST", { userId: outsider.user.id, role: "owner" }, owner.tokens.accessToken));
    expect(again.status).toBe(409);
    const ghost = await server.rest(path, json("POST", { userId: "00000000-0000-4000-8000-000000000000", role: "member" }, owner.tokens.accessToken));
    expect(ghost.status).toBe(404);
    expect((await server.rest(path, json("POST", { userId: outsider.user.id, role: "boss" }, owner.tokens.accessToken))).status).toBe(400);
  });

  it("PATCH changes a role; demoting the last owner is 409; admins may act in any project", async () => {
    const { owner, member, project } = await team();
    const promote = await server.rest(`/projects/${project.id}/members/${member.user.id}`, json("PATCH", { role: "owner" }, owner.tokens.accessToken));
    expect(promote.status).toBe(200);
    expect(await promote.json()).toMatchObject({ userId: member.user.id, role: "owner" });
    const demoteFirst = await server.rest(`/projects/${project.id}/members/${owner.user.id}`, json("PATCH", { role: "member" }, member.tokens.accessToken));
    expect(demoteFirst.status).toBe(200);
    const demoteLast = await server.rest(`/projects/${project.id}/members/${member.user.id}`, json("PATCH", { role: "member" }, admin.accessToken));
    expect(demoteLast.status).toBe(409);
    expect(await demoteLast.json()).toEqual({ code: "CONFLICT", message: "A project needs at least one owner" });
    const notMember = await server.rest(`/projects/${project.id}/members/00000000-0000-4000-8000-000000000000`, json("PATCH", { role: "owner" }, admin.accessToken));
    expect(notMember.status).toBe(404);
  });

  it("DELETE: owners remove others, members remove themselves (not others), the last owner cannot leave", async () => {
    const { owner, member, outsider, project } = await team();
    await addMember(server, owner.tokens.accessToken, project.id, outsider.user.id);
    const path = (userId: string) => `/projects/${project.id}/members/${userId}`;
    expect((await server.rest(path(outsider.user.id), bearer(member.tokens.accessToken, { method: "DELETE" }))).status).toBe(403);
    expect((await server.rest(path(member.user.id), bearer(member.tokens.accessToken, { method: "DELETE" }))).status).toBe(204);
    expect((await server.rest(`/projects/${project.id}`, bearer(member.tokens.accessToken))).status).toBe(404);
    expect((await server.rest(path(outsider.user.id), bearer(owner.tokens.accessToken, { method: "DELETE" }))).status).toBe(204);
    const lastOwner = await server.rest(path(owner.user.id), bearer(owner.tokens.accessToken, { method: "DELETE" }));
    expect(lastOwner.status).toBe(409);
  });

  it("removing a member unassigns their tasks in that project", async () => {
    const { owner, member, project } = await team();
    const task = await createTask(server, owner.tokens.accessToken, project.id, { assigneeId: member.user.id });
    await server.rest(`/projects/${project.id}/members/${member.user.id}`, bearer(owner.tokens.accessToken, { method: "DELETE" }));
    const after = await getTask(server, owner.tokens.accessToken, task.id);
    expect(after).toMatchObject({ assigneeId: null, version: task.version + 1 });
  });

  it("works over tRPC", async () => {
    const { owner, outsider, project } = await team();
    const client = server.trpc(owner.tokens.accessToken);
    await client.projects.members.add.mutate({ id: project.id, userId: outsider.user.id, role: "member" });
    expect((await client.projects.members.list.query({ id: project.id })).map((m) => m.userId)).toContain(outsider.user.id);
    expect((await client.projects.members.update.mutate({ id: project.id, userId: outsider.user.id, role: "owner" })).role).toBe("owner");
    await client.projects.members.remove.mutate({ id: project.id, userId: outsider.user.id });
    expect(await trpcError(client.projects.members.remove.mutate({ id: project.id, userId: outsider.user.id }))).toMatchObject({ code: "NOT_FOUND" });
  });
});
