import { createPostgresTemplate, dropPostgresDatabase, openMigratedPglite, withDatabase } from "@cadence/db/testing";
import { loadEnv } from "./config/env.js";
import { silentLogger } from "./observability/logger.js";
import { startServer } from "./start.js";

export interface EphemeralServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real server on an ephemeral port for other packages' end-to-end tests (client, CLI): on a fresh migrated
 * PostgreSQL database when `DATABASE_URL` names a server, else on in-memory PGlite started from the cached migrated
 * snapshot (no cold start). Passwords are hashed at the cheap test cost unless `env` sets PASSWORD_HASH_COST.
 * `stop` removes the database.
 */
export async function startEphemeralServer(env: Record<string, string> = {}): Promise<EphemeralServer> {
  const adminUrl = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : undefined;
  const name = `cadence_e2e_${process.pid}_${Date.now()}`;
  if (adminUrl) await createPostgresTemplate(adminUrl, name);
  const databaseUrl = adminUrl ? withDatabase(adminUrl, name) : "memory://";
  const database = adminUrl ? undefined : await openMigratedPglite();
  const running = await startServer(
    loadEnv({
      NODE_ENV: "test",
      PORT: "0",
      DATABASE_URL: databaseUrl,
      JWT_SECRET: "ephemeral-test-secret-of-at-least-32-bytes",
      PASSWORD_HASH_COST: "test",
      ...env,
    }),
    { database, logger: silentLogger() },
  );
  return {
    url: running.url,
    stop: async () => {
      await running.stop();
      if (adminUrl) await dropPostgresDatabase(adminUrl, name);
    },
  };
}
