import type { ServerResponse } from "node:http";

/** A frame's bytes, encoded once and shared by every stream that sends it: bare, and as one HTTP/1.1 chunk. */
export interface FrameBytes {
  bare: Buffer;
  chunked: Buffer;
}

export function encodeBytes(bare: Buffer): FrameBytes {
  return { bare, chunked: Buffer.concat([Buffer.from(`${bare.length.toString(16)}\r\n`, "latin1"), bare, Buffer.from("\r\n", "latin1")]) };
}

export const encodeFrame = (text: string): FrameBytes => encodeBytes(Buffer.from(text, "utf8"));

/** Writes frames of a stream whose head is sent: false when the socket wants a pause (wait for its `drain`). */
export type FrameWriter = (bytes: FrameBytes) => boolean;

/**
 * The writer of frames straight to the response's socket, for a response whose head has gone out: frames are shared
 * bytes (already an HTTP chunk when the response is chunked), so there is no copy and no chunk header per write.
 */
export function frameWriter(res: ServerResponse): FrameWriter {
  const socket = res.socket;
  const chunked = res.chunkedEncoding;
  return (bytes) => !socket || socket.destroyed || socket.write(chunked ? bytes.chunked : bytes.bare);
}

/** Resolves once the response's socket takes more, or when the response closes (then the caller stops writing). */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const socket = res.socket;
    const done = () => {
      socket?.off("drain", done);
      res.off("close", done);
      resolve();
    };
    socket?.once("drain", done);
    res.once("close", done);
  });
}
