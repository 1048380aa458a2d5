import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";

/**
 * The lock file inside the data directory: the PID and host name of the process that has the directory open.
 * Whether that PID is alive can only be asked on the same host: a lock written on another host (another
 * container sharing the volume) is never taken over.
 */
export const LOCK_FILE = "cadence.lock";

/** Another process (or another handle in this one) has the embedded database open. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly host?: string,
  ) {
    super(
      host === undefined
        ? `the embedded database in ${dataDir} is in use by PID ${pid}`
        : `the embedded database in ${dataDir} is in use by PID ${pid} on host ${host} (remove ${join(dataDir, LOCK_FILE)} if that process is gone)`,
    );
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

interface Holder {
  pid: number;
  /** Undefined when the lock was written on this host (or by a version that did not record it). */
  foreignHost: string | undefined;
}

function holderOf(file: string): Holder | undefined {
  try {
    const [pidLine = "", host = ""] = readFileSync(file, "utf8").split("\n");
    const pid = Number.parseInt(pidLine, 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
    return { pid, foreignHost: host === "" || host === hostname() ? undefined : host };
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
  writeFileSync(draft, `${process.pid}\n${hostname()}\n`);
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
  if (moved !== undefined && (moved.foreignHost !== undefined || (moved.pid !== stalePid && isAlive(moved.pid)))) {
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
    if (holder.foreignHost !== undefined) throw new DataDirInUseError(dataDir, holder.pid, holder.foreignHost);
    // Our own PID in a lock we do not hold is a previous life of this PID (a restarted container).
    if (holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirInUseError(dataDir, holder.pid);
    removeStale(lock, holder.pid);
  }
  throw new Error(`could not take the lock ${lock}; remove it if no Cadence process uses ${dataDir}`);
}

function holding(lock: string): () => void {
  heldHere.add(lock);
  const release = () => {
    process.off("exit", release);
    if (!heldHere.delete(lock)) return;
    const holder = holderOf(lock);
    if (holder?.pid === process.pid && holder.foreignHost === undefined) rmSync(lock, { force: true });
  };
  process.on("exit", release);
  return release;
}
