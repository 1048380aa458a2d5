import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, createApiKey, json, signUp, type TokenPair, type UserJson } from "./support/auth.js";
import { addMember, createProject, createTask, type TaskJson } from "./support/domain.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { trpcError } from "./support/trpc-error.js";

interface TaskPageJson {
  items: TaskJson[];
  page: number;
  perPage: number;
  total: number;
  totalPages: number;
}
type Account = { user: UserJson; tokens: TokenPair };

const MISSING_ID = "00000000-0000-4000-8000-000000000000";

let server: TestServer;
let admin: TokenPair;
let alice: Account;
let bob: Account;
let carol: Account;
let catalogId: string;
const byTitle: Record<string, TaskJson> = {};

async function list(token: string, path: string): Promise<TaskPageJson> {
  const res = await server.rest(path, bearer(token));
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as TaskPageJson;
}

const catalog = (query: string) => list(alice.tokens.accessToken, `/projects/${catalogId}/tasks?${query}`);
const titles = (page: TaskPageJson) => page.items.map((task) => task.title);

beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
  [alice, bob, carol] = [await signUp(server), await signUp(server), await signUp(server)];
  catalogId = (await createProject(server, alice.tokens.accessToken)).id;
  await addMember(server, alice.tokens.accessToken, catalogId, bob.user.id);
  // Created one after another, so createdAt ascends alpha..foxtrot.
  const specs = [
    { title: "alpha report", description: "Quarterly NUMBERS", priority: "low", dueDate: "2025-01-10", assigneeId: bob.user.id, tags: [" Docs", "docs ", "urgent"] },
    { title: "bravo deploy", status: "in_progress", priority: "high", dueDate: "2025-03-01", assigneeId: alice.user.id, tags: ["ops"] },
    { title: "charlie review", description: "needs alpha sign-off", status: "completed", priority: "medium" },
    { title: "delta fix", priority: "high", dueDate: "2025-02-15", assigneeId: bob.user.id, tags: ["urgent"] },
    { title: "echo cleanup", status: "in_progress", priority: "low", tags: ["ops", "docs"] },
    { title: "foxtrot plan", priority: "medium", dueDate: "2025-01-20", assigneeId: alice.user.id },
  ];
  for (const spec of specs) byTitle[spec.title] = await createTask(server, alice.tokens.accessToken, catalogId, spec);
  // Touch charlie, then alpha: updatedAt ascends bravo, delta, echo, foxtrot, charlie, alpha.
  for (const title of ["charlie review", "alpha report"]) {
    const res = await server.rest(`/tasks/${byTitle[title]?.id}`, json("PATCH", { tags: byTitle[title]?.tags }, alice.tokens.accessToken));
    expect(res.status).toBe(200);
  }
});
afterAll(() => server.close());

