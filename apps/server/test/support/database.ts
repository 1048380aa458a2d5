import { readFileSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import type { DatabaseHandle } from "@cadence/db";
import { createPostgresCopy, openPgliteCopy, openPostgresDatabase } from "@cadence/db/testing";
import { inject } from "vitest";

export interface TestDatabase {
  handle: DatabaseHandle;
  /** A postgres:// URL of this copy on PostgreSQL runs; undefined on embedded runs. */
  url: string | undefined;
  /** Closes the handle and removes the copy (an embedded copy is emptied and kept for the next test file). */
  dispose(): Promise<void>;
}

/**
 * Embedded copies that test files of this worker have finished with. Loading a PGlite snapshot costs about a
 * second of CPU, most of it starting PostgreSQL in WASM; emptying every table of a finished copy costs
 * milliseconds. Test files in a worker share modules (vitest `isolate: false`), so the pool is per worker.
 */
const idle: DatabaseHandle[] = [];

function clientOf(handle: DatabaseHandle): PGlite {
  return (handle.db as unknown as { $client: PGlite }).$client;
}

/** Back to the freshly migrated state: every application table empty, identities restarted. */
async function empty(handle: DatabaseHandle): Promise<void> {
  const client = clientOf(handle);
  const { rows } = await client.query<{ name: string }>(
    "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public'",
  );
  if (rows.length > 0) await client.exec(`truncate ${rows.map((row) => row.name).join(", ")} restart identity cascade`);
  // The job queue's entries too (its queues, from migrations, and its schedules, set at every start, stay).
  await client.exec("truncate pgboss.job, pgboss.archive");
}

export interface TestDatabaseOptions {
  /** Whether the embedded copy may come from, and go back to, the pool; off when another client reached it. */
  pooled?: boolean;
}

/** A private, migrated database for one test file: on real PostgreSQL when DATABASE_URL says so. */
export async function openTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const template = inject("postgresTemplate");
  const adminUrl = process.env.DATABASE_URL;
  if (template && adminUrl) {
    const copy = await createPostgresCopy(adminUrl, template);
    const handle = await openPostgresDatabase(copy.url);
    return {
      handle,
      url: copy.url,
      dispose: async () => {
        await handle.close();
        await copy.drop();
      },
    };
  }
  const pooled = options.pooled ?? true;
  const handle = (pooled ? idle.pop() : undefined) ?? (await openPgliteCopy(new Blob([readFileSync(inject("pgliteTemplate"))])));
  return {
    handle,
    url: undefined,
    dispose: async () => {
      if (!pooled) return handle.close();
      await empty(handle);
      idle.push(handle);
    },
  };
}
