import { and, count, eq, gt, ilike, lt, or, sql, type SQL } from "drizzle-orm";
import { projectMembers, tasks } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import { toPage } from "../schemas/common.js";
import type { MyTaskListInput, TaskListInput } from "../schemas/tasks.js";
import { projectAccess } from "./access.js";
import { likePattern } from "./like.js";
import { taskColumns, toTask } from "./tasks.js";

type Filters = Omit<TaskListInput, "projectId" | "assigneeId">;

const sortColumns = {
  createdAt: tasks.createdAt,
  updatedAt: tasks.updatedAt,
  dueDate: tasks.dueDate,
  priority: tasks.priority,
  title: tasks.title,
} as const;

function filterConditions(filters: Filters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.status) conditions.push(eq(tasks.status, filters.status));
  if (filters.priority) conditions.push(eq(tasks.priority, filters.priority));
  if (filters.tag) conditions.push(sql`${tasks.tags} @> array[${filters.tag}]::text[]`);
  if (filters.q) {
    const pattern = likePattern(filters.q);
    const match = or(ilike(tasks.title, pattern), ilike(tasks.description, pattern));
    if (match) conditions.push(match);
  }
  if (filters.dueBefore) conditions.push(lt(tasks.dueDate, filters.dueBefore));
  if (filters.dueAfter) conditions.push(gt(tasks.dueDate, filters.dueAfter));
  return conditions;
}

/** The chosen order with id as the tie-break in the same direction, so paging is stable; missing due dates last. */
function ordering(filters: Filters): SQL[] {
  const column = sortColumns[filters.sort];
  const direction = filters.order === "asc" ? sql`asc` : sql`desc`;
  return [sql`${column} ${direction} nulls last`, sql`${tasks.id} ${direction}`];
}

async function page(ctx: Context, where: SQL | undefined, filters: Filters) {
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select(taskColumns)
      .from(tasks)
      .where(where)
      .orderBy(...ordering(filters))
      .limit(filters.perPage)
      .offset((filters.page - 1) * filters.perPage),
    ctx.db.select({ n: count() }).from(tasks).where(where),
  ]);
  return toPage(rows.map(toTask), total?.n ?? 0, filters.page, filters.perPage);
}

/** "me" is the caller's user id; an API key acts as its owner. */
function assigneeOf(identity: Identity, assigneeId: string): string {
  return assigneeId === "me" ? identity.userId : assigneeId;
}

export async function listProjectTasks(ctx: Context, identity: Identity, input: TaskListInput) {
  await projectAccess(ctx.db, identity, input.projectId);
  const conditions = [eq(tasks.projectId, input.projectId), ...filterConditions(input)];
  if (input.assigneeId) conditions.push(eq(tasks.assigneeId, assigneeOf(identity, input.assigneeId)));
  return page(ctx, and(...conditions), input);
}

/** Tasks across every project the caller belongs to (admins: every project), by assignee ("me" by default). */
export async function listMyTasks(ctx: Context, identity: Identity, input: MyTaskListInput) {
  const conditions = [eq(tasks.assigneeId, assigneeOf(identity, input.assigneeId)), ...filterConditions(input)];
  if (identity.role !== "admin") {
    conditions.push(
      sql`${tasks.projectId} in (select ${projectMembers.projectId} from ${projectMembers} where ${projectMembers.userId} = ${identity.userId})`,
    );
  }
  return page(ctx, and(...conditions), input);
}
