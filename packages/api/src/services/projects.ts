import { and, count, desc, eq, ilike, sql, type SQL } from "drizzle-orm";
import { projectMembers, projects, type Executor } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import { iso, toPage } from "../schemas/common.js";
import type { Project } from "../schemas/projects.js";
import { projectAccess, projectNotFound, requireOwner } from "./access.js";
import { actorOf, changesOf, recordAudit } from "./audit.js";
import { likePattern } from "./like.js";

const columns = {
  id: projects.id,
  name: projects.name,
  description: projects.description,
  ownerId: projects.ownerId,
  createdAt: projects.createdAt,
  updatedAt: projects.updatedAt,
};
type ProjectRow = { [K in keyof typeof columns]: (typeof projects.$inferSelect)[K] };

const AUDITED = ["name", "description", "ownerId"] as const;

function toProject(row: ProjectRow): Project {
  return { ...row, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

async function loadProject(db: Executor, id: string): Promise<ProjectRow> {
  const [row] = await db.select(columns).from(projects).where(eq(projects.id, id));
  if (!row) throw projectNotFound();
  return row;
}

/** Creates a project; the creator becomes its first owner. */
export async function createProject(ctx: Pick<Context, "db" | "requestId">, identity: Identity, input: { name: string; description?: string | null | undefined }): Promise<Project> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(projects)
      .values({ name: input.name, description: input.description ?? null, ownerId: identity.userId })
      .returning(columns);
    if (!row) throw new Error("project insert returned nothing");
    await tx.insert(projectMembers).values({ projectId: row.id, userId: identity.userId, role: "owner" });
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "project.create",
      entityType: "project",
      entityId: row.id,
      projectId: row.id,
      requestId: ctx.requestId,
      changes: changesOf(null, row, AUDITED),
    });
    return toProject(row);
  });
}

/** The projects the caller belongs to (admins: all), newest first. */
export async function listProjects(ctx: Context, identity: Identity, input: { page: number; perPage: number; q?: string | undefined }) {
  const conditions: SQL[] = [];
  if (input.q) conditions.push(ilike(projects.name, likePattern(input.q)));
  if (identity.role !== "admin") {
    conditions.push(
      sql`exists (select 1 from ${projectMembers} where ${projectMembers.projectId} = ${projects.id} and ${projectMembers.userId} = ${identity.userId})`,
    );
  }
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select(columns)
      .from(projects)
      .where(where)
      .orderBy(desc(projects.createdAt), desc(projects.id))
      .limit(input.perPage)
      .offset((input.page - 1) * input.perPage),
    ctx.db.select({ n: count() }).from(projects).where(where),
  ]);
  return toPage(rows.map(toProject), total?.n ?? 0, input.page, input.perPage);
}

export async function getProject(ctx: Context, identity: Identity, id: string): Promise<Project> {
  await projectAccess(ctx.db, identity, id);
  return toProject(await loadProject(ctx.db, id));
}

export async function updateProject(
  ctx: Context,
  identity: Identity,
  input: { id: string; name?: string | undefined; description?: string | null | undefined },
): Promise<Project> {
  return ctx.db.transaction(async (tx) => {
    requireOwner(await projectAccess(tx, identity, input.id), "change a project");
    const before = await loadProject(tx, input.id);
    const patch: Partial<typeof projects.$inferInsert> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.description !== undefined) patch.description = input.description;
    const [after] = await tx.update(projects).set({ ...patch, updatedAt: sql`now()` }).where(eq(projects.id, input.id)).returning(columns);
    if (!after) throw projectNotFound();
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "project.update",
      entityType: "project",
      entityId: input.id,
      projectId: input.id,
      requestId: ctx.requestId,
      changes: changesOf(before, after, AUDITED),
    });
    return toProject(after);
  });
}

/** Deletes a project with its tasks and memberships (cascading foreign keys). */
export async function deleteProject(ctx: Context, identity: Identity, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    requireOwner(await projectAccess(tx, identity, id), "delete a project");
    const [before] = await tx.delete(projects).where(eq(projects.id, id)).returning(columns);
    if (!before) throw projectNotFound();
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "project.delete",
      entityType: "project",
      entityId: id,
      projectId: id,
      requestId: ctx.requestId,
      changes: changesOf(before, null, AUDITED),
    });
  });
}
