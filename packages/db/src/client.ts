import type { DatabaseHandle } from "./database.js";

export interface DatabaseConfig {
  /** Unset: embedded PGlite in `dataDir`; `memory://`: in-memory PGlite; `postgres(ql)://`: a real server. */
  url?: string | undefined;
  dataDir: string;
  connectTimeoutSeconds?: number;
  /** postgres:// only: statement_timeout of every pooled connection. */
  statementTimeoutMs?: number;
  /** PostgreSQL only: the most connections the pool opens (default 10). */
  maxConnections?: number;
}

export type DatabaseKind = "embedded" | "memory" | "postgres";

/** Classifies a DATABASE_URL; throws a message naming the variable for anything else. */
export function databaseKind(url: string | undefined): DatabaseKind {
  if (url === undefined || url === "") return "embedded";
  if (url === "memory://") return "memory";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error("DATABASE_URL must be unset, memory:// or a postgres:// / postgresql:// URL");
}

/**
 * The one driver factory: every driver comes back as the same {@link DatabaseHandle}. Each driver's modules are
 * loaded only when it is opened, so a server on PostgreSQL never loads PGlite (nor the other way round).
 */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  const kind = databaseKind(config.url);
  if (kind !== "postgres") {
    const { openPglite } = await import("./drivers/pglite.js");
    return openPglite(kind === "embedded" ? { dataDir: config.dataDir } : {});
  }
  const { openPostgres } = await import("./drivers/postgres.js");
  return openPostgres({
    url: config.url as string,
    ...(config.connectTimeoutSeconds === undefined ? {} : { connectTimeoutSeconds: config.connectTimeoutSeconds }),
    ...(config.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: config.statementTimeoutMs }),
    ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
  });
}