describe("GET /api/v1/projects/{projectId}/tasks: filters", () => {
  it("defaults to newest first, page 1 of 20, and stores tags trimmed, lowercased and de-duplicated", async () => {
    const page = await catalog("");
    expect(page).toMatchObject({ page: 1, perPage: 20, total: 6, totalPages: 1 });
    expect(titles(page)).toEqual(["foxtrot plan", "echo cleanup", "delta fix", "charlie review", "bravo deploy", "alpha report"]);
    expect(page.items.find((task) => task.title === "alpha report")?.tags).toEqual(["docs", "urgent"]);
  });

  it.each([
    ["status=pending", ["foxtrot plan", "delta fix", "alpha report"]],
    ["status=in_progress", ["echo cleanup", "bravo deploy"]],
    ["status=completed", ["charlie review"]],
    ["priority=high", ["delta fix", "bravo deploy"]],
    ["priority=low", ["echo cleanup", "alpha report"]],
    ["tag=DOCS", ["echo cleanup", "alpha report"]],
    ["tag=%20urgent%20", ["delta fix", "alpha report"]],
    ["q=numbers", ["alpha report"]],
    ["q=ALPHA", ["charlie review", "alpha report"]],
    ["q=%25", []],
    ["dueBefore=2025-01-20", ["alpha report"]],
    ["dueAfter=2025-02-15", ["bravo deploy"]],
    ["dueAfter=2025-01-10&dueBefore=2025-03-01", ["foxtrot plan", "delta fix"]],
    ["status=pending&priority=high&tag=urgent", ["delta fix"]],
  ])("filters by %s", async (query, expected) => {
    const page = await catalog(query);
    expect(titles(page)).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });

  it("answers each filter shape with this request's values, however shapes repeat and interleave", async () => {
    // Each shape's SQL is prepared once and reused: a reused shape must never answer with an earlier request's values.
    const rounds = [
      ["status=completed&sort=title&order=asc", ["charlie review"]],
      ["q=deploy&sort=title&order=asc", ["bravo deploy"]],
      ["status=in_progress&sort=title&order=asc", ["bravo deploy", "echo cleanup"]],
      ["q=cleanup&sort=title&order=asc", ["echo cleanup"]],
      ["status=completed&sort=title&order=asc", ["charlie review"]],
      ["status=pending&priority=low&sort=title&order=asc", ["alpha report"]],
      ["status=pending&priority=medium&sort=title&order=asc", ["foxtrot plan"]],
    ] as const;
    for (const [query, expected] of rounds) expect(titles(await catalog(query)), query).toEqual(expected);
    const other = (await createProject(server, alice.tokens.accessToken)).id;
    await createTask(server, alice.tokens.accessToken, other, { title: "golf elsewhere", status: "completed" });
    const elsewhere = await list(alice.tokens.accessToken, `/projects/${other}/tasks?status=completed&sort=title&order=asc`);
    expect(titles(elsewhere)).toEqual(["golf elsewhere"]);
  });

  it("lists each task exactly as GET /tasks/{id} answers it: timestamps to the millisecond, dates, tags and nulls", async () => {
    const page = await catalog("perPage=100");
    expect(page.items).toHaveLength(Object.keys(byTitle).length);
    for (const item of page.items) {
      const res = await server.rest(`/tasks/${item.id}`, bearer(alice.tokens.accessToken));
      expect(res.status).toBe(200);
      expect(item).toStrictEqual(await res.json());
    }
  });

  it("filters by assigneeId", async () => {
    expect(titles(await catalog(`assigneeId=${bob.user.id}`))).toEqual(["delta fix", "alpha report"]);
    expect(titles(await catalog(`assigneeId=${alice.user.id}&status=in_progress`))).toEqual(["bravo deploy"]);
    expect((await catalog(`assigneeId=${carol.user.id}`)).total).toBe(0);
  });

  it("filters by assigneeId=me as the caller, like GET /tasks", async () => {
    expect(titles(await catalog("assigneeId=me"))).toEqual(["foxtrot plan", "bravo deploy"]);
    expect(titles(await list(bob.tokens.accessToken, `/projects/${catalogId}/tasks?assigneeId=me&priority=high`))).toEqual(["delta fix"]);
    expect((await list(admin.accessToken, `/projects/${catalogId}/tasks?assigneeId=me`)).total).toBe(0);
  });

  it("takes assigneeId=me for an API key as the key's owner", async () => {
    const reader = await createApiKey(server, bob.tokens.accessToken, { scopes: ["tasks:read"] });
    expect(titles(await list(reader.key, `/projects/${catalogId}/tasks?assigneeId=me`))).toEqual(["delta fix", "alpha report"]);
  });

  it.each(["assigneeId=someone", "assigneeId=ME", "assigneeId="])("rejects %s with 400 BAD_REQUEST", async (query) => {
    const res = await server.rest(`/projects/${catalogId}/tasks?${query}`, bearer(alice.tokens.accessToken));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("BAD_REQUEST");
  });
});

describe("GET /api/v1/projects/{projectId}/tasks: sorting", () => {
  const created = ["alpha report", "bravo deploy", "charlie review", "delta fix", "echo cleanup", "foxtrot plan"];
  const updated = ["bravo deploy", "delta fix", "echo cleanup", "foxtrot plan", "charlie review", "alpha report"];

  it.each([
    ["createdAt", created],
    ["updatedAt", updated],
    ["title", created],
  ])("sorts by %s in both orders", async (sort, ascending) => {
    expect(titles(await catalog(`sort=${sort}&order=asc`))).toEqual(ascending);
    expect(titles(await catalog(`sort=${sort}&order=desc`))).toEqual([...ascending].reverse());
  });

  it("sorts by priority rank low < medium < high, not alphabetically", async () => {
    const asc = await catalog("sort=priority&order=asc");
    expect(asc.items.map((task) => task.priority)).toEqual(["low", "low", "medium", "medium", "high", "high"]);
    expect(titles(asc).slice(4).sort()).toEqual(["bravo deploy", "delta fix"]);
    const desc = await catalog("sort=priority&order=desc");
    expect(desc.items.map((task) => task.priority)).toEqual(["high", "high", "medium", "medium", "low", "low"]);
    expect(titles(desc).slice(0, 2).sort()).toEqual(["bravo deploy", "delta fix"]);
  });

  it("sorts by dueDate with undated tasks last in both orders", async () => {
    const asc = await catalog("sort=dueDate&order=asc");
    expect(asc.items.map((task) => task.dueDate)).toEqual(["2025-01-10", "2025-01-20", "2025-02-15", "2025-03-01", null, null]);
    const desc = await catalog("sort=dueDate&order=desc");
    expect(desc.items.map((task) => task.dueDate)).toEqual(["2025-03-01", "2025-02-15", "2025-01-20", "2025-01-10", null, null]);
    expect(titles(desc).slice(4).sort()).toEqual(["charlie review", "echo cleanup"]);
  });
});

