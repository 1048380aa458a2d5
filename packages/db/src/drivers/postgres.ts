import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { Database, DatabaseHandle } from "../database.js";
import { MIGRATION_LOCK_KEY, migrationsFolder } from "../migrations.js";
import { once } from "../once.js";
import { PoolCounter } from "../pool-stats.js";
import { countPostgres } from "./postgres-counting.js";
import { postgresSql } from "./raw-sql.js";
import { tracePostgres } from "./traced-postgres.js";

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
  connectTimeoutSeconds?: number;
  /** Server-side statement_timeout of every pooled connection (unset: the server's own setting). */
  statementTimeoutMs?: number;
}

/**
 * Reconnect delay after failed attempts: postgres.js's default grows to 20 s during an outage, which would keep
 * the pool away for that long after the server is back. Capped at 0.5 s, with jitter so connections spread out.
 */
function reconnectDelaySeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 0.5) * (0.5 + Math.random() / 2);
}

export async function openPostgres(options: PostgresOptions): Promise<DatabaseHandle> {
  const max = options.maxConnections ?? 10;
  const client = postgres(options.url, {
    max,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 30,
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
    ...(options.statementTimeoutMs === undefined ? {} : { connection: { statement_timeout: options.statementTimeoutMs } }),
  });
  const counter = new PoolCounter(max);
  countPostgres(client, counter);
  // No `schema`: nothing uses drizzle's relational `db.query` API, and with a schema drizzle builds a relational
  // query builder per table for every transaction (~12 us of a task create in a CPU profile).
  const db = drizzle({ client: tracePostgres(client), casing: "snake_case" });
  return {
    db: db as unknown as Database,
    driver: "postgres",
    stats: () => counter.stats(),
    migrate: () => migrateWithLock(options.url),
    // postgres.js listens on its own connection and, when it drops, listens again and calls onlisten again.
    subscribeNotifications: async (channel, onNotify, onListening) => {
      const { unlisten } = await client.listen(channel, onNotify, onListening);
      return unlisten;
    },
    executeSql: postgresSql(client),
    close: once(() => client.end({ timeout: 5 })),
  };
}

/**
 * Runs migrations on a dedicated connection holding a session advisory lock, so instances
 * starting together apply each migration once and the losers wait, then find nothing to do.
 */
async function migrateWithLock(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const db = drizzle({ client, casing: "snake_case" });
  try {
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await migrate(db, { migrationsFolder });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
