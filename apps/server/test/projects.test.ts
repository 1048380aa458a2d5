import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json, signUp, type TokenPair } from "./support/auth.js";
import { addMember, createProject, createTask, type ProjectJson } from "./support/domain.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

let server: TestServer;
let admin: TokenPair;
beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
});
afterAll(() => server.close());

const MISSING = "00000000-0000-4000-8000-000000000000";

describe("projects", () => {
  it("POST /projects answers 201, trims the name, and makes the creator its owner", async () => {
    const { tokens, user } = await signUp(server);
    const res = await server.rest("/projects", json("POST", { name: "  Launch  ", description: "Q3 launch" }, tokens.accessToken));
    expect(res.status).toBe(201);
    const project = (await res.json()) as ProjectJson;
    expect(Object.keys(project).sort()).toEqual(["createdAt", "description", "id", "name", "ownerId", "updatedAt"]);
    expect(project).toMatchObject({ name: "Launch", description: "Q3 launch", ownerId: user.id });
    const members = (await (await server.rest(`/projects/${project.id}/members`, bearer(tokens.accessToken))).json()) as { userId: string; role: string }[];
    expect(members).toEqual([expect.objectContaining({ userId: user.id, username: user.username, role: "owner" })]);
  });

  it.each([
    ["an empty name", { name: "   " }],
    ["a name over 100 characters", { name: "n".repeat(101) }],
    ["a description over 2000 characters", { name: "ok", description: "d".repeat(2001) }],
    ["an ownerId", { name: "ok", ownerId: MISSING }],
    ["an id", { name: "ok", id: MISSING }],
  ])("refuses %s with 400", async (_case, body) => {
    const { tokens } = await signUp(server);
    expect((await server.rest("/projects", json("POST", body, tokens.accessToken))).status).toBe(400);
  });

  it("GET /projects pages the caller's projects only, and all of them for admins", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const mine = [await createProject(server, alice.tokens.accessToken, { name: "Alpha one" }), await createProject(server, alice.tokens.accessToken, { name: "Alpha two" })];
    const shared = await createProject(server, bob.tokens.accessToken, { name: "Shared" });
    await addMember(server, bob.tokens.accessToken, shared.id, alice.user.id);
    await createProject(server, bob.tokens.accessToken, { name: "Bob only" });

    const page = (await (await server.rest("/projects", bearer(alice.tokens.accessToken))).json()) as { items: ProjectJson[]; total: number };
    expect(page.items.map((p) => p.name)).toEqual(["Shared", "Alpha two", "Alpha one"]);
    expect(page.total).toBe(3);
    const filtered = (await (await server.rest("/projects?q=alpha&perPage=1&page=2", bearer(alice.tokens.accessToken))).json()) as {
      items: ProjectJson[];
      total: number;
      totalPages: number;
    };
    expect(filtered).toMatchObject({ total: 2, totalPages: 2, items: [expect.objectContaining({ id: mine[0]?.id })] });
    const all = (await (await server.rest("/projects?perPage=100", bearer(admin.accessToken))).json()) as { items: ProjectJson[] };
    expect(all.items.map((p) => p.name)).toContain("Bob only");
    expect((await server.rest("/projects?perPage=101", bearer(alice.tokens.accessToken))).status).toBe(400);
  });

  it("GET /projects/{id} answers 404 to non-members exactly like a missing id, and the project to admins", async () => {
    const owner = await signUp(server);
    const stranger = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    const hidden = await server.rest(`/projects/${project.id}`, bearer(stranger.tokens.accessToken));
    const missing = await server.rest(`/projects/${MISSING}`, bearer(stranger.tokens.accessToken));
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual(await missing.json());
    expect((await server.rest(`/projects/${project.id}`, bearer(admin.accessToken))).status).toBe(200);
  });

  it("PATCH /projects/{id}: owners and admins may, members get 403, strangers 404", async () => {
    const owner = await signUp(server);
    const member = await signUp(server);
    const stranger = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken, { name: "Before" });
    await addMember(server, owner.tokens.accessToken, project.id, member.user.id);

    const byOwner = await server.rest(`/projects/${project.id}`, json("PATCH", { name: "After", description: null }, owner.tokens.accessToken));
    expect(byOwner.status).toBe(200);
    expect(await byOwner.json()).toMatchObject({ name: "After", description: null });
    expect((await server.rest(`/projects/${project.id}`, json("PATCH", { name: "Member" }, member.tokens.accessToken))).status).toBe(403);
    expect((await server.rest(`/projects/${project.id}`, json("PATCH", { name: "Stranger" }, stranger.tokens.accessToken))).status).toBe(404);
    expect((await server.rest(`/projects/${project.id}`, json("PATCH", { name: "Admin" }, admin.accessToken))).status).toBe(200);
    expect((await server.rest(`/projects/${project.id}`, json("PATCH", {}, owner.tokens.accessToken))).status).toBe(400);
    expect((await server.rest(`/projects/${project.id}`, json("PATCH", { ownerId: member.user.id }, owner.tokens.accessToken))).status).toBe(400);
  });

  it("DELETE /projects/{id} answers 204 and removes its tasks and memberships; members get 403", async () => {
    const owner = await signUp(server);
    const member = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    await addMember(server, owner.tokens.accessToken, project.id, member.user.id);
    const task = await createTask(server, member.tokens.accessToken, project.id);

    expect((await server.rest(`/projects/${project.id}`, bearer(member.tokens.accessToken, { method: "DELETE" }))).status).toBe(403);
    const res = await server.rest(`/projects/${project.id}`, bearer(owner.tokens.accessToken, { method: "DELETE" }));
    expect(res.status).toBe(204);
    expect((await server.rest(`/projects/${project.id}`, bearer(owner.tokens.accessToken))).status).toBe(404);
    expect((await server.rest(`/tasks/${task.id}`, bearer(admin.accessToken))).status).toBe(404);
    const memberProjects = (await (await server.rest("/projects", bearer(member.tokens.accessToken))).json()) as { total: number };
    expect(memberProjects.total).toBe(0);
  });

  it("works over tRPC", async () => {
    const { tokens } = await signUp(server);
    const client = server.trpc(tokens.accessToken);
    const project = await client.projects.create.mutate({ name: "Via tRPC" });
    expect((await client.projects.get.query({ id: project.id })).name).toBe("Via tRPC");
    expect((await client.projects.update.mutate({ id: project.id, description: "typed" })).description).toBe("typed");
    expect((await client.projects.list.query({})).items.map((p) => p.id)).toContain(project.id);
    await client.projects.delete.mutate({ id: project.id });
    expect(await trpcError(client.projects.get.query({ id: project.id }))).toMatchObject({ code: "NOT_FOUND", httpStatus: 404 });
  });
});
