import type { AppRouter } from "@cadence/api";
import { createTRPCClient, httpSubscriptionLink, type TRPCClient } from "@trpc/client";
import { EventSource } from "eventsource";
import type { TestServer } from "./server.js";

export interface ServerSentEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export interface EventStreamReader {
  status: number;
  contentType: string | null;
  /** The JSON body of a refusal (status other than 200). */
  body: unknown;
  /** The next event (comments and `retry:` lines skipped), or null once the stream has ended. */
  next(): Promise<ServerSentEvent | null>;
  /** Comment lines seen so far (heartbeats). */
  comments: string[];
  close(): void;
}

/** Opens `GET /projects/{id}/events` with fetch and parses the stream as the spec says (fields, blank-line ends). */
export async function openEventStream(server: TestServer, projectId: string, token: string, lastEventId?: string): Promise<EventStreamReader> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "text/event-stream" };
  if (lastEventId) headers["last-event-id"] = lastEventId;
  const res = await fetch(`${server.url}/api/v1/projects/${projectId}/events`, { headers, signal: abort.signal });
  const contentType = res.headers.get("content-type");
  if (res.status !== 200 || !res.body) {
    return { status: res.status, contentType, body: await res.json(), next: () => Promise.resolve(null), comments: [], close: () => abort.abort() };
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const comments: string[] = [];
  let buffer = "";
  async function next(): Promise<ServerSentEvent | null> {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: ServerSentEvent = { id: undefined, event: "message", data: "" };
        let hasData = false;
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) comments.push(line);
          else if (line.startsWith("id: ")) event.id = line.slice(4);
          else if (line.startsWith("event: ")) event.event = line.slice(7);
          else if (line.startsWith("data: ")) {
            event.data += line.slice(6);
            hasData = true;
          }
        }
        if (hasData) return event;
        continue;
      }
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return null;
      buffer += chunk.value;
    }
  }
  return { status: res.status, contentType, body: undefined, next, comments, close: () => abort.abort() };
}

/** A tRPC client whose subscriptions go over SSE with the Authorization header (the `eventsource` ponyfill). */
export function subscriptionClient(server: TestServer, token: string): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${server.url}/trpc`,
        EventSource,
        eventSourceOptions: () => ({
          fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
        }),
      }),
    ],
  });
}

/** Collects a subscription's items and errors, with a promise per awaited count. */
export function collect<T>() {
  const items: T[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let error: unknown;
  let started: () => void = () => {};
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const settle = () => {
    for (const waiter of [...waiters]) {
      if (items.length >= waiter.count || error !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  return {
    items,
    get error() {
      return error;
    },
    onData: (item: T) => {
      items.push(item);
      settle();
    },
    onError: (caught: unknown) => {
      error = caught;
      settle();
    },
    /** tRPC's `connected` event: the server resolved the subscription (authorized and subscribed) before sending it. */
    onStarted: () => started(),
    started: startedPromise,
    /** Resolves once `count` items arrived (or the subscription failed). */
    until: (count: number) => new Promise<void>((resolve) => {
      waiters.push({ count, resolve });
      settle();
    }),
  };
}
