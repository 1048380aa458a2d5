import { connect, type Socket } from "node:net";

export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the server's side is gone, with how long after `connected` that was. */
  closed: Promise<{ afterMs: number; response: string }>;
  connected: Promise<void>;
}

/** A plain TCP connection to the server, for clients no HTTP library would be: slow, silent, half-sent. */
export function rawConnection(url: string): RawConnection {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let response = "";
  let connectedAt = Date.now();
  socket.on("data", (chunk: Buffer) => (response += chunk.toString("latin1")));
  // A reset from the server also ends the connection; the test looks at when, not how.
  socket.on("error", () => {});
  const connected = new Promise<void>((resolve) =>
    socket.once("connect", () => {
      connectedAt = Date.now();
      resolve();
    }),
  );
  const closed = new Promise<{ afterMs: number; response: string }>((resolve) =>
    socket.once("close", () => resolve({ afterMs: Date.now() - connectedAt, response })),
  );
  return { socket, received: () => response, closed, connected };
}

/** Writes `chunk` every `everyMs` until the connection closes. */
export function trickle(connection: RawConnection, chunk: string, everyMs: number): void {
  const timer = setInterval(() => {
    if (!connection.socket.destroyed && connection.socket.writable) connection.socket.write(chunk);
  }, everyMs);
  void connection.closed.then(() => clearInterval(timer));
}

/** Resolves with the connection's close, or rejects once `boundMs` has passed without it. */
export function closedWithin(connection: RawConnection, boundMs: number): Promise<{ afterMs: number; response: string }> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      connection.socket.destroy();
      reject(new Error(`the server still held the connection after ${boundMs} ms`));
    }, boundMs);
  });
  return Promise.race([connection.closed, bound]).finally(() => clearTimeout(timer));
}
