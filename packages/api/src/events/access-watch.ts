/** How often open streams re-check their caller's session, user and membership (so a revoked one ends within 5 s). */
export const ACCESS_RECHECK_MS = 2000;

/**
 * Periodic "may this caller still read this project?" checks, shared by every stream with the same key (project
 * and credential): 1,000 streams of one caller cost one check per interval, not 1,000, and a burst of membership
 * events asks for one fresh check, not one per stream. A check that fails ends every stream of its key.
 */
export interface AccessWatch {
  /**
   * Watches `key`: `check` runs every interval while anyone watches (the first watcher's check is used; every
   * watcher of a key has the same credential and project), `onDenied` hears its failure. Returns the unwatch.
   */
  watch(key: string, check: () => Promise<void>, onDenied: (error: unknown) => void): () => void;
  /** Checks `key` again now (after a membership change): once more after a check already running, never twice at once. */
  checkNow(key: string): void;
}

interface Entry {
  check: () => Promise<void>;
  watchers: Set<(error: unknown) => void>;
  timer: NodeJS.Timeout;
  running: boolean;
  again: boolean;
}

export function createAccessWatch(intervalMs: number): AccessWatch {
  const entries = new Map<string, Entry>();

  function run(key: string, entry: Entry): void {
    if (entry.running) {
      entry.again = true;
      return;
    }
    entry.running = true;
    entry.again = false;
    entry.check().then(
      () => settle(key, entry),
      (error: unknown) => {
        for (const denied of [...entry.watchers]) denied(error);
        settle(key, entry);
      },
    );
  }

  function settle(key: string, entry: Entry): void {
    entry.running = false;
    if (entry.again && entries.get(key) === entry) run(key, entry);
  }

  return {
    watch(key, check, onDenied) {
      let entry = entries.get(key);
      if (!entry) {
        const created: Entry = { check, watchers: new Set(), timer: setInterval(() => run(key, created), intervalMs), running: false, again: false };
        created.timer.unref();
        entries.set(key, created);
        entry = created;
      }
      const watched = entry;
      watched.watchers.add(onDenied);
      return () => {
        if (!watched.watchers.delete(onDenied) || watched.watchers.size > 0) return;
        clearInterval(watched.timer);
        if (entries.get(key) === watched) entries.delete(key);
      };
    },
    checkNow(key) {
      const entry = entries.get(key);
      if (entry) run(key, entry);
    },
  };
}
