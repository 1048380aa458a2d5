import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects.js";
import { users } from "./users.js";

export const jobKind = pgEnum("job_kind", ["project.export", "task.import"]);
export const jobStatus = pgEnum("job_status", ["queued", "running", "succeeded", "failed"]);

/**
 * Background jobs as clients see them. The queue (pg-boss, schema `pgboss`) only carries the id; what to do
 * (`params`), how far it got and the result file live here, so any instance can answer for any job.
 */
export const jobs = pgTable(
  "jobs",
  {
    /** Also the queue's job id. */
    id: uuid().primaryKey().defaultRandom(),
    kind: jobKind().notNull(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    requestedBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The requester's kind ("user" | "api_key") and request id, for the audit events an import writes. */
    actorKind: text().notNull(),
    requestId: text().notNull(),
    status: jobStatus().notNull().default("queued"),
    progress: integer().notNull().default(0),
    /** What to do: the export format, or the import's rows. */
    params: jsonb().$type<Record<string, unknown>>().notNull(),
    attempts: integer().notNull().default(0),
    error: text(),
    /** The result file: its body, media type and file name (an import's report is JSON too). */
    result: text(),
    resultType: text(),
    resultName: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("jobs_finished_at_idx").on(t.finishedAt), index("jobs_project_id_idx").on(t.projectId)],
);
