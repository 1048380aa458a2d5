import type { AppRouter } from "@cadence/api";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import { loadEnv } from "../../src/config/env.js";
import { silentLogger, type Logger } from "../../src/observability/logger.js";
import { startServer, type RunningServer } from "../../src/start.js";
import { openTestDatabase, type TestDatabase } from "./database.js";

/**
 * Fixed secrets so tests can forge tokens; generous limits so only the rate-limit tests meet them; the cheap
 * password-hash cost (production's argon2 cost would dominate the suite).
 */
export const TEST_JWT_SECRET = "test-secret-that-is-at-least-32-bytes-long";
export const TEST_ADMIN = { username: "admin", email: "admin@test.local", password: "admin-password" };
const TEST_ENV: Record<string, string> = {
  NODE_ENV: "test",
  HOST: "127.0.0.1",
  PORT: "0",
  JWT_SECRET: TEST_JWT_SECRET,
  ADMIN_EMAIL: TEST_ADMIN.email,
  ADMIN_PASSWORD: TEST_ADMIN.password,
  RATE_LIMIT_REGISTER: "10000/1h",
  RATE_LIMIT_REFRESH: "10000/1m",
  RATE_LIMIT_REQUESTS: "100000/1m",
  // Generous on a loaded test machine; the outage tests set their own.
  DATABASE_TIMEOUT_MS: "10000",
  PASSWORD_HASH_COST: "test",
};

export interface TestServer {
  url: string;
  running: RunningServer;
  /** The private database copy, unless the test pointed the server elsewhere. */
  database: TestDatabase | undefined;
  /** fetch against the server: `rest("/health")` calls `/api/v1/health`. */
  rest(path: string, init?: RequestInit): Promise<Response>;
  /** A typed tRPC client over HTTP, optionally sending a bearer token. */
  trpc(token?: string): TRPCClient<AppRouter>;
  close(): Promise<void>;
}

/**
 * Starts the real server on an ephemeral port over a private copy of the migrated database,
 * or over `env.DATABASE_URL` when the test names one, or over another test server's database (two instances).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { shareDatabaseWith?: TestServer; logger?: Logger; trpcFastPath?: boolean } = {},
): Promise<TestServer> {
  const config = loadEnv({ ...TEST_ENV, ...env });
  const shared = options.shareDatabaseWith?.running.database;
  const database: TestDatabase | undefined = env.DATABASE_URL || shared ? undefined : await openTestDatabase();
  const running = await startServer(config, {
    database: shared ?? database?.handle,
    logger: options.logger ?? silentLogger(),
    trpcFastPath: options.trpcFastPath,
  });
  const url = running.url;
  return {
    url,
    running,
    database,
    rest: (path, init) => fetch(`${url}/api/v1${path}`, init),
    trpc: (token) =>
      createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${url}/trpc`,
            headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
          }),
        ],
      }),
    close: async () => {
      await running.stop();
      await database?.dispose();
    },
  };
}
