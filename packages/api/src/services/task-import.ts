import { eq, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { projectMembers, users, type Database, type Executor } from "@cadence/db";
import type { ErrorIssue } from "../errors.js";
import { MAX_IMPORT_ROWS, TaskImportRow, type JobResult } from "../schemas/jobs.js";
import { CsvError, parseCsv } from "./csv.js";
import { TAG_SEPARATOR, TASK_CSV_COLUMNS } from "./project-export.js";
import { insertAuditedTasks } from "./tasks.js";

const WRITABLE_COLUMNS = new Set(["title", "description", "status", "priority", "dueDate", "assigneeId", "tags"]);
/** The server's columns of an export: an export's CSV imports as is. */
const IGNORED_COLUMNS = new Set<string>([...TASK_CSV_COLUMNS, "projectId"].filter((column) => !WRITABLE_COLUMNS.has(column)));

const badRequest = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

/** CSV rows as task objects: empty cells are left out, tags split on `;`. */
function csvRows(text: string): Record<string, unknown>[] {
  let lines: string[][];
  try {
    lines = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw badRequest(`The CSV body cannot be parsed: ${error.message}`);
  }
  const [header, ...rows] = lines.filter((line) => !(line.length === 1 && line[0] === ""));
  if (!header) throw badRequest("The CSV body is empty: send a header row and at least one task");
  const columns = header.map((name) => name.trim());
  const unknown = columns.find((name) => !WRITABLE_COLUMNS.has(name) && !IGNORED_COLUMNS.has(name));
  if (unknown !== undefined) throw badRequest(`Unknown CSV column "${unknown}"; use ${[...WRITABLE_COLUMNS].join(", ")}`);
  if (rows.length > MAX_IMPORT_ROWS) throw badRequest(`At most ${MAX_IMPORT_ROWS} rows per import (got ${rows.length})`);
  return rows.map((cells, index) => {
    if (cells.length !== columns.length) throw badRequest(`CSV row ${index + 1} has ${cells.length} fields; the header has ${columns.length}`);
    const row: Record<string, unknown> = {};
    columns.forEach((name, column) => {
      const cell = cells[column] ?? "";
      if (!WRITABLE_COLUMNS.has(name) || cell === "") return;
      row[name] = name === "tags" ? cell.split(TAG_SEPARATOR).filter((tag) => tag.trim() !== "") : cell;
    });
    return row;
  });
}

/** The rows of an import request (JSON objects or CSV text), refused with 400 when empty or over the bound. */
export function importRows(input: { tasks?: Record<string, unknown>[] | undefined; csv?: string | undefined }): Record<string, unknown>[] {
  const rows = input.csv === undefined ? (input.tasks ?? []) : csvRows(input.csv);
  if (rows.length === 0) throw badRequest("An import needs at least one task");
  if (rows.length > MAX_IMPORT_ROWS) throw badRequest(`At most ${MAX_IMPORT_ROWS} rows per import (got ${rows.length})`);
  return rows;
}

export interface RowError {
  /** 1-based: the n-th task of the array, or the n-th data row of the CSV (after the header). */
  row: number;
  issues: ErrorIssue[];
}
export interface ImportReport {
  created: number;
  taskIds: string[];
  errors: RowError[];
}

export const reportFile = (jobId: string, report: ImportReport): JobResult => ({
  filename: `import-${jobId}-report.json`,
  contentType: "application/json",
  content: JSON.stringify(report),
});

export interface ImportJob {
  id: string;
  projectId: string;
  requestedBy: string;
  actorKind: "user" | "api_key";
  requestId: string;
}

/** Why an import created nothing: rows that break the rules of task creation, each named. */
export class ImportRejected extends Error {
  constructor(readonly report: ImportReport) {
    super(`${report.errors.length} of the rows are invalid; nothing was imported`);
  }
}

async function requesterMayWrite(tx: Executor, job: ImportJob): Promise<boolean> {
  const [row] = await tx
    .select({ role: users.role, member: projectMembers.userId })
    .from(users)
    .leftJoin(projectMembers, sql`${projectMembers.projectId} = ${job.projectId} and ${projectMembers.userId} = ${users.id}`)
    .where(eq(users.id, job.requestedBy));
  return row !== undefined && (row.member !== null || row.role === "admin");
}

/**
 * Imports all rows or none. Every row is checked with task creation's schema first (progress up to 50%); then
 * one transaction re-checks the requester's access, locks the memberships the assignees need, inserts each task
 * with its audit event and calls `finish` so the job's success commits with the tasks (or, when another run
 * finished first, throws and undoes them). Bad rows throw
 * {@link ImportRejected} listing every one.
 */
export async function importTasks(
  db: Database,
  job: ImportJob,
  rows: unknown[],
  progress: (percent: number) => Promise<void>,
  finish: (tx: Executor, result: JobResult) => Promise<void>,
): Promise<void> {
  const errors: RowError[] = [];
  const valid: TaskImportRow[] = [];
  for (const [index, row] of rows.entries()) {
    const parsed = TaskImportRow.safeParse(row);
    if (parsed.success) valid.push(parsed.data);
    else errors.push({ row: index + 1, issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })) });
    if ((index + 1) % 1000 === 0) await progress(Math.floor(((index + 1) / rows.length) * 50));
  }
  if (errors.length > 0) throw new ImportRejected({ created: 0, taskIds: [], errors });
  await progress(50);
  await db.transaction(async (tx) => {
    if (!(await requesterMayWrite(tx, job))) throw new ImportRejected({ created: 0, taskIds: [], errors: [{ row: 0, issues: [{ path: "", message: "The requester no longer belongs to the project" }] }] });
    const members = await tx.select({ userId: projectMembers.userId }).from(projectMembers).where(eq(projectMembers.projectId, job.projectId)).for("share");
    const memberIds = new Set(members.map((member) => member.userId));
    valid.forEach((row, index) => {
      if (row.assigneeId && !memberIds.has(row.assigneeId)) errors.push({ row: index + 1, issues: [{ path: "assigneeId", message: "The assignee must be a member of the project" }] });
    });
    if (errors.length > 0) throw new ImportRejected({ created: 0, taskIds: [], errors });
    const actor = { id: job.requestedBy, kind: job.actorKind };
    const taskIds = (await insertAuditedTasks(tx, actor, job.requestId, job.projectId, valid)).map((task) => task.id);
    await finish(tx, reportFile(job.id, { created: taskIds.length, taskIds, errors: [] }));
  });
}
