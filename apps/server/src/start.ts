import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { openDatabase, type DatabaseHandle } from "@cadence/db";
import { createApp } from "./app.js";
import type { Env } from "./env.js";
import { drain, listen } from "./lifecycle.js";
import { version } from "./version.js";

export interface RunningServer {
  server: Server;
  address: AddressInfo;
  url: string;
  database: DatabaseHandle;
  /** Drains HTTP, then closes the database. */
  stop(): Promise<void>;
}

/** Opens the database, applies pending migrations and serves the app; the caller owns signals and exit. */
export async function startServer(env: Env, database?: DatabaseHandle): Promise<RunningServer> {
  const handle =
    database ??
    (await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, connectTimeoutSeconds: 5 }));
  await handle.migrate();
  const server = createApp({
    deps: { db: handle.db, readyTimeoutMs: env.READY_TIMEOUT_MS },
    publicUrl: env.PUBLIC_URL,
    version,
  });
  const address = await listen(server, env.PORT, env.HOST);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    server,
    address,
    url: `http://${host}:${address.port}`,
    database: handle,
    stop: () =>
      (stopping ??= (async () => {
        await drain(server, env.SHUTDOWN_TIMEOUT_MS);
        await handle.close();
      })()),
  };
}
