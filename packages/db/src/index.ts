export { databaseKind, openDatabase } from "./client.js";
export type { DatabaseConfig, DatabaseKind } from "./client.js";
export { DataDirInUseError } from "./data-dir-lock.js";
export type { PoolStats } from "./pool-stats.js";
export type { Database, DatabaseHandle, DriverName, Executor, Schema, SqlRows, Transaction } from "./database.js";
export * from "./schema/index.js";
export { prepared, preparedSql, rawRows } from "./prepared.js";
