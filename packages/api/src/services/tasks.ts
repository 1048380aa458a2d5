import { eq, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { prepared, rawRows, tasks, type Executor } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import { invalidField } from "../errors.js";
import { iso } from "../schemas/common.js";
import type { Task } from "../schemas/tasks.js";
import { isMember, projectAccess, type ProjectAccess } from "./access.js";
import { actorOf, changesOf, recordAudit, recordProjectAudits, type Actor } from "./audit.js";
import { outputColumns } from "./output-columns.js";
import { expectedVersionOf } from "./versions.js";

export const taskColumns = {
  id: tasks.id,
  projectId: tasks.projectId,
  title: tasks.title,
  description: tasks.description,
  status: tasks.status,
  priority: tasks.priority,
  dueDate: tasks.dueDate,
  assigneeId: tasks.assigneeId,
  tags: tasks.tags,
  createdBy: tasks.createdBy,
  createdAt: tasks.createdAt,
  updatedAt: tasks.updatedAt,
  version: tasks.version,
};
type TaskRow = { [K in keyof typeof taskColumns]: (typeof tasks.$inferSelect)[K] };

/** The fields clients may write; everything else (id, projectId, createdBy, version, timestamps) is the server's. */
export interface TaskFields {
  title: string;
  description: string | null;
  status: "pending" | "in_progress" | "completed";
  priority: "low" | "medium" | "high";
  dueDate: string | null;
  assigneeId: string | null;
  tags: string[];
}
const WRITABLE = ["title", "description", "status", "priority", "dueDate", "assigneeId", "tags"] as const;

export function toTask(row: TaskRow): Task {
  return { ...row, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

const taskNotFound = () => new TRPCError({ code: "NOT_FOUND", message: "Task not found" });

async function assertAssignable(db: Executor, projectId: string, assigneeId: string | null | undefined): Promise<void> {
  if (assigneeId === null || assigneeId === undefined) return;
  if (!(await isMember(db, projectId, assigneeId))) {
    throw invalidField("assigneeId", "The assignee must be a member of the project");
  }
}

/** One task by id in its output shape (see outputColumns), plain or taking the row for a write. */
const taskById = prepared((db) => db.select(outputColumns(taskColumns)).from(tasks).where(eq(tasks.id, sql.placeholder("id"))).prepare("task_by_id"));
const lockedTaskById = prepared((db) =>
  db.select(outputColumns(taskColumns)).from(tasks).where(eq(tasks.id, sql.placeholder("id"))).for("update").prepare("task_by_id_for_update"),
);

async function taskRow(db: Executor, id: string, lock: boolean): Promise<Task | undefined> {
  const [task] = await rawRows<Task>((lock ? lockedTaskById : taskById)(db), { id });
  return task;
}

/**
 * A task the caller can see, with the caller's access to its project: 404 otherwise, whether it is missing or in
 * someone else's project. `lock` takes the row for a write.
 */
async function visibleTask(db: Executor, identity: Identity, id: string, lock = false): Promise<{ task: Task; access: ProjectAccess }> {
  const task = await taskRow(db, id, lock);
  if (!task) throw taskNotFound();
  const access = await projectAccess(db, identity, task.projectId).catch(() => {
    throw taskNotFound();
  });
  return { task, access };
}

/** A new task's column values: the given fields, and the defaults of a task created without them. */
function newTaskValues(projectId: string, actor: Actor, input: Partial<TaskFields> & Pick<TaskFields, "title">) {
  return {
    projectId,
    title: input.title,
    description: input.description ?? null,
    status: input.status ?? "pending",
    priority: input.priority ?? "medium",
    dueDate: input.dueDate ?? null,
    assigneeId: input.assigneeId ?? null,
    tags: input.tags ?? [],
    createdBy: actor.id,
  };
}

const insertTask = prepared((db) =>
  db
    .insert(tasks)
    .values({
      projectId: sql.placeholder("projectId"),
      title: sql.placeholder("title"),
      description: sql.placeholder("description"),
      status: sql.placeholder("status"),
      priority: sql.placeholder("priority"),
      dueDate: sql.placeholder("dueDate"),
      assigneeId: sql.placeholder("assigneeId"),
      tags: sql.placeholder("tags"),
      createdBy: sql.placeholder("createdBy"),
    })
    // The new row in the output shape (see outputColumns): no per-row mapping, no Date per timestamp.
    .returning(outputColumns(taskColumns))
    .prepare("task_insert"),
);

export async function createTask(ctx: Pick<Context, "db" | "requestId">, identity: Identity, input: { projectId: string } & Partial<TaskFields> & Pick<TaskFields, "title">): Promise<Task> {
  return ctx.db.transaction(async (tx) => {
    await projectAccess(tx, identity, input.projectId);
    await assertAssignable(tx, input.projectId, input.assigneeId);
    return insertAuditedTask(tx, actorOf(identity), ctx.requestId, input);
  });
}

/**
 * Inserts one task and its `task.create` audit event (announced on the live feed on commit), inside the caller's
 * transaction; access and the assignee's membership are the caller's to check. Task creation and imports share it.
 */
export async function insertAuditedTask(
  tx: Executor,
  actor: Actor,
  requestId: string,
  input: { projectId: string } & Partial<TaskFields> & Pick<TaskFields, "title">,
): Promise<Task> {
  const [row] = await rawRows<Task>(insertTask(tx), newTaskValues(input.projectId, actor, input));
  if (!row) throw new Error("task insert returned nothing");
  await recordAudit(tx, {
    actor,
    action: "task.create",
    entityType: "task",
    entityId: row.id,
    projectId: row.projectId,
    requestId,
    changes: changesOf(null, row, WRITABLE),
  });
  return row;
}

/**
 * Rows per multi-row insert of an import. Small enough that one statement on the embedded database (PGlite runs
 * on this thread, ~0.5 ms a task with its indexes) holds the event loop ~100 ms, not seconds: between batches the
 * import yields, so the server keeps answering (a poll of the job waits for the transaction, not for the thread).
 */
const TASK_BATCH = 200;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * {@link insertAuditedTask} for many tasks of one project (an import): multi-row inserts and one `task.create`
 * audit event per task, announced on commit like any other. Returns the tasks in the rows' order.
 */
export async function insertAuditedTasks(tx: Executor, actor: Actor, requestId: string, projectId: string, rows: (Partial<TaskFields> & Pick<TaskFields, "title">)[]): Promise<Task[]> {
  const inserted: TaskRow[] = [];
  for (let start = 0; start < rows.length; start += TASK_BATCH) {
    const values = rows.slice(start, start + TASK_BATCH).map((input) => newTaskValues(projectId, actor, input));
    inserted.push(...(await tx.insert(tasks).values(values).returning(taskColumns)));
    await yieldToEventLoop();
  }
  await recordProjectAudits(
    tx,
    projectId,
    inserted.map((row) => ({ actor, action: "task.create", entityType: "task", entityId: row.id, requestId, changes: changesOf(null, row, WRITABLE) })),
  );
  return inserted.map(toTask);
}

export async function getTask(ctx: Context, identity: Identity, id: string): Promise<Task> {
  return (await visibleTask(ctx.db, identity, id)).task;
}

type WritableField = (typeof WRITABLE)[number];

/**
 * The update of a task's given fields (in WRITABLE order), a prepared statement per set of fields: a PATCH names
 * its own, and building drizzle's SQL plus postgres.js's describe round trip cost more than the write itself.
 */
const taskUpdates = new Map<number, ReturnType<typeof prepareTaskUpdate>>();

function prepareTaskUpdate(fields: readonly WritableField[], mask: number) {
  return prepared((db) =>
    db
      .update(tasks)
      .set({ ...Object.fromEntries(fields.map((field) => [field, sql.placeholder(field)])), version: sql`${tasks.version} + 1`, updatedAt: sql`now()` })
      .where(eq(tasks.id, sql.placeholder("id")))
      .returning(outputColumns(taskColumns))
      .prepare(`task_update_${mask}`),
  );
}

function taskUpdate(patch: Partial<TaskFields>) {
  const fields = WRITABLE.filter((field) => patch[field] !== undefined);
  const mask = fields.reduce((bits, field) => bits | (1 << WRITABLE.indexOf(field)), 0);
  let update = taskUpdates.get(mask);
  if (update === undefined) taskUpdates.set(mask, (update = prepareTaskUpdate(fields, mask)));
  return update;
}

/**
 * Writes a PUT or PATCH. With an expected version (body `expectedVersion` or REST `If-Match`), a task that has
 * moved on answers 409 naming its current version, and nothing is written.
 */
export async function writeTask(
  ctx: Context,
  identity: Identity,
  input: { id: string; expectedVersion?: number | undefined } & Partial<TaskFields>,
  action: "task.update" | "task.replace",
): Promise<Task> {
  const expected = expectedVersionOf(input.expectedVersion, ctx.header("if-match"));
  return ctx.db.transaction(async (tx) => {
    let before: Task | undefined;
    if (input.assigneeId === undefined || input.assigneeId === null) {
      // No membership to lock: the task row is locked and read at once (one round trip, not two).
      before = (await visibleTask(tx, identity, input.id, true)).task;
    } else {
      // The assignee's membership is locked before the task row, the order member removal takes them in.
      const { task: seen } = await visibleTask(tx, identity, input.id);
      await assertAssignable(tx, seen.projectId, input.assigneeId);
      before = await taskRow(tx, input.id, true);
    }
    if (!before) throw taskNotFound();
    if (expected !== undefined && expected !== before.version) {
      throw new TRPCError({ code: "CONFLICT", message: `Version mismatch: the task is at version ${before.version}` });
    }
    const patch: Partial<TaskFields> & { id: string } = { id: input.id };
    for (const field of WRITABLE) if (input[field] !== undefined) Object.assign(patch, { [field]: input[field] });
    // The row is locked, so the version read above is still current.
    const [after] = await rawRows<Task>(taskUpdate(patch)(tx), patch);
    if (!after) throw taskNotFound();
    await recordAudit(tx, {
      actor: actorOf(identity),
      action,
      entityType: "task",
      entityId: after.id,
      projectId: after.projectId,
      requestId: ctx.requestId,
      changes: changesOf(before, after, WRITABLE),
    });
    return after;
  });
}

/** Deletes a task: its creator, the project's owners and admins (other members get 403). */
export async function deleteTask(ctx: Context, identity: Identity, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const { task: before, access } = await visibleTask(tx, identity, id, true);
    if (before.createdBy !== identity.userId && access.role !== "owner" && !access.isAdmin) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only the task's creator, project owners and admins may delete it" });
    }
    await tx.delete(tasks).where(eq(tasks.id, id));
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "task.delete",
      entityType: "task",
      entityId: id,
      projectId: before.projectId,
      requestId: ctx.requestId,
      changes: changesOf(before, null, WRITABLE),
    });
  });
}
