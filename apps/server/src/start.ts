import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiDeps, ensureAdmin, seedDemo, setPasswordHashCost } from "@cadence/api";
import { databaseKind, openDatabase, type DatabaseHandle } from "@cadence/db";
import { createApp } from "./app.js";
import { authConfigFrom, rateLimitConfigFrom } from "./config.js";
import type { Env } from "./env.js";
import { drain, listen } from "./lifecycle.js";

export interface RunningServer {
  server: Server;
  address: AddressInfo;
  url: string;
  database: DatabaseHandle;
  /** Drains HTTP, then closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Use this database instead of opening the one `env` describes (tests hand in a prepared copy). */
  database?: DatabaseHandle | undefined;
  log?: (message: string) => void;
  /** Structured error lines; stderr as JSON by default. */
  logError?: (line: Record<string, unknown>) => void;
}

/** Demo data is for the embedded database in development unless SEED_DEMO says otherwise; never in production. */
function shouldSeedDemo(env: Env): boolean {
  if (env.NODE_ENV === "production") return false;
  return env.SEED_DEMO ?? (env.NODE_ENV === "development" && databaseKind(env.DATABASE_URL) === "embedded");
}

/** Opens the database, applies pending migrations, bootstraps accounts and serves the app. */
export async function startServer(env: Env, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((message: string) => console.log(message));
  setPasswordHashCost(env.PASSWORD_HASH_COST);
  const handle =
    options.database ??
    (await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, connectTimeoutSeconds: 5 }));
  await handle.migrate();
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    const created = await ensureAdmin(handle.db, { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, username: env.ADMIN_USERNAME });
    if (created) log(`created admin ${env.ADMIN_USERNAME} <${env.ADMIN_EMAIL}>`);
  }
  if (shouldSeedDemo(env) && (await seedDemo(handle.db))) log("seeded the demo account (see README)");

  const deps = createApiDeps({
    db: handle.db,
    readyTimeoutMs: env.READY_TIMEOUT_MS,
    auth: authConfigFrom(env, (message) => log(`warning: ${message}`)),
    rateLimits: rateLimitConfigFrom(env),
  });
  const server = createApp({ deps, publicUrl: env.PUBLIC_URL, trustProxyHops: env.TRUST_PROXY, log: options.logError });
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
