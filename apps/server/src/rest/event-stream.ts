import type { ServerResponse } from "node:http";
import { toPublicError } from "@cadence/api";
import { getTRPCErrorFromUnknown } from "@trpc/server";
import { drained, frameWriter, type FrameWriter } from "../http/sse-bytes.js";
import { frameOf, HEARTBEAT_FRAME } from "./sse-frames.js";

/** A comment line this often keeps proxies, the client and our own idle limits from taking the stream for dead. */
export const HEARTBEAT_MS = 15_000;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Sends the stream's headers and its first line; returns the writer of frames straight to the socket. */
export function startEventStream(res: ServerResponse): FrameWriter {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    "x-accel-buffering": "no",
  });
  // Browsers reconnect after this long; the first line also flushes the headers through buffering proxies.
  res.write("retry: 2000\n\n");
  return frameWriter(res);
}

/** Ends a started stream: an error becomes an `error` event with the public error body (a 500 is logged first). */
export function endEventStream(res: ServerResponse, cause: unknown, onServerError: (error: unknown) => void): void {
  if (cause !== undefined) {
    const error = getTRPCErrorFromUnknown(cause);
    if (error.code === "INTERNAL_SERVER_ERROR") onServerError(error.cause ?? error);
    if (!res.destroyed) res.write(`event: error\ndata: ${JSON.stringify(toPublicError(error))}\n\n`);
  }
  res.end();
}

/**
 * Writes a subscription's items as `text/event-stream` until it ends, the client leaves (`abort`) or the server
 * stops. An error after the stream started is sent as an `error` event with the public error body, then the stream
 * ends. A slow reader is not buffered for: the writer waits for the socket. (A subscription that can push, the
 * project feed, is served by `pushEventStream` instead.)
 */
export async function writeEventStream(res: ServerResponse, items: unknown, abort: AbortController, onServerError: (error: unknown) => void): Promise<void> {
  if (!isAsyncIterable(items)) throw new TypeError("an event stream route must resolve to an async iterable");
  const send = startEventStream(res);
  const socket = res.socket;
  const heartbeat = setInterval(() => send(HEARTBEAT_FRAME), HEARTBEAT_MS);
  let failure: unknown;
  try {
    for await (const item of items) {
      if (res.destroyed || !socket) break;
      if (!send(frameOf(item))) await drained(res);
    }
  } catch (cause) {
    failure = cause;
  } finally {
    clearInterval(heartbeat);
    abort.abort();
    endEventStream(res, failure, onServerError);
  }
}
