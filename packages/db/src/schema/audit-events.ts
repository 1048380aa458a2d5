import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users.js";

export const actorKind = pgEnum("actor_kind", ["user", "api_key"]);

/** Field-level changes of one mutation: only changed fields, never secrets. */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

/**
 * The audit trail: one row per successful mutation, written in the mutation's transaction. Entity and
 * project ids are plain columns (no foreign keys) so the trail outlives what it describes.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Commit-order position: "newest first" even when two events share a timestamp. */
    seq: bigint({ mode: "number" }).generatedAlwaysAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorKind: actorKind().notNull(),
    action: text().notNull(),
    entityType: text().notNull(),
    entityId: uuid().notNull(),
    projectId: uuid(),
    requestId: text().notNull(),
    changes: jsonb().$type<AuditChanges>().notNull(),
  },
  (t) => [
    index("audit_events_seq_idx").on(t.seq.desc()),
    index("audit_events_at_idx").on(t.at),
    index("audit_events_actor_id_idx").on(t.actorId, t.seq.desc()),
    index("audit_events_entity_idx").on(t.entityType, t.entityId, t.seq.desc()),
    index("audit_events_action_idx").on(t.action, t.seq.desc()),
    index("audit_events_project_id_idx").on(t.projectId, t.seq.desc()),
  ],
);
