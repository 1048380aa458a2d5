import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json, signUp, type TokenPair } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { rawRequest } from "./support/raw-request.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
let admin: TokenPair;
beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
});
afterAll(() => server.close());

const WEAK_TAG = /^W\/"[^"]+"$/;

function withHeader(init: RequestInit, name: string, value: string): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), [name]: value } };
}

function conditional(token: string, ifNoneMatch: string, init: RequestInit = {}): RequestInit {
  return bearer(token, withHeader(init, "if-none-match", ifNoneMatch));
}

/** GETs a path, checks it is tagged and revalidated, and returns its ETag. */
async function tagOf(path: string, token: string): Promise<string> {
  const res = await server.rest(path, bearer(token));
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("private, no-cache");
  const tag = res.headers.get("etag");
  expect(tag).toMatch(WEAK_TAG);
  return tag ?? "";
}

/** A 304 has no body and keeps the ETag and Cache-Control of the 200 it stands for. */
async function expectNotModified(res: Response, tag: string) {
  expect(res.status).toBe(304);
  expect(await res.text()).toBe("");
  expect(res.headers.get("etag")).toBe(tag);
  expect(res.headers.get("cache-control")).toBe("private, no-cache");
}

describe("ETag and If-None-Match on single resources", () => {
  it("tags a task with its version, answers 304 to its ETag, and a PATCH's ETag is the next GET's", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const task = await createTask(server, tokens.accessToken, project.id);
    const path = `/tasks/${task.id}`;
    const tag = await tagOf(path, tokens.accessToken);
    expect(tag).toBe('W/"1"');
    await expectNotModified(await server.rest(path, conditional(tokens.accessToken, tag)), tag);

    // The ETag is what If-Match takes.
    const patch = await server.rest(path, withHeader(json("PATCH", { title: "Renamed" }, tokens.accessToken), "if-match", tag));
    expect(patch.status).toBe(200);
    const patched = patch.headers.get("etag");
    expect(patched).toBe('W/"2"');
    const after = await server.rest(path, conditional(tokens.accessToken, tag));
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).toBe(patched);
    expect(((await after.json()) as { title: string }).title).toBe("Renamed");
    // The old tag is now stale for If-Match too.
    const stale = await server.rest(path, withHeader(json("PATCH", { title: "Again" }, tokens.accessToken), "if-match", tag));
    expect(stale.status).toBe(409);
  });

  it("tags a PUT's answer like the GET that follows it", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const task = await createTask(server, tokens.accessToken, project.id);
    const body = { title: "Whole", description: null, status: "completed", priority: "low", dueDate: null, assigneeId: null, tags: [] };
    const put = await server.rest(`/tasks/${task.id}`, json("PUT", body, tokens.accessToken));
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toBe(await tagOf(`/tasks/${task.id}`, tokens.accessToken));
  });

  it("tags a project from its representation: 304 until a write, then 200 with a new ETag equal to the PATCH's", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const path = `/projects/${project.id}`;
    const tag = await tagOf(path, tokens.accessToken);
    await expectNotModified(await server.rest(path, conditional(tokens.accessToken, tag)), tag);
    const patch = await server.rest(path, json("PATCH", { name: "Renamed" }, tokens.accessToken));
    expect(patch.status).toBe(200);
    const after = await server.rest(path, conditional(tokens.accessToken, tag));
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(tag);
    expect(after.headers.get("etag")).toBe(patch.headers.get("etag"));
  });

  it("tags users/me and users/{id}; a profile change changes the ETag", async () => {
    const { user, tokens } = await signUp(server);
    const me = await tagOf("/users/me", tokens.accessToken);
    await expectNotModified(await server.rest("/users/me", conditional(tokens.accessToken, me)), me);
    expect(await tagOf(`/users/${user.id}`, admin.accessToken)).toBe(me);
    const patch = await server.rest("/users/me", json("PATCH", { name: "New Name" }, tokens.accessToken));
    expect(patch.status).toBe(200);
    const after = await server.rest("/users/me", conditional(tokens.accessToken, me));
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).toBe(patch.headers.get("etag"));
    expect(after.headers.get("etag")).not.toBe(me);
  });

  it("matches any tag of an If-None-Match list, and * for any existing resource; HEAD answers alike", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const path = `/projects/${project.id}`;
    const tag = await tagOf(path, tokens.accessToken);
    await expectNotModified(await server.rest(path, conditional(tokens.accessToken, `W/"nope", ${tag.slice(2)} , "other"`)), tag);
    await expectNotModified(await server.rest(path, conditional(tokens.accessToken, "*")), tag);
    expect((await server.rest(path, conditional(tokens.accessToken, 'W/"nope", garbage'))).status).toBe(200);
    const head = await server.rest(path, bearer(tokens.accessToken, { method: "HEAD" }));
    expect(head.headers.get("etag")).toBe(tag);
    expect((await server.rest(path, conditional(tokens.accessToken, tag, { method: "HEAD" }))).status).toBe(304);
    // A resource that is not there is still 404, whatever If-None-Match says.
    expect((await server.rest(`/projects/${crypto.randomUUID()}`, conditional(tokens.accessToken, "*"))).status).toBe(404);
  });
});

