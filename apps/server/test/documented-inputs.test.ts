import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { json, signUp } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { requestValidator, type RequestParts } from "./contract/request-validator.js";
import type { OpenApiDocument } from "./contract/validator.js";

/**
 * The document and the server agree on what input is valid: every request below is refused by the document's own
 * schemas (Ajv over /openapi.json) and answered 400 by the server, or accepted by both.
 */

let server: TestServer;
let document: OpenApiDocument;
let validate: ReturnType<typeof requestValidator>;
const ids = { projectId: "", taskId: "", userId: "" };
const tokens = { user: "", admin: "" };

beforeAll(async () => {
  server = await startTestServer();
  document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
  validate = requestValidator(document);
  const owner = await signUp(server);
  tokens.user = owner.tokens.accessToken;
  tokens.admin = (await loginAdmin(server)).accessToken;
  ids.userId = owner.user.id;
  ids.projectId = (await createProject(server, tokens.user)).id;
  ids.taskId = (await createTask(server, tokens.user, ids.projectId)).id;
});
afterAll(() => server.close());

interface Case extends RequestParts {
  method: "GET" | "POST" | "PATCH";
  /** The documented path; `{projectId}`, `{id}` are filled from the fixtures. */
  path: string;
  as?: "user" | "admin" | "nobody";
}

function urlOf(c: Case): string {
  const filled = c.path
    .replace("{projectId}", ids.projectId)
    .replace("/tasks/{id}", `/tasks/${ids.taskId}`)
    .replace("/projects/{id}", `/projects/${ids.projectId}`)
    .replace("/users/{id}", `/users/${ids.userId}`);
  const query = new URLSearchParams(c.query ?? {}).toString();
  return query ? `${filled}?${query}` : filled;
}

function send(c: Case): Promise<Response> {
  const as = c.as ?? "user";
  const headers: Record<string, string> = { ...c.headers };
  if (as !== "nobody") headers.authorization = `Bearer ${tokens[as]}`;
  if (c.body !== undefined) headers["content-type"] = "application/json";
  return server.rest(urlOf(c), { method: c.method, headers, ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }) });
}

const NUL = "\u0000";

const refused: [string, Case][] = [
  ["a NUL in a project name", { method: "POST", path: "/projects", body: { name: `a${NUL}b` } }],
  ["a NUL in a task description", { method: "POST", path: "/projects/{projectId}/tasks", body: { title: "t", description: `a${NUL}b` } }],
  ["a NUL in a tag", { method: "POST", path: "/projects/{projectId}/tasks", body: { title: "t", tags: [`a${NUL}`] } }],
  ["a NUL in q", { method: "GET", path: "/projects/{projectId}/tasks", query: { q: `a${NUL}b` } }],
  ["a NUL in the login name", { method: "POST", path: "/auth/login", as: "nobody", body: { username: `a${NUL}b`, password: "password-123" } }],
  ["a NUL in an audit filter", { method: "GET", path: "/audit-events", as: "admin", query: { entityType: `task${NUL}` } }],
  ["a white-space-only q", { method: "GET", path: "/projects/{projectId}/tasks", query: { q: " \u00a0 " } }],
  ["a white-space-only q on users", { method: "GET", path: "/users", as: "admin", query: { q: "   " } }],
  ["a white-space-only tag", { method: "GET", path: "/tasks", query: { tag: "  " } }],
  ["an empty If-Match", { method: "PATCH", path: "/tasks/{id}", headers: { "if-match": "" }, body: { title: "x" } }],
  ["an If-Match that is not a version", { method: "PATCH", path: "/tasks/{id}", headers: { "if-match": "*" }, body: { title: "x" } }],
  ["an empty PATCH body for a task", { method: "PATCH", path: "/tasks/{id}", body: {} }],
  ["a PATCH of a task with only expectedVersion", { method: "PATCH", path: "/tasks/{id}", body: { expectedVersion: 1 } }],
  ["an empty PATCH body for a project", { method: "PATCH", path: "/projects/{id}", body: {} }],
  ["an empty PATCH body for the caller", { method: "PATCH", path: "/users/me", body: {} }],
  ["an empty PATCH body for a user", { method: "PATCH", path: "/users/{id}", as: "admin", body: {} }],
  ["an unknown property in a PATCH body", { method: "PATCH", path: "/projects/{id}", body: { name: "x", owner: "me" } }],
  ["a malformed email at registration", { method: "POST", path: "/auth/register", as: "nobody", body: { email: "someone@localhost", username: "formed_ok", password: "password-123" } }],
  ["a malformed email in a profile change", { method: "PATCH", path: "/users/me", body: { email: "not-an-email" } }],
  ["a username that lowercases into the allowed set", { method: "POST", path: "/auth/register", as: "nobody", body: { email: "kelvin@example.com", username: "\u212Aelvin", password: "password-123" } }],
];

