import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiDeps, ensureAdmin, seedDemo, setPasswordHashCost } from "@cadence/api";
import { databaseKind, openDatabase, type DatabaseHandle } from "@cadence/db";
import { createApp } from "./app.js";
import { describeError } from "./observability/error-log.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { createMetrics } from "./observability/metrics.js";
import { trackConnections } from "./process/connections.js";
import { authConfigFrom, rateLimitConfigFrom } from "./config/config.js";
import type { Env } from "./config/env.js";
import { httpLimitsFrom } from "./http/limits.js";
import { drain, listen } from "./process/lifecycle.js";
import { createJobWorkers } from "./jobs/workers.js";

export interface RunningServer {
  server: Server;
  /** Live event streams open in this process (for a metrics gauge). */
  openStreams(): number;
  address: AddressInfo;
  url: string;
  database: DatabaseHandle;
  /** True when this start seeded the demo account (its credentials are worth telling the developer). */
  demoSeeded: boolean;
  /** Drains HTTP, then closes the database if the server opened it (a database handed in stays the caller's). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Use this database instead of opening the one `env` describes (tests hand in a prepared copy). */
  database?: DatabaseHandle | undefined;
  /** Every line the server writes; JSON on stdout at LOG_LEVEL by default. */
  logger?: Logger;
  /** Off: every tRPC call goes through tRPC's adapter (the conformance test compares both); on by default. */
  trpcFastPath?: boolean;
}

/** Demo data is for the embedded database in development unless SEED_DEMO says otherwise; never in production. */
function shouldSeedDemo(env: Env): boolean {
  if (env.NODE_ENV === "production") return false;
  return env.SEED_DEMO ?? (env.NODE_ENV === "development" && databaseKind(env.DATABASE_URL) === "embedded");
}

/** Opens the database, applies pending migrations, bootstraps accounts and serves the app. */
export async function startServer(env: Env, options: StartOptions = {}): Promise<RunningServer> {
  setPasswordHashCost(env.PASSWORD_HASH_COST);
  const logger = options.logger ?? (await createLogger({ level: env.LOG_LEVEL }));
  if (options.database) return serve(env, logger, options.database, false, options.trpcFastPath);
  if (databaseKind(env.DATABASE_URL) === "embedded") {
    // The first run creates and migrates the data directory, which takes many seconds: say so up front.
    if (existsSync(env.DATA_DIR)) logger.debug({ dataDir: env.DATA_DIR }, `opening the embedded database in ${env.DATA_DIR}`);
    else logger.info({ dataDir: env.DATA_DIR }, `creating the embedded database in ${env.DATA_DIR} (first run only)…`);
  }
  // One bound for every wait on the database: connecting, each statement, and the whole procedure (api deps).
  const handle = await openDatabase({
    url: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    connectTimeoutSeconds: env.DATABASE_TIMEOUT_MS / 1000,
    statementTimeoutMs: env.DATABASE_TIMEOUT_MS,
    maxConnections: env.DATABASE_POOL_MAX,
  });
  try {
    return await serve(env, logger, handle, true, options.trpcFastPath);
  } catch (error) {
    // Failing to start (the port is taken, a migration fails) must not leave the embedded database open or locked.
    await handle.close();
    throw error;
  }
}

/** Everything after the database is open; `owned`: the server opened it, so it closes it on stop. */
async function serve(
  env: Env,
  logger: Logger,
  handle: DatabaseHandle,
  owned: boolean,
  trpcFastPath: boolean | undefined,
): Promise<RunningServer> {
  await handle.migrate();
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    const created = await ensureAdmin(handle.db, { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, username: env.ADMIN_USERNAME });
    if (created) logger.info({ username: env.ADMIN_USERNAME, email: env.ADMIN_EMAIL }, `created admin ${env.ADMIN_USERNAME} <${env.ADMIN_EMAIL}>`);
  }
  const demoSeeded = shouldSeedDemo(env) && (await seedDemo(handle.db));
  const metrics = env.METRICS_ENABLED ? createMetrics(() => handle.stats()) : undefined;
  const workers = createJobWorkers(handle, { timeoutSeconds: env.JOB_TIMEOUT_SECONDS, retentionHours: env.JOB_RETENTION_HOURS, logger });

  const deps = createApiDeps({
    db: handle.db,
    readyTimeoutMs: env.READY_TIMEOUT_MS,
    auth: authConfigFrom(env, (message) => logger.warn(message)),
    rateLimits: rateLimitConfigFrom(env),
    databaseTimeoutMs: env.DATABASE_TIMEOUT_MS,
    logger,
    observer: metrics?.observer,
    notifications: handle.subscribeNotifications,
    streamMaxPerUser: env.STREAM_MAX_PER_USER,
    jobs: workers.queue,
  });
  // Live project events: one LISTEN for this instance; streams end when the server stops.
  await deps.events.start();
  metrics?.trackStreams(() => deps.events.openStreams());
  const server = createApp({
    deps,
    publicUrl: env.PUBLIC_URL,
    trustProxyHops: env.TRUST_PROXY,
    logger,
    metrics,
    metricsToken: env.METRICS_TOKEN,
    bodyLimit: env.BODY_LIMIT,
    limits: httpLimitsFrom(env),
    trpcFastPath,
    corsOrigins: env.CORS_ORIGINS,
    webDir: env.WEB_DIR,
  });
  const connections = trackConnections(server);
  let address: AddressInfo;
  try {
    // Background jobs: this instance works the shared queue (jobs queued before a restart included).
    await workers.start();
    address = await listen(server, env.PORT, env.HOST);
  } catch (error) {
    await workers.stop(0);
    await deps.events.close();
    throw error;
  }
  // After start-up a server error (accept failing with EMFILE when descriptors run out) is logged, never fatal.
  server.on("error", (error) => logger.error(describeError(error), "server error"));
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    server,
    openStreams: () => deps.events.openStreams(),
    address,
    url: `http://${host}:${address.port}`,
    database: handle,
    demoSeeded,
    stop: () =>
      (stopping ??= (async () => {
        // Open event streams would hold the drain until its timeout: end them (clients resume with their last id).
        const streamsClosed = deps.events.close();
        // Running jobs get the drain's time to finish; one still running after it is retried by another instance.
        const workersStopped = workers.stop(env.SHUTDOWN_TIMEOUT_MS);
        await drain(server, connections, env.SHUTDOWN_TIMEOUT_MS);
        await Promise.all([streamsClosed, workersStopped]);
        if (owned) await handle.close();
      })()),
  };
}
