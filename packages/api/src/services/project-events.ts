import { TRPCError } from "@trpc/server";
import type { Identity } from "../auth/identity.js";
import type { Context } from "../context.js";
import type { HubListener } from "../events/hub.js";
import { eventsAfter, latestSeq, seqOf, type StoredEvent } from "../events/stored-event.js";
import type { ProjectEvent, ProjectEventsInput } from "../schemas/project-events.js";
import { projectAccess } from "./access.js";
import { isDatabaseUnavailable } from "./db-errors.js";

/** Live events waiting for a slow consumer beyond this are dropped and re-read from the table once it catches up. */
export const MAX_PENDING_EVENTS = 100;
/** Rows per read while replaying or catching up. */
const PAGE = 200;

/** An open stream: iterate it once; `close()` ends it from outside (client gone) and frees its slot. */
export interface ProjectEventStream extends AsyncIterable<ProjectEvent> {
  close(): void;
}

/**
 * Opens a project's event stream: authorizes (404 like every project route), takes one of the user's stream slots
 * (429), subscribes to live events and only then fixes the starting point, so nothing committed in between is lost.
 * With `lastEventId` it first replays what followed that event, in commit order; live events already replayed are
 * dropped by their position, so resuming has no gap and no duplicate. All errors before the first event are thrown here.
 */
export async function openProjectEventStream(ctx: Context, identity: Identity, input: ProjectEventsInput, signal?: AbortSignal): Promise<ProjectEventStream> {
  const { projectId } = input;
  await projectAccess(ctx.db, identity, projectId);
  const release = ctx.streamSlots.acquire(identity.userId);
  const queue: StoredEvent[] = [];
  let resync = false;
  let denied: { error: unknown } | undefined;
  let ended = false;
  let shuttingDown = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const listener: HubListener = {
    onEvent(event) {
      if (queue.length >= MAX_PENDING_EVENTS) {
        queue.length = 0;
        resync = true;
      } else queue.push(event);
      notify();
    },
    onResync() {
      resync = true;
      notify();
    },
    onClose() {
      shuttingDown = true;
      close();
    },
  };
  let unsubscribe: () => void = () => {};
  // Streams of one credential on one project share their re-checks (every ACCESS_RECHECK_MS and after membership changes).
  const authorization = ctx.header("authorization");
  const accessKey = `${projectId} ${authorization ?? ""}`;
  const unwatch = ctx.accessWatch.watch(accessKey, { authorization, identity, projectId }, (error) => {
    denied ??= { error };
    notify();
  });
  function close(): void {
    if (ended) return;
    ended = true;
    unwatch();
    unsubscribe();
    release();
    signal?.removeEventListener("abort", close);
    notify();
  }
  signal?.addEventListener("abort", close);

  let lastSeq: number;
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
          // A membership or project change may have removed the caller: look now rather than at the next tick.
          if (item.event.action.startsWith("member.") || item.event.action === "project.delete") ctx.accessWatch.checkNow(accessKey);
        }
      }
      // Retryable: tRPC's link reconnects by itself with the last event id; REST clients see it as an error event.
      if (shuttingDown) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The server is shutting down; reconnect to resume" });
    } catch (error) {
      // The procedure's outage handling covered only the opening; a database lost mid-stream is also a 503 to retry.
      if (isDatabaseUnavailable(error)) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; reconnect shortly" });
      throw error;
    } finally {
      close();
    }
  }
  const iterator = events();
  return { [Symbol.asyncIterator]: () => iterator, close };
}
