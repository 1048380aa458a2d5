import PgBoss from "pg-boss";
import { JOB_KINDS, runJob, type JobKind, type JobQueue } from "@cadence/api";
import type { DatabaseHandle } from "@cadence/db";
import type { Logger } from "../observability/logger.js";
import { describeError } from "../observability/error-log.js";
import { startMaintenance } from "./maintenance.js";

export interface JobWorkersOptions {
  /** A job running longer than this is taken for dead (its worker crashed) and retried (JOB_TIMEOUT_SECONDS). */
  timeoutSeconds: number;
  /** Finished jobs and their files are deleted this long after they finish (JOB_RETENTION_HOURS). */
  retentionHours: number;
  logger: Logger;
}

export interface JobWorkers {
  queue: JobQueue;
  /** Starts this instance's workers (one job at a time per kind, and the maintenance jobs) and pg-boss's clock. */
  start(): Promise<void>;
  /** Stops taking jobs and waits up to `timeoutMs` for running ones; any still running is retried elsewhere. */
  stop(timeoutMs: number): Promise<void>;
}

/** Attempts after the first; they wait 2 s, then 4 s, then 8 s (pg-boss's exponential backoff). */
const RETRY_LIMIT = 3;
const RETRY_DELAY_SECONDS = 2;
const POLLING_SECONDS = 0.5;
/** Repeated failures of the same kind (the database is down) are logged once per this window. */
const ERROR_LOG_WINDOW_MS = 30_000;

/** pg-boss names queues with word characters and hyphens: "project.export" -> "project-export". */
const queueName = (kind: JobKind) => kind.replace(".", "-");

/**
 * The job queue: pg-boss 10 on the application's own database, through its driver (`executeSql`), so the
 * embedded PGlite runs it as well as PostgreSQL and no second connection or server is needed. Its schema comes
 * from our migrations (pg-boss only checks its version); several instances share the queue, each job is fetched
 * by one of them (SKIP LOCKED), and one that stays active past `timeoutSeconds` is retried.
 */
export function createJobWorkers(handle: DatabaseHandle, options: JobWorkersOptions): JobWorkers {
  const { logger } = options;
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => handle.executeSql(text, values) },
    migrate: false,
    // Its clock sends the maintenance jobs (purges) on their crons; see maintenance.ts.
    schedule: true,
    supervise: true,
    // Expired jobs are found by the maintenance pass: run it often enough that a dead worker's job moves on soon.
    maintenanceIntervalSeconds: Math.min(60, Math.max(1, Math.ceil(options.timeoutSeconds / 2))),
  });
  let lastError = 0;
  boss.on("error", (error) => {
    if (Date.now() - lastError < ERROR_LOG_WINDOW_MS) return;
    lastError = Date.now();
    logger.warn(describeError(error), "job queue error");
  });

  return {
    queue: {
      async enqueue(kind, jobId) {
        await boss.send(queueName(kind), { jobId }, { id: jobId });
      },
    },
    async start() {
      await boss.start();
      for (const kind of JOB_KINDS) {
        const name = queueName(kind);
        // The queues come from migrations (concurrent start-ups deadlocked creating them); set their options here.
        if (!(await boss.getQueue(name))) throw new Error(`No job queue "${name}" for the job kind ${kind}: add it in a migration (see 0005_job_queues.sql)`);
        await boss.updateQueue(name, {
          name,
          retryLimit: RETRY_LIMIT,
          retryDelay: RETRY_DELAY_SECONDS,
          retryBackoff: true,
          expireInSeconds: options.timeoutSeconds,
        });
        await boss.work<{ jobId: string }>(name, { pollingIntervalSeconds: POLLING_SECONDS, batchSize: 1, includeMetadata: true }, async ([job]) => {
          if (!job) return;
          try {
            await runJob(handle.db, { jobId: job.data.jobId, final: job.retryCount >= job.retryLimit });
          } catch (error) {
            logger.warn({ ...describeError(error), jobId: job.data.jobId, attempt: job.retryCount + 1 }, `job ${job.data.jobId} failed`);
            throw error;
          }
        });
      }
      await startMaintenance(boss, handle, { retentionHours: options.retentionHours, logger });
    },
    async stop(timeoutMs) {
      await boss.stop({ graceful: true, timeout: timeoutMs, close: false });
    },
  };
}
