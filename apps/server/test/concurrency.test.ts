import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json, signUp } from "./support/auth.js";
import { addMember, createProject, createTask, getTask } from "./support/domain.js";
import { startTestServer, type TestServer } from "./support/server.js";

/** Invariants that must hold when requests race (on PostgreSQL they really run at once). */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("racing requests", () => {
  it("never leaves the system without an active admin when the last two step down at once", async () => {
    const root = await loginAdmin(server);
    const a = await signUp(server);
    const b = await signUp(server);
    for (const user of [a, b]) await server.rest(`/users/${user.user.id}`, json("PATCH", { role: "admin" }, root.accessToken));
    const me = (await (await server.rest("/users/me", bearer(root.accessToken))).json()) as { id: string };
    await server.rest(`/users/${me.id}`, json("PATCH", { role: "user" }, a.tokens.accessToken));
    const statuses = (
      await Promise.all([
        server.rest(`/users/${a.user.id}`, json("PATCH", { role: "user" }, a.tokens.accessToken)),
        server.rest(`/users/${b.user.id}`, json("PATCH", { role: "user" }, b.tokens.accessToken)),
      ])
    ).map((res) => res.status);
    expect(statuses.sort()).toEqual([200, 409]);
  });

  it("never leaves a task assigned to someone who has just been removed from the project", async () => {
    const owner = await signUp(server);
    const member = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    await addMember(server, owner.tokens.accessToken, project.id, member.user.id);
    const tasks = await Promise.all(Array.from({ length: 5 }, () => createTask(server, owner.tokens.accessToken, project.id)));
    await Promise.all([
      ...tasks.map((task) => server.rest(`/tasks/${task.id}`, json("PATCH", { assigneeId: member.user.id }, owner.tokens.accessToken))),
      server.rest(`/projects/${project.id}/members/${member.user.id}`, bearer(owner.tokens.accessToken, { method: "DELETE" })),
    ]);
    for (const task of tasks) expect((await getTask(server, owner.tokens.accessToken, task.id)).assigneeId).toBeNull();
  });

  it("answers two owners leaving at once with one 204 and one 409, never a 500", async () => {
    const first = await signUp(server);
    const second = await signUp(server);
    const project = await createProject(server, first.tokens.accessToken);
    await addMember(server, first.tokens.accessToken, project.id, second.user.id, "owner");
    const statuses = (
      await Promise.all(
        [first, second].map((owner) => server.rest(`/projects/${project.id}/members/${owner.user.id}`, bearer(owner.tokens.accessToken, { method: "DELETE" }))),
      )
    ).map((res) => res.status);
    expect(statuses.sort()).toEqual([204, 409]);
  });
});
