import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { PGlite } from "@electric-sql/pglite";
import { openTestDatabase, type TestDatabase } from "./database.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

/** This file's database behind a proxy the test can take down; `url` is what the server connects to. */
export interface ProxiedDatabase {
  url: string;
  proxy: TcpProxy;
  /**
   * Environment for a server on `url`. PGlite served over the wire protocol is one session that interleaves its
   * connections' protocol messages (a portal bound on one can run on another): a server on it keeps to one pooled
   * connection, as a real PostgreSQL never needs.
   */
  serverEnv: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A postgres:// URL through a {@link TcpProxy}: to real PostgreSQL on PostgreSQL runs, to this file's PGlite copy
 * served over the wire protocol on embedded runs, so outage tests run on both databases.
 */
export async function openProxiedDatabase(): Promise<ProxiedDatabase> {
  // Served over a socket whose connections the test cuts mid-transaction: never reused by another test file.
  const backing: TestDatabase = await openTestDatabase({ pooled: false });
  let socketServer: PGLiteSocketServer | undefined;
  let target: { host: string; port: number };
  if (backing.url) {
    const parsed = new URL(backing.url);
    target = { host: parsed.hostname, port: Number(parsed.port || 5432) };
  } else {
    const pglite = (backing.handle.db as unknown as { $client: PGlite }).$client;
    socketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: "127.0.0.1", maxConnections: 20 });
    await socketServer.start();
    const address = socketServer.getServerConn();
    target = { host: "127.0.0.1", port: Number(address.split(":").at(-1)) };
  }
  const proxy = await startTcpProxy(target);
  const database = backing.url ? new URL(backing.url).pathname.slice(1) : "postgres";
  const auth = backing.url ? `${new URL(backing.url).username}:${new URL(backing.url).password}@` : "postgres:postgres@";
  return {
    url: `postgres://${auth}127.0.0.1:${proxy.port}/${database}`,
    serverEnv: { DATABASE_URL: `postgres://${auth}127.0.0.1:${proxy.port}/${database}`, ...(backing.url ? {} : { DATABASE_POOL_MAX: "1" }) },
    proxy,
    close: async () => {
      await proxy.close();
      await socketServer?.stop();
      await backing.dispose();
    },
  };
}
