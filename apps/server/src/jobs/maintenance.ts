import type PgBoss from "pg-boss";
import { purgeExpiredIdempotencyKeys, purgeFinishedJobs } from "@cadence/api";
import type { DatabaseHandle } from "@cadence/db";
import type { Logger } from "../observability/logger.js";
import { describeError } from "../observability/error-log.js";

export interface MaintenanceOptions {
  /** Finished jobs and their files are deleted this long after they finish (JOB_RETENTION_HOURS, fractions allowed). */
  retentionHours: number;
  logger: Logger;
}

/**
 * A job whose every attempt died with its worker (no attempt lived to record the failure) is failed by pg-boss's
 * maintenance alone: mark it failed here too, before the purge, so clients stop seeing it running.
 */
const GAVE_UP = `
  update jobs set status = 'failed', error = 'The job failed on every attempt; start a new one', finished_at = now()
  where status in ('queued', 'running')
    and (exists (select 1 from pgboss.job j where j.id = jobs.id and j.state = 'failed')
      or exists (select 1 from pgboss.archive a where a.id = jobs.id and a.state = 'failed'))`;

/** A maintenance task: its queue (created by migration 0006_maintenance_queues), its cron (UTC) and its work. */
interface MaintenanceTask {
  queue: string;
  cron: string;
  run(handle: DatabaseHandle, options: MaintenanceOptions): Promise<void>;
}

/**
 * The maintenance jobs, on pg-boss's clock. Every minute for finished jobs, so a short JOB_RETENTION_HOURS is kept
 * to within a minute or so; hourly for Idempotency-Key records, which stop counting at 24 h whether purged or not.
 */
export const MAINTENANCE_TASKS: readonly MaintenanceTask[] = [
  {
    queue: "job-purge",
    cron: "* * * * *",
    async run(handle, { retentionHours, logger }) {
      await handle.executeSql(GAVE_UP);
      const count = await purgeFinishedJobs(handle.db, retentionHours);
      if (count > 0) logger.info({ count }, `purged ${count} finished jobs`);
    },
  },
  {
    queue: "idempotency-purge",
    cron: "0 * * * *",
    async run(handle, { logger }) {
      const purged = await purgeExpiredIdempotencyKeys(handle.db);
      if (purged > 0) logger.debug({ purged }, "purged expired idempotency keys");
    },
  },
];

/** A maintenance job waits at most this long to be picked up once its cron has sent it. */
const POLLING_SECONDS = 2;

/**
 * Schedules the maintenance jobs and works them in this instance. pg-boss's clock (`schedule: true`) checks the
 * crons every 30 s, and one instance at a time does it (it claims the check in pgboss.version), and a cron's
 * minute is sent once (a singleton per queue and minute), so with several instances each run happens once, on
 * whichever instance fetches it. A failed run is logged and not retried: the next one does the same work.
 */
export async function startMaintenance(boss: PgBoss, handle: DatabaseHandle, options: MaintenanceOptions): Promise<void> {
  for (const task of MAINTENANCE_TASKS) {
    if (!(await boss.getQueue(task.queue))) throw new Error(`No job queue "${task.queue}": add it in a migration (see 0006_maintenance_queues.sql)`);
    await boss.updateQueue(task.queue, { name: task.queue, retryLimit: 0, expireInSeconds: 300 });
    await boss.schedule(task.queue, task.cron, {}, { tz: "UTC" });
    await boss.work(task.queue, { pollingIntervalSeconds: POLLING_SECONDS, batchSize: 1 }, async () => {
      try {
        await task.run(handle, options);
      } catch (error) {
        options.logger.warn(describeError(error), `maintenance job ${task.queue} failed`);
        throw error;
      }
    });
  }
}
