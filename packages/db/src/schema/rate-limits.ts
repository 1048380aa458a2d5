import { bigint, integer, pgTable, text } from "drizzle-orm/pg-core";

/** Shared rate-limit counters, used when several instances must agree on one limit. */
export const rateLimits = pgTable("rate_limits", {
  key: text().primaryKey(),
  points: integer().notNull(),
  /** Epoch milliseconds when the window ends; null never expires. */
  expiresAt: bigint({ mode: "number" }),
});
