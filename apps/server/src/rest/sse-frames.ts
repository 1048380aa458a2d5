import type { StoredEvent } from "@cadence/api";
import { isTrackedEnvelope } from "@trpc/server";
import { encodeBytes, encodeFrame as encode, type FrameBytes } from "../http/sse-bytes.js";

/** Frames by event object: every subscriber of a project receives the same object, so it is serialized and encoded once. */
const frames = new WeakMap<object, FrameBytes>();

function eventFrame(id: unknown, data: unknown): FrameBytes {
  const cacheable = typeof data === "object" && data !== null;
  const cached = cacheable ? frames.get(data) : undefined;
  if (cached !== undefined) return cached;
  const action = cacheable && "action" in data && typeof data.action === "string" ? data.action : "message";
  const bytes = encode(`${id === undefined ? "" : `id: ${String(id)}\n`}event: ${action}\ndata: ${JSON.stringify(data)}\n\n`);
  if (cacheable) frames.set(data, bytes);
  return bytes;
}

/** One server-sent event: `id` (resume point), `event` (the change's action) and the JSON `data`. */
export function frameOf(item: unknown): FrameBytes {
  return isTrackedEnvelope(item) ? eventFrame(item[0], item[1]) : eventFrame(undefined, item);
}

/** Frames by batch: the hub hands one array to every stream of the project, so a batch is one buffer for all. */
const batches = new WeakMap<readonly StoredEvent[], FrameBytes>();

/** A batch of events as consecutive frames in one buffer (one write, one HTTP chunk), as {@link frameOf} frames each. */
export function batchFrames(batch: readonly StoredEvent[]): FrameBytes {
  const [first] = batch;
  if (batch.length === 1 && first) return eventFrame(first.event.id, first.event);
  const cached = batches.get(batch);
  if (cached !== undefined) return cached;
  const bytes = encodeBytes(Buffer.concat(batch.map(({ event }) => eventFrame(event.id, event).bare)));
  batches.set(batch, bytes);
  return bytes;
}

/** The keep-alive comment, encoded once. */
export const HEARTBEAT_FRAME = encode(": heartbeat\n\n");
