import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Executor } from "@cadence/db";

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

/**
 * Announces a project's audit event from inside the writing transaction and returns the event's id. NOTIFY is
 * delivered only when the transaction commits, so a rolled-back change is never announced. The transaction-scoped
 * lock on the project makes its events commit in the order of their `seq` (taken by the insert that follows), so a
 * reader resuming "after seq N" can never miss an event that committed late with a smaller seq.
 */
export async function announceProjectEvent(tx: Executor, projectId: string): Promise<string> {
  const eventId = randomUUID();
  await tx.execute(
    sql`select pg_advisory_xact_lock(${PROJECT_EVENTS_LOCK_SPACE}, hashtext(${projectId})), pg_notify(${PROJECT_EVENTS_CHANNEL}, ${`${projectId}:${eventId}`})`,
  );
  return eventId;
}

/**
 * {@link announceProjectEvent} for many events of one project at once (an import): one lock, one NOTIFY per event
 * in a single statement. Returns the events' ids in order; insert the events in that order.
 */
export async function announceProjectEvents(tx: Executor, projectId: string, count: number): Promise<string[]> {
  const eventIds = Array.from({ length: count }, () => randomUUID());
  const payloads = eventIds.map((eventId) => `${projectId}:${eventId}`);
  await tx.execute(sql`select pg_advisory_xact_lock(${PROJECT_EVENTS_LOCK_SPACE}, hashtext(${projectId}))`);
  await tx.execute(sql`select pg_notify(${PROJECT_EVENTS_CHANNEL}, payload) from unnest(${`{${payloads.join(",")}}`}::text[]) as payload`);
  return eventIds;
}
