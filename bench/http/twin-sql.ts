import { randomUUID } from "node:crypto";
// The twin's queries: the statements Cadence's drizzle services send (same text, same parameters; checked against
// PostgreSQL's `log_statement = all` for users.me, the list row and create), issued through
// postgres.js the idiomatic way (prepared per connection). Keep them in step with packages/api/src/auth/identity.ts,
// services/users.ts, services/access.ts, services/task-list.ts, services/tasks.ts and services/audit.ts.
import postgres from "postgres";

export function connect(url: string) {
  return postgres(url, {
    max: 10,
    idle_timeout: 30,
    onnotice: () => {},
    transform: { column: { from: postgres.toCamel } },
    // Dates (no time) stay "YYYY-MM-DD" strings, as Cadence returns them.
    types: { isoDate: { to: 1082, from: [1082], serialize: (value: string) => value, parse: (value: string) => value } },
  });
}
export type Sql = ReturnType<typeof connect>;
type Tx = postgres.TransactionSql<{ isoDate: string }>;

const USER_COLUMNS = `"users"."id", "users"."email", "users"."username", "users"."name", "users"."role", "users"."disabled", "users"."created_at", "users"."updated_at"`;

/**
 * identity.ts: the session must be live and the user enabled; one query that also returns the user's public columns,
 * which is all `users.me` needs (Cadence answers it from this row too).
 */
export async function liveSessionUser(sql: Sql, userId: string, sessionId: string) {
  const [row] = await sql`select ${sql.unsafe(USER_COLUMNS)} from "users" inner join "sessions" on "sessions"."user_id" = "users"."id" where ("users"."id" = ${userId} and "sessions"."id" = ${sessionId} and "sessions"."revoked_at" is null and "users"."disabled" = ${false}) limit ${1}`;
  return row;
}

/** access.ts projectAccess: the caller's membership role, null when not a member; undefined when no project. */
export async function memberRole(sql: Sql | Tx, userId: string, projectId: string): Promise<string | null | undefined> {
  const [row] = await sql`select "projects"."id", "project_members"."role" from "projects" left join "project_members" on ("project_members"."project_id" = "projects"."id" and "project_members"."user_id" = ${userId}) where "projects"."id" = ${projectId}`;
  return row ? (row.role as string | null) : undefined;
}

const TASK_COLUMNS = `"id", "project_id", "title", "description", "status", "priority", "due_date", "assignee_id", "tags", "created_by", "created_at", "updated_at", "version"`;
export const SORT_COLUMNS = { createdAt: "created_at", updatedAt: "updated_at", dueDate: "due_date", priority: "priority", title: "title" } as const;

export interface TaskListQuery {
  projectId: string;
  status?: string | undefined;
  sort: keyof typeof SORT_COLUMNS;
  order: "asc" | "desc";
  page: number;
  perPage: number;
}

/** task-list.ts: one page and the total, concurrently, ordered with id as the tie-break. */
export async function taskPage(sql: Sql, query: TaskListQuery) {
  const where = query.status
    ? sql`("tasks"."project_id" = ${query.projectId} and "tasks"."status" = ${query.status})`
    : sql`"tasks"."project_id" = ${query.projectId}`;
  const order = sql.unsafe(`"tasks"."${SORT_COLUMNS[query.sort]}" ${query.order} nulls last, "tasks"."id" ${query.order}`);
  const offset = (query.page - 1) * query.perPage;
  const [items, [total]] = await Promise.all([
    sql`select ${sql.unsafe(TASK_COLUMNS)} from "tasks" where ${where} order by ${order} limit ${query.perPage} offset ${offset}`,
    sql`select count(*) from "tasks" where ${where}`,
  ]);
  const count = Number(total?.count ?? 0);
  return { items, page: query.page, perPage: query.perPage, total: count, totalPages: Math.ceil(count / query.perPage) };
}

export interface NewTask {
  projectId: string;
  title: string;
  status: string;
  priority: string;
  tags: string[];
  createdBy: string;
  requestId: string;
}

/**
 * tasks.ts createTask + audit.ts recordAudit: access check, insert, the live-feed announcement (events/publish.ts:
 * the project's event lock and NOTIFY), audit row, one transaction; undefined: no access.
 */
export async function createTask(sql: Sql, task: NewTask) {
  return sql.begin(async (tx) => {
    const role = await memberRole(tx, task.createdBy, task.projectId);
    if (role === undefined || role === null) return undefined;
    const [row] = await tx`insert into "tasks" ("id", "project_id", "title", "description", "status", "priority", "due_date", "assignee_id", "tags", "created_by", "created_at", "updated_at", "version") values (default, ${task.projectId}, ${task.title}, ${null}, ${task.status}, ${task.priority}, ${null}, ${null}, ${task.tags}, ${task.createdBy}, default, default, default) returning ${tx.unsafe(TASK_COLUMNS)}`;
    if (!row) throw new Error("task insert returned nothing");
    const changes = { title: { before: null, after: task.title }, status: { before: null, after: task.status }, priority: { before: null, after: task.priority }, tags: { before: null, after: task.tags } };
    const eventId = randomUUID();
    // events/publish.ts insertAnnouncedEvent: the project's event lock, the NOTIFY and the audit row in one statement.
    await tx`
    with announced as materialized (
      select pg_advisory_xact_lock(${0x0cade}, hashtext(${task.projectId}::text)) as locked,
             pg_notify(${"cadence_project_events"}, ${`${task.projectId}:${eventId}`}::text) as notified
    )
    insert into audit_events (id, actor_id, actor_kind, action, entity_type, entity_id, project_id, request_id, changes)
    select ${eventId}::uuid, ${task.createdBy}::uuid, ${"user"}::actor_kind, ${"task.create"}::text, ${"task"}::text,
           ${row.id as string}::uuid, ${task.projectId}::uuid, ${task.requestId}::text, ${JSON.stringify(changes)}::jsonb
    from announced`;
    return row;
  });
}
