import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Drains the server: stops accepting, lets in-flight requests finish (answering them with
 * `Connection: close`), closes idle keep-alive sockets, and after `timeoutMs` cuts whatever is left.
 */
export function drain(server: Server, timeoutMs: number): Promise<void> {
  server.on("request", (_req, res) => res.setHeader("connection", "close"));
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // A keep-alive socket turns idle once its in-flight response is done; close it then, not after keep-alive.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
