import { DataDirInUseError } from "@cadence/db";
import { ConfigError, loadEnv } from "./config/env.js";
import { startTracing, tracingOptionsFrom } from "./observability/tracing.js";
import { PortInUseError } from "./process/lifecycle.js";

/** Failures the operator fixes (configuration, a port or data directory another process holds): one line each. */
function fail(error: unknown): never {
  const expected = error instanceof ConfigError || error instanceof PortInUseError || error instanceof DataDirInUseError;
  console.error(expected ? error.message : error);
  process.exit(1);
}

let env;
try {
  env = loadEnv();
} catch (error) {
  fail(error);
}

// Tracing first, then the server's modules: node:http is instrumented before anything serves with it.
const tracing = await startTracing(tracingOptionsFrom(env)).catch(fail);
const { startServer } = await import("./start.js");
const running = await startServer(env).catch(fail);
console.log(`Cadence listening on ${running.url} (database: ${running.database.driver}${env.DATABASE_URL ? "" : `, ${env.DATA_DIR}`})`);
console.log(`  REST ${running.url}/api/v1  ·  docs ${running.url}/docs  ·  tRPC ${running.url}/trpc`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    // Pending spans are flushed once the last request has drained.
    const stopped = running.stop().then(() => tracing?.shutdown());
    // Said once the listening socket is closed (synchronously, in stop): a connection after this line is refused.
    console.log(`${signal}: draining`);
    stopped.then(
      () => {
        console.log("stopped: requests drained, database closed");
        process.exit(0);
      },
      (error: unknown) => fail(error),
    );
  });
}
