import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json, signUp, type TokenPair } from "./support/auth.js";
import { addMember, createProject, createTask } from "./support/domain.js";
import { pollJob, type JobJson } from "./support/jobs.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
let admin: TokenPair;
beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
});
afterAll(() => server.close());

async function startExport(token: string, projectId: string, format: "json" | "csv") {
  const res = await server.rest(`/projects/${projectId}/exports`, json("POST", { format }, token));
  expect(res.status).toBe(202);
  const job = (await res.json()) as JobJson;
  expect(res.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
  return job;
}

describe("project export", () => {
  it("takes a request without a body (the format defaults to json), and refuses a JSON null body with 400, queueing nothing", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const plain = await server.rest(`/projects/${project.id}/exports`, { method: "POST", headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(plain.status).toBe(202);
    const nullBody = await server.rest(`/projects/${project.id}/exports`, { method: "POST", headers: { authorization: `Bearer ${tokens.accessToken}`, "content-type": "application/json" }, body: "null" });
    expect(nullBody.status).toBe(400);
    expect(await nullBody.json()).toMatchObject({ code: "BAD_REQUEST", message: "Request body must be a JSON object" });
  });

  it("answers 202 with Location and a queued job, which finishes with a JSON file of project, members, tasks and audit trail", async () => {
    const { tokens, user } = await signUp(server);
    const project = await createProject(server, tokens.accessToken, { name: "Exported" });
    const task = await createTask(server, tokens.accessToken, project.id, { title: "First, \"quoted\"", tags: ["a", "b"] });
    const job = await startExport(tokens.accessToken, project.id, "json");
    expect(job).toMatchObject({ kind: "project.export", status: "queued", progress: 0, startedAt: null, finishedAt: null });
    expect(Object.keys(job).sort()).toEqual(["createdAt", "finishedAt", "id", "kind", "progress", "startedAt", "status"]);

    const done = await pollJob(server, tokens.accessToken, job.id);
    expect(done).toMatchObject({ status: "succeeded", progress: 100, resultUrl: `/api/v1/jobs/${job.id}/result` });
    expect(Date.parse(done.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(done.startedAt ?? ""));

    const file = await fetch(`${server.url}${done.resultUrl}`, bearer(tokens.accessToken));
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/json");
    expect(file.headers.get("content-disposition")).toContain(`attachment; filename="project-${project.id}.json"`);
    const body = (await file.json()) as { project: { id: string }; members: { userId: string }[]; tasks: { id: string }[]; auditEvents: { action: string }[] };
    expect(body.project.id).toBe(project.id);
    expect(body.members.map((member) => member.userId)).toEqual([user.id]);
    expect(body.tasks.map((t) => t.id)).toEqual([task.id]);
    expect(body.auditEvents.map((event) => event.action)).toEqual(["project.create", "task.create"]);
  });

  it("exports the tasks as CSV with a header row, quoting what needs it", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const task = await createTask(server, tokens.accessToken, project.id, { title: 'Say "hi", then leave', tags: ["x", "y"], dueDate: "2027-01-02" });
    const done = await pollJob(server, tokens.accessToken, (await startExport(tokens.accessToken, project.id, "csv")).id);
    const file = await server.rest(`/jobs/${done.id}/result`, bearer(tokens.accessToken));
    expect(file.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(file.headers.get("content-disposition")).toContain(`filename="project-${project.id}-tasks.csv"`);
    const lines = (await file.text()).split("\r\n");
    expect(lines[0]).toBe("id,title,description,status,priority,dueDate,assigneeId,tags,createdBy,createdAt,updatedAt,version");
    expect(lines[1]).toMatch(new RegExp(`^${task.id},"Say ""hi"", then leave",,pending,medium,2027-01-02,,x;y,`));
    expect(lines.slice(2)).toEqual([""]);
  });

  it("shows a job to its requester, the project's owners and admins only: 404 for a plain member and a stranger", async () => {
    const owner = await signUp(server);
    const member = await signUp(server);
    const stranger = await signUp(server);
    const project = await createProject(server, owner.tokens.accessToken);
    await addMember(server, owner.tokens.accessToken, project.id, member.user.id);
    const job = await startExport(owner.tokens.accessToken, project.id, "json");
    for (const token of [owner.tokens.accessToken, admin.accessToken]) expect((await server.rest(`/jobs/${job.id}`, bearer(token))).status).toBe(200);
    for (const token of [member.tokens.accessToken, stranger.tokens.accessToken]) {
      expect((await server.rest(`/jobs/${job.id}`, bearer(token))).status).toBe(404);
      expect((await server.rest(`/jobs/${job.id}/result`, bearer(token))).status).toBe(404);
    }
    // A member's own export is theirs to see.
    const own = await startExport(member.tokens.accessToken, project.id, "csv");
    expect((await server.rest(`/jobs/${own.id}`, bearer(member.tokens.accessToken))).status).toBe(200);
    await pollJob(server, owner.tokens.accessToken, own.id);
  });

  it("refuses an unknown format with 400 and a project the caller cannot see with 404, queuing nothing", async () => {
    const { tokens } = await signUp(server);
    const other = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    expect((await server.rest(`/projects/${project.id}/exports`, json("POST", { format: "xml" }, tokens.accessToken))).status).toBe(400);
    expect((await server.rest(`/projects/${project.id}/exports`, json("POST", { format: "csv" }, other.tokens.accessToken))).status).toBe(404);
    expect((await server.rest(`/jobs/00000000-0000-4000-8000-000000000000`, bearer(tokens.accessToken))).status).toBe(404);
  });

  it("answers 429 with Retry-After to a user's 11th job within a minute", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const start = () => server.rest(`/projects/${project.id}/exports`, json("POST", { format: "csv" }, tokens.accessToken));
    for (let i = 0; i < 10; i++) expect((await start()).status).toBe(202);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(((await refused.json()) as { code: string }).code).toBe("TOO_MANY_REQUESTS");
    // Another user is not held back by this one.
    const other = await signUp(server);
    const theirs = await createProject(server, other.tokens.accessToken);
    expect((await server.rest(`/projects/${theirs.id}/exports`, json("POST", { format: "csv" }, other.tokens.accessToken))).status).toBe(202);
  });

  it("is documented: 202 with Location and the Job schema, the result's media types, the import's JSON array or CSV body", async () => {
    type Doc = { paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }>; requestBody?: { content: Record<string, unknown> } }>> };
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Doc;
    for (const path of ["/projects/{projectId}/exports", "/projects/{projectId}/imports"]) {
      const accepted = doc.paths[path]?.post?.responses["202"];
      expect(accepted?.headers).toHaveProperty("Location");
      expect(JSON.stringify(accepted?.content)).toContain("#/components/schemas/Job");
      expect(doc.paths[path]?.post?.responses).not.toHaveProperty("200");
    }
    expect(Object.keys(doc.paths["/projects/{projectId}/imports"]?.post?.requestBody?.content ?? {})).toEqual(["application/json", "text/csv"]);
    const result = doc.paths["/jobs/{jobId}/result"]?.get?.responses["200"];
    expect(Object.keys(result?.content ?? {})).toEqual(["application/json", "text/csv"]);
    expect(result?.headers).toHaveProperty("Content-Disposition");
  });

  it("has tRPC twins: projects.export queues the job, jobs.get reports it, jobs.result returns the file", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const client = server.trpc(tokens.accessToken);
    const job = await client.projects.export.mutate({ projectId: project.id, format: "csv" });
    expect(job.status).toBe("queued");
    await pollJob(server, tokens.accessToken, job.id);
    expect(await client.jobs.get.query({ jobId: job.id })).toMatchObject({ status: "succeeded", progress: 100 });
    const file = await client.jobs.result.query({ jobId: job.id });
    expect(file).toMatchObject({ contentType: "text/csv; charset=utf-8", filename: `project-${project.id}-tasks.csv` });
    expect(file.content.startsWith("id,title,")).toBe(true);
  });
});
