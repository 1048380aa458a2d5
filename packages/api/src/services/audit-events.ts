import { and, count, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { auditEvents, projectMembers } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import type { AuditEvent, AuditListInput } from "../schemas/audit.js";
import { iso, toPage } from "../schemas/common.js";

/** Admins read everything; a project owner reads their project's events by naming it; anyone else gets 403. */
async function assertMayRead(ctx: Context, identity: Identity, projectId: string | undefined): Promise<void> {
  if (identity.role === "admin") return;
  if (projectId) {
    const [membership] = await ctx.db
      .select({ role: projectMembers.role })
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, identity.userId)));
    if (membership?.role === "owner") return;
  }
  throw new TRPCError({
    code: "FORBIDDEN",
    message: "Only admins, or project owners passing their projectId, may read audit events",
  });
}

/** The columns of an audit event as the trail answers it (and a project export stores it). */
export const auditEventColumns = {
  id: auditEvents.id,
  at: auditEvents.at,
  actorId: auditEvents.actorId,
  actorKind: auditEvents.actorKind,
  action: auditEvents.action,
  entityType: auditEvents.entityType,
  entityId: auditEvents.entityId,
  projectId: auditEvents.projectId,
  requestId: auditEvents.requestId,
  changes: auditEvents.changes,
};

export async function listAuditEvents(ctx: Context, identity: Identity, input: AuditListInput) {
  await assertMayRead(ctx, identity, input.projectId);
  const conditions: SQL[] = [];
  if (input.actorId) conditions.push(eq(auditEvents.actorId, input.actorId));
  if (input.entityType) conditions.push(eq(auditEvents.entityType, input.entityType));
  if (input.entityId) conditions.push(eq(auditEvents.entityId, input.entityId));
  if (input.action) conditions.push(eq(auditEvents.action, input.action));
  if (input.projectId) conditions.push(eq(auditEvents.projectId, input.projectId));
  if (input.from) conditions.push(gte(auditEvents.at, new Date(input.from)));
  if (input.to) conditions.push(lt(auditEvents.at, new Date(input.to)));
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select(auditEventColumns)
      .from(auditEvents)
      .where(where)
      .orderBy(desc(auditEvents.seq))
      .limit(input.perPage)
      .offset((input.page - 1) * input.perPage),
    ctx.db.select({ n: count() }).from(auditEvents).where(where),
  ]);
  const items: AuditEvent[] = rows.map((row) => ({ ...row, at: iso(row.at) }));
  return toPage(items, total?.n ?? 0, input.page, input.perPage);
}
