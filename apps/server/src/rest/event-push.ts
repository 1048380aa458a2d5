import type { ServerResponse } from "node:http";
import type { PushControl, PushEvents } from "@cadence/api";
import { endEventStream, HEARTBEAT_MS, startEventStream } from "./event-stream.js";
import { batchFrames, HEARTBEAT_FRAME } from "./sse-frames.js";

/**
 * Serves a pushable subscription: each batch the hub fans out is written to this response synchronously, as one
 * buffer shared by every stream of the project (one write per batch, no promise or generator step per event). When
 * the socket wants a pause the stream holds nothing for it; events committed meanwhile are read back from the
 * table once the socket drains, so a slow reader costs at most the socket's buffer plus one batch or page.
 * Resolves when the stream ends: its client left, the subscription ended it (with an `error` event when it failed).
 */
export function pushEventStream(res: ServerResponse, push: PushEvents, abort: AbortController, onServerError: (error: unknown) => void): Promise<void> {
  const send = startEventStream(res);
  const socket = res.socket;
  return new Promise((resolve) => {
    const heartbeat = setInterval(() => send(HEARTBEAT_FRAME), HEARTBEAT_MS);
    let ended = false;
    const resume = () => control.resume();
    const control: PushControl = push({
      write: (batch) => send(batchFrames(batch)),
      end: (error) => {
        ended = true;
        clearInterval(heartbeat);
        socket?.off("drain", resume);
        abort.abort();
        endEventStream(res, error, onServerError);
        resolve();
      },
    });
    // The stream may have ended already (its client left while it opened): then there is nothing to resume.
    if (!ended) socket?.on("drain", resume);
  });
}
