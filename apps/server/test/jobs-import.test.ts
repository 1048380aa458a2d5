import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, signUp } from "./support/auth.js";
import { addMember, createProject, createTask, type TaskJson } from "./support/domain.js";
import { pollJob, type JobJson } from "./support/jobs.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function csv(body: string, token: string): RequestInit {
  return { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${token}` }, body };
}

async function accepted(res: Response): Promise<JobJson> {
  expect(res.status).toBe(202);
  const job = (await res.json()) as JobJson;
  expect(res.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
  expect(job).toMatchObject({ kind: "task.import", status: "queued" });
  return job;
}

async function projectTasks(token: string, projectId: string): Promise<TaskJson[]> {
  const page = (await (await server.rest(`/projects/${projectId}/tasks?perPage=100&sort=title&order=asc`, bearer(token))).json()) as { items: TaskJson[] };
  return page.items;
}

async function report(token: string, job: JobJson) {
  const res = await server.rest(`/jobs/${job.id}/result`, bearer(token));
  expect(res.headers.get("content-type")).toBe("application/json");
  return (await res.json()) as { created: number; taskIds: string[]; errors: { row: number; issues: { path: string; message: string }[] }[] };
}

async function auditActions(token: string, projectId: string): Promise<string[]> {
  const page = (await (await server.rest(`/audit-events?projectId=${projectId}&perPage=100`, bearer(token))).json()) as { items: { action: string }[] };
  return page.items.map((event) => event.action);
}

describe("task import", () => {
  it("imports a JSON array with task creation's rules and defaults, one audit event per task", async () => {
    const { tokens, user } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const rows = [{ title: "  Alpha  ", tags: ["X", "x"] }, { title: "Beta", status: "completed", priority: "high", dueDate: "2027-03-04", assigneeId: user.id }];
    const job = await accepted(await server.rest(`/projects/${project.id}/imports`, json("POST", rows, tokens.accessToken)));
    const done = await pollJob(server, tokens.accessToken, job.id);
    expect(done).toMatchObject({ status: "succeeded", progress: 100 });
    const result = await report(tokens.accessToken, done);
    expect(result).toMatchObject({ created: 2, errors: [] });
    const tasks = await projectTasks(tokens.accessToken, project.id);
    expect(tasks.map((task) => [task.title, task.status, task.priority, task.tags, task.assigneeId])).toEqual([
      ["Alpha", "pending", "medium", ["x"], null],
      ["Beta", "completed", "high", [], user.id],
    ]);
    expect(result.taskIds.sort()).toEqual(tasks.map((task) => task.id).sort());
    expect((await auditActions(tokens.accessToken, project.id)).filter((action) => action === "task.create")).toHaveLength(2);
  });

  it("imports CSV (an export's columns included) with quoted fields and ;-separated tags", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const body = 'id,title,description,status,tags,createdAt\r\n,"Write ""docs"", then ship","two\nlines",in_progress,docs;ship,2020-01-01\r\n,Second,,,,\r\n';
    const done = await pollJob(server, tokens.accessToken, (await accepted(await server.rest(`/projects/${project.id}/imports`, csv(body, tokens.accessToken)))).id);
    expect(done.status).toBe("succeeded");
    const tasks = await projectTasks(tokens.accessToken, project.id);
    expect(tasks.map((task) => [task.title, task.description, task.status, task.tags])).toEqual([
      ["Second", null, "pending", []],
      ['Write "docs", then ship', "two\nlines", "in_progress", ["docs", "ship"]],
    ]);
  });

  it("creates nothing when one row is bad, and the report names every bad row", async () => {
    const { tokens } = await signUp(server);
    const stranger = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const rows = [{ title: "Fine" }, { title: "" }, { title: "Fine too" }, { title: "Odd", status: "done", extra: 1 }, { title: "Assigned", assigneeId: stranger.user.id }];
    const done = await pollJob(server, tokens.accessToken, (await accepted(await server.rest(`/projects/${project.id}/imports`, json("POST", rows, tokens.accessToken)))).id);
    expect(done).toMatchObject({ status: "failed", error: "2 of the rows are invalid; nothing was imported", resultUrl: `/api/v1/jobs/${done.id}/result` });
    const result = await report(tokens.accessToken, done);
    expect(result.created).toBe(0);
    expect(result.errors.map((error) => [error.row, error.issues.map((issue) => issue.path).sort()])).toEqual([
      [2, ["title"]],
      [4, ["", "status"]],
    ]);
    expect(await projectTasks(tokens.accessToken, project.id)).toEqual([]);
  });

  it("refuses a non-member assignee for the whole import, naming the row", async () => {
    const { tokens } = await signUp(server);
    const stranger = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    await createTask(server, tokens.accessToken, project.id, { title: "Before" });
    const rows = [{ title: "One" }, { title: "Two", assigneeId: stranger.user.id }];
    const done = await pollJob(server, tokens.accessToken, (await accepted(await server.rest(`/projects/${project.id}/imports`, json("POST", rows, tokens.accessToken)))).id);
    expect(done.status).toBe("failed");
    expect((await report(tokens.accessToken, done)).errors).toEqual([{ row: 2, issues: [{ path: "assigneeId", message: "The assignee must be a member of the project" }] }]);
    expect((await projectTasks(tokens.accessToken, project.id)).map((task) => task.title)).toEqual(["Before"]);
  });

  it.each([
    ["over 10,000 CSV rows", (token: string) => csv(`title\n${"t\n".repeat(10_001)}`, token)],
    ["over 10,000 JSON rows", (token: string) => json("POST", Array.from({ length: 10_001 }, () => ({ title: "t" })), token)],
    ["an unclosed CSV quote", (token: string) => csv('title\n"open', token)],
    ["an unknown CSV column", (token: string) => csv("title,colour\nA,red\n", token)],
    ["a CSV row with too many fields", (token: string) => csv("title\nA,B\n", token)],
    ["a CSV body with a header only", (token: string) => csv("title\n", token)],
    ["an empty JSON array", (token: string) => json("POST", [], token)],
    ["a JSON object instead of an array", (token: string) => json("POST", { title: "t" }, token)],
    ["JSON that does not parse", (token: string) => ({ method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: "[{" })],
  ])("refuses %s with 400 and queues nothing", async (_case, init) => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const res = await server.rest(`/projects/${project.id}/imports`, init(tokens.accessToken));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("BAD_REQUEST");
    expect(await server.running.database.executeSql("select count(*)::int as n from jobs where project_id = $1", [project.id])).toEqual({ rows: [{ n: 0 }] });
  });

  it("refuses another media type with 415", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const res = await server.rest(`/projects/${project.id}/imports`, { method: "POST", headers: { "content-type": "text/plain", authorization: `Bearer ${tokens.accessToken}` }, body: "title\nA" });
    expect(res.status).toBe(415);
  });

  it("imports 10,000 rows, reporting progress on the way", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const job = await accepted(await server.rest(`/projects/${project.id}/imports`, csv(`title,priority\n${Array.from({ length: 10_000 }, (_, i) => `Task ${i},low`).join("\n")}`, tokens.accessToken)));
    const seen = new Set<number>();
    const done = await pollJob(server, tokens.accessToken, job.id, (state) => (seen.add(state.progress), state.status === "succeeded" || state.status === "failed"), 120_000);
    expect(done.status).toBe("succeeded");
    expect((await report(tokens.accessToken, done)).created).toBe(10_000);
    const page = (await (await server.rest(`/projects/${project.id}/tasks?perPage=1`, bearer(tokens.accessToken))).json()) as { total: number };
    expect(page.total).toBe(10_000);
    expect([...seen].every((progress) => progress >= 0 && progress <= 100)).toBe(true);
  }, 180_000);

  it("has a tRPC twin: projects.import takes tasks or csv; a plain member may import", async () => {
    const owner = await signUp(server);
    const member = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    await addMember(server, owner.tokens.accessToken, project.id, member.user.id);
    const client = server.trpc(member.tokens.accessToken);
    const fromJson = await client.projects.import.mutate({ projectId: project.id, tasks: [{ title: "From JSON" }] });
    expect((await pollJob(server, member.tokens.accessToken, fromJson.id)).status).toBe("succeeded");
    const fromCsv = await client.projects.import.mutate({ projectId: project.id, csv: "title\nFrom CSV\n" });
    expect((await pollJob(server, member.tokens.accessToken, fromCsv.id)).status).toBe("succeeded");
    expect((await projectTasks(owner.tokens.accessToken, project.id)).map((task) => task.title)).toEqual(["From CSV", "From JSON"]);
    await expect(client.projects.import.mutate({ projectId: project.id })).rejects.toThrow();
  });
});
