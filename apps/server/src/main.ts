import { DataDirInUseError } from "@cadence/db";
import { ConfigError, loadProcessEnv } from "./config/env.js";
import { createLogger } from "./observability/logger.js";
import { startTracing, traceFields, tracingOptionsFrom } from "./observability/tracing.js";
import { limitHeapGrowth } from "./process/heap.js";
import { PortInUseError } from "./process/lifecycle.js";

/** Failures the operator fixes (configuration, a port or data directory another process holds): one line each. */
function fail(error: unknown): never {
  const expected = error instanceof ConfigError || error instanceof PortInUseError || error instanceof DataDirInUseError;
  console.error(expected ? error.message : error);
  process.exit(1);
}

let env;
try {
  env = loadProcessEnv();
} catch (error) {
  fail(error);
}
// Before the server's modules load, so their start-up garbage is collected under the same rule.
limitHeapGrowth(env.HEAP_GROWTH_PERCENT);

// Tracing first, then the server's modules: node:http is instrumented before anything serves with it.
const tracing = await startTracing(tracingOptionsFrom(env)).catch(fail);
const { startServer } = await import("./start.js");
const { startupLines } = await import("./observability/startup-lines.js");
// Pretty lines only for a developer at a terminal; anything else (a pipe, a container's log) gets JSON lines.
const logger = await createLogger({
  level: env.LOG_LEVEL,
  pretty: process.stdout.isTTY && env.NODE_ENV === "development",
  // With tracing on, every line names the trace and span it was written in.
  ...(tracing ? { fields: traceFields } : {}),
});
const running = await startServer(env, { logger }).catch(fail);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    // Pending spans are flushed once the last request has drained.
    const stopped = running.stop().then(() => tracing?.shutdown());
    // Said once the listening socket is closed (synchronously, in stop): a connection after this line is refused.
    logger.info({ signal }, `${signal}: draining`);
    stopped.then(
      () => {
        logger.info("stopped: requests drained, database closed");
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => fail(error),
    );
  });
}

// Announced only once the signals are handled: a supervisor may stop the server the moment it reads "listening".
for (const [fields, message] of startupLines(env, running)) logger.info(fields, message);
