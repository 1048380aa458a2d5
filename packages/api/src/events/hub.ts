import { TRPCError } from "@trpc/server";
import type { Database } from "@cadence/db";
import { parseProjectNotification, PROJECT_EVENTS_CHANNEL } from "./publish.js";
import { nextFanOutAt, realPace, type FanOutPace } from "./fan-out-pace.js";
import { eventsById, type StoredEvent } from "./stored-event.js";
import type { FanOut } from "../observer.js";

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

export interface HubOptions {
  /** A failed read of new events (its subscribers then re-read from the table). */
  onError(error: unknown): void;
  /** Each fan-out, for metrics. */
  onFanOut?: ((fanOut: FanOut) => void) | undefined;
  /** The clock and wait the fan-outs are spaced by (tests use their own). */
  pace?: FanOutPace | undefined;
}

export function createProjectEventHub(db: Database, source: NotificationSource | undefined, options: HubOptions): ProjectEventHub {
  const { onError, onFanOut, pace = realPace } = options;
  const listeners = new Map<string, Set<HubListener>>();
  const pending = new Map<string, string[]>();
  /** Per project with ids pending: when the first of them was heard. */
  const heardAt = new Map<string, number>();
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
        const heard = heardAt.get(projectId) ?? pace.now();
        pending.delete(projectId);
        heardAt.delete(projectId);
        if (ids.length === 0 || !listeners.has(projectId)) continue;
        try {
          const batch = await eventsById(db, projectId, ids);
          if (batch.length === 0) continue;
          const startedAt = pace.now();
          const streams = listeners.get(projectId)?.size ?? 0;
          each((listener) => listener.onEvents(batch), projectId);
          const endedAt = pace.now();
          if (listeners.has(projectId)) paced.set(projectId, nextFanOutAt(startedAt, endedAt));
          onFanOut?.({ events: batch.length, streams, heldSeconds: (startedAt - heard) / 1000, writeSeconds: (endedAt - startedAt) / 1000 });
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
    if (ids.length === 0) heardAt.set(notification.projectId, pace.now());
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
