import type { ServerResponse } from "node:http";
import type { PushControl, PushEvents, StoredEvent } from "@cadence/api";
import type { FrameBytes, FrameWriter } from "./sse-bytes.js";

/** How one event-stream protocol (REST's, tRPC's) frames a pushed stream. */
export interface PushFormat {
  /** A batch of events as one buffer, encoded once for every stream of the project (the hub hands them one array). */
  batch(batch: readonly StoredEvent[]): FrameBytes;
  /** The keep-alive frame, sent every `heartbeatMs` (none without one). */
  heartbeat?: FrameBytes | undefined;
  heartbeatMs?: number | undefined;
  /** Ends the response, saying why when `error` is set (then it is the stream's failure). */
  end(res: ServerResponse, error: unknown): void;
}

/**
 * Serves a pushable subscription whose head is already sent: each batch the hub fans out is written to this
 * response synchronously, as one buffer shared by every stream of the project (one write per batch, no promise or
 * generator step per event). When the socket wants a pause the stream holds nothing for it; events committed
 * meanwhile are read back from the table once the socket drains, so a slow reader costs at most the socket's buffer
 * plus one batch or page. Resolves when the stream ends: its client left, or the subscription ended it.
 */
export function pushEvents(res: ServerResponse, send: FrameWriter, push: PushEvents, abort: AbortController, format: PushFormat): Promise<void> {
  const socket = res.socket;
  return new Promise((resolve) => {
    const { heartbeat: beat, heartbeatMs } = format;
    const heartbeat = beat && heartbeatMs ? setInterval(() => send(beat), heartbeatMs) : undefined;
    let ended = false;
    const resume = () => control.resume();
    const control: PushControl = push({
      write: (batch) => send(format.batch(batch)),
      end: (error) => {
        ended = true;
        clearInterval(heartbeat);
        socket?.off("drain", resume);
        abort.abort();
        format.end(res, error);
        resolve();
      },
    });
    // The stream may have ended already (its client left while it opened): then there is nothing to resume.
    if (!ended) socket?.on("drain", resume);
  });
}
