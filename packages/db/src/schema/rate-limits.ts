import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Shared rate-limit counters for rate-limiter-flexible's Drizzle store (its expected columns: key, points,
 * expire), used when several instances must agree on one limit.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text().primaryKey(),
  points: integer().notNull().default(0),
  expire: timestamp({ withTimezone: true }),
});