describe("ETag on lists", () => {
  it("tags a page weakly: 304 until a task is added, then 200 with a new ETag", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    await createTask(server, tokens.accessToken, project.id);
    const path = `/projects/${project.id}/tasks?perPage=20`;
    const tag = await tagOf(path, tokens.accessToken);
    await expectNotModified(await server.rest(path, conditional(tokens.accessToken, tag)), tag);
    await createTask(server, tokens.accessToken, project.id, { title: "Second" });
    const after = await server.rest(path, conditional(tokens.accessToken, tag));
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(tag);
    expect(((await after.json()) as { total: number }).total).toBe(2);
  });

  it("keeps Vary: Accept-Encoding on the 304 of a body large enough to be compressed", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    for (let i = 0; i < 6; i++) await createTask(server, tokens.accessToken, project.id, { title: `Task ${i}`, description: "d".repeat(200) });
    const url = `${server.url}/api/v1/projects/${project.id}/tasks`;
    const headers = { authorization: `Bearer ${tokens.accessToken}`, "accept-encoding": "gzip" };
    const full = await rawRequest(url, { headers });
    expect(full.headers["content-encoding"]).toBe("gzip");
    expect(full.headers.vary).toMatch(/Accept-Encoding/);
    const tag = String(full.headers.etag);
    const revalidated = await rawRequest(url, { headers: { ...headers, "if-none-match": tag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.headers.vary).toBe(full.headers.vary);
    expect(revalidated.headers.etag).toBe(tag);
    expect(revalidated.headers["cache-control"]).toBe("private, no-cache");
  });
});

describe("Cache-Control", () => {
  it("keeps no-store on answers that carry tokens or secrets", async () => {
    const { user, password, tokens } = await signUp(server);
    const login = await server.rest("/auth/login", json("POST", { username: user.username, password }));
    expect(login.headers.get("cache-control")).toBe("no-store");
    const key = await server.rest("/api-keys", json("POST", { name: "k", scopes: ["tasks:read"] }, tokens.accessToken));
    expect(key.headers.get("cache-control")).toBe("no-store");
    expect(key.headers.get("etag")).toBeNull();
  });

  it("marks tRPC reads private, no-cache without tagging them, so httpBatchLink never sees a 304", async () => {
    const { tokens } = await signUp(server);
    const res = await fetch(`${server.url}/trpc/users.me`, { headers: { authorization: `Bearer ${tokens.accessToken}`, "if-none-match": "*" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(res.headers.get("etag")).toBeNull();
    expect((await server.trpc(tokens.accessToken).users.me.query()).id).toBeDefined();
  });

  it("leaves the probes untagged and uncached-by-default", async () => {
    const res = await server.rest("/health");
    expect(res.headers.get("etag")).toBeNull();
    expect(res.headers.get("cache-control")).toBeNull();
  });
});
