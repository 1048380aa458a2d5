import { sql } from "drizzle-orm";
import { date, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects.js";
import { users } from "./users.js";

export const taskStatus = pgEnum("task_status", ["pending", "in_progress", "completed"]);
/** Declared low to high: PostgreSQL sorts enums in declaration order, so sorting by priority ranks them. */
export const taskPriority = pgEnum("task_priority", ["low", "medium", "high"]);

export const tasks = pgTable(
  "tasks",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    title: text().notNull(),
    description: text(),
    status: taskStatus().notNull().default("pending"),
    priority: taskPriority().notNull().default("medium"),
    dueDate: date({ mode: "string" }),
    assigneeId: uuid().references(() => users.id, { onDelete: "set null" }),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Starts at 1 and grows with every change: the optimistic-concurrency token. */
    version: integer().notNull().default(1),
  },
  (t) => [
    // One index per sort field within a project, each ending in id for the stable tie-break.
    index("tasks_project_created_at_idx").on(t.projectId, t.createdAt, t.id),
    index("tasks_project_updated_at_idx").on(t.projectId, t.updatedAt, t.id),
    index("tasks_project_due_date_idx").on(t.projectId, t.dueDate, t.id),
    index("tasks_project_priority_idx").on(t.projectId, t.priority, t.id),
    index("tasks_project_title_idx").on(t.projectId, t.title, t.id),
    index("tasks_project_status_idx").on(t.projectId, t.status),
    index("tasks_assignee_id_idx").on(t.assigneeId),
    index("tasks_created_by_idx").on(t.createdBy),
    index("tasks_tags_idx").using("gin", t.tags),
  ],
);
