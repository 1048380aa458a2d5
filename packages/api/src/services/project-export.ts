import { asc, eq } from "drizzle-orm";
import { auditEvents, projectMembers, projects, tasks, users, type Database } from "@cadence/db";
import { iso } from "../schemas/common.js";
import type { ExportFormat, JobResult } from "../schemas/jobs.js";
import { auditEventColumns } from "./audit-events.js";
import { toCsv } from "./csv.js";
import { taskColumns, toTask } from "./tasks.js";

/** The CSV export's columns; an import reads the writable ones back and ignores the server's. */
export const TASK_CSV_COLUMNS = ["id", "title", "description", "status", "priority", "dueDate", "assigneeId", "tags", "createdBy", "createdAt", "updatedAt", "version"] as const;

/** Tags travel in one CSV field, separated by this (an import splits on it, so a tag containing it splits too). */
export const TAG_SEPARATOR = ";";

async function projectTasks(db: Database, projectId: string) {
  const rows = await db.select(taskColumns).from(tasks).where(eq(tasks.projectId, projectId)).orderBy(asc(tasks.createdAt), asc(tasks.id));
  return rows.map(toTask);
}

/**
 * A project's export: JSON with the project, its members, tasks and audit trail, or CSV of its tasks. Calls
 * `progress` as each part is read, so a poller sees it move.
 */
export async function exportProject(db: Database, projectId: string, format: ExportFormat, progress: (percent: number) => Promise<void>): Promise<JobResult> {
  if (format === "csv") {
    const list = await projectTasks(db, projectId);
    await progress(80);
    const lines = list.map((task) => [
      task.id,
      task.title,
      task.description ?? "",
      task.status,
      task.priority,
      task.dueDate ?? "",
      task.assigneeId ?? "",
      task.tags.join(TAG_SEPARATOR),
      task.createdBy,
      task.createdAt,
      task.updatedAt,
      String(task.version),
    ]);
    return { filename: `project-${projectId}-tasks.csv`, contentType: "text/csv; charset=utf-8", content: toCsv([[...TASK_CSV_COLUMNS], ...lines]) };
  }
  const [project] = await db
    .select({ id: projects.id, name: projects.name, description: projects.description, ownerId: projects.ownerId, createdAt: projects.createdAt, updatedAt: projects.updatedAt })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project) throw new Error("the project of this export is gone");
  const members = await db
    .select({ userId: projectMembers.userId, username: users.username, name: users.name, role: projectMembers.role, addedAt: projectMembers.addedAt })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.addedAt));
  await progress(20);
  const taskList = await projectTasks(db, projectId);
  await progress(50);
  const trail = await db
    .select(auditEventColumns)
    .from(auditEvents)
    .where(eq(auditEvents.projectId, projectId))
    .orderBy(asc(auditEvents.seq));
  await progress(80);
  const document = {
    exportedAt: new Date().toISOString(),
    project: { ...project, createdAt: iso(project.createdAt), updatedAt: iso(project.updatedAt) },
    members: members.map((member) => ({ ...member, addedAt: iso(member.addedAt) })),
    tasks: taskList,
    auditEvents: trail.map((event) => ({ ...event, at: iso(event.at) })),
  };
  return { filename: `project-${projectId}.json`, contentType: "application/json", content: JSON.stringify(document) };
}
