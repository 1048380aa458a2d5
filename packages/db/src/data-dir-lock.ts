import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The lock file inside the data directory; it holds the PID of the process that has the directory open. */
export const LOCK_FILE = "cadence.lock";

/** Another process (or another handle in this one) has the embedded database open. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${dataDir} is in use by PID ${pid}`);
  }
}

const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Links a complete file holding our PID into place; fails with EEXIST when the lock exists (O_EXCL semantics). */
function create(lock: string): boolean {
  const draft = `${lock}.${process.pid}`;
  writeFileSync(draft, `${process.pid}\n`);
  try {
    linkSync(draft, lock);
    return true;
  } catch (error) {
    if (code(error) === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

/**
 * Moves a lock whose holder is gone out of the way. The rename is atomic, so when two processes take over the
 * same stale lock only one moves it; one that moved a fresh lock instead (its taker was quicker) puts it back.
 */
function removeStale(lock: string, stalePid: number): void {
  const aside = `${lock}.stale.${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch (error) {
    if (code(error) === "ENOENT") return;
    throw error;
  }
  const moved = holderOf(aside);
  if (moved !== undefined && moved !== stalePid && isAlive(moved)) {
    try {
      linkSync(aside, lock);
    } catch (error) {
      if (code(error) !== "EEXIST") throw error;
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Takes `dataDir` for this process: two PGlite instances on one directory corrupt it. Returns the release
 * function; the lock is also released when the process exits, and a lock left by a process that is gone (killed,
 * crashed) is taken over. Throws {@link DataDirInUseError} when a live process holds it.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  if (heldHere.has(lock)) throw new DataDirInUseError(dataDir, process.pid);

  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (create(lock)) return holding(lock);
    const holder = holderOf(lock);
    if (holder === undefined) continue;
    // Our own PID in a lock we do not hold is a previous life of this PID (a restarted container).
    if (holder !== process.pid && isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
    removeStale(lock, holder);
  }
  throw new Error(`could not take the lock ${lock}; remove it if no Cadence process uses ${dataDir}`);
}

function holding(lock: string): () => void {
  heldHere.add(lock);
  const release = () => {
    process.off("exit", release);
    if (!heldHere.delete(lock)) return;
    if (holderOf(lock) === process.pid) rmSync(lock, { force: true });
  };
  process.on("exit", release);
  return release;
}
