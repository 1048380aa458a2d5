/** How often open streams re-check their caller's session, user and membership (so a revoked one ends within 5 s). */
export const ACCESS_RECHECK_MS = 2000;

/**
 * Checks many grants at once: per grant, undefined while it still holds or the error that ends its streams. A
 * rejection (the database is down, say) ends the streams of every grant it was asked about with that error.
 */
export type CheckAll<G> = (grants: readonly G[]) => Promise<(unknown | undefined)[]>;

/**
 * Periodic "may this caller still read this project?" checks of every open stream, batched: each interval one
 * `checkAll` over every watched key (project and credential), however many keys and streams there are, and streams
 * of one key share their grant, so 1,000 streams cost one check. A burst of membership events asks for one fresh
 * check of its key, not one per stream. A failed check ends every stream of its key.
 */
export interface AccessWatch<G> {
  /**
   * Watches `key`: its grant is checked every interval while anyone watches (the first watcher's grant is used;
   * every watcher of a key has the same credential and project), `onDenied` hears its failure. Returns the unwatch.
   */
  watch(key: string, grant: G, onDenied: (error: unknown) => void): () => void;
  /**
   * Checks `key` again now (after a membership change), batched with the other keys asked for in the same turn of the
   * event loop: once more after a check already running, never twice at once.
   */
  checkNow(key: string): void;
}

interface Entry<G> {
  grant: G;
  watchers: Set<(error: unknown) => void>;
  running: boolean;
  again: boolean;
}

export function createAccessWatch<G>(intervalMs: number, checkAll: CheckAll<G>): AccessWatch<G> {
  const entries = new Map<string, Entry<G>>();
  let timer: NodeJS.Timeout | undefined;
  // Keys asked for by checkNow, checked together on the next turn of the loop: a membership event reaches every
  // stream of its project at once, so its credentials' fresh checks go out as one batch, not one per credential.
  const asked = new Set<Entry<G>>();
  const runAsked = () => {
    const batch = [...asked].filter((entry) => entry.watchers.size > 0);
    asked.clear();
    run(batch);
  };

  function run(batch: Entry<G>[]): void {
    const due = batch.filter((entry) => {
      if (entry.running) entry.again = true;
      return !entry.running;
    });
    if (due.length === 0) return;
    for (const entry of due) {
      entry.running = true;
      entry.again = false;
    }
    checkAll(due.map((entry) => entry.grant)).then(
      (errors) => due.forEach((entry, i) => settle(entry, errors[i])),
      (error: unknown) => due.forEach((entry) => settle(entry, error)),
    );
  }

  function settle(entry: Entry<G>, error: unknown): void {
    entry.running = false;
    if (error !== undefined) for (const denied of [...entry.watchers]) denied(error);
    if (entry.again && entry.watchers.size > 0) run([entry]);
  }

  return {
    watch(key, grant, onDenied) {
      let entry = entries.get(key);
      if (!entry) {
        entry = { grant, watchers: new Set(), running: false, again: false };
        entries.set(key, entry);
      }
      if (timer === undefined) {
        timer = setInterval(() => run([...entries.values()]), intervalMs);
        timer.unref();
      }
      const watched = entry;
      watched.watchers.add(onDenied);
      return () => {
        if (!watched.watchers.delete(onDenied) || watched.watchers.size > 0) return;
        if (entries.get(key) === watched) entries.delete(key);
        if (entries.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    checkNow(key) {
      const entry = entries.get(key);
      if (!entry) return;
      if (asked.size === 0) setImmediate(runAsked);
      asked.add(entry);
    },
  };
}