describe("GET /api/v1/projects/{projectId}/tasks: paging", () => {
  let pagedId: string;
  const ids: string[] = [];
  beforeAll(async () => {
    pagedId = (await createProject(server, alice.tokens.accessToken)).id;
    const priorities = ["low", "medium", "high"];
    const dates = [null, "2025-05-01", "2025-06-01"];
    for (let i = 0; i < 25; i++) {
      const body = { title: `task ${i % 4}`, priority: priorities[i % 3], dueDate: dates[i % 3] };
      ids.push((await createTask(server, alice.tokens.accessToken, pagedId, body)).id);
    }
  });
  const paged = (query: string) => list(alice.tokens.accessToken, `/projects/${pagedId}/tasks?${query}`);

  it("answers a partial last page and an empty page past the end with the same totals", async () => {
    const last = await paged("perPage=7&page=4&order=asc");
    expect(last).toMatchObject({ page: 4, perPage: 7, total: 25, totalPages: 4 });
    expect(last.items.map((task) => task.id)).toEqual(ids.slice(21));
    const past = await paged("perPage=7&page=5");
    expect(past).toEqual({ items: [], page: 5, perPage: 7, total: 25, totalPages: 4 });
    const whole = await paged("perPage=25");
    expect(whole).toMatchObject({ total: 25, totalPages: 1 });
    expect(whole.items).toHaveLength(25);
    expect(await paged("perPage=100&status=completed")).toEqual({ items: [], page: 1, perPage: 100, total: 0, totalPages: 0 });
  });

  it.each(["createdAt", "updatedAt", "priority", "title", "dueDate"].flatMap((sort) => [`${sort}&order=asc`, `${sort}&order=desc`]))(
    "lists every task exactly once across pages of 7 when sorting by %s",
    async (sort) => {
      const seen: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const result = await paged(`sort=${sort}&perPage=7&page=${page}`);
        expect(result).toMatchObject({ page, total: 25, totalPages: 4 });
        expect(result.items).toHaveLength(page < 4 ? 7 : 4);
        seen.push(...result.items.map((task) => task.id));
      }
      expect(new Set(seen).size).toBe(25);
      expect([...seen].sort()).toEqual([...ids].sort());
    },
  );
});

describe("GET /api/v1/projects/{projectId}/tasks: refusals", () => {
  it.each([
    "page=0",
    "page=abc",
    "page=1.5",
    "perPage=0",
    "perPage=101",
    "sort=bogus",
    "order=up",
    "status=done",
    "priority=urgent",
    "dueBefore=2024-13-45",
    "dueAfter=2025-02-30",
    "dueBefore=tomorrow",
    "assigneeId=not-a-uuid",
    `tag=${"x".repeat(31)}`,
    "unknownParam=1",
  ])("rejects %s with 400 BAD_REQUEST", async (query) => {
    const res = await server.rest(`/projects/${catalogId}/tasks?${query}`, bearer(alice.tokens.accessToken));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("BAD_REQUEST");
  });

  it("answers 404 NOT_FOUND alike to a non-member and for a project that does not exist", async () => {
    for (const path of [`/projects/${catalogId}/tasks`, `/projects/${MISSING_ID}/tasks`]) {
      const res = await server.rest(path, bearer(carol.tokens.accessToken));
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ code: "NOT_FOUND", message: "Project not found" });
    }
    expect((await server.rest(`/projects/${catalogId}/tasks`)).status).toBe(401);
  });

  it("lets a member and an admin list, and an API key only with tasks:read", async () => {
    expect((await list(bob.tokens.accessToken, `/projects/${catalogId}/tasks`)).total).toBe(6);
    expect((await list(admin.accessToken, `/projects/${catalogId}/tasks`)).total).toBe(6);
    const reader = await createApiKey(server, alice.tokens.accessToken, { scopes: ["tasks:read"] });
    expect((await list(reader.key, `/projects/${catalogId}/tasks?priority=high`)).total).toBe(2);
    const projectsOnly = await createApiKey(server, alice.tokens.accessToken, { scopes: ["projects:read"] });
    for (const path of [`/projects/${catalogId}/tasks`, "/tasks"]) {
      const res = await server.rest(path, bearer(projectsOnly.key));
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe("FORBIDDEN");
    }
  });
});

