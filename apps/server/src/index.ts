export { createApp } from "./app.js";
export type { AppOptions } from "./app.js";
export { ConfigError, loadEnv } from "./env.js";
export type { Env } from "./env.js";
export { startServer } from "./start.js";
export type { RunningServer } from "./start.js";
