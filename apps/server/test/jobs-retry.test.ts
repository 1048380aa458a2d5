import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, signUp } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { pollJob, type JobJson } from "./support/jobs.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A fault in the database: what the export's writes meet, and how many attempts got as far as writing. */
interface InjectedFault {
  /** How many times an export of the project tried to record its success (one per attempt that got there). */
  writes(): Promise<number>;
  remove(): Promise<void>;
}

/**
 * Makes PostgreSQL refuse the first `failures` attempts to record a finished export of `projectId` with a
 * serialization failure (SQLSTATE 40001, as a conflicting transaction would cause): a trigger on the jobs table,
 * counting through a sequence because sequences are not rolled back with the failed statement. The server runs
 * unchanged; the attempt fails exactly as it would on a real conflict.
 */
async function failExportWrites(projectId: string, failures: number): Promise<InjectedFault> {
  const { database } = server.running;
  const name = `injected_fault_${randomUUID().replaceAll("-", "")}`;
  await database.executeSql(`create sequence ${name}`);
  await database.executeSql(`
    create function ${name}() returns trigger language plpgsql as $$
    begin
      if new.status = 'succeeded' and new.project_id = '${projectId}' and nextval('${name}') <= ${failures} then
        raise exception 'could not serialize access due to concurrent update' using errcode = '40001';
      end if;
      return new;
    end $$`);
  await database.executeSql(`create trigger ${name} before update on jobs for each row execute function ${name}()`);
  return {
    async writes() {
      const { rows } = await database.executeSql(`select case when is_called then last_value else 0 end as n from ${name}`);
      return Number(rows[0]?.n);
    },
    async remove() {
      await database.executeSql(`drop trigger ${name} on jobs; drop function ${name}(); drop sequence ${name}`);
    },
  };
}

async function startExport(token: string, projectId: string): Promise<JobJson> {
  const res = await server.rest(`/projects/${projectId}/exports`, json("POST", { format: "csv" }, token));
  expect(res.status).toBe(202);
  return (await res.json()) as JobJson;
}

const elapsedMs = (job: JobJson) => Date.parse(job.finishedAt ?? "") - Date.parse(job.startedAt ?? "");

describe.concurrent("job retries", () => {
  it("retries an export whose first attempt fails, after the backoff, and it succeeds once", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    await createTask(server, tokens.accessToken, project.id, { title: "Survives the retry" });
    const fault = await failExportWrites(project.id, 1);
    try {
      const job = await startExport(tokens.accessToken, project.id);
      // Between the attempts the job is back to queued, its first start kept.
      const between = await pollJob(server, tokens.accessToken, job.id, (state) => state.status === "queued" && state.startedAt !== null);
      expect(between).toMatchObject({ finishedAt: null });
      const done = await pollJob(server, tokens.accessToken, job.id);
      expect(done).toMatchObject({ status: "succeeded", progress: 100 });
      expect(done.error).toBeUndefined();
      // The first retry waits at least 2 s (RETRY_DELAY_SECONDS); two attempts reached the write, one succeeded.
      expect(elapsedMs(done)).toBeGreaterThanOrEqual(2_000);
      expect(await fault.writes()).toBe(2);
      const file = await server.rest(`/jobs/${job.id}/result`, bearer(tokens.accessToken));
      expect(file.status).toBe(200);
      expect(await file.text()).toContain("Survives the retry");
    } finally {
      await fault.remove();
    }
  }, 60_000);

  it("fails a job that fails on every attempt, after 3 retries with growing backoff, with an error message and no file", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const fault = await failExportWrites(project.id, 1_000);
    try {
      const job = await startExport(tokens.accessToken, project.id);
      const done = await pollJob(server, tokens.accessToken, job.id, undefined, 90_000);
      expect(done).toMatchObject({ status: "failed", error: "The job failed on every attempt; start a new one" });
      expect(done.resultUrl).toBeUndefined();
      // Four attempts (the first and RETRY_LIMIT retries), waiting at least 2 + 4 + 8 s between them.
      expect(await fault.writes()).toBe(4);
      expect(elapsedMs(done)).toBeGreaterThanOrEqual(14_000);
      expect((await server.rest(`/jobs/${job.id}/result`, bearer(tokens.accessToken))).status).toBe(404);
    } finally {
      await fault.remove();
    }
  }, 120_000);
});
