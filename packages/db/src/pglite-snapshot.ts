import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { dumpPglite, openPglite } from "./drivers/pglite.js";
import { migrationsFolder } from "./migrations.js";

/** packages/db, the same from src/ and dist/. */
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const cacheDir = join(packageDir, "node_modules", ".cache", "pglite-snapshot");

/** The snapshot is valid for exactly these migrations on exactly this PGlite build. */
function snapshotKey(): string {
  const digest = createHash("sha256");
  const pglite = JSON.parse(readFileSync(join(packageDir, "node_modules/@electric-sql/pglite/package.json"), "utf8")) as { version: string };
  digest.update(`pglite@${pglite.version}\n`);
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else digest.update(`${prefix}${entry.name}\n`).update(readFileSync(join(dir, entry.name)));
    }
  };
  walk(migrationsFolder, "");
  return digest.digest("hex").slice(0, 16);
}

function lockHolderAlive(lockDir: string): boolean {
  try {
    // A holder writes its pid right after taking the lock; a lock left without one for long is abandoned.
    if (!existsSync(join(lockDir, "pid"))) return Date.now() - statSync(lockDir).mtimeMs < 30_000;
    process.kill(Number(readFileSync(join(lockDir, "pid"), "utf8")), 0);
    return true;
  } catch (error) {
    // EPERM: alive but someone else's. ENOENT: the holder just finished and removed the lock.
    return (error as NodeJS.ErrnoException).code === "EPERM" || (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

async function createSnapshot(file: string): Promise<void> {
  const handle = await openPglite({});
  try {
    await handle.migrate();
    const dump = Buffer.from(await (await dumpPglite(handle)).arrayBuffer());
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, dump);
    renameSync(partial, file);
    // Snapshots of older migrations are dead weight (about 40 MB each).
    for (const name of readdirSync(cacheDir)) {
      if (name.startsWith("migrated-") && name.endsWith(".tar") && join(cacheDir, name) !== file) rmSync(join(cacheDir, name), { force: true });
    }
  } finally {
    await handle.close();
  }
}

/**
 * Path of a dump of a freshly migrated PGlite database. The first caller pays one cold start (initdb in WASM plus
 * the migrations) and caches the dump under packages/db/node_modules/.cache; every later caller, in this or any
 * other process of any run, loads the dump instead. Concurrent first callers wait for one creator (a lock
 * directory holding its pid; a dead holder's lock is taken over).
 */
export async function migratedPgliteSnapshot(): Promise<string> {
  const file = join(cacheDir, `migrated-${snapshotKey()}.tar`);
  const lockDir = `${file}.lock`;
  mkdirSync(cacheDir, { recursive: true });
  while (!existsSync(file)) {
    try {
      mkdirSync(lockDir);
    } catch {
      if (!lockHolderAlive(lockDir)) rmSync(lockDir, { recursive: true, force: true });
      else await delay(100);
      continue;
    }
    try {
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      if (!existsSync(file)) await createSnapshot(file);
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }
  return file;
}