describe("input the document refuses is answered 400", () => {
  it.each(refused)("%s", async (_what, c) => {
    expect(validate(c.method, c.path, c), "the document should refuse it").not.toEqual([]);
    const res = await send(c);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("refuses a NUL over tRPC too", async () => {
    await expect(server.trpc(tokens.user).projects.create.mutate({ name: `a${NUL}b` })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
  });
});

describe("input the document accepts is accepted", () => {
  it("counts characters as the document does: 100 emoji are 100 characters, not 200", async () => {
    const c: Case = { method: "POST", path: "/projects", body: { name: "\u{1F600}".repeat(100) } };
    expect(validate(c.method, c.path, c)).toEqual([]);
    const res = await send(c);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { name: string }).name).toBe("\u{1F600}".repeat(100));
  });

  it("accepts an If-Match of the documented forms", async () => {
    for (const ifMatch of ["1", '"2"', 'W/"3"']) {
      const c: Case = { method: "PATCH", path: "/tasks/{id}", headers: { "if-match": ifMatch }, body: { title: "x" } };
      expect(validate(c.method, c.path, c)).toEqual([]);
      expect((await send(c)).status, ifMatch).toBe(200);
    }
  });
});

describe("trimmed input", () => {
  it("holds maxLength for the name as sent and as stored: a leading no-break space counts, and is trimmed", async () => {
    const res = await server.rest("/projects", json("POST", { name: `\u00a0${"n".repeat(99)}` }, tokens.user));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { name: string }).name).toBe("n".repeat(99));
    const tooLong = await server.rest("/projects", json("POST", { name: `\u00a0${"n".repeat(100)}` }, tokens.user));
    expect(tooLong.status).toBe(400);
  });

  it("stores no tag longer than 30 characters, even one that grows when lowercased", async () => {
    // U+0130 lowercases to two code points: 30 of them become 60 characters.
    const res = await server.rest(`/projects/${ids.projectId}/tasks`, json("POST", { title: "t", tags: ["\u0130".repeat(30)] }, tokens.user));
    expect(res.status).toBe(400);
  });

  it("says so in the document for every trimmed field", () => {
    type Schema = { description?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };
    type Op = { parameters?: { name: string; schema: Schema }[]; requestBody?: { content: { "application/json": { schema: Schema } } } };
    const op = (method: string, path: string) => document.paths[path]?.[method] as unknown as Op;
    const body = (method: string, path: string, field: string) => op(method, path).requestBody?.content["application/json"].schema.properties?.[field];
    const param = (path: string, name: string) => op("get", path).parameters?.find((p) => p.name === name)?.schema;
    const trimmed: [string, Schema | undefined][] = [
      ["register username", body("post", "/auth/register", "username")],
      ["register name", body("post", "/auth/register", "name")],
      ["login username", body("post", "/auth/login", "username")],
      ["profile name", body("patch", "/users/me", "name")?.anyOf?.[0]],
      ["users q", param("/users", "q")],
      ["API key name", body("post", "/api-keys", "name")],
      ["project name", body("post", "/projects", "name")],
      ["project name (PATCH)", body("patch", "/projects/{id}", "name")],
      ["projects q", param("/projects", "q")],
      ["task title", body("post", "/projects/{projectId}/tasks", "title")],
      ["task title (PUT)", body("put", "/tasks/{id}", "title")],
      ["task title (PATCH)", body("patch", "/tasks/{id}", "title")],
      ["task tags", body("post", "/projects/{projectId}/tasks", "tags")?.items],
      ["task tag filter", param("/projects/{projectId}/tasks", "tag")],
      ["task q", param("/projects/{projectId}/tasks", "q")],
      ["my tasks q", param("/tasks", "q")],
    ];
    for (const [field, schema] of trimmed) expect(schema?.description ?? "", field).toMatch(/Trimmed/);
    const untrimmed = body("post", "/projects", "description")?.anyOf?.[0];
    expect(untrimmed?.description ?? "").toMatch(/not trimmed/);
  });
});
