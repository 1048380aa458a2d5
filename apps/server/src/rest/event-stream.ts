import type { ServerResponse } from "node:http";
import { toPublicError } from "@cadence/api";
import { getTRPCErrorFromUnknown, isTrackedEnvelope } from "@trpc/server";

/** A comment line this often keeps proxies, the client and our own idle limits from taking the stream for dead. */
export const HEARTBEAT_MS = 15_000;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Frames by event object: every subscriber of a project receives the same object, so it is serialized once. */
const frames = new WeakMap<object, string>();

/** One server-sent event: `id` (resume point), `event` (the change's action) and the JSON `data`. */
function frame(item: unknown): string {
  const [id, data] = isTrackedEnvelope(item) ? [item[0], item[1]] : [undefined, item];
  const cacheable = typeof data === "object" && data !== null;
  const cached = cacheable ? frames.get(data) : undefined;
  if (cached !== undefined) return cached;
  const action = cacheable && "action" in data && typeof data.action === "string" ? data.action : "message";
  const text = `${id === undefined ? "" : `id: ${id}\n`}event: ${action}\ndata: ${JSON.stringify(data)}\n\n`;
  if (cacheable) frames.set(data, text);
  return text;
}

/** Resolves once the socket takes more, or when the response closes (then the caller stops writing). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

/**
 * Writes a subscription's items as `text/event-stream` until it ends, the client leaves (`abort`) or the server
 * stops. An error after the stream started is sent as an `error` event with the public error body, then the stream
 * ends. A slow reader is not buffered for: the writer waits for the socket, and the subscription (not this) decides
 * what happens to events meanwhile.
 */
export async function writeEventStream(res: ServerResponse, items: unknown, abort: AbortController, onServerError: (error: unknown) => void): Promise<void> {
  if (!isAsyncIterable(items)) throw new TypeError("an event stream route must resolve to an async iterable");
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    "x-accel-buffering": "no",
  });
  // Browsers reconnect after this long; the first line also flushes the headers through buffering proxies.
  res.write("retry: 2000\n\n");
  const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), HEARTBEAT_MS);
  try {
    for await (const item of items) {
      if (res.destroyed) break;
      if (!res.write(frame(item))) await drained(res);
    }
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    if (error.code === "INTERNAL_SERVER_ERROR") onServerError(error.cause ?? error);
    if (!res.destroyed) res.write(`event: error\ndata: ${JSON.stringify(toPublicError(error))}\n\n`);
  } finally {
    clearInterval(heartbeat);
    abort.abort();
    res.end();
  }
}
