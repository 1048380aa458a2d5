import { TRPCError } from "@trpc/server";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import type { EventSink, PushControl } from "../events/event-push.js";
import type { HubListener } from "../events/hub.js";
import { eventsAfter, latestSeq, seqOf, type StoredEvent } from "../events/stored-event.js";
import type { ProjectEvent, ProjectEventsInput } from "../schemas/project-events.js";
import { projectAccess } from "./access.js";
import { isDatabaseUnavailable } from "./db-errors.js";

/** Live events waiting for a slow consumer beyond this are dropped and re-read from the table once it catches up. */
export const MAX_PENDING_EVENTS = 100;
/** Rows per read while replaying or catching up. */
const PAGE = 200;

/**
 * An open stream, consumed one of two ways: iterated once (tRPC), or pushed into a sink (`push`, the REST event
 * stream). `close()` ends it from outside (client gone) and frees its slot.
 */
export interface ProjectEventStream extends AsyncIterable<ProjectEvent> {
  close(): void;
  push(sink: EventSink): PushControl;
}

const shutdownError = () => new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The server is shutting down; reconnect to resume" });

/** The procedure's outage handling covered only the opening; a database lost mid-stream is also a 503 to retry. */
function streamError(error: unknown): unknown {
  return isDatabaseUnavailable(error) ? new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; reconnect shortly" }) : error;
}

/** A membership or project change may have removed the caller: look now rather than at the next tick. */
const touchesAccess = ({ event }: StoredEvent) => event.action.startsWith("member.") || event.action === "project.delete";

/**
 * Opens a project's event stream: authorizes (404 like every project route), takes one of the user's stream slots
 * (429), subscribes to live events and only then fixes the starting point, so nothing committed in between is lost.
 * With `lastEventId` it first replays what followed that event, in commit order; live events already delivered are
 * dropped by their position, so resuming has no gap and no duplicate. All errors before the first event are thrown here.
 *
 * Pushed, a caught-up stream hands each live batch straight to its sink; while the sink asks for a pause (a slow
 * reader) it keeps up to MAX_PENDING_EVENTS events (references to the hub's shared batches), and past that nothing:
 * the events are left in the table and read from there, in pages, once the sink resumes.
 */
