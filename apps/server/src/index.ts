export { createApp } from "./app.js";
export type { AppOptions } from "./app.js";
export { ConfigError, loadEnv } from "./config/env.js";
export type { Env } from "./config/env.js";
export { startServer } from "./start.js";
export type { RunningServer } from "./start.js";
export { createLogger, silentLogger } from "./observability/logger.js";
export type { Logger, LoggerOptions } from "./observability/logger.js";
