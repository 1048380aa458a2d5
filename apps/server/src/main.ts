import { DataDirInUseError } from "@cadence/db";
import { ConfigError, loadEnv } from "./config/env.js";
import { createLogger } from "./observability/logger.js";
import { startupLines } from "./observability/startup-lines.js";
import { PortInUseError } from "./process/lifecycle.js";
import { startServer } from "./start.js";

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

// Pretty lines only for a developer at a terminal; anything else (a pipe, a container's log) gets JSON lines.
const logger = await createLogger({ level: env.LOG_LEVEL, pretty: process.stdout.isTTY && env.NODE_ENV === "development" });
const running = await startServer(env, { logger }).catch(fail);
for (const [fields, message] of startupLines(env, running)) logger.info(fields, message);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    const stopped = running.stop();
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
