import { MemoryFS, protocol, type messages, type PGlite, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";
import { bindExecuteSync, type WireValue } from "./pglite-messages.js";
import { toResults, type Field } from "./pglite-results.js";

const { serialize } = protocol;

/** The statements drizzle sends again and again. DDL, transaction control and the rest run as PGlite runs them. */
const REPEATED = /^\s*(select|insert|update|delete|with)\s/i;

/** Named statements kept at once; the least recently used one is closed when a new one would exceed this. */
export const STATEMENT_CACHE_SIZE = 256;

/** A statement that no longer matches its cached description (result type changed, or deallocated). */
const STALE_STATEMENT = new Set(["0A000", "26000"]);

interface Statement {
  name: string;
  paramTypes: readonly number[];
  fields: readonly Field[];
}

type Query = PGlite["query"];
type Params = Parameters<Query>[1];

/** Least recently used first (a Map iterates in insertion order; a hit moves its entry to the end). */
class StatementCache {
  readonly #statements = new Map<string, Statement>();
  #closing: string[] = [];
  #serial = 0;

  get(text: string): Statement | undefined {
    const statement = this.#statements.get(text);
    if (statement !== undefined) {
      this.#statements.delete(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  nextName(): string {
    return `cadence_${++this.#serial}`;
  }

  add(text: string, statement: Statement): void {
    this.#statements.set(text, statement);
    if (this.#statements.size <= STATEMENT_CACHE_SIZE) return;
    const [oldest] = this.#statements;
    if (oldest !== undefined) this.drop(oldest[0]);
  }

  drop(text: string): void {
    const statement = this.#statements.get(text);
    if (statement === undefined) return;
    this.#statements.delete(text);
    this.#closing.push(statement.name);
  }

  /** Close messages for dropped statements, sent ahead of the next exchange. */
  takeCloses(): Uint8Array[] {
    if (this.#closing.length === 0) return [];
    const closes = this.#closing.map((name) => serialize.close({ type: "S", name }));
    this.#closing = [];
    return closes;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const message = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  return message;
}

/** Decorates a database error as PGlite's `query` does, so callers see the same error either way. */
function asQueryError(error: unknown, query: string, params: unknown[], options: QueryOptions | undefined): unknown {
  if (error instanceof Error && "code" in error) Object.assign(error, { query, params, queryOptions: options });
  return error;
}

/** One round into the WASM backend: every message at once, ending in Sync (errors are thrown after the Sync). */
function exchange(client: PGlite, message: Uint8Array, options: QueryOptions | undefined): Promise<messages.BackendMessage[]> {
  return client.execProtocolStream(message, { syncToFs: false, ...(options?.onNotice ? { onNotice: options.onNotice } : {}) });
}

async function prepareStatement(client: PGlite, cache: StatementCache, text: string, options: QueryOptions | undefined): Promise<Statement> {
  const name = cache.nextName();
  const replies = await exchange(client, concat([...cache.takeCloses(), serialize.parse({ name, text }), serialize.describe({ type: "S", name }), serialize.sync()]), options);
  const parameters = replies.find((reply) => reply.name === "parameterDescription") as messages.ParameterDescriptionMessage | undefined;
  const row = replies.find((reply) => reply.name === "rowDescription") as messages.RowDescriptionMessage | undefined;
  const statement = {
    name,
    paramTypes: parameters?.dataTypeIDs ?? [],
    fields: row?.fields.map(({ name: field, dataTypeID }) => ({ name: field, dataTypeID })) ?? [],
  };
  cache.add(text, statement);
  return statement;
}

function bindValues(client: PGlite, statement: Statement, params: unknown[], options: QueryOptions | undefined): WireValue[] {
  return params.map((param, i) => {
    if (param === null || param === undefined) return null;
    const oid = statement.paramTypes[i] ?? 0;
    const serializer = options?.serializers?.[oid] ?? client.serializers[oid];
    return serializer ? (serializer(param) as WireValue) : String(param);
  });
}

/**
 * Runs a statement as a named prepared statement: parsed, described and planned once, then one Bind/Execute/Sync
 * round per call. PGlite's `query` makes six rounds into the WASM backend per call (Parse, Describe, Bind,
 * Describe, Execute, Sync) and re-parses and re-plans the text each time. Runs under PGlite's query mutex.
 */
async function run<T>(client: PGlite, cache: StatementCache, text: string, params: unknown[], options: QueryOptions | undefined, mayRetry: boolean): Promise<Results<T>> {
  try {
    const statement = cache.get(text) ?? (await prepareStatement(client, cache, text, options));
    const values = bindValues(client, statement, params, options);
    const replies = await exchange(client, bindExecuteSync(cache.takeCloses(), statement.name, values), options);
    return toResults<T>(client, replies, statement.fields, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && STALE_STATEMENT.has(code)) {
      cache.drop(text);
      // Outside a transaction nothing was aborted: prepare it afresh once. Inside one, the transaction has failed.
      if (mayRetry && !client.isInTransaction()) return run<T>(client, cache, text, params, options, false);
    }
    throw asQueryError(error, text, params, options);
  }
}

function repeated(text: string, options: QueryOptions | undefined): boolean {
  return options?.paramTypes === undefined && options?.blob === undefined && REPEATED.test(text);
}

/**
 * Whether PGlite's filesystem keeps anything to write back after a query. Its Node and in-memory filesystems write
 * through (their `syncToFs` is the no-op they inherit); PGlite still runs the no-op under a mutex after every
 * query, a fifth of the garbage a cached query made.
 */
function syncsToFs(client: PGlite): boolean {
  return client.fs === undefined || client.fs.syncToFs !== MemoryFS.prototype.syncToFs;
}

/**
 * Makes PGlite keep the statements drizzle sends as named prepared statements (a bounded cache keyed by SQL text),
 * for `query` and for `query` on the handle a transaction passes to its callback. Same locking as PGlite's own
 * `query` (the transaction mutex outside a transaction, the query mutex always), same results and errors.
 */
export function prepareStatements(client: PGlite): void {
  const cache = new StatementCache();
  const sync = syncsToFs(client);
  const query = client.query.bind(client);
  client.query = (async <T>(text: string, params?: Params, options?: QueryOptions): Promise<Results<T>> => {
    if (!repeated(text, options)) return query<T>(text, params, options);
    await client._checkReady();
    return client._runExclusiveTransaction(() =>
      client._runExclusiveQuery(async () => {
        const result = await run<T>(client, cache, text, params ?? [], options, true);
        if (sync) await client.syncToFs();
        return result;
      }),
    );
  }) as Query;
  const transaction = client.transaction.bind(client);
  client.transaction = <T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      const txQuery = tx.query.bind(tx);
      tx.query = (async <R>(text: string, params?: Params, options?: QueryOptions): Promise<Results<R>> => {
        if (!repeated(text, options)) return txQuery<R>(text, params, options);
        if (tx.closed) throw new Error("Transaction is closed");
        return client._runExclusiveQuery(() => run<R>(client, cache, text, params ?? [], options, false));
      }) as Transaction["query"];
      return callback(tx);
    });
}
