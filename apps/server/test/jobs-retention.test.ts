import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, signUp } from "./support/auth.js";
import { createProject } from "./support/domain.js";
import { pollJob, runMaintenance, type JobJson } from "./support/jobs.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  // About 1.1 s, so a finished job is past its retention by the time a purge runs.
  server = await startTestServer({ JOB_RETENTION_HOURS: "0.0003" });
});
afterAll(() => server.close());

describe("job retention", () => {
  it("schedules the job purge and the idempotency purge on pg-boss's clock", async () => {
    const { database } = server.running;
    const boss = new PgBoss({ db: { executeSql: (text: string, values?: unknown[]) => database.executeSql(text, values) } });
    const schedules = await boss.getSchedules();
    expect(schedules.map(({ name, cron, options }) => ({ name, cron, tz: options?.tz })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "idempotency-purge", cron: "0 * * * *", tz: "UTC" },
      { name: "job-purge", cron: "* * * * *", tz: "UTC" },
    ]);
  });

  it("purges a finished job and its file after JOB_RETENTION_HOURS when the job purge runs: both answer 404", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const job = (await (await server.rest(`/projects/${project.id}/exports`, json("POST", { format: "json" }, tokens.accessToken))).json()) as JobJson;
    expect((await pollJob(server, tokens.accessToken, job.id)).status).toBe("succeeded");
    const deadline = Date.now() + 30_000;
    let status = 200;
    // The purge deletes only jobs finished more than the retention ago: run it (as the cron would) until this one went.
    while (status === 200 && Date.now() < deadline) {
      expect(await runMaintenance(server, "job-purge")).toBe("completed");
      status = (await server.rest(`/jobs/${job.id}`, bearer(tokens.accessToken))).status;
    }
    expect(status).toBe(404);
    expect((await server.rest(`/jobs/${job.id}/result`, bearer(tokens.accessToken))).status).toBe(404);
  });
});
