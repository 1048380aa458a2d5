import { and, asc, count, eq, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { projectMembers, tasks, users, type Executor } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import { iso } from "../schemas/common.js";
import type { Member } from "../schemas/projects.js";
import { lockProject, projectAccess, requireOwner } from "./access.js";
import { actorOf, recordAudit } from "./audit.js";

type Role = "owner" | "member";

const memberColumns = {
  userId: projectMembers.userId,
  username: users.username,
  name: users.name,
  role: projectMembers.role,
  addedAt: projectMembers.addedAt,
};

async function loadMember(db: Executor, projectId: string, userId: string, lock = false): Promise<Member | undefined> {
  const query = db
    .select(memberColumns)
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
  const [row] = lock ? await query.for("update", { of: projectMembers }) : await query;
  return row && { ...row, addedAt: iso(row.addedAt) };
}

const memberNotFound = () => new TRPCError({ code: "NOT_FOUND", message: "Member not found" });

/** Refuses to leave a project without an owner. Owner rows are locked so two demotions cannot race past it. */
async function assertAnotherOwner(tx: Executor, projectId: string, leaving: string): Promise<void> {
  await tx
    .select({ userId: projectMembers.userId })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.role, "owner")))
    .for("update");
  const [owners] = await tx
    .select({ n: count() })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.role, "owner"), sql`${projectMembers.userId} <> ${leaving}`));
  if ((owners?.n ?? 0) === 0) throw new TRPCError({ code: "CONFLICT", message: "A project needs at least one owner" });
}

export async function listMembers(ctx: Context, identity: Identity, projectId: string): Promise<Member[]> {
  await projectAccess(ctx.db, identity, projectId);
  const rows = await ctx.db
    .select(memberColumns)
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.addedAt), asc(projectMembers.userId));
  return rows.map((row) => ({ ...row, addedAt: iso(row.addedAt) }));
}

export async function addMember(ctx: Context, identity: Identity, input: { id: string; userId: string; role: Role }): Promise<Member> {
  return ctx.db.transaction(async (tx) => {
    requireOwner(await projectAccess(tx, identity, input.id), "add members");
    await lockProject(tx, input.id);
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId));
    if (!user) throw new TRPCError({ code: "NOT_FOUND", message: "User not found" });
    const inserted = await tx
      .insert(projectMembers)
      .values({ projectId: input.id, userId: input.userId, role: input.role })
      .onConflictDoNothing()
      .returning({ userId: projectMembers.userId });
    if (inserted.length === 0) throw new TRPCError({ code: "CONFLICT", message: "That user is already a member" });
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "member.add",
      entityType: "member",
      entityId: input.userId,
      projectId: input.id,
      requestId: ctx.requestId,
      changes: { role: { before: null, after: input.role } },
    });
    const member = await loadMember(tx, input.id, input.userId);
    if (!member) throw memberNotFound();
    return member;
  });
}

export async function updateMember(ctx: Context, identity: Identity, input: { id: string; userId: string; role: Role }): Promise<Member> {
  return ctx.db.transaction(async (tx) => {
    requireOwner(await projectAccess(tx, identity, input.id), "change member roles");
    await lockProject(tx, input.id);
    const before = await loadMember(tx, input.id, input.userId, true);
    if (!before) throw memberNotFound();
    if (before.role === "owner" && input.role !== "owner") await assertAnotherOwner(tx, input.id, input.userId);
    await tx
      .update(projectMembers)
      .set({ role: input.role })
      .where(and(eq(projectMembers.projectId, input.id), eq(projectMembers.userId, input.userId)));
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "member.update",
      entityType: "member",
      entityId: input.userId,
      projectId: input.id,
      requestId: ctx.requestId,
      changes: before.role === input.role ? {} : { role: { before: before.role, after: input.role } },
    });
    return { ...before, role: input.role };
  });
}

/**
 * Removes a member (owners and admins, or members leaving themselves). Their open assignments in the project
 * are cleared, since assignees must be members.
 */
export async function removeMember(ctx: Context, identity: Identity, input: { id: string; userId: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const access = await projectAccess(tx, identity, input.id);
    if (input.userId !== identity.userId) requireOwner(access, "remove other members");
    await lockProject(tx, input.id);
    const before = await loadMember(tx, input.id, input.userId, true);
    if (!before) throw memberNotFound();
    if (before.role === "owner") await assertAnotherOwner(tx, input.id, input.userId);
    await tx.delete(projectMembers).where(and(eq(projectMembers.projectId, input.id), eq(projectMembers.userId, input.userId)));
    const unassigned = await tx
      .update(tasks)
      .set({ assigneeId: null, version: sql`${tasks.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(tasks.projectId, input.id), eq(tasks.assigneeId, input.userId)))
      .returning({ id: tasks.id });
    await recordAudit(tx, {
      actor: actorOf(identity),
      action: "member.remove",
      entityType: "member",
      entityId: input.userId,
      projectId: input.id,
      requestId: ctx.requestId,
      changes: {
        role: { before: before.role, after: null },
        ...(unassigned.length > 0 ? { unassignedTasks: { before: unassigned.map((task) => task.id), after: [] } } : {}),
      },
    });
  });
}
