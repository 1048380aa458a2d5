import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { auditEvents, prepared, type AuditChanges, type Executor } from "@cadence/db";
import type { Identity } from "../auth/identity.js";
import { announceProjectEvents, insertAnnouncedEvent } from "../events/publish.js";

export interface Actor {
  id: string;
  kind: "user" | "api_key";
}

export function actorOf(identity: Identity): Actor {
  return { id: identity.userId, kind: identity.kind };
}

export interface AuditEventInput {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  projectId?: string | null;
  requestId: string;
  changes: AuditChanges;
}

const insertAuditEvent = prepared((db) =>
  db
    .insert(auditEvents)
    .values({
      id: sql.placeholder("id"),
      actorId: sql.placeholder("actorId"),
      actorKind: sql.placeholder("actorKind"),
      action: sql.placeholder("action"),
      entityType: sql.placeholder("entityType"),
      entityId: sql.placeholder("entityId"),
      projectId: sql.placeholder("projectId"),
      requestId: sql.placeholder("requestId"),
      changes: sql.placeholder("changes"),
    })
    .prepare("audit_insert"),
);

/**
 * Writes one audit event; call it with the mutation's transaction so both commit or neither does. A project's
 * event is also announced to live subscribers, on commit only; call it last in the transaction (it takes the
 * project's event lock until commit).
 */
export async function recordAudit(tx: Executor, event: AuditEventInput): Promise<void> {
  const row = {
    id: randomUUID(),
    actorId: event.actor.id,
    actorKind: event.actor.kind,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId,
    requestId: event.requestId,
    changes: event.changes,
  };
  if (event.projectId) await insertAnnouncedEvent(tx, { ...row, projectId: event.projectId });
  else await insertAuditEvent(tx).execute({ ...row, projectId: null });
}

/**
 * {@link recordAudit} for many events of one project in the same transaction (an import), in multi-row inserts:
 * each is announced to live subscribers on commit, exactly like one recorded alone.
 */
export async function recordProjectAudits(tx: Executor, projectId: string, events: Omit<AuditEventInput, "projectId">[]): Promise<void> {
  const ids = await announceProjectEvents(tx, projectId, events.length);
  for (let start = 0; start < events.length; start += AUDIT_BATCH) {
    await tx.insert(auditEvents).values(
      events.slice(start, start + AUDIT_BATCH).map((event, offset) => ({
        id: ids[start + offset] as string,
        actorId: event.actor.id,
        actorKind: event.actor.kind,
        action: event.action,
        entityType: event.entityType,
        entityId: event.entityId,
        projectId,
        requestId: event.requestId,
        changes: event.changes,
      })),
    );
    // As for the tasks of an import: on the embedded database, let the server breathe between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
/** Rows per multi-row insert: 9 columns each, well under PostgreSQL's 65,535 bind parameters. */
const AUDIT_BATCH = 500;

type Fields = Record<string, unknown>;

const plain = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);

/** Before/after of the fields whose values differ; `before` null for a creation, `after` null for a deletion. */
export function changesOf(before: Fields | null, after: Fields | null, fields: readonly string[]): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    const was = before === null ? null : plain(before[field]);
    const is = after === null ? null : plain(after[field]);
    if (JSON.stringify(was) !== JSON.stringify(is)) changes[field] = { before: was, after: is };
  }
  return changes;
}

/** Marks a secret as changed without recording any value of it. */
export const REDACTED_CHANGE = { before: "[redacted]", after: "[redacted]" } as const;
