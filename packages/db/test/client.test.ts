import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { databaseKind, openDatabase } from "../src/index.js";
import { readFileSync } from "node:fs";
import { createPostgresCopy, migratedPgliteSnapshot, openPgliteCopy, openPostgresDatabase } from "../src/testing.js";
import { users } from "../src/schema/index.js";

const journal = JSON.parse(readFileSync(new URL("../migrations/meta/_journal.json", import.meta.url), "utf8")) as {
  entries: unknown[];
};
const postgresUrl = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : undefined;

describe("databaseKind", () => {
  it.each([
    [undefined, "embedded"],
    ["", "embedded"],
    ["memory://", "memory"],
    ["postgres://u@localhost/db", "postgres"],
    ["postgresql://u@localhost:5433/db", "postgres"],
  ] as const)("classifies %s as %s", (url, kind) => {
    expect(databaseKind(url)).toBe(kind);
  });

  it("refuses any other scheme with a message naming DATABASE_URL", () => {
    expect(() => databaseKind("mysql://localhost/db")).toThrow(/DATABASE_URL/);
  });
});

// These two tests are about opening PGlite itself, so each pays one cold start (initdb in WASM): ~3-5 s on a quiet
// machine, many times that on a busy one. Every other test starts from the cached migrated snapshot.
const COLD_START_TIMEOUT = 240_000;

describe("embedded database", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("persists data in its data directory across reopen, with migrations applied once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cadence-db-"));
    dirs.push(dataDir);
    const first = await openDatabase({ dataDir });
    await first.migrate();
    await expect(openDatabase({ dataDir })).rejects.toThrow(`is in use by PID ${process.pid}`);
    await first.db.insert(users).values({ email: "a@example.com", username: "alice", passwordHash: "x" });
    await first.close();

    const second = await openDatabase({ dataDir });
    await second.migrate();
    const rows = await second.db.select({ username: users.username }).from(users);
    // PostgreSQL's 128 MB default pool would be resident in the WASM memory: ~150 MB more RSS for a small database.
    const buffers = (await second.db.execute(sql`show shared_buffers`)) as unknown as { rows: unknown[] };
    await second.close();
    expect(rows).toEqual([{ username: "alice" }]);
    expect(buffers.rows).toEqual([{ shared_buffers: "16MB" }]);
  }, COLD_START_TIMEOUT);

  it("keeps memory:// databases private to their handle", async () => {
    const a = await openDatabase({ url: "memory://", dataDir: "unused" });
    await a.migrate();
    await a.db.insert(users).values({ email: "b@example.com", username: "bob", passwordHash: "x" });
    // A second memory:// handle is a second cold start; a copy of the migrated snapshot is the same kind of
    // in-memory PGlite without paying it, and must not see a's row either.
    const b = await openPgliteCopy(new Blob([readFileSync(await migratedPgliteSnapshot())]));
    expect(await b.db.select().from(users)).toEqual([]);
    expect(await a.db.select({ username: users.username }).from(users)).toEqual([{ username: "bob" }]);
    await Promise.all([a.close(), b.close()]);
  }, COLD_START_TIMEOUT);

  it("delivers notifications to a listener, and its unsubscribe resolves even after the database closed", async () => {
    const handle = await openPgliteCopy(new Blob([readFileSync(await migratedPgliteSnapshot())]));
    const payloads: string[] = [];
    const unsubscribe = await handle.subscribeNotifications("cadence_test", (payload) => payloads.push(payload));
    await handle.db.execute(sql`select pg_notify('cadence_test', 'hello')`);
    await expect.poll(() => payloads).toEqual(["hello"]);
    await handle.close();
    // A server whose database went away still stops cleanly: nothing rejects, in the call or unhandled.
    await expect(unsubscribe()).resolves.toBeUndefined();
  });
});

describe.skipIf(!postgresUrl)("real PostgreSQL (skipped on embedded runs because it needs DATABASE_URL)", () => {
  it("lets several instances migrate one database at once without racing", async () => {
    const copy = await createPostgresCopy(postgresUrl as string, "template1");
    try {
      const handles = await Promise.all(Array.from({ length: 5 }, () => openPostgresDatabase(copy.url)));
      await Promise.all(handles.map((handle) => handle.migrate()));
      const [first] = handles;
      const applied = await first?.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const rows = (Array.isArray(applied) ? applied : (applied as { rows: unknown[] } | undefined)?.rows) ?? [];
      expect(rows).toEqual([{ n: journal.entries.length }]);
      expect(await first?.db.select().from(users)).toEqual([]);
      await Promise.all(handles.map((handle) => handle.close()));
    } finally {
      await copy.drop();
    }
  });
});