describe("GET /api/v1/tasks: tasks by assignee across projects", () => {
  let dave: Account;
  let erin: Account;
  let projectA: string;
  let projectB: string;
  beforeAll(async () => {
    [dave, erin] = [await signUp(server), await signUp(server)];
    projectA = (await createProject(server, alice.tokens.accessToken)).id;
    projectB = (await createProject(server, erin.tokens.accessToken)).id;
    await addMember(server, alice.tokens.accessToken, projectA, dave.user.id);
    await addMember(server, erin.tokens.accessToken, projectB, dave.user.id);
    await createTask(server, alice.tokens.accessToken, projectA, { title: "a1", assigneeId: dave.user.id, priority: "high" });
    await createTask(server, alice.tokens.accessToken, projectA, { title: "a2 unassigned" });
    await createTask(server, alice.tokens.accessToken, projectA, { title: "a3 alice's", assigneeId: alice.user.id });
    await createTask(server, erin.tokens.accessToken, projectB, { title: "b1", assigneeId: dave.user.id, status: "completed" });
    await createTask(server, erin.tokens.accessToken, projectB, { title: "b2", assigneeId: dave.user.id, priority: "low" });
  });

  it("answers the caller's tasks from every project they belong to, with assigneeId=me as the default", async () => {
    for (const query of ["", "?assigneeId=me", `?assigneeId=${dave.user.id}`]) {
      const page = await list(dave.tokens.accessToken, `/tasks${query}`);
      expect(titles(page), query).toEqual(["b2", "b1", "a1"]);
      expect(page).toMatchObject({ page: 1, perPage: 20, total: 3, totalPages: 1 });
    }
  });

  it("applies the same filters, sorting and paging", async () => {
    expect(titles(await list(dave.tokens.accessToken, "/tasks?status=pending&sort=priority&order=asc"))).toEqual(["b2", "a1"]);
    expect(titles(await list(dave.tokens.accessToken, "/tasks?sort=title&order=asc&perPage=2&page=2"))).toEqual(["b2"]);
    expect(titles(await list(dave.tokens.accessToken, "/tasks?q=A1"))).toEqual(["a1"]);
  });

  it("shows another user's tasks only from projects the caller belongs to (admins: all)", async () => {
    expect(titles(await list(alice.tokens.accessToken, `/tasks?assigneeId=${dave.user.id}`))).toEqual(["a1"]);
    expect(titles(await list(erin.tokens.accessToken, `/tasks?assigneeId=${dave.user.id}`))).toEqual(["b2", "b1"]);
    expect((await list(carol.tokens.accessToken, `/tasks?assigneeId=${dave.user.id}`)).total).toBe(0);
    expect(titles(await list(admin.accessToken, `/tasks?assigneeId=${dave.user.id}`))).toEqual(["b2", "b1", "a1"]);
    expect(titles(await list(alice.tokens.accessToken, "/tasks"))).toEqual(["a3 alice's", "foxtrot plan", "bravo deploy"]);
  });

  it.each(["assigneeId=someone", "assigneeId=", "page=0", "perPage=101", "sort=bogus", `projectId=${MISSING_ID}`, "unknownParam=1"])(
    "rejects %s with 400 BAD_REQUEST",
    async (query) => {
      const res = await server.rest(`/tasks?${query}`, bearer(dave.tokens.accessToken));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("BAD_REQUEST");
    },
  );

  it("works over tRPC as tasks.listMine", async () => {
    const page = await server.trpc(dave.tokens.accessToken).tasks.listMine.query({ sort: "priority", order: "desc" });
    expect(page.items.map((task) => task.title)).toEqual(["a1", "b1", "b2"]);
    const other = await server.trpc(alice.tokens.accessToken).tasks.listMine.query({ assigneeId: dave.user.id });
    expect(other.items.map((task) => task.title)).toEqual(["a1"]);
  });
});

describe("tRPC tasks.list", () => {
  it("filters, sorts and pages like REST", async () => {
    const client = server.trpc(bob.tokens.accessToken);
    const page = await client.tasks.list.query({ projectId: catalogId, status: "pending", sort: "title", order: "asc", perPage: 2, page: 2 });
    expect(page).toMatchObject({ page: 2, perPage: 2, total: 3, totalPages: 2 });
    expect(page.items.map((task) => task.title)).toEqual(["foxtrot plan"]);
  });

  it('takes assigneeId "me" as the caller', async () => {
    const page = await server.trpc(bob.tokens.accessToken).tasks.list.query({ projectId: catalogId, assigneeId: "me", sort: "title", order: "asc" });
    expect(page.items.map((task) => task.title)).toEqual(["alpha report", "delta fix"]);
  });

  it("answers NOT_FOUND to a non-member and BAD_REQUEST to an out-of-range page", async () => {
    expect(await trpcError(server.trpc(carol.tokens.accessToken).tasks.list.query({ projectId: catalogId }))).toMatchObject({ code: "NOT_FOUND", httpStatus: 404 });
    expect(await trpcError(server.trpc(alice.tokens.accessToken).tasks.list.query({ projectId: catalogId, perPage: 101 }))).toMatchObject({
      code: "BAD_REQUEST",
      httpStatus: 400,
    });
  });
});
