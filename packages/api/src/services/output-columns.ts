import { is, sql, type SQL } from "drizzle-orm";
import { PgTimestamp, type PgColumn } from "drizzle-orm/pg-core";

/**
 * A selection of columns under their output names, timestamps as the ISO strings `toISOString` makes (to_char's MS
 * truncates to the millisecond as a JS Date does). Run with `rawRows`, a hot read's rows come back from the driver as
 * the output objects themselves: no drizzle per-row mapping and no Date per timestamp.
 */
export function outputColumns<K extends string>(columns: Record<K, PgColumn>): Record<K, SQL.Aliased> {
  return Object.fromEntries(
    Object.entries<PgColumn>(columns).map(([name, column]) => [
      name,
      (is(column, PgTimestamp) ? sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : sql`${column}`).as(name),
    ]),
  ) as Record<K, SQL.Aliased>;
}
