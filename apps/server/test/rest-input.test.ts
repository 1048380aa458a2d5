import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, uniqueName, type TokenPair, type UserJson } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { startTestServer, TEST_ADMIN, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

/**
 * JSON bodies are never coerced on either surface; only REST path and query parameters are converted from
 * strings, and only to their documented scalar types. REST traffic must not change what tRPC accepts.
 */

let server: TestServer;
let admin: TokenPair;
beforeAll(async () => {
  server = await startTestServer();
  // Logged in over tRPC so that no REST call has touched any procedure before the "fresh server" checks.
  admin = await server.trpc().auth.login.mutate({ username: TEST_ADMIN.username, password: TEST_ADMIN.password });
});
afterAll(() => server.close());

async function newUser(): Promise<UserJson> {
  const username = uniqueName();
  const user = await server.trpc().auth.register.mutate({ email: `${username}@example.com`, username, password: "correct-horse-battery" });
  return user as UserJson;
}

const NOT_BOOLEANS: unknown[] = ["false", "true", {}, [], 1, 0, null];
const NOT_VERSIONS: unknown[] = ["1", [2], true, "0x1", 1.5];

async function expectTrpcRejectsDisabled(id: string) {
  for (const disabled of NOT_BOOLEANS) {
    const error = await trpcError(server.trpc(admin.accessToken).users.update.mutate({ id, disabled: disabled as boolean }));
    expect(error.code, JSON.stringify(disabled)).toBe("BAD_REQUEST");
  }
}

async function expectNotDisabled(id: string) {
  const res = await server.rest(`/users/${id}`, bearer(admin.accessToken));
  expect(((await res.json()) as UserJson).disabled).toBe(false);
}

describe("a boolean in a JSON body", () => {
  it("is never coerced: users.update answers 400 for non-booleans on both surfaces, before and after REST traffic", async () => {
    const user = await newUser();
    await expectTrpcRejectsDisabled(user.id);

    for (const disabled of NOT_BOOLEANS) {
      const res = await server.rest(`/users/${user.id}`, json("PATCH", { disabled }, admin.accessToken));
      expect(res.status, JSON.stringify(disabled)).toBe(400);
      expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", issues: [expect.objectContaining({ path: "disabled" })] });
    }
    await expectNotDisabled(user.id);

    // A successful REST call of the same procedure must not loosen the tRPC surface either.
    const ok = await server.rest(`/users/${user.id}`, json("PATCH", { role: "user" }, admin.accessToken));
    expect(ok.status).toBe(200);
    await expectTrpcRejectsDisabled(user.id);
    await expectNotDisabled(user.id);
  });

  it("still accepts real booleans on REST", async () => {
    const user = await newUser();
    const res = await server.rest(`/users/${user.id}`, json("PATCH", { disabled: true }, admin.accessToken));
    expect(res.status).toBe(200);
    expect(((await res.json()) as UserJson).disabled).toBe(true);
  });
});

describe("a number in a JSON body", () => {
  it("is never coerced: expectedVersion must be a JSON integer on both surfaces, before and after REST traffic", async () => {
    const project = await createProject(server, admin.accessToken);
    const task = await createTask(server, admin.accessToken, project.id);
    const trpcRejects = async () => {
      for (const expectedVersion of NOT_VERSIONS) {
        const call = server.trpc(admin.accessToken).tasks.update.mutate({ id: task.id, title: "x", expectedVersion: expectedVersion as number });
        expect((await trpcError(call)).code, JSON.stringify(expectedVersion)).toBe("BAD_REQUEST");
      }
    };
    await trpcRejects();

    for (const expectedVersion of NOT_VERSIONS) {
      for (const [method, body] of [
        ["PATCH", { title: "changed", expectedVersion }],
        ["PUT", { title: "changed", description: null, status: "pending", priority: "low", dueDate: null, assigneeId: null, tags: [], expectedVersion }],
      ] as const) {
        const res = await server.rest(`/tasks/${task.id}`, json(method, body, admin.accessToken));
        expect(res.status, `${method} ${JSON.stringify(expectedVersion)}`).toBe(400);
      }
    }
    const unchanged = await server.rest(`/tasks/${task.id}`, bearer(admin.accessToken));
    expect(await unchanged.json()).toMatchObject({ title: "Task", version: 1 });

    const ok = await server.rest(`/tasks/${task.id}`, json("PATCH", { title: "changed", expectedVersion: 1 }, admin.accessToken));
    expect(ok.status).toBe(200);
    await trpcRejects();
  });
});

describe("query parameters", () => {
  it("convert documented integers from decimal strings: ?page=2&perPage=5 pages", async () => {
    for (let i = 0; i < 6; i++) await newUser();
    const res = await server.rest("/users?page=2&perPage=5", bearer(admin.accessToken));
    expect(res.status).toBe(200);
    const page = (await res.json()) as { page: number; perPage: number; items: unknown[] };
    expect(page).toMatchObject({ page: 2, perPage: 5 });
    expect(page.items.length).toBeGreaterThan(0);
  });

  it.each(["0x2", " 2", "2abc", "", "true", "Infinity", "1e400"])("answer 400 for page=%j, which is not a decimal number", async (value) => {
    const res = await server.rest(`/users?page=${encodeURIComponent(value)}`, bearer(admin.accessToken));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", issues: [expect.objectContaining({ path: "page" })] });
  });

  it("answers 400 for a repeated scalar parameter", async () => {
    const res = await server.rest("/users?page=1&page=2", bearer(admin.accessToken));
    expect(res.status).toBe(400);
  });
});

describe("path parameters in a REST body", () => {
  it("refuses a body field named like a path parameter with 400, instead of letting the path silently win", async () => {
    const owner = await server.trpc().auth.login.mutate({ username: TEST_ADMIN.username, password: TEST_ADMIN.password });
    const project = await createProject(server, owner.accessToken);
    const task = await createTask(server, owner.accessToken, project.id);
    const replacement = { title: "t", description: null, status: "pending", priority: "low", dueDate: null, assigneeId: null, tags: [] };
    const res = await server.rest(`/tasks/${task.id}`, json("PUT", { ...replacement, id: [1, 2] }, owner.accessToken));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", message: "id is given by the path and cannot be sent in the body" });
    const unchanged = await server.rest(`/tasks/${task.id}`, bearer(owner.accessToken));
    expect(((await unchanged.json()) as { title: string }).title).toBe(task.title);
  });
});

describe("query keys named like Object.prototype members", () => {
  it("answers them like any unknown parameter (400), never 500", async () => {
    for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const res = await server.rest(`/projects?${key}=1&${key}=2`, bearer(admin.accessToken));
      expect(res.status, key).toBe(400);
      expect(((await res.json()) as { code: string }).code, key).toBe("BAD_REQUEST");
    }
  });
});
