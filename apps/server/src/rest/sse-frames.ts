import { isTrackedEnvelope } from "@trpc/server";

/** A frame's bytes, encoded once and shared by every stream that sends it: bare, and as one HTTP/1.1 chunk. */
export interface FrameBytes {
  bare: Buffer;
  chunked: Buffer;
}

function encode(text: string): FrameBytes {
  const bare = Buffer.from(text, "utf8");
  return { bare, chunked: Buffer.concat([Buffer.from(`${bare.length.toString(16)}\r\n`, "latin1"), bare, Buffer.from("\r\n", "latin1")]) };
}

/** Frames by event object: every subscriber of a project receives the same object, so it is serialized and encoded once. */
const frames = new WeakMap<object, FrameBytes>();

/** One server-sent event: `id` (resume point), `event` (the change's action) and the JSON `data`. */
export function frameOf(item: unknown): FrameBytes {
  const [id, data] = isTrackedEnvelope(item) ? [item[0], item[1]] : [undefined, item];
  const cacheable = typeof data === "object" && data !== null;
  const cached = cacheable ? frames.get(data) : undefined;
  if (cached !== undefined) return cached;
  const action = cacheable && "action" in data && typeof data.action === "string" ? data.action : "message";
  const bytes = encode(`${id === undefined ? "" : `id: ${id}\n`}event: ${action}\ndata: ${JSON.stringify(data)}\n\n`);
  if (cacheable) frames.set(data, bytes);
  return bytes;
}

/** The keep-alive comment, encoded once. */
export const HEARTBEAT_FRAME = encode(": heartbeat\n\n");
