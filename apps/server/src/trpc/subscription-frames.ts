import type { StoredEvent } from "@cadence/api";
import { isTrackedEnvelope } from "@trpc/server";
import { encodeBytes, encodeFrame, type FrameBytes } from "../http/sse-bytes.js";

/** One message of tRPC 11's SSE protocol (its `sseStreamProducer`). */
interface Message {
  event?: string;
  data: string;
  id?: string;
}

/** A message as tRPC writes it: `event:`, `data:` and `id:` lines as present, then "\n\n" (one blank line more than SSE needs). */
function messageText({ event, data, id }: Message): string {
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${data}\n${id === undefined ? "" : `id: ${id}\n`}\n\n`;
}

/** tRPC's keep-alive message (its `ping` option). */
export const PING_FRAME = encodeFrame(messageText({ event: "ping", data: "" }));
/** The message ending a subscription that completed. */
export const RETURN_FRAME = encodeFrame(messageText({ event: "return", data: "" }));

/** tRPC's reading of a reconnecting client's last event id: none when it holds a line break or NUL. */
export function validLastEventId(lastEventId: string | null): string | null {
  return lastEventId && !/[\0\n\r]/.test(lastEventId) ? lastEventId : null;
}

/**
 * The messages of tRPC's SSE subscriptions for a router whose transformer serializes with `serialize`. A pushed
 * batch's messages are encoded once for every stream of the project (the hub hands them all one array).
 */
export function createTrpcFrames(serialize: (value: unknown) => unknown) {
  const json = (value: unknown) => JSON.stringify(serialize(value));
  const events = new WeakMap<object, Buffer>();
  const batches = new WeakMap<readonly StoredEvent[], FrameBytes>();
  const eventBytes = (event: StoredEvent["event"]): Buffer => {
    let bytes = events.get(event);
    if (bytes === undefined) events.set(event, (bytes = Buffer.from(messageText({ data: json(event), id: event.id }), "utf8")));
    return bytes;
  };

  return {
    connected: (client: object) => encodeFrame(messageText({ event: "connected", data: JSON.stringify(client) })),
    error: (shape: unknown) => encodeFrame(messageText({ event: "serialized-error", data: json(shape) })),
    /** A pushed batch: each event tracked by its id, as the subscription's iterable yields them. */
    batch(batch: readonly StoredEvent[]): FrameBytes {
      let bytes = batches.get(batch);
      if (bytes === undefined) batches.set(batch, (bytes = encodeBytes(Buffer.concat(batch.map(({ event }) => eventBytes(event))))));
      return bytes;
    },
    /**
     * An iterated item, with tRPC's rules for ids: a tracked item carries its id and becomes the last one; once
     * there is a last id, an untracked item goes out with an empty id followed by a `restore-id` message.
     */
    item(value: unknown, lastEventId: string | null): { frame: FrameBytes; lastEventId: string | null } {
      if (isTrackedEnvelope(value)) {
        const id = String(value[0]);
        return { frame: encodeFrame(messageText({ data: json(value[1]), id })), lastEventId: id };
      }
      const data = json(value);
      if (lastEventId === null) return { frame: encodeFrame(messageText({ data })), lastEventId };
      const text = messageText({ data, id: "" }) + messageText({ event: "restore-id", data: "", id: lastEventId });
      return { frame: encodeFrame(text), lastEventId };
    },
  };
}
