import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle, Executor } from "../src/index.js";
import { prepared, rawRows } from "../src/prepared.js";
import { users } from "../src/schema/index.js";
import { createPostgresCopy, openMigratedPglite, openPostgresDatabase } from "../src/testing.js";

const postgresUrl = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : undefined;

let builds = 0;
const userByName = prepared((db) => {
  builds++;
  return db.select({ id: users.id, email: users.email }).from(users).where(eq(users.username, sql.placeholder("username"))).prepare("test_user_by_name");
});
const insertUser = prepared((db) =>
  db
    .insert(users)
    .values({ email: sql.placeholder("email"), username: sql.placeholder("username"), passwordHash: "x" })
    .returning({ id: users.id })
    .prepare("test_insert_user"),
);

// Aliased output names and a value the database computes itself: rawRows hands these rows over as they are.
const userOutputByName = prepared((db) =>
  db
    .select({
      id: sql`${users.id}`.as("id"),
      userName: sql`${users.username}`.as("userName"),
      shouted: sql`upper(${users.username})`.as("shouted"),
    })
    .from(users)
    .where(eq(users.username, sql.placeholder("username")))
    .prepare("test_user_output_by_name"),
);

const insert = (db: Executor, username: string) => insertUser(db).execute({ email: `${username}@example.com`, username });

class Rollback extends Error {}

function preparedSuite(open: () => Promise<{ handle: DatabaseHandle; close: () => Promise<void> }>) {
  let handle: DatabaseHandle;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ handle, close } = await open());
  });
  afterAll(() => close());

  it("runs a query built once with each call's own values", async () => {
    await insert(handle.db, "ann");
    await insert(handle.db, "ben");
    const before = builds;
    expect(await userByName(handle.db).execute({ username: "ann" })).toMatchObject([{ email: "ann@example.com" }]);
    expect(await userByName(handle.db).execute({ username: "ben" })).toMatchObject([{ email: "ben@example.com" }]);
    expect(await userByName(handle.db).execute({ username: "nobody" })).toEqual([]);
    expect(builds - before).toBeLessThanOrEqual(1);
  });

  it("runs inside the caller's transaction: it sees the transaction's writes and its own writes roll back with it", async () => {
    await expect(
      handle.db.transaction(async (tx) => {
        await insert(tx, "cat");
        expect(await userByName(tx).execute({ username: "cat" })).toHaveLength(1);
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await userByName(handle.db).execute({ username: "cat" })).toEqual([]);
  });

  it("rawRows answers the driver's rows named by the selection's aliases, inside a transaction too", async () => {
    const [{ id }] = (await insert(handle.db, "fay")) as [{ id: string }];
    const expected = [{ id, userName: "fay", shouted: "FAY" }];
    expect([...(await rawRows(userOutputByName(handle.db), { username: "fay" }))]).toEqual(expected);
    await handle.db.transaction(async (tx) => {
      expect([...(await rawRows(userOutputByName(tx), { username: "fay" }))]).toEqual(expected);
    });
  });

  it("commits its writes with the transaction", async () => {
    await handle.db.transaction(async (tx) => {
      await insert(tx, "dan");
    });
    expect(await userByName(handle.db).execute({ username: "dan" })).toHaveLength(1);
  });
}

describe("prepared, on embedded PGlite", () => {
  preparedSuite(async () => {
    const handle = await openMigratedPglite();
    return { handle, close: () => handle.close() };
  });

  it("builds a query once per database, and each database answers from its own rows", async () => {
    const [one, two] = [await openMigratedPglite(), await openMigratedPglite()];
    try {
      await insert(one.db, "eve");
      const before = builds;
      expect(await userByName(one.db).execute({ username: "eve" })).toHaveLength(1);
      expect(await userByName(two.db).execute({ username: "eve" })).toEqual([]);
      await userByName(one.db).execute({ username: "eve" });
      await userByName(two.db).execute({ username: "eve" });
      expect(builds - before).toBe(2);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

describe.skipIf(!postgresUrl)("prepared, on real PostgreSQL (skipped on embedded runs because it needs DATABASE_URL)", () => {
  preparedSuite(async () => {
    const copy = await createPostgresCopy(postgresUrl as string, "template1");
    const handle = await openPostgresDatabase(copy.url);
    await handle.migrate();
    return {
      handle,
      close: async () => {
        await handle.close();
        await copy.drop();
      },
    };
  });
});
