export { databaseKind, openDatabase } from "./client.js";
export type { DatabaseConfig, DatabaseKind } from "./client.js";
export type { Database, DatabaseHandle, DriverName, Executor, Schema, Transaction } from "./database.js";
export * from "./schema/index.js";