export async function openProjectEventStream(ctx: Context, identity: Identity, input: ProjectEventsInput, signal?: AbortSignal): Promise<ProjectEventStream> {
  const { projectId } = input;
  await projectAccess(ctx.db, identity, projectId);
  const release = ctx.streamSlots.acquire(identity.userId);
  const queue: StoredEvent[] = [];
  let lastSeq = 0;
  let resync = false;
  let denied: { error: unknown } | undefined;
  let ended: { error: unknown } | undefined;
  let sink: EventSink | undefined;
  let paused = false;
  const held: (readonly StoredEvent[])[] = [];
  let heldEvents = 0;
  let catchingUp = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  /** Pushes what the sink has not had yet; a batch from the hub goes on as the same array for every stream. */
  function deliver(target: EventSink, batch: readonly StoredEvent[]): void {
    const fresh = (batch[0]?.seq ?? Infinity) > lastSeq ? batch : batch.filter((item) => item.seq > lastSeq);
    const last = fresh[fresh.length - 1];
    if (last === undefined) return;
    lastSeq = last.seq;
    if (!target.write(fresh)) paused = true;
    if (fresh.some(touchesAccess)) ctx.accessWatch.checkNow(accessKey);
  }

  /** Keeps a paused sink's batches (shared arrays: a reference each) up to the bound, past it the table has them. */
  function hold(batch: readonly StoredEvent[]): void {
    heldEvents += batch.length;
    if (heldEvents <= MAX_PENDING_EVENTS) held.push(batch);
    else {
      held.length = 0;
      heldEvents = 0;
      resync = true;
    }
  }

  /** Reads from the table what the sink missed (resuming, after a pause, after the listener reconnected) until caught up. */
  async function catchUp(): Promise<void> {
    if (catchingUp || !sink || ended) return;
    catchingUp = true;
    try {
      // Live events arriving meanwhile only set `resync`: the next page has them, in order.
      while (resync && !paused && !ended) {
        resync = false;
        const page = await eventsAfter(ctx.db, projectId, lastSeq, PAGE);
        if (ended) return;
        if (page.length === PAGE) resync = true;
        deliver(sink, page);
      }
    } catch (error) {
      end(streamError(error));
    } finally {
      catchingUp = false;
    }
  }

  const listener: HubListener = {
    onEvents(batch) {
      if (sink) {
        if (resync || catchingUp) resync = true;
        else if (paused) hold(batch);
        else deliver(sink, batch);
        return;
      }
      if (queue.length + batch.length > MAX_PENDING_EVENTS) {
        queue.length = 0;
        resync = true;
      } else queue.push(...batch);
      notify();
    },
    onResync() {
      resync = true;
      if (sink) void catchUp();
      else notify();
    },
    onClose() {
      end(shutdownError());
    },
  };
  let unsubscribe: () => void = () => {};
  // Streams of one credential on one project share their re-checks (every ACCESS_RECHECK_MS and after membership changes).
  const authorization = ctx.header("authorization");
  const accessKey = `${projectId} ${authorization ?? ""}`;
  const unwatch = ctx.accessWatch.watch(accessKey, { authorization, identity, projectId }, (error) => {
    denied ??= { error };
    if (sink) end(streamError(error));
    else notify();
  });
  /** Ends the stream once: frees everything it holds and tells a sink why (undefined: closed from outside). */
  function end(error: unknown): void {
    if (ended) return;
    ended = { error };
    unwatch();
    unsubscribe();
    release();
    signal?.removeEventListener("abort", close);
    notify();
    sink?.end(error);
  }
  function close(): void {
    end(undefined);
  }
  signal?.addEventListener("abort", close);

  try {
    unsubscribe = ctx.events.subscribe(projectId, listener);
    if (input.lastEventId === undefined) lastSeq = await latestSeq(ctx.db, projectId);
    else {
      const seq = await seqOf(ctx.db, projectId, input.lastEventId);
      if (seq === null) throw new TRPCError({ code: "BAD_REQUEST", message: "lastEventId is not an event of this project" });
      lastSeq = seq;
      resync = true;
    }
  } catch (error) {
    close();
    throw error;
  }
  if (signal?.aborted) close();

  async function* events(): AsyncGenerator<ProjectEvent> {
    try {
      while (!ended) {
        if (denied) throw denied.error;
        if (resync) {
          resync = false;
          const page = await eventsAfter(ctx.db, projectId, lastSeq, PAGE);
          if (page.length === PAGE) resync = true;
          for (const item of page) {
            lastSeq = item.seq;
            yield item.event;
          }
        } else {
          const item = queue.shift();
          if (item === undefined) {
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          if (item.seq <= lastSeq) continue;
          lastSeq = item.seq;
          yield item.event;
          if (touchesAccess(item)) ctx.accessWatch.checkNow(accessKey);
        }
      }
      // Retryable: tRPC's link reconnects by itself with the last event id.
      if (ended.error !== undefined) throw ended.error;
    } catch (error) {
      throw streamError(error);
    } finally {
      close();
    }
  }

  function push(target: EventSink): PushControl {
    sink = target;
    const control = {
      resume() {
        paused = false;
        while (!paused && !ended) {
          const batch = held.shift();
          if (batch === undefined) break;
          heldEvents -= batch.length;
          deliver(target, batch);
        }
        if (resync && !paused) void catchUp();
      },
    };
    if (ended) target.end(ended.error);
    else if (denied) end(streamError(denied.error));
    else if (resync) void catchUp();
    else deliver(target, queue.splice(0));
    return control;
  }

  const iterator = events();
  return { [Symbol.asyncIterator]: () => iterator, close, push };
}
