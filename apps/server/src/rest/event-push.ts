import type { ServerResponse } from "node:http";
import type { PushEvents } from "@cadence/api";
import { pushEvents } from "../http/event-push.js";
import { endEventStream, HEARTBEAT_MS, startEventStream } from "./event-stream.js";
import { batchFrames, HEARTBEAT_FRAME } from "./sse-frames.js";

/**
 * Serves a pushable subscription as REST's `text/event-stream` (see pushEvents): frames with `id:`, `event:` (the
 * change's action) and `data:`, a `: heartbeat` comment every 15 s, and an `error` event when the stream fails.
 */
export function pushEventStream(res: ServerResponse, push: PushEvents, abort: AbortController, onServerError: (error: unknown) => void): Promise<void> {
  return pushEvents(res, startEventStream(res), push, abort, {
    batch: batchFrames,
    heartbeat: HEARTBEAT_FRAME,
    heartbeatMs: HEARTBEAT_MS,
    end: (response, error) => endEventStream(response, error, onServerError),
  });
}
