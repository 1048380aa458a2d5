export * from "./api-keys.js";
export * from "./audit-events.js";
export * from "./jobs.js";
export * from "./projects.js";
export * from "./rate-limits.js";
export * from "./sessions.js";
export * from "./tasks.js";
export * from "./users.js";
