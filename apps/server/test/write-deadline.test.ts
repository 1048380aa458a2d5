import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginAdmin } from "./support/admin.js";
import { bearer, json } from "./support/auth.js";
import { startTestServer, type TestServer } from "./support/server.js";

/**
 * A write that misses the database deadline is answered 503 ("retry shortly"); the client then retries or gives up,
 * so the abandoned transaction must not commit behind its back (a retried PATCH would apply twice, a live
 * subscriber would see a change its author was told failed). The test's own transaction holds the task row (on
 * PostgreSQL; the embedded database runs one transaction at a time, so there it holds everything) until the 503
 * has arrived, then lets the abandoned work run on.
 */
const onPostgres = Boolean(inject("postgresTemplate"));
const DATABASE_TIMEOUT_MS = 1000;

let server: TestServer;
let token: string;
let taskId: string;

beforeAll(async () => {
  server = await startTestServer({ DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS) });
  token = (await loginAdmin(server)).accessToken;
  const project = (await (await server.rest("/projects", json("POST", { name: "deadline" }, token))).json()) as { id: string };
  const task = await server.rest(`/projects/${project.id}/tasks`, json("POST", { title: "original" }, token));
  taskId = ((await task.json()) as { id: string }).id;
});

afterAll(async () => {
  await server?.close();
});

describe("a write past the database deadline", () => {
  it("answers 503 and is rolled back, not committed once the database lets it through", async () => {
    const handle = server.database?.handle;
    if (!handle) throw new Error("the test server has no private database");
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`select id from tasks where id = ${taskId} for update`);
      const abandoned = server.rest(`/tasks/${taskId}`, json("PATCH", { title: "abandoned" }, token));
      if (onPostgres) {
        // The write is queued behind our row lock (so it is first in line once we commit).
        await expect
          .poll(async () => (await handle.db.execute(sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like 'select%for update%'`)) as unknown)
          .toSatisfy((rows) => JSON.stringify(rows).includes('"n":1'));
      }
      const answer = await abandoned;
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("2");
    });
    // Queued behind the abandoned write, so once this answers that one has finished, one way or the other.
    const after = await server.rest(`/tasks/${taskId}`, json("PATCH", { description: "after" }, token));
    expect(after.status).toBe(200);
    const task = (await (await server.rest(`/tasks/${taskId}`, bearer(token))).json()) as { title: string; description: string; version: number };
    expect(task).toMatchObject({ title: "original", description: "after", version: 2 });
  });
});
