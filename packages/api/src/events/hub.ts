import { TRPCError } from "@trpc/server";
import type { Database } from "@cadence/db";
import { parseProjectNotification, PROJECT_EVENTS_CHANNEL } from "./publish.js";
import { nextFanOutAt, realPace, type FanOutPace } from "./fan-out-pace.js";
import { eventsById, type StoredEvent } from "./stored-event.js";

/** What a live subscriber hears from the hub. */
export interface HubListener {
  /**
   * Committed events of the subscribed project, in commit order: the rows of one read, one array shared by every
   * listener of the project (read-only), so a consumer can encode a batch once for all of them.
   */
  onEvents(batch: readonly StoredEvent[]): void;
  /** Events may have been missed (the listener connection dropped, a read failed): re-read from the table. */
  onResync(): void;
  /** The server is shutting down: end the stream. */
  onClose(): void;
}

/** Subscribes to a database channel; the database handle's `subscribeNotifications`. */
export type NotificationSource = (channel: string, onNotify: (payload: string) => void, onListening?: () => void) => Promise<() => Promise<void>>;

/**
 * The process's fan-out of committed project events: one LISTEN for every instance's writes, one read of the new
 * rows per project and burst, whatever the number of subscribers.
 */
export interface ProjectEventHub {
  /** Starts listening; until then (and without a source) subscribers only see what they read themselves. */
  start(): Promise<void>;
  /** Adds a subscriber to a project's events; returns the function that removes it. 503 once the hub is closed. */
  subscribe(projectId: string, listener: HubListener): () => void;
  /** Open subscriptions in this process (a gauge for metrics). */
  openStreams(): number;
  /** Ends every stream and stops listening (SIGTERM). */
  close(): Promise<void>;
}

export function createProjectEventHub(
  db: Database,
  source: NotificationSource | undefined,
  onError: (error: unknown) => void,
  pace: FanOutPace = realPace,
): ProjectEventHub {
  const listeners = new Map<string, Set<HubListener>>();
  const pending = new Map<string, string[]>();
  const reading = new Set<string>();
  /** Per project with subscribers: when its next read may start (see fan-out-pace.ts). */
  const paced = new Map<string, number>();
  let unlisten: (() => Promise<void>) | undefined;
  let closed = false;
  let open = 0;

  const each = (fn: (listener: HubListener) => void, projectId?: string) => {
    const sets = projectId === undefined ? [...listeners.values()] : [listeners.get(projectId) ?? new Set<HubListener>()];
    for (const set of sets) for (const listener of [...set]) fn(listener);
  };

  // One reader per project at a time, so deliveries keep commit order; ids arriving meanwhile (or while the project's
  // fan-out gap runs) form the next batch.
  async function readPending(projectId: string): Promise<void> {
    reading.add(projectId);
    try {
      while (pending.has(projectId)) {
        const gap = (paced.get(projectId) ?? 0) - pace.now();
        if (gap > 0) await pace.wait(gap);
        const ids = pending.get(projectId) ?? [];
        pending.delete(projectId);
        if (ids.length === 0 || !listeners.has(projectId)) continue;
        try {
          const batch = await eventsById(db, projectId, ids);
          if (batch.length === 0) continue;
          const startedAt = pace.now();
          each((listener) => listener.onEvents(batch), projectId);
          if (listeners.has(projectId)) paced.set(projectId, nextFanOutAt(startedAt, pace.now()));
        } catch (error) {
          onError(error);
          each((listener) => listener.onResync(), projectId);
        }
      }
    } finally {
      reading.delete(projectId);
    }
  }

  function onNotify(payload: string): void {
    const notification = parseProjectNotification(payload);
    if (!notification || !listeners.has(notification.projectId)) return;
    const ids = pending.get(notification.projectId) ?? [];
    ids.push(notification.eventId);
    pending.set(notification.projectId, ids);
    if (!reading.has(notification.projectId)) void readPending(notification.projectId);
  }

  return {
    async start() {
      if (!source || unlisten) return;
      // Also after a reconnect of the listener connection: every subscriber re-reads what it may have missed.
      unlisten = await source(PROJECT_EVENTS_CHANNEL, onNotify, () => each((listener) => listener.onResync()));
    },
    subscribe(projectId, listener) {
      if (closed) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The server is shutting down; reconnect shortly" });
      const set = listeners.get(projectId) ?? new Set<HubListener>();
      set.add(listener);
      listeners.set(projectId, set);
      open += 1;
      return () => {
        if (!set.delete(listener)) return;
        open -= 1;
        if (set.size === 0 && listeners.get(projectId) === set) {
          listeners.delete(projectId);
          paced.delete(projectId);
        }
      };
    },
    openStreams: () => open,
    async close() {
      closed = true;
      each((listener) => listener.onClose());
      const stop = unlisten;
      unlisten = undefined;
      await stop?.();
    },
  };
}
