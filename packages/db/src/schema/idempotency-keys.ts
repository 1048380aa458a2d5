import { index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Idempotency-Key records of creating requests, one per (caller, key), kept 24 h (see the API's idempotency
 * service). `responseBody` is null while the first request still runs; a completed record replays its response.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    /** `user:<userId>` or `key:<apiKeyId>`: the same key from two callers is two records. */
    caller: text().notNull(),
    key: text().notNull(),
    /** SHA-256 of the procedure and its input as sent: the same key with another request is refused (422). */
    fingerprint: text().notNull(),
    /** Random per claim: a request whose claim was taken over (see the lease) cannot complete the new one's record. */
    claim: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Set when the first request succeeded; null while it runs. */
    completedAt: timestamp({ withTimezone: true }),
    status: integer(),
    /** The procedure's output as JSON text (text, not jsonb: the replay keeps the original key order). */
    responseBody: text(),
    /** Response headers the procedure set (Location, Cache-Control), as a JSON object. */
    responseHeaders: text(),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index("idempotency_keys_created_at_idx").on(t.createdAt)],
);
