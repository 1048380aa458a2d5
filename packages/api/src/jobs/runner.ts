import { and, eq, inArray, sql } from "drizzle-orm";
import { jobs, type Database, type Executor } from "@cadence/db";
import { ExportFormat, type JobResult } from "../schemas/jobs.js";
import { exportProject } from "../services/project-export.js";
import { importTasks, ImportRejected, reportFile } from "../services/task-import.js";

/** One delivery of a queued job: `final` when the queue will not retry it after this one. */
export interface JobAttempt {
  jobId: string;
  final: boolean;
}

/** Thrown inside a job's transaction when another run already finished it, to undo this run's writes. */
class AlreadyFinished extends Error {}

/** Marks the job succeeded with its result, once: a second run finding it finished throws {@link AlreadyFinished}. */
async function succeed(db: Executor, jobId: string, result: JobResult): Promise<void> {
  const done = await db
    .update(jobs)
    .set({ status: "succeeded", progress: 100, error: null, result: result.content, resultType: result.contentType, resultName: result.filename, finishedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "running")))
    .returning({ id: jobs.id });
  if (done.length === 0) throw new AlreadyFinished();
}

async function fail(db: Database, jobId: string, error: string, result?: JobResult): Promise<void> {
  await db
    .update(jobs)
    .set({ status: "failed", error, finishedAt: sql`now()`, ...(result ? { result: result.content, resultType: result.contentType, resultName: result.filename } : {}) })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "running")));
}

/**
 * Runs one attempt of a job. A job already finished (another run got there first) or gone (purged, its project
 * deleted) is done. An import with bad rows fails for good with its report; any other error fails the job on the
 * final attempt and otherwise puts it back to `queued` and rethrows, so the queue retries it with backoff.
 */
export async function runJob(db: Database, attempt: JobAttempt): Promise<void> {
  const [job] = await db
    .update(jobs)
    .set({ status: "running", progress: 0, startedAt: sql`coalesce(${jobs.startedAt}, now())`, attempts: sql`${jobs.attempts} + 1` })
    .where(and(eq(jobs.id, attempt.jobId), inArray(jobs.status, ["queued", "running"])))
    .returning({ id: jobs.id, kind: jobs.kind, projectId: jobs.projectId, requestedBy: jobs.requestedBy, actorKind: jobs.actorKind, requestId: jobs.requestId, params: jobs.params });
  if (!job) return;
  let reported = 0;
  const progress = async (percent: number) => {
    if (percent <= reported) return;
    reported = percent;
    await db.update(jobs).set({ progress: percent }).where(and(eq(jobs.id, job.id), eq(jobs.status, "running")));
  };
  try {
    if (job.kind === "project.export") {
      const result = await exportProject(db, job.projectId, ExportFormat.parse(job.params.format), progress);
      await succeed(db, job.id, result);
    } else {
      const rows = Array.isArray(job.params.rows) ? (job.params.rows as unknown[]) : [];
      const actorKind = job.actorKind === "api_key" ? "api_key" : "user";
      await importTasks(db, { ...job, actorKind }, rows, progress, (tx, result) => succeed(tx, job.id, result));
    }
  } catch (error) {
    if (error instanceof AlreadyFinished) return;
    if (error instanceof ImportRejected) return fail(db, job.id, error.message, reportFile(job.id, error.report));
    if (attempt.final) await fail(db, job.id, "The job failed on every attempt; start a new one");
    else await db.update(jobs).set({ status: "queued" }).where(and(eq(jobs.id, job.id), eq(jobs.status, "running")));
    throw error;
  }
}

/** Deletes finished jobs (and their files) older than `retentionHours` (fractions allowed); answers how many went. */
export async function purgeFinishedJobs(db: Database, retentionHours: number): Promise<number> {
  const gone = await db
    .delete(jobs)
    .where(and(inArray(jobs.status, ["succeeded", "failed"]), sql`${jobs.finishedAt} < now() - ${retentionHours}::float8 * interval '1 hour'`))
    .returning({ id: jobs.id });
  return gone.length;
}
