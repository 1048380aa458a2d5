import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { preparedSql, type AuditChanges, type Executor } from "@cadence/db";

/** The PostgreSQL channel every instance listens on; a payload is `<projectId>:<auditEventId>`, ids only. */
export const PROJECT_EVENTS_CHANNEL = "cadence_project_events";

/** Namespace of the per-project advisory locks (the two-key form, apart from the migration lock's one key). */
const PROJECT_EVENTS_LOCK_SPACE = 0x0cade;

export interface ProjectNotification {
  projectId: string;
  eventId: string;
}

export function parseProjectNotification(payload: string): ProjectNotification | null {
  const [projectId, eventId, extra] = payload.split(":");
  return projectId && eventId && extra === undefined ? { projectId, eventId } : null;
}

/** An audit row of a project's change, as the audit trail stores it. */
export interface ProjectAuditRow {
  id: string;
  actorId: string;
  actorKind: "user" | "api_key";
  action: string;
  entityType: string;
  entityId: string;
  projectId: string;
  requestId: string;
  changes: AuditChanges;
}

const announcedEvent = preparedSql("audit_announced_insert", () => {
  const ph = (name: keyof ProjectAuditRow | "payload") => sql.placeholder(name);
  return sql`
    with announced as materialized (
      select pg_advisory_xact_lock(${PROJECT_EVENTS_LOCK_SPACE}, hashtext(${ph("projectId")}::text)) as locked,
             pg_notify(${PROJECT_EVENTS_CHANNEL}, ${ph("payload")}::text) as notified
    )
    insert into audit_events (id, actor_id, actor_kind, action, entity_type, entity_id, project_id, request_id, changes)
    select ${ph("id")}::uuid, ${ph("actorId")}::uuid, ${ph("actorKind")}::actor_kind, ${ph("action")}::text, ${ph("entityType")}::text,
           ${ph("entityId")}::uuid, ${ph("projectId")}::uuid, ${ph("requestId")}::text, ${ph("changes")}::jsonb
    from announced`;
});

/**
 * Records a project's audit event and announces it, in one statement of the writing transaction. NOTIFY is
 * delivered only when the transaction commits, so a rolled-back change is never announced. The transaction-scoped
 * lock on the project, taken before the row's `seq` is drawn, makes its events commit in the order of their `seq`,
 * so a reader resuming "after seq N" can never miss an event that committed late with a smaller seq. One statement
 * keeps the lock from its taking to COMMIT to one round trip: writers of one project queue on it across instances.
 */
export async function insertAnnouncedEvent(tx: Executor, row: ProjectAuditRow): Promise<void> {
  // Prepared: one round trip, and no SQL built per write (see preparedSql).
  await announcedEvent(tx).execute({ ...row, payload: `${row.projectId}:${row.id}`, changes: JSON.stringify(row.changes) });
}

/**
 * The announcement of {@link insertAnnouncedEvent} for many events of one project at once (an import): one lock,
 * one NOTIFY per event in a single statement. Returns the events' ids in order; insert the events in that order.
 */
export async function announceProjectEvents(tx: Executor, projectId: string, count: number): Promise<string[]> {
  const eventIds = Array.from({ length: count }, () => randomUUID());
  const payloads = eventIds.map((eventId) => `${projectId}:${eventId}`);
  await tx.execute(sql`select pg_advisory_xact_lock(${PROJECT_EVENTS_LOCK_SPACE}, hashtext(${projectId}))`);
  await tx.execute(sql`select pg_notify(${PROJECT_EVENTS_CHANNEL}, payload) from unnest(${`{${payloads.join(",")}}`}::text[]) as payload`);
  return eventIds;
}
