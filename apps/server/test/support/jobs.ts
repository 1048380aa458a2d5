import PgBoss from "pg-boss";
import { bearer } from "./auth.js";
import type { TestServer } from "./server.js";

export interface JobJson {
  id: string;
  kind: "project.export" | "task.import";
  status: "queued" | "running" | "succeeded" | "failed";
  progress: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error?: string;
  resultUrl?: string;
}

const POLL_EVERY_MS = 50;

/**
 * Polls GET /jobs/{id} until `until` holds for the job (by default: it finished), failing after `deadlineMs` with
 * the last state seen. Polling is the contract clients follow; nothing here waits for a fixed time.
 */
export async function pollJob(
  server: TestServer,
  token: string,
  jobId: string,
  until: (job: JobJson) => boolean = (job) => job.status === "succeeded" || job.status === "failed",
  deadlineMs = 30_000,
): Promise<JobJson> {
  const deadline = Date.now() + deadlineMs;
  let last: JobJson | undefined;
  while (Date.now() < deadline) {
    const res = await server.rest(`/jobs/${jobId}`, bearer(token));
    if (res.status === 200) {
      last = (await res.json()) as JobJson;
      if (until(last)) return last;
    } else if (res.status !== 503) throw new Error(`GET /jobs/${jobId}: ${res.status} ${await res.text()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
  throw new Error(`job ${jobId} did not get there within ${deadlineMs} ms; last seen: ${JSON.stringify(last)}`);
}

/**
 * Sends one maintenance job ("job-purge", "idempotency-purge") to the server's queue, as pg-boss's clock does on
 * its cron, and waits until the server's worker has run it; answers the job's final pg-boss state.
 */
export async function runMaintenance(server: TestServer, queue: "job-purge" | "idempotency-purge", deadlineMs = 30_000): Promise<string> {
  const { database } = server.running;
  const boss = new PgBoss({ db: { executeSql: (text: string, values?: unknown[]) => database.executeSql(text, values) } });
  const id = await boss.send(queue, {});
  if (!id) throw new Error(`pg-boss did not queue a ${queue} job`);
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const job = await boss.getJobById(queue, id);
    if (job && ["completed", "failed", "cancelled"].includes(job.state)) return job.state;
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
  throw new Error(`the ${queue} job ${id} did not finish within ${deadlineMs} ms`);
}
