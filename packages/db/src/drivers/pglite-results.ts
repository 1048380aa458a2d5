import { types, type messages, type PGlite, type QueryOptions, type Results } from "@electric-sql/pglite";

type BackendMessage = messages.BackendMessage;

/** A result column as PGlite reports it. */
export interface Field {
  name: string;
  dataTypeID: number;
}

type Parse = (value: string, typeId: number) => unknown;
const identity: Parse = (value) => value;

/** Command tags that end in a count of affected rows, as PGlite's own result parser counts them. */
const AFFECTING = new Set(["INSERT", "UPDATE", "DELETE", "COPY", "MERGE"]);

/**
 * The column parsers PGlite's `parseResults` would pick: the call's own, then the client's (defaults, array types),
 * then PGlite's defaults; text unchanged where none applies. Resolved per column, so no per-call copy of the
 * client's few hundred parsers (PGlite spreads them into a new object on every query that passes `parsers`).
 */
function columnParsers(client: PGlite, fields: readonly Field[], options: QueryOptions | undefined): Parse[] {
  return fields.map(({ dataTypeID }) => (options?.parsers?.[dataTypeID] ?? client.parsers[dataTypeID] ?? types.parsers[dataTypeID] ?? identity) as Parse);
}

/**
 * The `Results` PGlite's `query` returns, built from the messages of a Bind/Execute/Sync exchange with the
 * statement's fields described once when it was prepared (an Execute sends no RowDescription).
 */
export function toResults<T>(client: PGlite, replies: BackendMessage[], fields: readonly Field[], options: QueryOptions | undefined): Results<T> {
  const parsers = columnParsers(client, fields, options);
  const asObjects = options?.rowMode !== "array";
  const rows: unknown[] = [];
  const result: Results<T> = { rows: rows as T[], fields: fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })), affectedRows: 0 };
  for (const reply of replies) {
    if (reply.name === "dataRow") {
      const values = (reply as messages.DataRowMessage).fields;
      if (asObjects) {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < fields.length; i++) row[(fields[i] as Field).name] = parseValue(values[i], fields[i] as Field, parsers[i] as Parse);
        rows.push(row);
      } else {
        rows.push(values.map((value, i) => parseValue(value, fields[i] as Field, parsers[i] as Parse)));
      }
    } else if (reply.name === "commandComplete") {
      const words = (reply as messages.CommandCompleteMessage).text.split(" ");
      const command = words[0] ?? "";
      const count = Number.parseInt(words[words.length - 1] ?? "", 10);
      result.command = command;
      if (AFFECTING.has(command)) result.affectedRows = (result.affectedRows ?? 0) + count;
      if (!Number.isNaN(count)) result.rowCount = count;
    }
  }
  return result;
}

function parseValue(value: string | null | undefined, field: Field, parse: Parse): unknown {
  return value === null || value === undefined ? null : parse(value, field.dataTypeID);
}
