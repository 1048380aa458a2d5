import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, signUp } from "./support/auth.js";
import { createProject } from "./support/domain.js";
import { pollJob, type JobJson } from "./support/jobs.js";
import { spawnServer, type ServerProcess } from "./support/process.js";
import { openTestDatabase, type TestDatabase } from "./support/database.js";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "./support/server.js";

const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;
const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)/;
const ROWS = 10_000;

let database: TestDatabase | undefined;
const spawned: ServerProcess[] = [];
beforeAll(async () => {
  if (onPostgres) database = await openTestDatabase();
});
afterAll(async () => {
  for (const child of spawned) if (child.child.exitCode === null) child.child.kill("SIGKILL");
  await database?.dispose();
});

/** A real server process on the shared PostgreSQL copy, as `pnpm start` runs it; answers its base URL. */
async function spawnInstance(): Promise<{ process: ServerProcess; rest: TestServer["rest"] }> {
  const child = spawnServer({
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: database?.url ?? "",
    JWT_SECRET: TEST_JWT_SECRET,
    PASSWORD_HASH_COST: "test",
    RATE_LIMIT_REGISTER: "10000/1h",
    // A job whose worker died is retried this soon (the default is 5 minutes).
    JOB_TIMEOUT_SECONDS: "3",
    DATABASE_TIMEOUT_MS: "10000",
  });
  spawned.push(child);
  const [, port] = await child.waitFor(LISTENING, 120_000);
  return { process: child, rest: (path, init) => fetch(`http://127.0.0.1:${port}/api/v1${path}`, init) };
}

function asServer(rest: TestServer["rest"]): TestServer {
  return { rest } as TestServer;
}

// The embedded database belongs to one process, so a second instance (or a restart racing a killed one) needs PostgreSQL.
describe.skipIf(!onPostgres)("jobs across instances on PostgreSQL", () => {
  it("an import whose server is killed mid-run is retried by another instance and creates every task once", async () => {
    const first = await spawnInstance();
    const { tokens } = await signUp(asServer(first.rest));
    const project = await createProject(asServer(first.rest), tokens.accessToken);
    const body = `title\n${Array.from({ length: ROWS }, (_, i) => `Task ${i}`).join("\n")}`;
    const res = await first.rest(`/projects/${project.id}/imports`, { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${tokens.accessToken}` }, body });
    expect(res.status).toBe(202);
    const job = (await res.json()) as JobJson;
    await pollJob(asServer(first.rest), tokens.accessToken, job.id, (state) => state.status === "running");
    first.process.child.kill("SIGKILL");
    expect((await first.process.exited).signal).toBe("SIGKILL");

    const second = await spawnInstance();
    // The dead worker left it running, with nothing committed (the import is one transaction).
    const seen = (await (await second.rest(`/jobs/${job.id}`, bearer(tokens.accessToken))).json()) as JobJson;
    expect(seen.status === "running" || seen.status === "queued").toBe(true);
    const done = await pollJob(asServer(second.rest), tokens.accessToken, job.id, undefined, 120_000);
    expect(done.status).toBe("succeeded");
    const page = (await (await second.rest(`/projects/${project.id}/tasks?perPage=1`, bearer(tokens.accessToken))).json()) as { total: number };
    expect(page.total).toBe(ROWS);
    const events = (await (await second.rest(`/audit-events?projectId=${project.id}&action=task.create&perPage=1`, bearer(tokens.accessToken))).json()) as { total: number };
    expect(events.total).toBe(ROWS);
    second.process.child.kill("SIGTERM");
    expect(await second.process.exited).toEqual({ code: 0, signal: null });
  }, 300_000);

  it("two instances starting at the same moment on a database neither has used both become ready and run jobs", async () => {
    // A fresh copy: no instance has started on it yet (the bench:http run that found this started two at once).
    const fresh = await openTestDatabase();
    try {
      const [one, two] = await Promise.all([startTestServer({ DATABASE_URL: fresh.url ?? "" }), startTestServer({ DATABASE_URL: fresh.url ?? "" })]);
      try {
        const { tokens } = await signUp(one);
        const project = await createProject(one, tokens.accessToken);
        const job = (await (await two.rest(`/projects/${project.id}/exports`, json("POST", { format: "json" }, tokens.accessToken))).json()) as JobJson;
        expect((await pollJob(one, tokens.accessToken, job.id)).status).toBe("succeeded");
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    } finally {
      await fresh.dispose();
    }
  }, 120_000);

  it("two instances share the queue: a job queued on one finishes and is served by either", async () => {
    const one = await startTestServer({ DATABASE_URL: database?.url ?? "" });
    const two = await startTestServer({ DATABASE_URL: database?.url ?? "" });
    try {
      const { tokens } = await signUp(one);
      const project = await createProject(one, tokens.accessToken);
      const queued: JobJson[] = [];
      for (let i = 0; i < 4; i++) queued.push((await (await one.rest(`/projects/${project.id}/exports`, json("POST", { format: "csv" }, tokens.accessToken))).json()) as JobJson);
      for (const job of queued) expect((await pollJob(two, tokens.accessToken, job.id)).status).toBe("succeeded");
      for (const job of queued) expect((await two.rest(`/jobs/${job.id}/result`, bearer(tokens.accessToken))).status).toBe(200);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }, 120_000);
});

