import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Connections } from "./connections.js";

/**
 * After the stop, a kept-alive socket may carry requests for this long (each answered with `Connection: close`,
 * which closes it) before it counts as idle and is closed.
 */
export const DRAIN_IDLE_GRACE_MS = 1000;
const SWEEP_EVERY_MS = 100;

/** The port is taken by another process: said in one line, since it is the operator's to fix. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(port: number, host: string) {
    super(`port ${port} on ${host} is already in use (set PORT)`);
  }
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, host) : error);
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Stops accepting; `onClosed` runs once every connection is gone. `http.Server#close` would also destroy every
 * idle kept-alive socket at that instant, and a client may be sending on one of them right then: its request is
 * reset. The drain retires idle sockets itself, after a grace, instead.
 */
function stopAccepting(server: Server, onClosed: () => void): void {
  server.closeIdleConnections = () => {};
  try {
    server.close(() => onClosed());
  } finally {
    Reflect.deleteProperty(server, "closeIdleConnections");
  }
}

/**
 * Drains the server: stops accepting, answers everything not yet answered with `Connection: close` (in-flight
 * requests and requests that still arrive on kept-alive sockets), closes each kept-alive socket once it has been
 * idle for {@link DRAIN_IDLE_GRACE_MS} since the stop, and after `timeoutMs` cuts whatever is left.
 */
export function drain(server: Server, connections: Connections, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const since = Date.now();
    connections.closeAfterResponses();
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    const sweep = setInterval(() => connections.closeIdle(DRAIN_IDLE_GRACE_MS, since), SWEEP_EVERY_MS);
    stopAccepting(server, () => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
  });
}
