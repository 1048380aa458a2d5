import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openPostgres } from "../src/drivers/postgres.js";
import type { DatabaseHandle } from "../src/index.js";
import { openMigratedPglite } from "../src/testing.js";

const postgresUrl = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : undefined;

/** A failing query, alone and inside a transaction: each counts once as a query error. */
async function failTwice(handle: DatabaseHandle): Promise<void> {
  await expect(handle.db.execute(sql`select * from no_such_table`)).rejects.toThrow();
  await expect(
    handle.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await tx.execute(sql`select * from no_such_table`);
    }),
  ).rejects.toThrow();
}

describe("pool stats", () => {
  it("PGlite: a pool of one, idle after its queries, counting each failed query", async () => {
    const handle = await openMigratedPglite();
    try {
      await handle.db.execute(sql`select 1`);
      await failTwice(handle);
      expect(handle.stats()).toEqual({ size: 1, busy: 0, waiting: 0, queryErrors: 2 });
    } finally {
      await handle.close();
    }
  });

  it.skipIf(!postgresUrl)("postgres.js: busy and waiting while queries outnumber connections, then idle (needs DATABASE_URL)", async () => {
    const handle = await openPostgres({ url: postgresUrl ?? "", maxConnections: 2 });
    try {
      const sleeping = Promise.all([1, 2, 3].map(() => handle.db.execute(sql`select pg_sleep(0.5)`)));
      const transaction = handle.db.transaction(async (tx) => tx.execute(sql`select pg_sleep(0.5)`));
      await expect.poll(() => handle.stats(), { timeout: 5000 }).toEqual({ size: 2, busy: 2, waiting: 2, queryErrors: 0 });
      await Promise.all([sleeping, transaction]);
      await failTwice(handle);
      expect(handle.stats()).toEqual({ size: 2, busy: 0, waiting: 0, queryErrors: 2 });
    } finally {
      await handle.close();
    }
  });
});
