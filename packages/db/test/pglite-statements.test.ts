import { PGlite, type Results } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite } from "../src/drivers/pglite.js";
import { STATEMENT_CACHE_SIZE } from "../src/drivers/pglite-statements.js";
import type { DatabaseHandle } from "../src/index.js";

const SETUP = `
  create table things (id serial primary key, name text not null unique, tags text[] not null default '{}',
    meta jsonb, price numeric(10, 2), born date, seen timestamptz, flag boolean, big bigint);
  insert into things (name, tags, meta, price, born, seen, flag, big) values
    ('one', '{a,b}', '{"k": 1}', 12.5, '2027-03-01', '2027-03-01 10:00:00+00', true, 9007199254740993),
    ('two', '{}', null, null, null, null, null, null);
`;

/** Drizzle types raw results as unknown for a driver-agnostic database; on PGlite they carry `rows`. */
const rowsOf = (result: unknown) => (result as { rows: unknown[] }).rows;
const clientOf = (handle: DatabaseHandle) => (handle.db as unknown as { $client: PGlite }).$client;

/** Named statements the embedded backend holds right now. */
async function preparedNames(handle: DatabaseHandle): Promise<string[]> {
  const result = await clientOf(handle).exec("select name from pg_prepared_statements order by name");
  return (result[0]?.rows ?? []).map((row) => String(row.name));
}

describe("statements on embedded PGlite", () => {
  let handle: DatabaseHandle;
  let plain: PGlite;
  beforeAll(async () => {
    handle = await openPglite({});
    plain = await PGlite.create();
    await clientOf(handle).exec(SETUP);
    await plain.exec(SETUP);
  });
  afterAll(async () => {
    await handle.close();
    await plain.close();
  });

  it("prepares a repeated statement once and runs it by name", async () => {
    const text = "select name from things where name = $1";
    for (const name of ["one", "two", "one"]) {
      expect((await clientOf(handle).query(text, [name])).rows).toEqual([{ name }]);
    }
    const statements = await clientOf(handle).query<{ statement: string }>("select statement from pg_prepared_statements where statement = $1", [text]);
    expect(statements.rows).toHaveLength(1);
  });

  it("answers with the same rows, fields and counts as PGlite's own query, in both row modes", async () => {
    const cases: [string, unknown[]][] = [
      ["select * from things order by id", []],
      ["select id, tags, meta, price, born, seen, flag, big from things where name = $1 or $2::int > 0", ["one", 0]],
      ["select count(*) as n from things where tags @> $1", [["a"]]],
      ["update things set flag = $1 where id > $2", [false, 0]],
      ["insert into things (name, meta, seen) values ($1, $2, $3) returning id, meta, seen", ["three", { k: [1, 2] }, new Date("2027-01-02T03:04:05Z")]],
      ["delete from things where name = $1", ["three"]],
      ["with t as (select name from things) select name from t where name like $1 order by 1", ["t%"]],
    ];
    const parsers = { 1184: (value: string) => value, 1082: (value: string) => value };
    for (const options of [undefined, { rowMode: "array" as const, parsers }]) {
      for (const [text, params] of cases) {
        const [ours, theirs] = [await clientOf(handle).query(text, params, options), await plain.query(text, params, options)];
        expect(ours, text).toEqual(theirs);
      }
    }
  });

  it("throws the same database errors, with the query and its params, and does not keep a statement that failed to parse", async () => {
    const duplicate = "insert into things (name) values ($1)";
    const errorOf = (run: Promise<Results>) => run.then(() => undefined, (error: unknown) => error as Record<string, unknown>);
    const [ours, theirs] = [await errorOf(clientOf(handle).query(duplicate, ["one"])), await errorOf(plain.query(duplicate, ["one"]))];
    expect(ours).toMatchObject({ code: "23505", constraint: "things_name_key", query: duplicate, params: ["one"] });
    expect(ours?.message).toBe(theirs?.message);
    const before = await preparedNames(handle);
    await expect(clientOf(handle).query("select nope from things where id = $1", [1])).rejects.toMatchObject({ code: "42703" });
    await expect(clientOf(handle).query("select nope from things where id = $1", [1])).rejects.toMatchObject({ code: "42703" });
    expect(await preparedNames(handle)).toEqual(before);
    expect((await clientOf(handle).query("select count(*)::int as n from things")).rows).toEqual([{ n: 2 }]);
  });

  it("prepares a statement again when a schema change alters its result columns", async () => {
    await clientOf(handle).exec("create table shapes (id int)");
    await clientOf(handle).query("insert into shapes (id) values ($1)", [1]);
    expect((await clientOf(handle).query("select * from shapes")).rows).toEqual([{ id: 1 }]);
    await clientOf(handle).exec("alter table shapes add column label text default 'x'");
    expect((await clientOf(handle).query("select * from shapes")).rows).toEqual([{ id: 1, label: "x" }]);
  });

  it(`keeps at most ${STATEMENT_CACHE_SIZE} statements, closing the least recently used`, async () => {
    for (let i = 0; i < STATEMENT_CACHE_SIZE + 20; i++) await clientOf(handle).query(`select ${i} as n`);
    const names = await preparedNames(handle);
    expect(names.length).toBeLessThanOrEqual(STATEMENT_CACHE_SIZE);
    expect((await clientOf(handle).query(`select ${STATEMENT_CACHE_SIZE + 19} as n`)).rows).toEqual([{ n: STATEMENT_CACHE_SIZE + 19 }]);
  });

  it("runs a query outside a transaction only after the transaction ends, never inside it", async () => {
    let inserted!: () => void;
    const insertedOnce = new Promise<void>((resolve) => (inserted = resolve));
    class Rollback extends Error {}
    const transaction = handle.db.transaction(async (tx) => {
      await tx.execute(sql`insert into things (name) values (${"uncommitted"})`);
      inserted();
      // Let the outside query queue up while this transaction still holds the database.
      await new Promise((resolve) => setImmediate(resolve));
      expect(rowsOf(await tx.execute(sql`select count(*)::int as n from things where name = ${"uncommitted"}`))).toEqual([{ n: 1 }]);
      throw new Rollback();
    });
    await insertedOnce;
    const outside = handle.db.execute(sql`select count(*)::int as n from things where name = ${"uncommitted"}`);
    await expect(transaction).rejects.toBeInstanceOf(Rollback);
    expect(rowsOf(await outside)).toEqual([{ n: 0 }]);
  });
});
