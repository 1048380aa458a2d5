import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import type { DatabaseHandle } from "./database.js";
import { dumpPglite, openPglite } from "./drivers/pglite.js";
import { openPostgres } from "./drivers/postgres.js";
import { migratedPgliteSnapshot } from "./pglite-snapshot.js";

export { migratedPgliteSnapshot };

/**
 * Test databases: one migrated template per run, one cheap copy per test file.
 * PGlite copies load a dumped data directory (no cold migration); PostgreSQL copies use CREATE DATABASE ... TEMPLATE.
 */

export async function createPgliteTemplate(): Promise<Blob> {
  const handle = await openPglite({});
  try {
    await handle.migrate();
    return await dumpPglite(handle);
  } finally {
    await handle.close();
  }
}

export function openPgliteCopy(template: Blob): Promise<DatabaseHandle> {
  return openPglite({ loadDataDir: template });
}

/** An in-memory PGlite database that starts migrated, from the cached snapshot: no cold start. */
export async function openMigratedPglite(): Promise<DatabaseHandle> {
  return openPgliteCopy(new Blob([readFileSync(await migratedPgliteSnapshot())]));
}

/** Fills an empty directory with a migrated PGlite data directory, so a server process opens it warm. */
export async function createMigratedPgliteDataDir(dataDir: string): Promise<void> {
  const handle = await openPglite({ dataDir, loadDataDir: new Blob([readFileSync(await migratedPgliteSnapshot())]) });
  await handle.close();
}

/** The same server URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function adminSql<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Creates (or recreates) a migrated template database next to the one in `url`; returns its name. */
export async function createPostgresTemplate(url: string, name = "cadence_test_template"): Promise<string> {
  await dropPostgresDatabase(url, name);
  await adminSql(url, (sql) => sql`create database ${sql(name)}`);
  const handle = await openPostgres({ url: withDatabase(url, name) });
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
  return name;
}

export async function dropPostgresDatabase(url: string, name: string): Promise<void> {
  await adminSql(url, async (sql) => void (await sql`drop database if exists ${sql(name)} with (force)`));
}

export function openPostgresDatabase(url: string): Promise<DatabaseHandle> {
  return openPostgres({ url });
}

/** A fresh database copied from the template; `drop` removes it when the test file is done. */
export async function createPostgresCopy(
  url: string,
  template: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cadence_test_${randomBytes(6).toString("hex")}`;
  await adminSql(url, (sql) => sql`create database ${sql(name)} template ${sql(template)}`);
  return {
    url: withDatabase(url, name),
    drop: () => dropPostgresDatabase(url, name),
  };
}
