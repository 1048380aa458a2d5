import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import { auditEvents, type Database } from "@cadence/db";
import { iso } from "../schemas/common.js";
import type { ProjectEvent } from "../schemas/project-events.js";

/** A feed item with its commit-order position, which subscribers use to resume and to drop duplicates. */
export interface StoredEvent {
  seq: number;
  event: ProjectEvent;
}

const columns = {
  seq: auditEvents.seq,
  id: auditEvents.id,
  at: auditEvents.at,
  action: auditEvents.action,
  entityType: auditEvents.entityType,
  entityId: auditEvents.entityId,
  actorId: auditEvents.actorId,
  changes: auditEvents.changes,
};

function stored(row: { seq: number } & Omit<ProjectEvent, "at"> & { at: Date }): StoredEvent {
  const { seq, at, ...rest } = row;
  return { seq, event: { ...rest, at: iso(at) } };
}

/** The project's events after `afterSeq`, oldest first, at most `limit`. */
export async function eventsAfter(db: Database, projectId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .select(columns)
    .from(auditEvents)
    .where(and(eq(auditEvents.projectId, projectId), gt(auditEvents.seq, afterSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
  return rows.map(stored);
}

/** These events of the project, oldest first (ids from notifications). */
export async function eventsById(db: Database, projectId: string, ids: string[]): Promise<StoredEvent[]> {
  const rows = await db
    .select(columns)
    .from(auditEvents)
    .where(and(eq(auditEvents.projectId, projectId), inArray(auditEvents.id, ids)))
    .orderBy(asc(auditEvents.seq));
  return rows.map(stored);
}

/** The seq of one of the project's events, or null when the project has no event with that id. */
export async function seqOf(db: Database, projectId: string, eventId: string): Promise<number | null> {
  const [row] = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.id, eventId)));
  return row?.seq ?? null;
}

/** The seq of the project's newest event (0 when it has none): a fresh subscriber starts after it. */
export async function latestSeq(db: Database, projectId: string): Promise<number> {
  const [row] = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(eq(auditEvents.projectId, projectId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row?.seq ?? 0;
}
