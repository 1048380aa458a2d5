import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { lockDataDir } from "../data-dir-lock.js";
import type { Database, DatabaseHandle } from "../database.js";
import { migrationsFolder } from "../migrations.js";
import { once } from "../once.js";
import { PoolCounter } from "../pool-stats.js";
import { countPglite } from "./pglite-counting.js";
import { prepareStatements } from "./pglite-statements.js";
import { yieldBetweenSlices } from "./pglite-turns.js";
import { pgliteSql } from "./raw-sql.js";
import * as schema from "../schema/index.js";
import { tracePglite } from "./traced-pglite.js";

/** `dataDir` persists to disk; `undefined` keeps everything in memory. `loadDataDir` starts from a dumped snapshot. */
export interface PgliteOptions {
  dataDir?: string;
  loadDataDir?: Blob | File;
}

/**
 * PostgreSQL's shared buffer pool inside the WASM memory. PGlite keeps PostgreSQL's 128 MB default, all of it
 * resident once started (RSS ~325 MB against ~200 MB at 16 MB, measured on a migrated Cadence database). An embedded
 * database is small, and a page that does not fit is read back from the operating system's page cache (the data
 * directory is a real directory), as on a real PostgreSQL server.
 */
export const PGLITE_SHARED_BUFFERS = "16MB";

/** A data directory is locked to this process before PGlite touches it, and released when the handle closes. */
export async function openPglite(options: PgliteOptions): Promise<DatabaseHandle> {
  const release = options.dataDir === undefined ? () => {} : lockDataDir(options.dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    });
  } catch (error) {
    release();
    throw error;
  }
  prepareStatements(client);
  yieldBetweenSlices(client);
  const counter = new PoolCounter(1);
  countPglite(client, counter);
  const db = drizzle({ client: tracePglite(client), schema, casing: "snake_case" });
  return {
    db: db as unknown as Database,
    driver: "pglite",
    stats: () => counter.stats(),
    // One process owns a PGlite data directory (see lockDataDir), so there is nobody to race with.
    migrate: () => migrate(db, { migrationsFolder }),
    subscribeNotifications: async (channel, onNotify, onListening) => {
      // One process owns the database: the listener never drops, so onListening runs once.
      const unlisten = await client.listen(channel, onNotify);
      onListening?.();
      // A closed database took its listeners with it; unlistening then would fail inside PGlite, unhandled.
      return () => (client.closed ? Promise.resolve() : unlisten());
    },
    executeSql: pgliteSql(client),
    close: once(async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    }),
  };
}

/** Dumps a database to a tarball that {@link openPglite} can start from in a fraction of a cold start. */
export async function dumpPglite(handle: DatabaseHandle): Promise<Blob> {
  const client = (handle.db as unknown as { $client: PGlite }).$client;
  return client.dumpDataDir("none");
}
