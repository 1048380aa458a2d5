import { SCOPES } from "@cadence/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createApiKey, json, signUp } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

let server: TestServer;
let owner: Awaited<ReturnType<typeof signUp>>;
let projectId: string;
let taskId: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await signUp(server);
  projectId = (await createProject(server, owner.tokens.accessToken)).id;
  taskId = (await createTask(server, owner.tokens.accessToken, projectId)).id;
});
afterAll(() => server.close());

const keyWith = async (...scopes: string[]) => (await createApiKey(server, owner.tokens.accessToken, { scopes })).key;

/** One request per route, each with the scope it needs. */
const routes = (): [string, string, () => [string, RequestInit]][] => [
  ["projects:read", "GET /projects", () => ["/projects", {}]],
  ["projects:read", "GET /projects/{id}", () => [`/projects/${projectId}`, {}]],
  ["projects:read", "GET /projects/{id}/members", () => [`/projects/${projectId}/members`, {}]],
  ["projects:write", "POST /projects", () => ["/projects", json("POST", { name: "by key" })]],
  ["projects:write", "PATCH /projects/{id}", () => [`/projects/${projectId}`, json("PATCH", { description: "by key" })]],
  ["tasks:read", "GET /projects/{id}/tasks", () => [`/projects/${projectId}/tasks`, {}]],
  ["tasks:read", "GET /tasks", () => ["/tasks", {}]],
  ["tasks:read", "GET /tasks/{id}", () => [`/tasks/${taskId}`, {}]],
  ["tasks:write", "POST /projects/{id}/tasks", () => [`/projects/${projectId}/tasks`, json("POST", { title: "by key" })]],
  ["tasks:write", "PATCH /tasks/{id}", () => [`/tasks/${taskId}`, json("PATCH", { priority: "high" })]],
];

describe("API key scopes on projects and tasks", () => {
  it.each(routes())("%s is needed for %s", async (scope, _name, request) => {
    const others = SCOPES.filter((s) => s !== scope);
    const [path, init] = request();
    const denied = await server.rest(path, bearer(await keyWith(...others), init));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ code: "FORBIDDEN", message: `This API key lacks the ${scope} scope` });
    const allowed = await server.rest(path, bearer(await keyWith(scope), init));
    expect([200, 201]).toContain(allowed.status);
  });

  it("a tasks:read key cannot create tasks, over REST or tRPC", async () => {
    const key = await keyWith("tasks:read");
    expect((await server.rest(`/projects/${projectId}/tasks`, bearer(key, json("POST", { title: "nope" })))).status).toBe(403);
    expect(await trpcError(server.trpc(key).tasks.create.mutate({ projectId, title: "nope" }))).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
    expect((await server.trpc(key).tasks.list.query({ projectId })).total).toBeGreaterThan(0);
  });

  it("a key acts as its owner: records the owner as creator and sees only the owner's projects", async () => {
    const key = await keyWith("tasks:write", "projects:read");
    const created = await server.rest(`/projects/${projectId}/tasks`, bearer(key, json("POST", { title: "made by key" })));
    expect(((await created.json()) as { createdBy: string }).createdBy).toBe(owner.user.id);
    const stranger = await signUp(server);
    const hidden = await createProject(server, stranger.tokens.accessToken);
    expect((await server.rest(`/projects/${hidden.id}`, bearer(key))).status).toBe(404);
  });

  it("signed-in users need no scopes", async () => {
    expect((await server.rest(`/projects/${projectId}/tasks`, bearer(owner.tokens.accessToken, json("POST", { title: "by user" })))).status).toBe(201);
  });
});
