import { readFileSync } from "node:fs";
import type { DatabaseHandle } from "@cadence/db";
import { createPostgresCopy, openPgliteCopy, openPostgresDatabase } from "@cadence/db/testing";
import { inject } from "vitest";

export interface TestDatabase {
  handle: DatabaseHandle;
  /** A postgres:// URL of this copy on PostgreSQL runs; undefined on embedded runs. */
  url: string | undefined;
  /** Closes the handle and removes the copy. */
  dispose(): Promise<void>;
}

/** A private, migrated database for one test file: on real PostgreSQL when DATABASE_URL says so. */
export async function openTestDatabase(): Promise<TestDatabase> {
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
  const dump = readFileSync(inject("pgliteTemplate"));
  const handle = await openPgliteCopy(new Blob([dump]));
  return { handle, url: undefined, dispose: () => handle.close() };
}
