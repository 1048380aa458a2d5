import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

interface SocketState {
  /** Requests received on the socket whose response has not finished. */
  open: number;
  /** When the socket last finished a response (or connected). */
  lastActive: number;
}

/** What the drain needs to know about the server's sockets; see {@link trackConnections}. */
export interface Connections {
  /** From now on every response not yet sent carries `Connection: close`, so Node closes its socket after it. */
  closeAfterResponses(): void;
  /** Closes the sockets with no request in progress that have been idle for `graceMs`, counting from `since` at most. */
  closeIdle(graceMs: number, since: number): void;
}

/**
 * Tracks every socket of `server` and the responses open on it. Install before `listen`. Node knows which
 * sockets are idle, but its only way to act on that (`closeIdleConnections`) closes them all at once.
 */
export function trackConnections(server: Server): Connections {
  const sockets = new Map<Socket, SocketState>();
  const unsent = new Set<ServerResponse>();
  let closing = false;

  server.on("connection", (socket: Socket) => {
    sockets.set(socket, { open: 0, lastActive: Date.now() });
    socket.once("close", () => sockets.delete(socket));
  });

  // One listener for every response (a response closes once), not a closure per request.
  function closed(this: ServerResponse): void {
    unsent.delete(this);
    const state = sockets.get(this.req.socket);
    if (!state) return;
    state.open -= 1;
    state.lastActive = Date.now();
  }
  // Prepended, so a response the app sends synchronously already carries the header.
  server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    const state = sockets.get(req.socket);
    if (state) state.open += 1;
    if (closing) res.setHeader("connection", "close");
    else unsent.add(res);
    res.on("close", closed);
  });

  return {
    closeAfterResponses() {
      closing = true;
      for (const res of unsent) if (!res.headersSent) res.setHeader("connection", "close");
      unsent.clear();
    },
    closeIdle(graceMs, since) {
      const now = Date.now();
      for (const [socket, state] of sockets) {
        if (state.open === 0 && now - Math.max(state.lastActive, since) >= graceMs) socket.destroy();
      }
    },
  };
}
