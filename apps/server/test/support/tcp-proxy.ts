import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A loopback TCP proxy that can be taken down and brought back, to make a database unreachable
 * without touching the database itself.
 */
export interface TcpProxy {
  port: number;
  /** Cuts every open connection and refuses new ones (the port stays bound, connections are reset). */
  down(): void;
  /** A silent network: open connections stop forwarding and new ones are accepted but never answered. */
  stall(): void;
  /** Forwards again; connections held by {@link stall} are cut, as a recovered network would. */
  up(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: "up" | "down" | "stall" = "up";
  const sockets = new Set<Socket>();
  const held = new Set<Socket>();
  const hold = (socket: Socket) => {
    socket.unpipe();
    socket.pause();
    held.add(socket);
  };
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === "down") return client.resetAndDestroy();
    if (mode === "stall") return hold(client);
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    down: () => {
      mode = "down";
      for (const socket of sockets) socket.destroy();
    },
    stall: () => {
      mode = "stall";
      for (const socket of sockets) hold(socket);
    },
    up: () => {
      mode = "up";
      for (const socket of held) socket.destroy();
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
