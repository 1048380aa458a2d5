import { and, eq, gt, ilike, lt, or, sql, type SQL } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { prepared, projectMembers, rawRows, tasks, type Executor } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import { toPage } from "../schemas/common.js";
import type { MyTaskListInput, Task, TaskListInput } from "../schemas/tasks.js";
import { projectAccess } from "./access.js";
import { likePattern } from "./like.js";
import { outputColumns } from "./output-columns.js";
import { taskColumns } from "./tasks.js";

type Filters = Omit<TaskListInput, "projectId" | "assigneeId">;

const sortColumns = {
  createdAt: tasks.createdAt,
  updatedAt: tasks.updatedAt,
  dueDate: tasks.dueDate,
  priority: tasks.priority,
  title: tasks.title,
} as const;

/** Every task column under its output name (see outputColumns): a page's rows need no mapping (~110 µs of 20 rows). */
const taskOutputColumns = outputColumns(taskColumns);

/** Whose tasks: one project's (optionally one assignee's), or one assignee's across the caller's projects or all. */
type Scope = "project" | "project+assignee" | "assignee" | "assignee+member";

/** Every value a list query takes, by placeholder name; a filter that is absent has no entry. */
type Values = Record<string, string | number>;

const ph = (name: string) => sql.placeholder(name);

/** The filters' conditions, for the names present in `values`, with placeholders for the values themselves. */
function filterConditions(values: Values): SQL[] {
  const conditions: SQL[] = [];
  if ("status" in values) conditions.push(eq(tasks.status, ph("status")));
  if ("priority" in values) conditions.push(eq(tasks.priority, ph("priority")));
  if ("tag" in values) conditions.push(sql`${tasks.tags} @> array[${ph("tag")}]::text[]`);
  if ("q" in values) {
    const match = or(ilike(tasks.title, ph("q")), ilike(tasks.description, ph("q")));
    if (match) conditions.push(match);
  }
  if ("dueBefore" in values) conditions.push(lt(tasks.dueDate, ph("dueBefore")));
  if ("dueAfter" in values) conditions.push(gt(tasks.dueDate, ph("dueAfter")));
  return conditions;
}

function scopeConditions(scope: Scope): SQL[] {
  switch (scope) {
    case "project":
      return [eq(tasks.projectId, ph("projectId"))];
    case "project+assignee":
      return [eq(tasks.projectId, ph("projectId")), eq(tasks.assigneeId, ph("assigneeId"))];
    case "assignee":
      return [eq(tasks.assigneeId, ph("assigneeId"))];
    case "assignee+member":
      return [
        eq(tasks.assigneeId, ph("assigneeId")),
        sql`${tasks.projectId} in (select ${projectMembers.projectId} from ${projectMembers} where ${projectMembers.userId} = ${ph("memberId")})`,
      ];
  }
}

/** The chosen order with id as the tie-break in the same direction, so paging is stable; missing due dates last. */
function ordering(filters: Filters): SQL[] {
  const column = sortColumns[filters.sort];
  const direction = filters.order === "asc" ? sql`asc` : sql`desc`;
  return [sql`${column} ${direction} nulls last`, sql`${tasks.id} ${direction}`];
}

/** The page's rows and the total, prepared for one shape: scope, which filters, sort and order. */
function pageQueries(scope: Scope, values: Values, filters: Filters) {
  const where = and(...scopeConditions(scope), ...filterConditions(values));
  const order = ordering(filters);
  return {
    rows: prepared((db) =>
      db.select(taskOutputColumns).from(tasks).where(where).orderBy(...order).limit(ph("limit")).offset(ph("offset")).prepare("task_page"),
    ),
    // int: a count fits, and the driver then parses it itself (bigint would come back as text to map).
    total: prepared((db) => db.select({ n: sql<number>`count(*)::int`.as("n") }).from(tasks).where(where).prepare("task_count")),
  };
}

/**
 * One prepared pair per query shape in use (at most 2 x 2^6 filter sets x 5 sorts x 2 orders; the common ones stay),
 * so a list builds no SQL per request, and on postgres.js each shape is a named statement on every connection.
 */
const shapes = new LRUCache<string, ReturnType<typeof pageQueries>>({ max: 256 });

function filterValues(filters: Filters, values: Values): Values {
  if (filters.status) values.status = filters.status;
  if (filters.priority) values.priority = filters.priority;
  if (filters.tag) values.tag = filters.tag;
  if (filters.q) values.q = likePattern(filters.q);
  if (filters.dueBefore) values.dueBefore = filters.dueBefore;
  if (filters.dueAfter) values.dueAfter = filters.dueAfter;
  return values;
}

async function page(db: Executor, scope: Scope, scopeValues: Values, filters: Filters) {
  const values = filterValues(filters, scopeValues);
  const key = `${scope}|${Object.keys(values).join(",")}|${filters.sort}|${filters.order}`;
  let queries = shapes.get(key);
  if (!queries) {
    queries = pageQueries(scope, values, filters);
    shapes.set(key, queries);
  }
  const [rows, [total]] = await Promise.all([
    // The selection already has the output's names and formats. The spread comes last: on Node 20 a literal that
    // spreads and then adds keys takes V8's slow path (~2 µs here); `values` never holds limit or offset.
    rawRows<Task>(queries.rows(db), { limit: filters.perPage, offset: (filters.page - 1) * filters.perPage, ...values }),
    rawRows<{ n: number }>(queries.total(db), values),
  ]);
  return toPage(rows, total?.n ?? 0, filters.page, filters.perPage);
}

/** "me" is the caller's user id; an API key acts as its owner. */
function assigneeOf(identity: Identity, assigneeId: string): string {
  return assigneeId === "me" ? identity.userId : assigneeId;
}

export async function listProjectTasks(ctx: Context, identity: Identity, input: TaskListInput) {
  await projectAccess(ctx.db, identity, input.projectId);
  if (input.assigneeId) return page(ctx.db, "project+assignee", { projectId: input.projectId, assigneeId: assigneeOf(identity, input.assigneeId) }, input);
  return page(ctx.db, "project", { projectId: input.projectId }, input);
}

/** Tasks across every project the caller belongs to (admins: every project), by assignee ("me" by default). */
export async function listMyTasks(ctx: Context, identity: Identity, input: MyTaskListInput) {
  const assigneeId = assigneeOf(identity, input.assigneeId);
  if (identity.role === "admin") return page(ctx.db, "assignee", { assigneeId }, input);
  return page(ctx.db, "assignee+member", { assigneeId, memberId: identity.userId }, input);
}
