import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { auditEvents, prepared, type Database } from "@cadence/db";
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

/**
 * A row as the feed sends it: its fields, and each change's `before` and `after`, in the order `GET /audit-events`
 * answers them (its schema's), not jsonb's (which stores keys shortest first), so the two read alike to the byte.
 */
function stored({ seq, id, at, actorId, action, entityType, entityId, changes }: { seq: number } & Omit<ProjectEvent, "at"> & { at: Date }): StoredEvent {
  const ordered: ProjectEvent["changes"] = {};
  for (const [field, { before, after }] of Object.entries(changes)) ordered[field] = { before, after };
  return { seq, event: { id, at: iso(at), actorId, action, entityType, entityId, changes: ordered } };
}

// Prepared (see prepared() in @cadence/db): the hub reads once per batch and every subscriber reads when it opens
// or resyncs, so neither rebuilds drizzle's SQL nor pays postgres.js's describe round trip each time.
const inProject = () => eq(auditEvents.projectId, sql.placeholder("projectId"));

const eventsAfterSeq = prepared((db) =>
  db
    .select(columns)
    .from(auditEvents)
    .where(and(inProject(), gt(auditEvents.seq, sql.placeholder("afterSeq"))))
    .orderBy(asc(auditEvents.seq))
    .limit(sql.placeholder("limit"))
    .prepare("project_events_after"),
);

// The ids travel as one array literal, so one statement serves any number of them.
const byIds = prepared((db) =>
  db
    .select(columns)
    .from(auditEvents)
    .where(and(inProject(), sql`${auditEvents.id} = any(${sql.placeholder("ids")}::uuid[])`))
    .orderBy(asc(auditEvents.seq))
    .prepare("project_events_by_id"),
);

const seqById = prepared((db) =>
  db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(inProject(), eq(auditEvents.id, sql.placeholder("eventId"))))
    .prepare("project_event_seq"),
);

const newestSeq = prepared((db) =>
  db.select({ seq: auditEvents.seq }).from(auditEvents).where(inProject()).orderBy(desc(auditEvents.seq)).limit(1).prepare("project_event_latest_seq"),
);

/** The project's events after `afterSeq`, oldest first, at most `limit`. */
export async function eventsAfter(db: Database, projectId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await eventsAfterSeq(db).execute({ projectId, afterSeq, limit });
  return rows.map(stored);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * These events of the project, oldest first (ids from notifications). An id that is not a UUID names no event (only
 * a stranger's NOTIFY on the channel sends one): it is left out rather than failing the read of the others.
 */
export async function eventsById(db: Database, projectId: string, ids: string[]): Promise<StoredEvent[]> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return [];
  const rows = await byIds(db).execute({ projectId, ids: `{${valid.join(",")}}` });
  return rows.map(stored);
}

/** The seq of one of the project's events, or null when the project has no event with that id. */
export async function seqOf(db: Database, projectId: string, eventId: string): Promise<number | null> {
  const [row] = await seqById(db).execute({ projectId, eventId });
  return row?.seq ?? null;
}

/** The seq of the project's newest event (0 when it has none): a fresh subscriber starts after it. */
export async function latestSeq(db: Database, projectId: string): Promise<number> {
  const [row] = await newestSeq(db).execute({ projectId });
  return row?.seq ?? 0;
}
