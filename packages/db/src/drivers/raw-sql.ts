import type { PGlite } from "@electric-sql/pglite";
import type postgres from "postgres";
import type { SqlRows } from "../database.js";

/**
 * PGlite: one statement with values through the extended protocol, several statements through `exec` (the
 * simple protocol). Both hold PGlite's connection for the whole call, so a `BEGIN; ...; COMMIT` string runs alone.
 */
export function pgliteSql(client: PGlite) {
  return async (text: string, values?: unknown[]): Promise<SqlRows> => {
    if (values !== undefined && values.length > 0) {
      const result = await client.query<Record<string, unknown>>(text, values);
      return { rows: result.rows };
    }
    try {
      const results = await client.exec(text);
      return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
    } catch (error) {
      if (client.isInTransaction()) await client.exec("rollback");
      throw error;
    }
  };
}

/**
 * What node-postgres would send: postgres.js refuses `undefined` (node-postgres binds it as NULL) and binds a plain
 * object as text, not as its JSON.
 */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== "object" || value instanceof Date || Array.isArray(value) || value instanceof Uint8Array) return value;
  return JSON.stringify(value);
}

/**
 * postgres.js: `unsafe` with values uses the extended protocol; without, the simple one (several statements),
 * on a reserved connection so a failed `BEGIN; ...` string is rolled back before the connection goes back.
 */
export function postgresSql(client: postgres.Sql) {
  return async (text: string, values?: unknown[]): Promise<SqlRows> => {
    if (values !== undefined && values.length > 0) {
      const rows = await client.unsafe<Record<string, unknown>[]>(text, values.map(bindable) as postgres.ParameterOrJSON<never>[]);
      return { rows: [...rows] };
    }
    const connection = await client.reserve();
    try {
      const result = (await connection.unsafe(text)) as unknown;
      // Several statements answer one result per statement; the last one is what the caller reads.
      const last = Array.isArray(result) && Array.isArray(result.at(-1)) ? (result.at(-1) as unknown[]) : result;
      return { rows: [...(last as Record<string, unknown>[])] };
    } catch (error) {
      await connection.unsafe("rollback").catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
  };
}
